/**
 * The menu's one full-screen widget: a fixed header, a scrolling body of rows, a footer, and keys.
 * Written on node:readline's keypress events rather than enquirer's Select, so that the menu decides
 * every key: digits are 1-based row numbers that, from ten rows on, wait for Enter (never a timer);
 * Esc and `b` go back on every screen; Ctrl-C cancels; the cursor may start on no row at all (Enter
 * then does nothing); a resize redraws at once at the new size; lines are cut to the width, never wrapped.
 */
import kleur from 'kleur';
import { printable } from '../core/render/printable.js';
import { fit } from '../core/render/render.js';
import { type Key, Keyboard } from './keyboard.js';

export { Keyboard };

export type Tone = 'plain' | 'bold' | 'dim' | 'warn' | 'gone';

export interface Row {
  /** What the user types to choose it: a row number, a letter; '' for a line that is only shown. */
  key: string;
  text: string;
  tone?: Tone;
  /** false: drawn from column 0 without the cursor's two columns (peek's screen lines). */
  gutter?: boolean;
}

export interface Spec {
  header: string[];
  rows: Row[];
  footer: string;
  /** Key of the row the cursor starts on; null or absent: none (Enter alone then does nothing). */
  cursor?: string | null;
  /** Ignore the `guard` keys this long after the screen first shows (a double tap meant for the screen before). */
  settleMs?: number;
  /** Keys that answer something (a prompt's options, reject): the ones settleMs holds back. */
  guard?: string[];
  /** Keys that act without a row of their own (`r` on a screen that lists it only in the footer). */
  keys?: string[];
  /** Start scrolled to the end (peek) instead of the top. */
  fromBottom?: boolean;
}

export interface Style {
  color: boolean;
  pointer: string;
  size: () => { columns: number; rows: number };
  /** Last change to every drawn line (ASCII only for --ascii and TERM=dumb). */
  text: (s: string) => string;
  write: (s: string) => void;
}

/** What run() resolves with: a row's key, or one of these. */
export const BACK = 'back';
export const CANCEL = 'cancel';

const PAINT: Record<Tone, (s: string) => string> = {
  plain: (s) => s,
  bold: kleur.bold,
  dim: kleur.dim,
  warn: kleur.yellow,
  gone: kleur.gray,
};

export class Screen {
  private cursorKey: string | null;
  /** Until the user moves the cursor, it follows the layout's choice (rows may arrive late). */
  private moved = false;
  private top = 0;
  private digits = '';
  private note = '';
  private shownAt = 0;
  private layout: () => Spec;
  private done: ((key: string) => void) | undefined;
  private onResize = () => {
    this.style.write('\x1b[2J');
    this.render();
  };

  /** `spec` may be a function: it is laid out again on every draw, so a resize reflows the content. */
  constructor(
    private readonly kb: Keyboard,
    spec: Spec | (() => Spec),
    private readonly style: Style,
  ) {
    this.layout = typeof spec === 'function' ? spec : () => spec;
    this.cursorKey = this.layout().cursor ?? null;
  }

  private get spec(): Spec {
    return this.layout();
  }

  /** Shows the screen until a row is chosen (its key), or BACK, or CANCEL. */
  run(): Promise<string> {
    return new Promise((resolve) => {
      this.done = resolve;
      this.shownAt = Date.now();
      if (this.spec.fromBottom) this.top = Number.MAX_SAFE_INTEGER;
      process.stdout.on('resize', this.onResize);
      this.kb.listen((ch, key) => this.key(ch, key));
      this.render();
    });
  }

  /**
   * Draw again (new content in the layout). `reset`: the content changed in meaning (another prompt):
   * the cursor goes back to where the layout says and row keys wait out the settle time again.
   */
  refresh(reset = false): void {
    if (reset) {
      this.moved = false;
      this.shownAt = Date.now();
      this.digits = '';
    }
    if (this.done) this.render();
  }

  get open(): boolean {
    return this.done !== undefined;
  }

  private finish(key: string): void {
    const done = this.done;
    this.done = undefined;
    this.kb.listen(undefined);
    process.stdout.off('resize', this.onResize);
    done?.(key);
  }

  private choose(key: string): void {
    const spec = this.spec;
    if (spec.settleMs && spec.guard?.includes(key) && Date.now() - this.shownAt < spec.settleMs) {
      this.note = 'just changed: read it, then press again';
      this.render();
      return;
    }
    if (key !== '' && (spec.rows.some((r) => r.key === key) || spec.keys?.includes(key))) this.finish(key);
    else {
      this.note = /^\d+$/.test(key) ? `no ${key} here` : '';
      this.render();
    }
  }

  private numbered(): number {
    return this.spec.rows.filter((r) => /^\d+$/.test(r.key)).length;
  }

