/**
 * Reading and writing config.json. Reads are checked against the schema (errors name the file, the
 * key path and what was expected); writes happen under a lock, re-read the file inside it, and
 * replace the file atomically, so two trimtabs changing hosts at once never lose either change.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { EXIT, TrimtabError } from '../core/errors.js';
import { type ConfigFile, configProblem, type HostEntry, isConfigFile } from '../core/hosts/config.js';
import { jsonErrorWhere } from '../core/json-error.js';

/** `$TRIMTAB_CONFIG_DIR`, else `$XDG_CONFIG_HOME/trimtab`, else `~/.config/trimtab`. */
function configDir(env: NodeJS.ProcessEnv): string {
  if (env.TRIMTAB_CONFIG_DIR) return env.TRIMTAB_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'trimtab');
  return path.join(os.homedir(), '.config', 'trimtab');
}

export const configPath = (env: NodeJS.ProcessEnv) => path.join(configDir(env), 'config.json');

const broken = (file: string, reason: string, cause?: unknown) =>
  new TrimtabError(`broken config ${file}: ${reason}`, {
    exitCode: EXIT.usage,
    hint: 'fix or move the file; trimtab only writes it for hosts add/set/remove',
    cause,
  });

/** Parse and check config.json's text; `file` names it in errors. */
export function parseConfig(text: string, file: string): ConfigFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw broken(file, `not valid JSON at ${jsonErrorWhere(text, error)}`, error);
  }
  if (isConfigFile(value)) return value;
  throw broken(file, configProblem(value) ?? 'not a trimtab config');
}

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new TrimtabError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** What each load returned, per file: a later save merges its change into whatever the file holds by then. */
const lastLoaded = new Map<string, ConfigFile>();

/** The config file's contents; a missing file is an empty config (local host only). */
export async function loadConfigFile(env: NodeJS.ProcessEnv): Promise<ConfigFile> {
  const file = configPath(env);
  const text = readIfThere(file);
  const config = text === undefined ? {} : parseConfig(text, file);
  lastLoaded.set(file, structuredClone(config));
  return config;
}

/*
 * The lock is a file `config.json.lock` holding `pid host nonce`. It is written to a temp file first
 * and hard-linked into place: link(2) fails with EEXIST when the lock exists, atomically, on local
 * filesystems and on NFS, and the lock is never seen empty. A lock whose process is gone (same host,
 * kill(pid, 0) fails with ESRCH) or older than STALE_MS (a save takes milliseconds; this also covers
 * a holder on another host) is taken over: renamed away first, and its text compared, so two waiters
 * cannot both remove it. A writer waits up to WAIT_MS (longer than STALE_MS, so a lock left behind
 * never needs a hand), then says which file to remove.
 */
const STALE_MS = 10_000;
const WAIT_MS = 15_000;

const errorCode = (error: unknown) => (error instanceof Error && 'code' in error ? error.code : undefined);

function isStale(text: string, mtimeMs: number): boolean {
  if (Date.now() - mtimeMs > STALE_MS) return true;
  const [pid, host] = text.split(' ');
  if (host !== os.hostname() || !pid || !/^\d+$/.test(pid)) return false;
  return !isAlive(Number(pid));
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
};

/** Remove `lock` if it is still the stale one whose text is `text`. */
function takeOver(lock: string, text: string): void {
  const away = `${lock}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  renameSync(lock, away);
  // Another waiter may have taken the stale lock over and made a live one in between: put that back.
  if (readFileSync(away, 'utf8') !== text) {
    try {
      linkSync(away, lock);
    } catch {
      // a third writer holds it now: theirs stands
    }
  }
  rmSync(away, { force: true });
}

async function withLock<T>(file: string, work: () => T): Promise<T> {
  const lock = `${file}.lock`;
  const mine = `${process.pid} ${os.hostname()} ${randomBytes(8).toString('hex')}`;
  const draft = `${lock}.${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, mine, { mode: 0o600 });
  const deadline = Date.now() + WAIT_MS;
  try {
    for (;;) {
      try {
        linkSync(draft, lock);
        break;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      try {
        const text = readFileSync(lock, 'utf8');
        if (isStale(text, statSync(lock).mtimeMs)) {
          takeOver(lock, text);
          continue;
        }
      } catch {
        // released or taken over meanwhile: try again
      }
      if (Date.now() > deadline) {
        throw new TrimtabError(`${file} is locked by another trimtab`, {
          hint: `if no trimtab is running, remove ${lock}`,
        });
      }
      await sleep(5 + Math.random() * 20);
    }
  } finally {
    rmSync(draft, { force: true });
  }
  try {
    // What writers killed mid-save left: temp files (only a lock holder makes them, so none is live
    // now) and lock drafts of processes that are gone.
    const dir = path.dirname(file);
    const base = path.basename(file);
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(`${base}.`)) continue;
      const pid = /^\S+\.lock\.(?:stale-)?(\d+)-[0-9a-f]+$/.exec(name)?.[1];
      if (name.endsWith('.tmp') || (pid !== undefined && !isAlive(Number(pid))))
        rmSync(path.join(dir, name), { force: true });
    }
    return work();
  } finally {
    if (readIfThere(lock) === mine) rmSync(lock, { force: true });
  }
}

