/** Real git for lab tests: a fixed author, no system or user config. */

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'lab',
  GIT_AUTHOR_EMAIL: 'lab@example.invalid',
  GIT_COMMITTER_NAME: 'lab',
  GIT_COMMITTER_EMAIL: 'lab@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: os.tmpdir(),
};

export const git = async (cwd: string, ...args: string[]) =>
  (await execa('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, env: gitEnv })).stdout.trim();

/** A repo at `dir` with one commit of README.md holding `text`. */
export async function seedRepo(dir: string, text: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await git(dir, 'init', '-q');
  writeFileSync(path.join(dir, 'README.md'), text);
  await git(dir, 'add', 'README.md');
  await git(dir, 'commit', '-q', '-m', text.trim());
}