  private key(ch: string | undefined, key: Key): void {
    const name = key.name ?? '';
    if (key.ctrl && name === 'c') {
      this.finish(CANCEL);
      return;
    }
    this.note = '';
    if (name === 'escape') {
      if (this.digits) {
        this.digits = '';
        this.render();
        return;
      }
      this.finish(BACK);
      return;
    }
    if (name === 'return' || name === 'enter') {
      if (this.digits) {
        const typed = String(Number(this.digits));
        this.digits = '';
        this.choose(typed);
        return;
      }
      const at = this.moved ? this.cursorKey : (this.spec.cursor ?? null);
      if (at !== null) this.choose(at);
      return;
    }
    if (name === 'backspace') {
      this.digits = this.digits.slice(0, -1);
      this.render();
      return;
    }
    if (name === 'up' || name === 'down') {
      this.move(name === 'up' ? -1 : 1);
      return;
    }
    if (name === 'pageup' || name === 'pagedown') {
      this.scroll((name === 'pageup' ? -1 : 1) * Math.max(1, this.height() - 1));
      return;
    }
    if (key.ctrl || key.meta || !ch || ch.length !== 1) return;
    if (/[0-9]/.test(ch)) {
      // Up to nine rows a digit chooses at once; from ten on, digits wait for Enter (never a timer).
      const n = this.numbered();
      if (n < 10) {
        this.choose(ch);
        return;
      }
      if (this.digits.length < String(n).length) this.digits += ch;
      this.render();
      return;
    }
    if (ch.toLowerCase() === 'b') {
      this.finish(BACK);
      return;
    }
    this.choose(ch.toLowerCase());
  }

  /** Up/Down: to the next row that can be chosen; past the first or last, scroll the shown lines. */
  private move(step: 1 | -1): void {
    const rows = this.spec.rows;
    const current = this.moved ? this.cursorKey : (this.spec.cursor ?? null);
    const at = current === null ? -1 : rows.findIndex((r) => r.key === current);
    let next = -1;
    if (at < 0) {
      if (step > 0) next = rows.findIndex((r, i) => i >= this.top && i < this.top + this.height() && r.key !== '');
    } else {
      for (let i = at + step; i >= 0 && i < rows.length; i += step) {
        if (rows[i]!.key !== '') {
          next = i;
          break;
        }
      }
    }
    if (next < 0) {
      this.scroll(step);
      return;
    }
    this.cursorKey = rows[next]!.key;
    this.moved = true;
    this.render();
  }

  private scroll(by: number): void {
    this.top = Math.max(0, this.top + by);
    this.render();
  }

  private height(): number {
    return Math.max(1, this.style.size().rows - this.spec.header.length - 1);
  }

  private render(): void {
    const spec = this.spec;
    const { columns, rows: screenRows } = this.style.size();
    const height = this.height();
    const rows = spec.rows;
    if (!this.moved) this.cursorKey = spec.cursor ?? null;
    const cursor = this.cursorKey === null ? -1 : rows.findIndex((r) => r.key === this.cursorKey);
    if (cursor >= 0 && cursor < this.top) this.top = cursor;
    // Scrolling down to the cursor shows one more row below it, where there is one (what comes next).
    if (cursor >= 0 && cursor >= this.top + height)
      this.top = Math.min(cursor - height + (height > 1 ? 2 : 1), rows.length - height);
    this.top = Math.min(this.top, Math.max(0, rows.length - height));
    const c = this.style.color;
    const line = (s: string) => fit(this.style.text(printable(s)), columns);
    const header = spec.header.map((h, i) => (i === 0 && c ? kleur.bold(line(h)) : line(h)));
    const body = rows.slice(this.top, this.top + height).map((r, k) => {
      const focused = this.top + k === cursor;
      const text = line(r.gutter === false ? r.text : `${focused ? this.style.pointer : ' '} ${r.text}`);
      const painted = c ? PAINT[r.tone ?? 'plain'](text) : text;
      return focused && c ? kleur.inverse(painted) : painted;
    });
    const below = rows.length - this.top - height;
    const status = this.digits ? `go to ${this.digits}_ (Enter)` : this.note;
    const footer = line([status, spec.footer, below > 0 ? `${below} more below` : ''].filter(Boolean).join(' · '));
    const lines = [...header, ...body, c ? kleur.dim(footer) : footer];
    // Each line at its own row, cleared first: nothing wraps or scrolls, whatever the last column holds.
    let out = lines.map((l, i) => `\x1b[${i + 1};1H\x1b[2K${l}`).join('');
    if (lines.length < screenRows) out += `\x1b[${lines.length + 1};1H\x1b[J`;
    this.style.write(out);
  }
}
