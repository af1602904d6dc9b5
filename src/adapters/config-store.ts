/** Reading and writing config.json through conf (schema-validated, atomic writes). */
import Conf from 'conf';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_SCHEMA, type ConfigFile } from '../core/config.js';
import { TrimtabError, EXIT } from '../core/errors.js';

/** `$TRIMTAB_CONFIG_DIR`, else `$XDG_CONFIG_HOME/trimtab`, else `~/.config/trimtab` (DESIGN.md, Contract). */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.TRIMTAB_CONFIG_DIR) return env.TRIMTAB_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'trimtab');
  return path.join(os.homedir(), '.config', 'trimtab');
}

export const configPath = (env: NodeJS.ProcessEnv) => path.join(configDir(env), 'config.json');

function open(env: NodeJS.ProcessEnv): Conf<ConfigFile> {
  const file = configPath(env);
  try {
    // No `defaults`: conf would write them into the user's file on load.
    return new Conf<ConfigFile>({
      cwd: configDir(env),
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

/** The config file's contents; a missing file is an empty config (local host only). */
export function loadConfigFile(env: NodeJS.ProcessEnv): ConfigFile {
  if (!existsSync(configPath(env))) return {};
  return { ...open(env).store };
}

/** Replace one top-level key (validated, written atomically: temp file + rename). */
export function saveConfigKey<K extends keyof ConfigFile>(env: NodeJS.ProcessEnv, key: K, value: ConfigFile[K]): void {
  const store = open(env);
  try {
    store.set(key, value as never);
  } catch (error) {
    throw new TrimtabError(`cannot save ${configPath(env)}: ${(error as Error).message.split('\n')[0]}`, {
      exitCode: EXIT.usage,
      cause: error,
    });
  }
}
