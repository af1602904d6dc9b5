/** Git on this machine, one small function per question (through the execa runner). */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { TrimtabError } from '../core/errors.js';
import { type LocalProject, pickRemote } from '../core/hosts/prepare.js';
import { run } from './run.js';

const git = (dir: string, args: string[]) => run({ file: 'git', args: ['-C', dir, ...args] }, { timeoutMs: 15_000 });

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** A relative path remote (`../app.git`) means nothing on another machine: make it absolute and tidy. */
function absoluteUrl(url: string, dir: string): string {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]*:/.test(url);
  return isUrl ? url : path.resolve(dir, url); // also tidies /a/b/../c
}

/** The remote `dir`'s clone elsewhere should come from (`origin`, else the first), or why there is none. */
export async function projectRemote(name: string, dir: string): Promise<LocalProject> {
  const top = await git(dir, ['rev-parse', '--show-toplevel']);
  if (top.spawnError) throw new TrimtabError(`cannot run git here: ${top.spawnError}`, { hint: 'install git' });
  if (top.exitCode !== 0) {
    // "dubious ownership" and friends: say what git said, not "not a git repo".
    const said = top.stderr.split('\n').find((l) => /^fatal: /.test(l) && !/not a git repository/.test(l));
    return said ? { name, kind: 'error', message: said.replace(/^fatal: /, '') } : { name, kind: 'nogit' };
  }
  // A plain dir inside another repo (the projects dir itself under git) is not a project repo.
  if (real(top.stdout.trim()) !== real(dir)) return { name, kind: 'nogit' };
  const remotes = (await git(dir, ['remote'])).stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const remote = pickRemote(remotes);
  if (!remote) return { name, kind: 'noremote' };
  const url = (await git(dir, ['remote', 'get-url', remote])).stdout.trim();
  if (!url) return { name, kind: 'noremote' };
  return { name, kind: 'remote', remote, url: absoluteUrl(url, dir) };
}
