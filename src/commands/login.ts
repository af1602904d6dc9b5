import { realpathSync, rmSync } from 'node:fs';
import { readText, writeTextAtomic } from '../adapters/files.js';
import { runInteractive } from '../adapters/run.js';
import { usageError } from '../core/errors.js';
import { addBlock, keyLine, loginScript, profileBlock, removeBlock } from '../core/hosts/login.js';

/** This bundle's own path: the login script starts the menu with it (its shebang finds node). */
const selfPath = () => realpathSync(process.argv[1] ?? 'trimtab');

/**
 * `trimtab login`: the SSH login entry. Runs the login script (core/hosts/login.ts) with the terminal; the
 * script, not Node, decides what runs, so a broken trimtab still ends in a shell.
 */
export async function loginCommand(): Promise<number> {
  // The shell that follows owns Ctrl-C; this process only waits for it.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  return runInteractive({ file: 'sh', args: ['-c', loginScript([selfPath()])] });
}

/** install.sh's helpers: print the login script, add or remove the marked blocks. */
export function loginTool(out: (line: string) => void, args: string[]): void {
  const [what, file, loginSh, keyFile] = args;
  if (what === 'script') {
    out(loginScript([file ?? selfPath()]).trimEnd());
    return;
  }
  if (!file)
    throw usageError(
      'missing FILE',
      'usage: trimtab login --tool add-profile|add-key|remove FILE [LOGIN_SH [KEY.pub]]',
    );
  const text = readText(file);
  let next: string | null;
  if (what === 'add-profile' && loginSh) next = addBlock(text, profileBlock(loginSh), 'end');
  else if (what === 'add-key' && loginSh && keyFile) {
    const key = readText(keyFile);
    if (key === undefined) throw usageError(`cannot read ${keyFile}`);
    try {
      next = addBlock(text, keyLine(loginSh, key), 'start');
    } catch (error) {
      throw usageError(`${keyFile}: ${(error as Error).message}`);
    }
  } else if (what === 'remove') {
    if (text === undefined) return;
    next = removeBlock(text);
  } else throw usageError(`unknown login tool "${what ?? ''}"`);
  if (next === null) rmSync(file);
  else if (next !== text) writeTextAtomic(file, next);
}
