/** Real shells for the quoting tests: a quoting bug only shows when a real parser reads the text. */
import { execFileSync, spawnSync } from 'node:child_process';

const present = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

/** POSIX-ish shells a remote login shell may be (fish is not POSIX: only its quoting is shared). */
export const SHELLS = ['sh', 'dash', 'bash', 'zsh'].filter(present);

/** The words `shell` makes of `line`, byte for byte (printf ends each with NUL, which no word can hold). */
export function wordsOf(shell: string, line: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const out = execFileSync(shell, ['-c', `printf '%s\\0' ${line}`], { env, encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

/** `shell -n`: does the script parse? Returns stderr ('' when it does). */
export function syntaxErrors(shell: string, script: string): string {
  const r = spawnSync(shell, ['-n'], { input: script, encoding: 'utf8' });
  return r.status === 0 ? '' : r.stderr || `exit ${r.status}`;
}
