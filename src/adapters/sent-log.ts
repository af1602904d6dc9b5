/**
 * Writing and reading the sent log (issue #6): `$TRIMTAB_STATE_DIR/sent.log`, else
 * `$XDG_STATE_HOME/trimtab/sent.log`, else `~/.local/state/trimtab/sent.log`.
 * Writing never throws: a full disk or a read-only home must not fail a send; it warns once.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deviceLabel, failedResult, formatEntry, type SentEntry } from '../core/agents/sent-log.js';

export interface SentLogIO {
  env: NodeJS.ProcessEnv;
  /** One line to stderr. */
  err: (line: string) => void;
}

/** What a caller knows about one delivery; time and device are added here. */
export type SentRecord = Omit<SentEntry, 'time' | 'from'> & { time?: string };

export function sentLogPath(env: NodeJS.ProcessEnv): string {
  if (env.TRIMTAB_STATE_DIR) return path.join(env.TRIMTAB_STATE_DIR, 'sent.log');
  const state = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(state, 'trimtab', 'sent.log');
}

let warned = false;

/**
 * Append records (one write, so lines from parallel trimtab processes never interleave). Never throws.
 * They start on a fresh line: after a full disk or a crash cut the last append short, the file ends
 * mid-line, and an entry glued onto that torn line would be unreadable with it.
 */
export function recordSent(io: SentLogIO, records: SentRecord[]): void {
  if (records.length === 0) return;
  const file = sentLogPath(io.env);
  try {
    const now = new Date().toISOString();
    const from = deviceLabel(os.hostname(), io.env.SSH_CLIENT);
    const text = records.map((r) => formatEntry({ time: r.time ?? now, ...withoutTime(r), from })).join('');
    // The texts may be private: only the user reads the log.
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    appendOnFreshLine(file, text);
  } catch (error) {
    if (warned) return;
    warned = true;
    // Only a delivery that happened was "still sent"; a failed one was not sent at all.
    const sent = records.every((r) => r.result === 'delivered') ? ' (the text was still sent)' : '';
    io.err(`⚠ could not write the sent log ${file}: ${(error as Error).message.split('\n')[0]}${sent}`);
  }
}

function appendOnFreshLine(file: string, text: string): void {
  const fd = openSync(file, 'a+', 0o600); // O_APPEND: every write lands at the end, whoever else appends
  try {
    const { size } = fstatSync(fd);
    const last = Buffer.alloc(1);
    const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
    const data = Buffer.from(torn ? `\n${text}` : text);
    for (let done = 0; done < data.length; ) done += writeSync(fd, data, done);
  } finally {
    closeSync(fd);
  }
}

function withoutTime(r: SentRecord): Omit<SentEntry, 'time' | 'from'> {
  const { time: _time, ...rest } = r;
  return rest;
}

/**
 * Run one delivery and record its outcome: `delivered`, or `failed: <message>` (then rethrow).
 * The time recorded is when the delivery started.
 */
export async function logged<T>(
  io: SentLogIO,
  what: Omit<SentRecord, 'result' | 'time'>,
  deliver: () => Promise<T>,
): Promise<T> {
  const time = new Date().toISOString();
  try {
    const value = await deliver();
    recordSent(io, [{ ...what, time, result: 'delivered' }]);
    return value;
  } catch (error) {
    recordSent(io, [{ ...what, time, result: failedResult(error) }]);
    throw error;
  }
}

/** The log's text, or undefined when nothing was ever sent from here. */
export function readSentLog(env: NodeJS.ProcessEnv): string | undefined {
  const file = sentLogPath(env);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
