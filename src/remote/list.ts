/**
 * Listing agents: one host's panes, registry and screens, read by core into agents; all hosts in parallel,
 * with the last answer kept (stale) for a host that is offline.
 */

import { onPath } from '../adapters/cache.js';
import { run } from '../adapters/run.js';
import { type Agent, agentsFromList, parsePanes, screensFrom, toJson } from '../core/agents/agents.js';
import { EXIT, TrimtabError } from '../core/errors.js';
import { findHost, type Host } from '../core/hosts/config.js';
import {
  destHost,
  type HostMemo,
  markOffline,
  markOnline,
  offlineSinceText,
  shouldSkip,
  tailscaleOffline,
} from '../core/hosts/host-cache.js';
import type { Section } from '../core/protocol.js';
import { isNoServer, section } from '../core/protocol.js';
import { type CallResult, callError, reached } from '../core/remote-errors.js';
import { parseRegistry } from '../core/status/registry.js';
import { type Ctx, hostCache, updateHostCache } from './context.js';
import { listScript } from './scripts.js';
import { call } from './transport.js';

export interface HostReport {
  host: Host;
  reachable: boolean;
  /** One line, or null when the host answered normally. */
  error: string | null;
  agents: Agent[];
  /** For a host skipped as offline: the agents it had when it last answered. */
  stale: Agent[];
}

/** Agents remembered from the last answer, to show (marked stale) while a host is offline. */
const staleAgents = (memo: HostMemo | undefined): Agent[] =>
  (memo?.agents ?? []).map((a) => ({ ...(a as unknown as Agent), windowId: '', active: true, stale: true }));

/** `tailscale status --json`, once per run, when tailscale is installed: peers it knows are offline. */
async function tailscaleDown(ctx: Ctx): Promise<Set<string>> {
  const program = onPath('tailscale', ctx.env);
  if (!program) return new Set();
  const r = await run({ file: program, args: ['status', '--json'] }, { timeoutMs: 1500 });
  return r.exitCode === 0 ? tailscaleOffline(r.stdout) : new Set();
}

/**
 * Ask one host for its agents: one process (sh here, one ssh elsewhere). Never throws. A host that
 * failed within the retry window, or that Tailscale reports offline, is not contacted at all.
 */
export async function listAgents(
  ctx: Ctx,
  host: Host,
  down: Promise<Set<string>> = tailscaleDown(ctx),
): Promise<HostReport> {
  const memo = hostCache(ctx)[host.name];
  const now = ctx.now();
  if (!host.local && shouldSkip(memo, now, ctx.config.offlineRetrySeconds)) {
    const error = `${host.name} ${offlineSinceText(memo!.offlineSince!, now)}; retrying after ${ctx.config.offlineRetrySeconds} s`;
    return { host, reachable: false, error, agents: [], stale: staleAgents(memo) };
  }
  if (!host.local && (await down).has(destHost(host.ssh))) {
    updateHostCache(ctx, (c) => markOffline(c, host.name, now));
    return {
      host,
      reachable: false,
      error: `${host.name} is offline (tailscale)`,
      agents: [],
      stale: staleAgents(memo),
    };
  }
  let r: CallResult;
  try {
    r = await call(ctx, host, listCall(ctx, host), { idempotent: true });
  } catch (error) {
    // TRIMTAB_PRINT_SCRIPT: the script was printed instead of run; that is the answer, not a failure.
    if (error instanceof TrimtabError && error.exitCode === EXIT.ok) throw error;
    return { host, reachable: false, error: (error as Error).message, agents: [], stale: [] };
  }
  const failed = callError(host, r, ctx.config.connectTimeoutSeconds);
  if (failed || r.kind !== 'answered') {
    const down = !reached(r);
    return {
      host,
      reachable: !down,
      error: failed?.message ?? 'no answer',
      agents: [],
      stale: down ? staleAgents(memo) : [],
    };
  }
  const { error, agents } = parseAgentList(ctx, host, r.sections);
  if (error) return { host, reachable: true, error, agents: [], stale: [] };
  if (!host.local) updateHostCache(ctx, (c) => markOnline(c, host.name, ctx.now(), agents.map(toJson)));
  return { host, reachable: true, error: null, agents, stale: [] };
}

/** The list operation's script, however it is run: the transport, or the watcher's open channel. */
export const listCall = (ctx: Ctx, host: Host) => (m: string) => listScript(m, host, ctx.config.session);

/** A list answer read: the host's agents, or the one line saying why tmux gave none. */
export function parseAgentList(ctx: Ctx, host: Host, sections: Section[]): { error: string | null; agents: Agent[] } {
  const panes = section(sections, 'panes');
  if (!panes) {
    const text = section(sections, 'noserver')?.lines.join('\n') ?? '';
    if (isNoServer(text)) return { error: null, agents: [] };
    return { error: `tmux failed on ${host.name}: ${text.trim().split('\n')[0]}`, agents: [] };
  }
  const registry = parseRegistry(section(sections, 'registry')?.lines.join('\n') ?? '');
  const agents = agentsFromList(
    host,
    ctx.config.session,
    parsePanes(panes.lines, panes.args[0] ?? ''),
    screensFrom(sections),
    registry,
  );
  // Ages are measured against the host's own clock, then moved onto ours.
  const remoteNow = Number(section(sections, 'now')?.args[0]);
  const skew = remoteNow ? ctx.now() - remoteNow : 0;
  for (const a of agents) if (a.lastActivity) a.lastActivity += skew;
  return { error: null, agents };
}

/** All hosts at once, in parallel: one process per host. */
export const listAllAgents = (ctx: Ctx, hosts: Host[]) => {
  const down = tailscaleDown(ctx);
  return Promise.all(hosts.map((h) => listAgents(ctx, h, down)));
};

/** Hosts to search: the one named, or all. */
export const selectHosts = (ctx: Ctx, name?: string): Host[] =>
  name ? [findHost(ctx.config, name)] : ctx.config.hosts;
