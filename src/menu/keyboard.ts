/** The menu's keyboard: raw mode, node:readline's keypress events, one listener routed to the screen on show. */
import { emitKeypressEvents } from 'node:readline';

export interface Key {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
}
export type Handler = (ch: string | undefined, key: Key) => void;

/**
 * One keypress listener for the whole menu. Keys go to the screen on show, or nowhere: a key typed
 * while a round trip runs is dropped, so a digit never falls through to the screen that comes next.
 */
export class Keyboard {
  private handler: Handler | undefined;
  private on = false;

  constructor(
    private readonly stdin: NodeJS.ReadStream,
    /** Ctrl-C while no screen is up (a round trip runs): the menu ends. */
    private readonly onCtrlC: () => void,
  ) {}

  private route = (ch: string | undefined, key: Key | undefined) => {
    if (!this.handler && key?.ctrl && key.name === 'c') {
      this.onCtrlC();
      return;
    }
    this.handler?.(ch, key ?? {});
  };

  start(): void {
    if (this.on) return;
    this.on = true;
    emitKeypressEvents(this.stdin);
    if (this.stdin.isTTY) this.stdin.setRawMode(true);
    this.stdin.on('keypress', this.route);
    this.stdin.resume();
  }

  stop(): void {
    if (!this.on) return;
    this.on = false;
    this.stdin.off('keypress', this.route);
    if (this.stdin.isTTY) this.stdin.setRawMode(false);
    this.stdin.pause();
  }

  /** Hand the terminal to something else (a line of input, tmux attach) and take it back after. */
  async suspend<T>(fn: () => Promise<T>): Promise<T> {
    this.stop();
    try {
      return await fn();
    } finally {
      this.start();
    }
  }

  listen(handler: Handler | undefined): void {
    this.handler = handler;
  }
}
