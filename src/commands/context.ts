/** What every command gets: config, terminal facts, output channels; and running a script on a host. */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { resolveConfig, type Config, type Host } from '../core/hosts/config.js';
import { EXIT, TrimtabError } from '../core/errors.js';
import { markOffline, type HostCache } from '../core/hosts/host-cache.js';
import { markerFor, parseSections, type Section } from '../core/protocol.js';
import { controlPath, muxExitInvocation, scriptInvocation, userMultiplexes } from '../core/hosts/ssh.js';
import { readHostCache, runtimeDir, sshConfigTexts, writeHostCache } from '../adapters/cache.js';
import { loadConfigFile } from '../adapters/config-store.js';
import { existsSync, rmSync } from 'node:fs';
import { run } from '../adapters/run.js';
import { detectTerminal, type Terminal } from '../adapters/terminal.js';

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

function muxPath(ctx: Ctx, host: Host): string | undefined {
  if (ctx.muxDir === undefined) {
    ctx.muxDir = ctx.env.TRIMTAB_NO_MUX || userMultiplexes(sshConfigTexts(ctx.config.sshOptions)) ? null : runtimeDir(ctx.env);
  }
  return ctx.muxDir ? controlPath(ctx.muxDir, ctx.config, host) : undefined;
}

/** A master that hung: ask it to leave, and remove its socket so the next call builds a fresh one. */
async function dropMaster(ctx: Ctx, host: Host, path: string): Promise<void> {
  await run(muxExitInvocation(ctx.config, host, path), { timeoutMs: 1500 });
  rmSync(path, { force: true });
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

/** Why ssh (exit 255) failed, as one line with what to do next. */
export function unreachable(host: Host, stderr: string, timeoutSeconds: number, timedOut: boolean): TrimtabError {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('@'));
  if (timedOut) {
    return new TrimtabError(`cannot reach ${host.name} (timed out after ${timeoutSeconds} s)`, {
      exitCode: EXIT.unreachable,
      hint: `is ${host.ssh} asleep or off the network? lists skip it`,
    });
  }
  if (/host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|no .* host key is known/i.test(stderr)) {
    return new TrimtabError(`cannot reach ${host.name}: its ssh host key is unknown or has changed`, {
      exitCode: EXIT.unreachable,
      hint: `run "ssh ${host.ssh}" once to check and accept the key (ssh-keygen -R to forget an old one); trimtab never turns host key checks off`,
    });
  }
  const reason = lines.filter((l) => !/^Warning: Permanently added/.test(l)).at(-1) ?? 'ssh failed';
  const timedOutBySsh = /timed out/i.test(reason);
  return new TrimtabError(
    timedOutBySsh ? `cannot reach ${host.name} (timed out after ${timeoutSeconds} s)` : `cannot reach ${host.name}: ${reason}`,
    { exitCode: EXIT.unreachable, hint: `check that "ssh ${host.ssh} true" works from here` },
  );
}

/** The process ended without finishing: killed by a signal (-1), or ssh lost its connection (255). */
export const brokeOff = (host: Host, exitCode: number) => exitCode === -1 || (!host.local && exitCode === 255);

/** The host answered, then the connection (or the shell on it) went away before the script ended. */
export const lostPartWay = (host: Host, timedOutAfter?: number, partial?: Section[]) =>
  new TrimtabError(
    timedOutAfter ? `${host.name} stopped answering part way (timed out after ${timedOutAfter} s)` : `lost the connection to ${host.name} part way`,
    { exitCode: EXIT.unreachable, hint: 'check with trimtab list before trying again', partial },
  );

/**
 * Run a script from core/script.ts on a host (one process: `sh` here, `ssh` elsewhere) and parse its
 * sections. Throws an exit-3 error when the host cannot be reached.
 */
export async function onHost(
  ctx: Ctx,
  host: Host,
  build: (marker: string) => string,
  extraSeconds = 15,
  opts: { idempotent?: boolean } = {},
): Promise<Section[]> {
  const marker = markerFor(randomBytes(6).toString('hex'));
  const cp = host.local ? undefined : muxPath(ctx, host);
  const inv = scriptInvocation(ctx.config, host, build(marker), { controlPath: cp });
  const timeout = ctx.config.connectTimeoutSeconds;
  // Through an existing master, a hung connection never times out by itself (ConnectTimeout does not
  // apply): watch for the script's first words. A new connection is bounded by ConnectTimeout instead,
  // and may legitimately take that long plus the remote shell's start-up.
  const reuse = cp !== undefined && existsSync(cp);
  const watch = { timeoutMs: (timeout + extraSeconds) * 1000, firstByteMs: reuse ? (timeout + 3) * 1000 : undefined };
  const started = Date.now();
  let r = await run(inv, watch);
  if (r.hung && cp) {
    await dropMaster(ctx, host, cp);
    if (!opts.idempotent) {
      throw new TrimtabError(`the ssh connection to ${host.name} hung, and was dropped`, {
        exitCode: EXIT.unreachable,
        hint: 'try again: the next call connects afresh',
      });
    }
    r = await run(inv, { ...watch, firstByteMs: undefined }); // a fresh master: the old socket is gone
  }
  if (ctx.env.TRIMTAB_DEBUG) {
    ctx.err(`[debug] ${inv.file} ${inv.args.join(' ')} → exit ${r.exitCode} in ${Date.now() - started} ms (started ${Math.round(started - performance.timeOrigin)} ms after trimtab)\n${inv.input}\n[stdout]\n${r.stdout}\n[stderr]\n${r.stderr}`);
  }
  if (r.spawnError) {
    throw new TrimtabError(`cannot run ${inv.file}: ${r.spawnError}`, {
      hint: host.local ? 'is a POSIX sh on PATH?' : 'is OpenSSH installed? set TRIMTAB_SSH or sshCommand to its path',
    });
  }
  const sections = parseSections(r.stdout, marker);
  // The script said hello, then its output stopped without `end`: the host was reached and lost (a
  // dropped connection, a killed shell), which is not the same as a host that is not there.
  const cutOff = r.hung || r.timedOut || brokeOff(host, r.exitCode);
  if (cutOff && sections.some((s) => s.tag === 'hello') && !sections.some((s) => s.tag === 'end' || s.tag === 'error')) {
    throw lostPartWay(host, r.timedOut ? timeout + extraSeconds : undefined, sections);
  }
  if (r.hung || r.timedOut || (!host.local && r.exitCode === 255)) { // never answered: unreachable
    const error = unreachable(host, r.stderr, timeout, r.timedOut || r.hung);
    // Host key trouble is not "asleep": don't let it hide the host from later runs.
    if (!/host key/.test(error.message)) updateHostCache(ctx, (c) => markOffline(c, host.name, ctx.now()));
    throw error;
  }
  if (!host.local && hostCache(ctx)[host.name]?.offlineSince) {
    updateHostCache(ctx, (c) => ({ ...c, [host.name]: { ...c[host.name], offlineSince: undefined, lastTried: ctx.now() } }));
  }
  if (sections.some((s) => s.tag === 'notmux')) {
    throw new TrimtabError(`tmux is not installed on ${host.name}`, {
      hint: 'install it (apt install tmux, dnf install tmux, or add pkgs.tmux on NixOS)',
    });
  }
  if (sections.length === 0) {
    const why = r.stderr.trim().split('\n').at(-1) || `exit ${r.exitCode}`;
    throw new TrimtabError(`no answer from ${host.name}: ${why}`, { hint: 'is a POSIX sh available there?' });
  }
  return sections;
}
