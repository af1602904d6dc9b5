/** What every command, the menu and every remote operation gets: config, terminal facts, output channels. */
import os from 'node:os';
import { readHostCache, writeHostCache } from '../adapters/cache.js';
import { loadConfigFile } from '../adapters/config-store.js';
import { detectTerminal, type Terminal } from '../adapters/terminal.js';
import { type Config, resolveConfig } from '../core/hosts/config.js';
import type { HostCache } from '../core/hosts/host-cache.js';

export interface Ctx {
  config: Config;
  env: NodeJS.ProcessEnv;
  term: Terminal;
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => number;
  /** Loaded on first use: see hostCache(). */
  cache?: HostCache;
  /** Where our ssh control sockets live; null when the user's ssh config multiplexes already. */
  muxDir?: string | null;
}

/** What trimtab remembers about hosts (offline since, last agents), read once per run. */
export const hostCache = (ctx: Ctx): HostCache => (ctx.cache ??= readHostCache(ctx.env));

export function updateHostCache(ctx: Ctx, change: (cache: HostCache) => HostCache): void {
  ctx.cache = change(hostCache(ctx));
  writeHostCache(ctx.env, ctx.cache);
}

export async function createContext(env: NodeJS.ProcessEnv = process.env): Promise<Ctx> {
  return {
    config: resolveConfig(await loadConfigFile(env), env, os.hostname()),
    env,
    term: detectTerminal(env),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    now: () => Math.floor(Date.now() / 1000),
  };
}
