/** What every menu screen shares: the context, the terminal, the keyboard, and a few small screens. */
import Enquirer from 'enquirer';
import type { Agent } from '../core/agents/agents.js';
import type { Host } from '../core/hosts/config.js';
import { type Glyphs, toAscii } from '../core/render/menu-layout.js';
import { printable } from '../core/render/printable.js';
import { fit } from '../core/render/render.js';
import type { Ctx } from '../remote/context.js';
import type { HostReport } from '../remote/list.js';
import { BACK, CANCEL, type Keyboard, type Row, Screen, type Spec, type Style } from './screen.js';

const { Input } = Enquirer as unknown as { Input: new (o: object) => { run(): Promise<string> } };

export const ALT_ON = '\x1b[?1049h\x1b[?25l';
export const ALT_OFF = '\x1b[?25h\x1b[?1049l';

export interface View {
  ctx: Ctx;
  glyphs: Glyphs;
  color: boolean;
  ascii: boolean;
  kb: Keyboard;
  /** Seconds between the list's and the agent screen's own refreshes. */
  refreshSeconds: number;
  reports: Map<string, HostReport>;
  /** When each host last answered (ms). */
  answeredAt: Map<string, number>;
  /** `sync: 2 behind`, once Syncthing has answered (null: nothing to say). */
  sync?: string | null;
  /** Redraw the main screen when something arrives in the background. */
  redraw?: () => void;
}

export const size = () => ({ columns: process.stdout.columns || 40, rows: process.stdout.rows || 20 });

export const style = (v: View): Style => ({
  color: v.color,
  pointer: v.glyphs.pointer,
  size,
  text: (s) => (v.ascii ? toAscii(s) : s),
  write: (s) => void process.stdout.write(s),
});

export const hostOf = (v: View, agent: Agent): Host => v.ctx.config.hosts.find((h) => h.name === agent.host)!;

/** Shows a screen until a key; BACK when the user backs out; CANCEL on Ctrl-C. */
export const show = (v: View, spec: Spec): Promise<string> => new Screen(v.kb, spec, style(v)).run();

const line = (v: View, s: string) => fit(v.ascii ? toAscii(printable(s)) : printable(s), size().columns);

/** `4s ago`, `1m ago`: how fresh what the screen shows is. */
export function age(ms: number | undefined): string {
  if (ms === undefined) return 'not yet';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s}s ago` : `${Math.floor(s / 60)}m ago`;
}

/** Lines full screen (results, errors) with `b  back` under them (Enter goes back too). */
export async function textScreen(v: View, title: string, body: string[]): Promise<string> {
  const rows: Row[] = [...body.map((l) => ({ key: '', text: l, gutter: false })), { key: 'b', text: 'b  back' }];
  return show(v, { header: [title], rows, footer: 'Esc/b back', cursor: 'b', fromBottom: true });
}

/** Shows an error and its hint. */
export const errorScreen = (v: View, error: unknown) =>
  textScreen(v, `✖ ${(error as Error).message}`, [(error as { hint?: string }).hint ?? '']);

/** One line of text; undefined when the user backs out (Esc, Ctrl-C), '' when they enter nothing. */
export async function ask(v: View, title: string, question: string): Promise<string | undefined> {
  process.stdout.write(`\x1b[H\x1b[J${line(v, title)}\n\x1b[?25h`);
  try {
    return await v.kb.suspend(() =>
      new Input({
        name: 'text',
        message: v.ascii ? toAscii(question) : question,
        prefix: '',
        separator: () => '',
      }).run(),
    );
  } catch {
    return undefined; // enquirer rejects on Esc and Ctrl-C
  } finally {
    process.stdout.write('\x1b[?25l');
  }
}

/** Immediate feedback while a round trip is under way: a phone user must see the tap landed. */
export function busy(v: View, what: string): void {
  process.stdout.write(`\x1b[H\x1b[J${line(v, `${what} ${v.glyphs.ellipsis}`)}`);
}

/** Leave the menu's screen for a program that needs the terminal (tmux attach), then come back. */
export async function withTerminal<T>(v: View, fn: () => Promise<T>): Promise<T> {
  process.stdout.write(ALT_OFF);
  try {
    return await v.kb.suspend(fn);
  } finally {
    process.stdout.write(ALT_ON);
  }
}

export { BACK, CANCEL };
