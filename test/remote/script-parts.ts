/** Reading a script remote/scripts.ts made: its header variables and its calls, as a real sh sees them. */
import { execFileSync } from 'node:child_process';
import { LIBRARIES } from '../../src/remote/scripts.js';

/** The generated parts: the header (before the prelude) and the call line (after the last library). */
export function parts(script: string): { header: string; call: string } {
  const start = script.indexOf(`\n${LIBRARIES['prelude.sh']}`);
  let end = start + 1 + LIBRARIES['prelude.sh'].length;
  for (const lib of Object.values(LIBRARIES)) {
    const at = script.indexOf(lib, end);
    if (at >= 0) end = at + lib.length;
  }
  return { header: script.slice(0, start), call: script.slice(end).replace(/^\n/, '') };
}

const ENV = { ...process.env, HOME: '/home/u' };

/** The header's variables, as sh assigns them (HOME=/home/u). */
export function varsOf(script: string): Record<string, string> {
  const { header } = parts(script);
  const names = [...header.matchAll(/(?:^| )([A-Z]+)=/g)].map((m) => m[1]!);
  const read = `for v in ${names.join(' ')}; do eval "val=\\\${$v}"; printf '%s=%s\\0' "$v" "$val"; done`;
  const out = execFileSync('sh', ['-c', `${header}\n${read}`], { env: ENV, encoding: 'utf8' });
  return Object.fromEntries(
    out
      .split('\0')
      .slice(0, -1)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

/** The calls of the last line: each function with the words sh hands it (HOME=/home/u). */
export function callsOf(script: string): string[][] {
  const { call } = parts(script);
  const names = [...new Set([...call.matchAll(/(?:^|; )([a-z_]+)/g)].map((m) => m[1]!))];
  // Each call prints its argument count, its name and its arguments, NUL-terminated (no word holds NUL).
  const defs = names.map((n) => `${n}() { printf '%s\\0' "$#" ${n} "$@"; }`).join('\n');
  const words = execFileSync('sh', ['-c', `${defs}\n${call}`], { env: ENV, encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);
  const calls: string[][] = [];
  for (let i = 0; i < words.length; ) {
    const n = Number(words[i]);
    calls.push(words.slice(i + 1, i + 2 + n));
    i += 2 + n;
  }
  return calls;
}
