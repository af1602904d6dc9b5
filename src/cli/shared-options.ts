/** Option specs and help notes more than one verb uses. */
import { usageError } from '../core/errors.js';

export const json = { type: 'boolean', help: 'print JSON for scripts' } as const;
export const hostFilter = { type: 'string', arg: 'HOST', help: 'only this host' } as const;

export const TARGET_NOTE = 'TARGET: [HOST:]PROJECT, [HOST:]SESSION:WINDOW or [HOST:]%N';
export const DASH_NOTE = 'Text starting with "-": put -- before it (trimtab send thor:app -- -v).';

/** `-n 5`, `--interval 0.5`: a positive number, or the default when not given. */
export function positiveNumber(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw usageError(`${what} must be a positive number, not ${JSON.stringify(text)}`);
  return n;
}
