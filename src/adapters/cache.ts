/**
 * trimtab's private runtime and cache files: ssh control sockets, and what it remembers about hosts
 * that did not answer. `$TRIMTAB_CACHE_DIR` overrides both (tests).
 */
import { accessSync, chmodSync, constants, existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HostCache } from '../core/hosts/host-cache.js';
import { writeTextAtomic } from './files.js';

const ensure = (dir: string): string => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // sockets in here are keys to a live ssh session
  return dir;
};

/**
 * A Unix socket path must fit `sun_path`: 104 bytes with its NUL on macOS and the BSDs, 108 on Linux
 * (unix(7)). The control path is DIR + `/cm-` + up to 20 + `-` + 10 characters (core/hosts/ssh.ts,
 * controlPath), and ssh first binds it with a random `.%016llx` suffix (OpenSSH mux.c,
 * muxserver_listen): 52 bytes after DIR, so DIR may be at most 104 - 1 - 52 = 51 bytes long.
 */
const MAX_SOCKET_DIR = 104 - 1 - 52;

/** `dir`, made (mode 700) and checked to be ours, a real directory and writable; undefined when it is not. */
function privateDir(dir: string): string | undefined {
  try {
    ensure(dir);
    const st = lstatSync(dir);
    const uid = process.getuid?.();
    if (!st.isDirectory() || st.isSymbolicLink() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0)
      return undefined;
    accessSync(dir, constants.W_OK | constants.X_OK);
    return dir;
  } catch {
    return undefined; // unwritable, a file in the way, not ours: try the next place
  }
}

/**
 * Where ssh control sockets go: `$TRIMTAB_CACHE_DIR`, else `$XDG_RUNTIME_DIR/trimtab`, else
 * `~/.cache/trimtab`, mode 700; the first that can be made, is ours, and is short enough for a
 * socket path. Else a short private `/tmp/trimtab-UID` (a long $HOME, an unwritable runtime dir).
 * null when none will do: ssh then runs without a master, slower but never "unreachable" for a
 * local problem.
 */
export function runtimeDir(env: NodeJS.ProcessEnv): string | null {
  const candidates = env.TRIMTAB_CACHE_DIR
    ? [env.TRIMTAB_CACHE_DIR]
    : [
        env.XDG_RUNTIME_DIR && existsSync(env.XDG_RUNTIME_DIR) ? path.join(env.XDG_RUNTIME_DIR, 'trimtab') : '',
        path.join(os.homedir(), '.cache', 'trimtab'),
      ];
  const short = `trimtab-${process.getuid?.() ?? os.userInfo().username}`;
  const tmp = path.join(os.tmpdir(), short);
  candidates.push(Buffer.byteLength(tmp) <= MAX_SOCKET_DIR ? tmp : path.join('/tmp', short));
  for (const dir of candidates) {
    if (dir && Buffer.byteLength(dir) <= MAX_SOCKET_DIR && privateDir(dir)) return dir;
  }
  return null;
}

/** `$XDG_CACHE_HOME/trimtab` (or `~/.cache/trimtab`): what trimtab remembers between runs. */
export const cacheDir = (env: NodeJS.ProcessEnv) =>
  env.TRIMTAB_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'trimtab');

const cacheFile = (env: NodeJS.ProcessEnv) => path.join(cacheDir(env), 'hosts.json');

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
  const inline = sshOptions.filter((_o, i) => sshOptions[i - 1] === '-o').join('\n');
  return [...texts, inline.replace(/=/g, ' ')];
}

/** `tailscale` on PATH? Checked without starting a process. */
export function onPath(program: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && existsSync(path.join(dir, program))) return path.join(dir, program);
  }
  return undefined;
}
