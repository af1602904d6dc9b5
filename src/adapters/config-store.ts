/** Reading and writing config.json through conf (schema-validated, atomic writes). */
import type Conf from 'conf';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_SCHEMA, type ConfigFile } from '../core/hosts/config.js';
import { TrimtabError, EXIT } from '../core/errors.js';
import { readNote, writeNote } from './cache.js';

/** `$TRIMTAB_CONFIG_DIR`, else `$XDG_CONFIG_HOME/trimtab`, else `~/.config/trimtab` (DESIGN.md, Contract). */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.TRIMTAB_CONFIG_DIR) return env.TRIMTAB_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'trimtab');
  return path.join(os.homedir(), '.config', 'trimtab');
}

export const configPath = (env: NodeJS.ProcessEnv) => path.join(configDir(env), 'config.json');

async function open(env: NodeJS.ProcessEnv, dir = configDir(env)): Promise<Conf<ConfigFile>> {
  const file = configPath(env);
  // Loaded on demand: conf compiles its JSON schema with ajv, ~60 ms that most runs can skip.
  const { default: ConfClass } = await import('conf');
  try {
    // No `defaults`: conf would write them into the user's file on load.
    return new ConfClass<ConfigFile>({
      cwd: dir,
      configName: 'config',
      schema: CONFIG_SCHEMA as never,
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
    });
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!.replace(/^Config schema violation: /, '');
    throw new TrimtabError(`broken config ${file}: ${reason}`, {
      exitCode: EXIT.usage,
      hint: 'fix or move the file; trimtab never rewrites it',
      cause: error,
    });
  }
}

/**
 * The config file's contents; a missing file is an empty config (local host only). conf validates it
 * against the schema; the hash of the text that last passed is remembered, so an unchanged file is
 * only parsed: any edit, by hand or by trimtab, is validated again.
 */
export async function loadConfigFile(env: NodeJS.ProcessEnv): Promise<ConfigFile> {
  const file = configPath(env);
  if (!existsSync(file)) return {};
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (readNote(env, 'config-valid') === `${file}\n${hash}`) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ConfigFile;
    } catch {
      // changed under us: validate below
    }
  }
  const store = { ...(await open(env)).store };
  writeNote(env, 'config-valid', `${file}\n${hash}`);
  return store;
}

/**
 * Replace one top-level key: validated by conf, and atomic whatever conf does. conf writes in place
 * when $SNAP is set (sindresorhus/conf#82), so it works on a copy in a private directory beside the
 * file, which is then renamed over config.json: a crash leaves the old file or the new one.
 */
export async function saveConfigKey<K extends keyof ConfigFile>(env: NodeJS.ProcessEnv, key: K, value: ConfigFile[K]): Promise<void> {
  const file = configPath(env);
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true });
  // What a save killed half way left behind (a minute is far longer than any save takes).
  for (const old of readdirSync(dir)) {
    const p = path.join(dir, old);
    if (old.startsWith('.trimtab-save-') && Date.now() - statSync(p).mtimeMs > 60_000) rmSync(p, { recursive: true, force: true });
  }
  const work = mkdtempSync(path.join(dir, '.trimtab-save-'));
  try {
    const copy = path.join(work, 'config.json');
    if (existsSync(file)) copyFileSync(file, copy);
    const store = await open(env, work);
    try {
      store.set(key, value as never);
    } catch (error) {
      throw new TrimtabError(`cannot save ${file}: ${(error as Error).message.split('\n')[0]}`, { exitCode: EXIT.usage, cause: error });
    }
    if (existsSync(file)) chmodSync(copy, statSync(file).mode & 0o777);
    renameSync(copy, file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