/** Write `text` to `file` atomically: a temp file beside it, flushed, then renamed over it. Mode 0600 (or tighter). */
function writeAtomic(file: string, text: string): void {
  let mode = 0o600;
  try {
    mode &= statSync(file).mode;
  } catch {
    // a new file
  }
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(temp, mode);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Change config.json: `change` gets the file as it is now (read under the lock) and returns the new
 * contents, which are checked and written with 2-space indents. Returns what was written.
 */
async function updateConfig(env: NodeJS.ProcessEnv, change: (now: ConfigFile) => ConfigFile): Promise<ConfigFile> {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const named = configPath(env);
  // A symlinked config.json (a dotfiles repo) stays a symlink: the file it points to is replaced.
  let file = named;
  try {
    file = realpathSync(named);
  } catch {
    // not there yet
  }
  return withLock(file, () => {
    const text = readIfThere(file);
    const next = change(text === undefined ? {} : parseConfig(text, named));
    const problem = configProblem(next);
    if (problem) throw new TrimtabError(`cannot save ${named}: ${problem}`, { exitCode: EXIT.usage });
    writeAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
    lastLoaded.set(named, structuredClone(next));
    return next;
  });
}

type Named = { name: string };

/**
 * A three-way merge of lists of named entries: what this process changed between `base` (what it
 * read) and `ours` (what it wants), applied to `theirs` (what the file holds now, perhaps changed by
 * another trimtab meanwhile). The same entry changed both ways is a conflict (undefined).
 */
export function mergeNamed<T extends Named>(
  base: readonly T[],
  ours: readonly T[],
  theirs: readonly T[],
): T[] | undefined {
  const find = (list: readonly T[], name: string) => list.find((e) => e.name === name);
  let result = [...theirs];
  const names = new Set([...base, ...ours].map((e) => e.name));
  for (const name of names) {
    const b = find(base, name);
    const o = find(ours, name);
    const t = find(theirs, name);
    if (isDeepStrictEqual(b, o) || isDeepStrictEqual(o, t)) continue;
    if (t !== undefined && !isDeepStrictEqual(t, b)) return undefined;
    if (o === undefined) result = result.filter((e) => e.name !== name);
    else if (t === undefined) result.push(o);
    else result = result.map((e) => (e.name === name ? o : e));
  }
  return result;
}

/**
 * Replace one top-level key. Under the lock the file is read again: when another trimtab changed
 * `hosts` since this process loaded it, this process's own host changes are merged into that.
 */
export async function saveConfigKey<K extends keyof ConfigFile>(
  env: NodeJS.ProcessEnv,
  key: K,
  value: ConfigFile[K],
): Promise<void> {
  const file = configPath(env);
  const base = lastLoaded.get(file);
  await updateConfig(env, (now) => {
    const wanted: ConfigFile = { ...now, [key]: value };
    if (key !== 'hosts' || base === undefined || isDeepStrictEqual(base.hosts, now.hosts)) return wanted;
    const merged = mergeNamed<HostEntry>(base.hosts ?? [], wanted.hosts ?? [], now.hosts ?? []);
    if (merged === undefined) {
      throw new TrimtabError(`${file} changed while this was saving a host another trimtab changed too`, {
        hint: 'look at the file (trimtab hosts list), then run the command again',
      });
    }
    return { ...now, hosts: merged };
  });
}
