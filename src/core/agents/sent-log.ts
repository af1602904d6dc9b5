/**
 * The sent log (issue #6, Accountability): every text trimtab types into an agent, as JSON lines, so
 * the user can see what was typed into which agent, from which device, and whether it arrived.
 * Pure: formatting, parsing and the 40-column rendering. adapters/sent-log.ts reads and writes it.
 */
import type { Section } from '../protocol.js';
import { printable } from '../render/printable.js';
import { fit, oneLine, width } from '../render/render.js';

export interface SentEntry {
  /** ISO 8601, UTC: when trimtab started to deliver it. */
  time: string;
  /** Configured host name. */
  host: string;
  /** `thor:agents:gridplay-v1` or `thor:%3`. */
  target: string;
  /** Exactly what was typed; for keys, the tmux key names joined by spaces. */
  text: string;
  /** Present (true) when `text` names keys pressed (approve, reject, interrupt), not typed text. */
  keys?: true;
  /** `delivered`, or `failed: <why>`. */
  result: string;
  /** The device that sent it: short hostname, plus the ssh client's address when run over ssh. */
  from: string;
}

/** `thor`, or `thor (ssh 100.64.0.9)` when trimtab runs in an ssh session (SSH_CLIENT="ip port port"). */
export function deviceLabel(hostname: string, sshClient: string | undefined): string {
  const short = hostname.split('.')[0] || hostname || 'unknown';
  const addr = sshClient?.trim().split(/\s+/)[0];
  return addr ? `${short} (ssh ${addr})` : short;
}

/** `failed: <first line of the error>`: results stay one line. */
export const failedResult = (error: unknown): string =>
  `failed: ${String((error as Error)?.message ?? error).split('\n')[0]}`;

/** A pane's result from a broadcast script's sections: a `failed PANE WHY` section, else delivered. */
export function paneResult(sections: Section[], paneId: string): string {
  const failed = sections.find((s) => s.tag === 'failed' && s.args[0] === paneId);
  if (!failed) return 'delivered';
  return `failed: ${failed.args[1] === 'gone' ? 'the agent has exited' : `tmux could not ${failed.args[1]}`}`;
}

/** One line of the log file, newline included, keys in a fixed order. JSON escapes every newline in the text. */
export function formatEntry(e: SentEntry): string {
  const { time, host, target, text, keys, result, from } = e;
  return `${JSON.stringify({ time, host, target, text, ...(keys ? { keys } : {}), result, from })}\n`;
}

const isEntry = (v: unknown): v is SentEntry => {
  const e = v as Record<string, unknown>;
  return (
    typeof e === 'object' &&
    e !== null &&
    ['time', 'host', 'target', 'text', 'result', 'from'].every((k) => typeof e[k] === 'string')
  );
};

/**
 * Entries of a log file, oldest first. A line that is not an entry (a crash or a full disk mid-append,
 * a hand edit) is counted in `skipped` and left out: one bad line must not hide the rest. An entry
 * glued onto the end of a torn line (appends before this version did not start a fresh line) is
 * still read: the torn part counts as skipped.
 */
export function parseLog(text: string): { entries: SentEntry[]; skipped: number } {
  const entries: SentEntry[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const whole = parseEntry(line);
    if (whole) {
      entries.push(whole);
      continue;
    }
    skipped++;
    const at = line.lastIndexOf(ENTRY_START);
    const glued = at > 0 ? parseEntry(line.slice(at)) : undefined;
    if (glued) entries.push(glued);
  }
  return { entries, skipped };
}

/** Every line formatEntry writes starts with this. */
const ENTRY_START = '{"time":';

function parseEntry(line: string): SentEntry | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return isEntry(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How a text shows on one line: newlines as ⏎, tabs as ⇥, other control characters as ^X (the
 * convention of render/printable.ts). Linear; for a bounded preview use oneLine from render.ts.
 */
export const showText = (text: string): string => printable(text);

const two = (n: number) => String(n).padStart(2, '0');

/** Minutes east of UTC at an instant (`-new Date(ms).getTimezoneOffset()` for local time; DST moves it). */
export type UtcOffset = (ms: number) => number;

/** `11-24 14:02`, in the time zone `offset` gives. */
export function shortTime(iso: string, offset: UtcOffset): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso.slice(0, 16);
  const d = new Date(ms + offset(ms) * 60_000);
  return `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

export interface LogPaint {
  ok: (s: string) => string;
  bad: (s: string) => string;
  dim: (s: string) => string;
}
const PLAIN: LogPaint = { ok: (s) => s, bad: (s) => s, dim: (s) => s };

/**
 * Entries as lines no wider than `columns` (a phone's 40 and up), oldest first:
 *
 *     11-24 14:02 · fedora (ssh 100.64.0.9)
 *     ✔ thor:agents:gridplay-v1
 *       continue with the tests
 *
 * A failure adds `  failed: why`; keys show as `  [keys] Escape`.
 */
export function renderLog(entries: SentEntry[], columns: number, offset: UtcOffset, paint: LogPaint = PLAIN): string[] {
  const cols = Math.max(20, columns);
  const lines: string[] = [];
  for (const e of entries) {
    const ok = e.result === 'delivered';
    // fit() and oneLine() read only what fits the line: a 1 MB entry costs what a short one does.
    lines.push(paint.dim(fit(`${shortTime(e.time, offset)} · ${e.from}`, cols)));
    lines.push(`${ok ? paint.ok('✔') : paint.bad('✖')} ${fit(e.target, cols - 1 - width(ok ? '✔' : '✖'))}`);
    lines.push(fit(`  ${e.keys ? '[keys] ' : ''}${e.text === '' ? '(just Enter)' : oneLine(e.text, cols)}`, cols));
    if (!ok) lines.push(paint.bad(fit(`  ${e.result}`, cols)));
  }
  return lines;
}
