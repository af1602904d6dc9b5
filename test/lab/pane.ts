/**
 * A terminal on its own tmux server, running one command: the menu (or a login) driven as a person
 * would, keys in with send-keys and the screen read back with capture-pane. 40x20 (a phone) unless
 * told otherwise.
 */
import { execa } from 'execa';
import { eventually, which } from './lab.js';

export interface PaneOptions {
  cols?: number;
  rows?: number;
  /** Which of `env` go into the pane (tmux new-session -e). */
  pass?: RegExp;
  /** The environment of the tmux client itself (default: this process's). */
  clientEnv?: NodeJS.ProcessEnv;
  /** How long waitFor waits. */
  waitMs?: number;
}

export class Pane {
  constructor(
    readonly socket: string,
    private readonly waitMs = 15_000,
  ) {}
  static async start(socket: string, command: string, env: NodeJS.ProcessEnv = {}, o: PaneOptions = {}): Promise<Pane> {
    const pass = o.pass ?? /^(TRIMTAB_|PATH$|HOME$|TERM$|LANG$)/;
    const vars = Object.entries(env)
      .filter(([k]) => pass.test(k))
      .flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const size = ['-x', String(o.cols ?? 40), '-y', String(o.rows ?? 20)];
    // tmux by its full path: clientEnv may hold a PATH without it (tmux gives the first pane the
    // client's PATH, whatever -e says).
    await execa(which('tmux')!, ['-L', socket, '-f', '/dev/null', 'new-session', '-d', ...size, ...vars, command], {
      ...(o.clientEnv ? { env: o.clientEnv, extendEnv: false } : {}),
    });
    return new Pane(socket, o.waitMs);
  }
  /** tmux on this pane's server. */
  tmux(args: string[]) {
    return execa('tmux', ['-L', this.socket, ...args], { reject: false });
  }
  async screen(): Promise<string> {
    return (await this.tmux(['capture-pane', '-p'])).stdout;
  }
  async keys(...keys: string[]) {
    for (const k of keys) await execa('tmux', ['-L', this.socket, 'send-keys', k]);
  }
  async type(text: string) {
    await execa('tmux', ['-L', this.socket, 'send-keys', '-l', '--', text]);
  }
  async waitFor(pattern: RegExp | string, what = String(pattern), ms = this.waitMs): Promise<string> {
    let last = '';
    await eventually(
      async () => {
        last = await this.screen();
        return typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last);
      },
      `${what}; screen was:\n${last}`,
      ms,
    ).catch(() => {
      throw new Error(`timed out waiting for ${what}; screen was:\n${last}`);
    });
    return last;
  }
  async stop() {
    await this.tmux(['kill-server']);
  }
}
