/** Text layout for terminals from 80 columns down to a phone's 40. Pure: colour comes in as a function. */
import stringWidth from 'string-width';
import type { Agent } from '../agents/agents.js';
import type { AgentStatus } from '../status/status.js';

import { printable } from './printable.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Pieces of at most ~PIECE UTF-16 units, for string-width: Node 20's Intl.Segmenter (which
 * string-width walks) is quadratic on one long string (160 KB: 35 s; 1 MB: hours), and linear over
 * short ones. A piece ends before a printable ASCII character where there is one near its end: no
 * grapheme cluster continues into one (UAX #29: only Extend, ZWJ, SpacingMark and regional-indicator
 * pairs join a previous character). Else it ends between code points; a cluster split there can only
 * be counted wider (a ZWJ emoji as its parts), never narrower, so fit() stays within its columns.
 */
const PIECE = 256;
function* pieces(s: string): Generator<string> {
  let i = 0;
  while (i < s.length) {
    let end = Math.min(s.length, i + PIECE);
    if (end < s.length) {
      let j = end;
      while (j > i + PIECE / 2 && !isAsciiPrintable(s.charCodeAt(j))) j--;
      if (j > i + PIECE / 2) end = j;
      else if (isLowSurrogate(s.charCodeAt(end))) end--;
    }
    yield s.slice(i, end);
    i = end;
  }
}
const isAsciiPrintable = (c: number) => c >= 0x20 && c <= 0x7e;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Terminal columns of `s`, in time linear in its length. Printable ASCII is one column a character;
 * anything else goes to string-width, whose start-up (Intl.Segmenter, ~20 ms of ICU) the bundle
 * defers to its first call (scripts/build.mjs), so an all-ASCII table never pays it.
 */
export function width(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  if (s.length <= PIECE) return stringWidth(s);
  let total = 0;
  for (const p of pieces(s)) total += stringWidth(p);
  return total;
}

let segmenter: Intl.Segmenter | undefined;
const graphemes = (s: string) => {
  segmenter ??= new Intl.Segmenter();
  return segmenter.segment(s);
};

/** Whether `s` is at most `max` columns wide, reading no more of it than it takes to know. */
function fits(s: string, max: number): boolean {
  if (s.length <= max) return width(s) <= max; // the common case: short names
  let used = 0;
  for (const p of pieces(s)) {
    used += stringWidth(p);
    if (used > max) return false;
  }
  return true;
}

/** The longest start of `s` at most `max` columns wide: linear in what it keeps. */
function head(s: string, max: number): string {
  if (PRINTABLE_ASCII.test(s)) return s.slice(0, max);
  let out = '';
  let used = 0;
  for (const p of pieces(s)) {
    const w = stringWidth(p);
    if (used + w <= max) {
      out += p;
      used += w;
      continue;
    }
    for (const { segment } of graphemes(p)) {
      const g = stringWidth(segment);
      if (used + g > max) break;
      out += segment;
      used += g;
    }
    break;
  }
  return out;
}

/**
 * `s` made printable (printable.ts: no control or escape character reaches the terminal) and cut to
 * `max` columns, the cut marked with `…`. Reads at most ~16 UTF-16 units a column of `s`, so a 1 MB
 * text costs what its first line does.
 */
export function fit(s: string, max: number): string {
  if (max <= 0) return '';
  const safe = printable(s, { limit: 16 * max + 64 });
  if (fits(safe, max)) return safe;
  return `${head(safe, max - 1)}…`;
}

/**
 * How a sent text shows on one line of at most `max` columns: newlines as ⏎, tabs as ⇥, control
 * characters escaped (printable.ts), so echoing what was sent never sends a raw ESC to the terminal.
 * Linear in `max`, not in the text: a 1 MB text shows its first line's worth.
 */
export const oneLine = (text: string, max = 200): string => fit(text, max);

export const pad = (s: string, cols: number) => s + ' '.repeat(Math.max(0, cols - width(s)));

/** `42s`, `7m`, `3h`, `5d`: short enough for a phone column. */
export function formatAge(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/**
 * One table line: the columns in `show`, each made printable, cut and padded to its width in `widths`
 * (the last one not padded), `gap` spaces apart; `paintCell(col, text)` may colour a cell.
 */
export function tableLine(
  cells: string[],
  show: number[],
  widths: number[],
  gap: number,
  paintCell?: (col: number, text: string) => string,
): string {
  return show
    .map((col, k) => {
      const text = fit(cells[col]!, widths[k]!);
      const padded = k === show.length - 1 ? text : pad(text, widths[k]!);
      return paintCell ? paintCell(col, padded) : padded;
    })
    .join(' '.repeat(gap))
    .trimEnd();
}

export type Paint = (status: AgentStatus, text: string) => string;
const plain: Paint = (_s, t) => t;

/**
 * The `list` table: HOST TARGET STATUS AGE. When it does not fit, HOST goes first (TARGET already
 * starts with the host), then TARGET is cut. Every line is at most `columns` wide.
 */
export function renderAgentTable(agents: Agent[], now: number, columns: number, paint: Paint = plain): string[] {
  // Host and target names come from hosts: printable before they are measured, so widths match what is drawn.
  const rows = agents.map((a) =>
    [a.host, a.target, a.stale ? 'stale' : a.status, a.lastActivity ? formatAge(now - a.lastActivity) : '-'].map((c) =>
      printable(c, { limit: 512 }),
    ),
  );
  const head = ['HOST', 'TARGET', 'STATUS', 'AGE'];
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const gap = 2;
  const total = (cols: number[]) => cols.reduce((a, b) => a + b, 0) + gap * (cols.length - 1);
  let show = [0, 1, 2, 3];
  if (total(widths) > columns) show = [1, 2, 3];
  const shown = show.map((i) => widths[i]!);
  const targetIdx = show.indexOf(1);
  const overflow = total(shown) - columns;
  if (overflow > 0) shown[targetIdx] = Math.max(6, shown[targetIdx]! - overflow);
  const line = (cells: string[], status?: AgentStatus) =>
    tableLine(cells, show, shown, gap, (col, text) => (col === 2 && status ? paint(status, text) : text));
  return [line(head), ...rows.map((r, i) => line(r, agents[i]!.status))];
}
