/**
 * A program that records how it was called: its arguments and the TRIMTAB_* event variables the
 * watcher's user command gets, one JSON line a call. The tests see exactly what reached the command.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const NAMES = [
  'TRIMTAB_EVENT',
  'TRIMTAB_HOST',
  'TRIMTAB_TARGET',
  'TRIMTAB_PROJECT',
  'TRIMTAB_TITLE',
  'TRIMTAB_MESSAGE',
];

export interface CallRecord {
  argv: string[];
  env: Record<string, string | undefined>;
}

/** Write the recorder (a Node script) into DIR; `calls()` reads what it recorded. */
export function envRecorder(dir: string): { recorder: string; calls(): CallRecord[] } {
  const out = path.join(dir, 'command-env.jsonl');
  const recorder = path.join(dir, 'recorder.mjs');
  writeFileSync(
    recorder,
    [
      "import { appendFileSync } from 'node:fs';",
      `const env = Object.fromEntries(${JSON.stringify(NAMES)}.map((k) => [k, process.env[k]]));`,
      `appendFileSync(${JSON.stringify(out)}, JSON.stringify({ argv: process.argv.slice(2), env }) + '\\n');`,
    ].join('\n'),
  );
  return {
    recorder,
    calls: () =>
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as CallRecord),
  };
}
