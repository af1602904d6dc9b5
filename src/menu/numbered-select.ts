/**
 * A full-screen, phone-sized select built on enquirer's Select. What we change (STYLE.md, enquirer):
 * - digits are 1-based and select (enquirer's are 0-based and only move the cursor); two-digit
 *   numbers work: `1` waits briefly for a second digit only when one could follow;
 * - a letter selects the item with that key (`s`, `q`, ...);
 * - the list scrolls under a fixed header instead of enquirer's rotating choices, and every line is
 *   cut to the terminal width, so nothing wraps on a 40-column phone;
 * - items can be replaced while the prompt runs (remote hosts answering late).
 * Esc and Ctrl-C cancel: run() rejects, the caller treats that as "back".
 */
import Enquirer from 'enquirer';
import kleur from 'kleur';
import { scrollWindow, type Glyphs, type Item } from '../core/render/menu-layout.js';
import { fit } from '../core/render/render.js';

// enquirer's prompt classes are untyped for subclassing.
const { Select } = Enquirer as unknown as { Select: new (options: object) => object };

export interface ScreenOptions {
  header: string[];
  items: Item[];
  footer?: string;
  /** Key of the item the cursor starts on. */
  initial?: string;
  glyphs: Glyphs;
  color: boolean;
  size: () => { columns: number; rows: number };
  /** Called with the item's key and whether it is a row number, to colour it. */
  paint?: (item: Item, text: string) => string;
}

/** How long `1` waits for a second digit when there are 10 or more rows. */
const SECOND_DIGIT_MS = 600;

interface EnquirerSelect {
  index: number;
  choices: Array<{ name: string }>;
  options: { choices: Array<{ name: string; message: string }>; initial?: number };
  state: { submitted: boolean; closed: boolean; cancelled: boolean };
  stdout: NodeJS.WriteStream;
  submit(): Promise<void>;
  reset(): Promise<void>;
  emit(event: string, ...args: unknown[]): boolean;
  run(): Promise<string>;
}

export class NumberedSelect extends (Select as new (options: object) => EnquirerSelect) {
  private screen: ScreenOptions;
  private top = 0;
  private digits = '';
  private digitTimer: NodeJS.Timeout | undefined;
  private onResize = () => void this.render();

  constructor(screen: ScreenOptions) {
    const choices = screen.items.map((i) => ({ name: i.key, message: i.label }));
    const found = screen.items.findIndex((i) => i.key === screen.initial);
    super({ name: 'menu', message: '', choices, initial: Math.max(0, found) });
    this.screen = screen;
    this.stdout.on('resize', this.onResize);
  }

  private next: Pick<ScreenOptions, 'header' | 'items' | 'footer'> | undefined;
  private updating = false;

  /**
   * Swap header, items and footer while running; the cursor stays on the same key. Updates arriving
   * while one is applied are coalesced: only the latest is drawn (enquirer's reset() is async).
   */
  async update(view: Pick<ScreenOptions, 'header' | 'items' | 'footer'>): Promise<void> {
    this.next = view;
    if (this.updating) return;
    this.updating = true;
    try {
      while (this.next && !this.state.closed) {
        const { header, items, footer } = this.next;
        this.next = undefined;
        // Until the user moves, the cursor follows the screen's initial key (it may only now exist).
        const key = this.moved ? this.choices[this.index]?.name : this.screen.initial;
        this.screen = { ...this.screen, header, items, footer };
        this.options.choices = items.map((i) => ({ name: i.key, message: i.label }));
        // enquirer's reset() enables the `initial` row by number: it must exist in the new list.
        this.options.initial = 0;
        await this.reset();
        this.index = this.firstSelectable(Math.max(0, items.findIndex((i) => i.key === key)), 1);
        await this.render();
      }
    } finally {
      this.updating = false;
    }
  }

  private selectKey(key: string): Promise<void> | void {
    const at = this.screen.items.findIndex((i) => i.key === key);
    if (at < 0) return;
    this.index = at;
    return this.submit();
  }

  number(ch: string) {
    clearTimeout(this.digitTimer);
    this.digits += ch;
    const rows = this.screen.items.filter((i) => /^\d+$/.test(i.key)).length;
    const typed = this.digits;
    const done = () => {
      this.digits = '';
      return this.selectKey(String(Number(typed)));
    };
    // Select at once unless another digit could still make a valid row number.
    if (Number(`${typed}0`) > rows || typed.length >= String(rows).length) return done();
    this.digitTimer = setTimeout(() => void done(), SECOND_DIGIT_MS);
  }

  dispatch(ch: string) {
    if (ch && this.screen.items.some((i) => i.key === ch.toLowerCase())) return this.selectKey(ch.toLowerCase());
  }

  private moved = false;

  /** enquirer's reset puts the cursor on `initial` even if that row is a label: step past labels. */
  override async reset(): Promise<void> {
    await super.reset();
    if (this.screen) this.index = this.firstSelectable(this.index, 1);
  }

  /** From `start`, stepping by `step`, the first item that has a key (rows without one are labels). */
  private firstSelectable(start: number, step: 1 | -1): number {
    const n = this.screen.items.length;
    for (let k = 0; k < n; k++) {
      const i = (((start + k * step) % n) + n) % n;
      if (this.screen.items[i]!.key !== '') return i;
    }
    return start;
  }

  up() {
    this.moved = true;
    this.index = this.firstSelectable(this.index - 1, -1);
    return this.render();
  }

  down() {
    this.moved = true;
    this.index = this.firstSelectable(this.index + 1, 1);
    return this.render();
  }

  /** Quiet: a phone should not beep at a mistyped key. */
  alert() {}

  render(): Promise<void> {
    if (this.state.submitted || this.state.closed) return Promise.resolve();
    const { columns, rows } = this.screen.size();
    const { items, glyphs } = this.screen;
    const header = this.screen.header.map((h) => fit(h, columns));
    const footer = this.screen.footer ? [fit(this.screen.footer, columns)] : [];
    const height = Math.max(1, rows - header.length - footer.length);
    this.top = scrollWindow(items.length, this.index, height, this.top);
    const shown = items.slice(this.top, this.top + height).map((item, k) => {
      const focused = this.top + k === this.index;
      const text = `${focused ? glyphs.pointer : ' '} ${item.label}`;
      const painted = this.screen.paint ? this.screen.paint(item, text) : text;
      return focused && this.screen.color ? kleur.inverse(painted) : painted;
    });
    const b = this.screen.color ? kleur.bold : (s: string) => s;
    const d = this.screen.color ? kleur.dim : (s: string) => s;
    const lines = [...header.map((h, i) => (i === 0 ? b(h) : h)), ...shown, ...footer.map(d)];
    // Home, draw each line clearing its tail, clear below: no flicker, nothing left over.
    this.stdout.write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\r\n')}\x1b[J`);
    return Promise.resolve();
  }

  async close() {
    clearTimeout(this.digitTimer);
    this.stdout.off('resize', this.onResize);
    this.state.closed = true;
    this.emit('close');
  }
}

/** Run a screen; resolves with the chosen key, or undefined when the user backs out (Esc, Ctrl-C). */
export async function choose(screen: ScreenOptions, onReady?: (prompt: NumberedSelect) => void): Promise<string | undefined> {
  const prompt = new NumberedSelect(screen);
  onReady?.(prompt);
  try {
    return await prompt.run();
  } catch {
    return undefined; // enquirer rejects with '' on cancel
  }
}
