/** This machine's projects dir and `~/.claude` files, read for doctor and prepare. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLAUDE_FILES, type ClaudeFile } from '../core/hosts/host-survey.js';
import type { LocalFile } from '../core/hosts/prepare.js';

/** The local HOME: `$HOME` of the command's environment (tests point it elsewhere), else the OS's. */
export const localHome = (env: NodeJS.ProcessEnv) => env.HOME || os.homedir();

/** Names of the (non-hidden) directories in `dir`, sorted; null when `dir` does not exist. */
export function listDirs(dir: string): string[] | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  return names
    .filter((n) => !n.startsWith('.'))
    .filter((n) => {
      try {
        return statSync(path.join(dir, n)).isDirectory();
      } catch {
        return false;
      }
    })
    .sort();
}

/** `~/.claude/CLAUDE.md` and `settings.json` of this machine, with their sha256; absent files are left out. */
export function readClaudeFiles(home: string): Partial<Record<ClaudeFile, LocalFile>> {
  const out: Partial<Record<ClaudeFile, LocalFile>> = {};
  for (const name of CLAUDE_FILES) {
    const file = path.join(home, '.claude', name);
    try {
      if (!statSync(file).isFile()) continue;
      const content = readFileSync(file);
      out[name] = {
        name,
        sha256: createHash('sha256').update(content).digest('hex'),
        base64: content.toString('base64'),
        mode: statSync(file).mode & 0o777,
      };
    } catch {
      // absent or unreadable: nothing to compare or copy
    }
  }
  return out;
}
