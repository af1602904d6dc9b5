/**
 * The transport: runs one script on one host (one process: `sh -s` here, `ssh HOST sh -s` elsewhere)
 * and says what came of it as a CallResult. It alone reads ssh's exit codes, owns the ssh master
 * (ControlMaster), the offline memory and the debug output. Every script says `hello` first
 * (sh/prelude.sh): that is how a connection that answered is told from one that never did.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { runtimeDir, sshConfigTexts } from '../adapters/cache.js';
import { run } from '../adapters/run.js';
import { EXIT, TrimtabError } from '../core/errors.js';
import type { Host } from '../core/hosts/config.js';
import { markOffline } from '../core/hosts/host-cache.js';
import {
  controlPath,
  muxCheckInvocation,
  muxExitInvocation,
  muxProbeInvocation,
  scriptInvocation,
  userMultiplexes,
} from '../core/hosts/ssh.js';
import { markerFor, parseSections } from '../core/protocol.js';
import { type CallResult, callError, marksOffline } from '../core/remote-errors.js';
import { type Ctx, hostCache, updateHostCache } from './context.js';

export interface CallOptions {
  /** Seconds the script may run beyond the connect timeout before it is killed. */
  extraSeconds?: number;
  /** Safe to run twice: after a hung master is dropped, try once more over a fresh connection. */
  idempotent?: boolean;
}

export function muxPath(ctx: Ctx, host: Host): string | undefined {
  if (host.local) return undefined;
  if (ctx.muxDir === undefined) {
    // runtimeDir never throws: no usable socket dir means plain ssh, not an unreachable host.
    ctx.muxDir =
      ctx.env.TRIMTAB_NO_MUX || userMultiplexes(sshConfigTexts(ctx.config.sshOptions)) ? null : runtimeDir(ctx.env);
  }
  return ctx.muxDir ? controlPath(ctx.muxDir, ctx.config, host) : undefined;
}

/** A master that failed its check: ask it to leave, and remove its socket so the next call builds a fresh one. */
export async function dropMaster(ctx: Ctx, host: Host, path: string): Promise<void> {
  await run(muxExitInvocation(ctx.config, host, path), { timeoutMs: 1500 });
  rmSync(path, { force: true });
}

/**
 * Does the master still carry calls? Asked only after a call through it stayed silent: the master
 * process must answer `-O check`, and a second session through it must run `true`, each within the
 * probe window. A master frozen for less than that window, or slowed by a busy machine, passes.
 */
async function masterAnswers(ctx: Ctx, host: Host, path: string, windowMs: number): Promise<boolean> {
  const check = await run(muxCheckInvocation(ctx.config, host, path), { timeoutMs: windowMs });
  const probe =
    check.exitCode === 0 ? await run(muxProbeInvocation(ctx.config, host, path), { timeoutMs: windowMs }) : undefined;
  const alive = probe?.exitCode === 0;
  if (ctx.env.TRIMTAB_DEBUG)
    ctx.err(
      `[debug] ${host.name}: no answer yet through the master; it ${alive ? 'answers: waiting on' : 'does not answer: dropping it'}`,
    );
  return alive;
}

function debug(
  ctx: Ctx,
  file: string,
  args: string[],
  script: string,
  r: { exitCode: number; stdout: string; stderr: string },
  started: number,
) {
  ctx.err(
    `[debug] ${file} ${args.join(' ')} → exit ${r.exitCode} in ${Date.now() - started} ms ` +
      `(started ${Math.round(started - performance.timeOrigin)} ms after trimtab)\n${script}\n[stdout]\n${r.stdout}\n[stderr]\n${r.stderr}`,
  );
}

/** Run `build(marker)` on `host`. Never throws for what happened on the way: the result says it. */
export async function call(
  ctx: Ctx,
  host: Host,
  build: (marker: string) => string,
  opts: CallOptions = {},
): Promise<CallResult> {
  const marker = markerFor(randomBytes(6).toString('hex'));
  const script = build(marker);
  if (ctx.env.TRIMTAB_PRINT_SCRIPT) {
    ctx.out(script);
    throw new TrimtabError(`printed the script for ${host.name} (TRIMTAB_PRINT_SCRIPT); nothing was run`, {
      exitCode: EXIT.ok,
    });
  }
  const cp = muxPath(ctx, host);
  const inv = scriptInvocation(ctx.config, host, script, { controlPath: cp });
  const timeout = ctx.config.connectTimeoutSeconds;
  const extra = opts.extraSeconds ?? 15;
  // Through an existing master, a hung connection never times out by itself (ConnectTimeout does not
  // apply): watch for the script's hello. A new connection is bounded by ConnectTimeout instead.
  const windowMs = (timeout + 3) * 1000;
  const reuse = cp !== undefined && existsSync(cp);
  const watch = {
    timeoutMs: (timeout + extra) * 1000,
    firstByteMs: reuse ? windowMs : undefined,
    stillAlive: cp ? () => masterAnswers(ctx, host, cp, windowMs) : undefined,
  };
  const started = Date.now();
  let r = await run(inv, watch);
  if (r.hung && cp) {
    await dropMaster(ctx, host, cp);
    if (!opts.idempotent) return { kind: 'hung' };
    r = await run(inv, { timeoutMs: watch.timeoutMs }); // a fresh master: the old socket is gone
  }
  if (ctx.env.TRIMTAB_DEBUG) debug(ctx, inv.file, inv.args, script, r, started);
  if (r.spawnError) return { kind: 'nostart', program: inv.file, why: r.spawnError };
  const sections = parseSections(r.stdout, marker);
  const said = (tag: string) => sections.some((s) => s.tag === tag);
  // Killed by a signal (-1), or ssh lost its connection (255).
  const cutOff = r.hung || r.timedOut || r.exitCode === -1 || (!host.local && r.exitCode === 255);
  let result: CallResult;
  if (cutOff && said('hello') && !said('end') && !said('error')) {
    result = { kind: 'lost', sections, timedOutAfter: r.timedOut ? timeout + extra : undefined };
  } else if (r.hung || r.timedOut || (!host.local && r.exitCode === 255)) {
    result = { kind: 'unreachable', stderr: r.stderr, timedOut: r.timedOut || r.hung };
  } else if (sections.length === 0) {
    result = { kind: 'silent', stderr: r.stderr, exitCode: r.exitCode };
  } else {
    result = { kind: 'answered', sections };
  }
  remember(ctx, host, result);
  return result;
}

/** The offline memory: a host that never answered is left alone for a while; one that answered is not. */
function remember(ctx: Ctx, host: Host, r: CallResult): void {
  if (host.local) return;
  if (marksOffline(host, r, ctx.config.connectTimeoutSeconds))
    updateHostCache(ctx, (c) => markOffline(c, host.name, ctx.now()));
  else if (r.kind !== 'unreachable' && hostCache(ctx)[host.name]?.offlineSince) {
    updateHostCache(ctx, (c) => ({
      ...c,
      [host.name]: { ...c[host.name], offlineSince: undefined, lastTried: ctx.now() },
    }));
  }
}

/** `call`, for operations that need an answer: anything else becomes the TrimtabError it stands for. */
export async function onHost(ctx: Ctx, host: Host, build: (marker: string) => string, opts: CallOptions = {}) {
  const r = await call(ctx, host, build, opts);
  const error = callError(host, r, ctx.config.connectTimeoutSeconds);
  if (error) throw error;
  return (r as Extract<CallResult, { kind: 'answered' }>).sections;
}
