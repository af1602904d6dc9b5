/**
 * trimtab's private runtime and cache files: ssh control sockets, and what it remembers about hosts
 * that did not answer. `$TRIMTAB_CACHE_DIR` overrides both (tests).
 */
import { existsSync, mkdirSync, chmodSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HostCache } from '../core/hosts/host-cache.js';
import { writeTextAtomic } from './files.js';

const ensure = (dir: string): string => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // sockets in here are keys to a live ssh session
  return dir;
};

/** `$XDG_RUNTIME_DIR/trimtab`, else `~/.cache/trimtab`: mode 700 (issue #5). */
export function runtimeDir(env: NodeJS.ProcessEnv): string {
  if (env.TRIMTAB_CACHE_DIR) return ensure(env.TRIMTAB_CACHE_DIR);
  if (env.XDG_RUNTIME_DIR && existsSync(env.XDG_RUNTIME_DIR)) return ensure(path.join(env.XDG_RUNTIME_DIR, 'trimtab'));
  return ensure(path.join(os.homedir(), '.cache', 'trimtab'));
}

/** `$XDG_CACHE_HOME/trimtab` (or `~/.cache/trimtab`): what trimtab remembers between runs. */
export const cacheDir = (env: NodeJS.ProcessEnv) =>
  env.TRIMTAB_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'trimtab');

const cacheFile = (env: NodeJS.ProcessEnv) => path.join(cacheDir(env), 'hosts.json');

/** A small remembered string (e.g. the hash of the last config that passed validation). */
export function readNote(env: NodeJS.ProcessEnv, name: string): string | undefined {
  try {
    return readFileSync(path.join(cacheDir(env), name), 'utf8');
  } catch {
    return undefined;
  }
}

export function writeNote(env: NodeJS.ProcessEnv, name: string, value: string): void {
  try {
    writeTextAtomic(path.join(ensure(cacheDir(env)), name), value);
  } catch {
    // only costs speed
  }
}

export function readHostCache(env: NodeJS.ProcessEnv): HostCache {
  try {
    const data = JSON.parse(readFileSync(cacheFile(env), 'utf8'));
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as HostCache) : {};
  } catch {
    return {}; // missing or damaged: start afresh, it is only a cache
  }
}

export function writeHostCache(env: NodeJS.ProcessEnv, cache: HostCache): void {
  try {
    ensure(path.dirname(cacheFile(env)));
    writeTextAtomic(cacheFile(env), JSON.stringify(cache));
  } catch {
    // a cache that cannot be written only costs speed
  }
}

/** The ssh config files whose text decides whether the user multiplexes already. */
export function sshConfigTexts(sshOptions: string[]): string[] {
  const files = [path.join(os.homedir(), '.ssh', 'config'), '/etc/ssh/ssh_config'];
  const f = sshOptions.indexOf('-F');
  if (f >= 0 && sshOptions[f + 1]) files.splice(0, 2, sshOptions[f + 1]!); // -F replaces both
  const texts: string[] = [];
  for (const file of files) {
    try {
      texts.push(readFileSync(file, 'utf8'));
    } catch {
      // absent
    }
  }
  const inline = sshOptions.filter((o, i) => sshOptions[i - 1] === '-o').join('\n');
  return [...texts, inline.replace(/=/g, ' ')];
}

/** `tailscale` on PATH? Checked without starting a process. */
export function onPath(program: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && existsSync(path.join(dir, program))) return path.join(dir, program);
  }
  return undefined;
}
