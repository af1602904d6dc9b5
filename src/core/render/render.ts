/** Text layout for terminals from 80 columns down to a phone's 40. Pure: colour comes in as a function. */
import stringWidth from 'string-width';
import type { Agent } from '../agents/agents.js';
import type { AgentStatus } from '../status/status.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Terminal columns of `s`. Printable ASCII is one column a character; anything else goes to
 * string-width, whose start-up (Intl.Segmenter, ~20 ms of ICU) the bundle defers to its first call
 * (scripts/build.mjs), so an all-ASCII table never pays it.
 */
export const width = (s: string) => (PRINTABLE_ASCII.test(s) ? s.length : stringWidth(s));

/** Cut `s` to `max` columns, marking the cut with `…`. */
export function fit(s: string, max: number): string {
  if (max <= 0) return '';
  if (width(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (width(out + ch) > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

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
 * One table line: the columns in `show`, each cut and padded to its width in `widths` (the last one
 * not padded), `gap` spaces apart; `paintCell(col, text)` may colour a cell.
 */
export function tableLine(cells: string[], show: number[], widths: number[], gap: number, paintCell?: (col: number, text: string) => string): string {
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
  const rows = agents.map((a) => [a.host, a.target, a.stale ? 'stale' : a.status, a.lastActivity ? formatAge(now - a.lastActivity) : '-']);
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
