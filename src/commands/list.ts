import kleur from 'kleur';
import { agentsFromList, parsePanes, screensFrom, toJson, type Agent } from '../core/agents/agents.js';
import { findHost, type Host } from '../core/hosts/config.js';
import { TrimtabError } from '../core/errors.js';
import { isNoServer, section } from '../core/protocol.js';
import { renderAgentTable, type Paint } from '../core/render/render.js';
import { listScript } from '../core/script.js';
import { destHost, markOffline, markOnline, offlineSinceText, shouldSkip, tailscaleOffline, type HostMemo } from '../core/hosts/host-cache.js';
import { onPath } from '../adapters/cache.js';
import { run } from '../adapters/run.js';
import { hostCache, onHost, updateHostCache, type Ctx } from './context.js';

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
export async function queryHost(ctx: Ctx, host: Host, down: Promise<Set<string>> = tailscaleDown(ctx)): Promise<HostReport> {
  const memo = hostCache(ctx)[host.name];
  const now = ctx.now();
  if (!host.local && shouldSkip(memo, now, ctx.config.offlineRetrySeconds)) {
    const error = `${host.name} ${offlineSinceText(memo!.offlineSince!, now)}; retrying after ${ctx.config.offlineRetrySeconds} s`;
    return { host, reachable: false, error, agents: [], stale: staleAgents(memo) };
  }
  if (!host.local && (await down).has(destHost(host.ssh))) {
    updateHostCache(ctx, (c) => markOffline(c, host.name, now));
    return { host, reachable: false, error: `${host.name} is offline (tailscale)`, agents: [], stale: staleAgents(memo) };
  }
  try {
    const sections = await onHost(ctx, host, (m) => listScript(m, host, ctx.config.session), 15, { idempotent: true });
    const panes = section(sections, 'panes');
    if (!panes) {
      const text = section(sections, 'noserver')?.lines.join('\n') ?? '';
      if (isNoServer(text)) return { host, reachable: true, error: null, agents: [], stale: [] };
      throw new TrimtabError(`tmux failed on ${host.name}: ${text.trim().split('\n')[0]}`);
    }
    const agents = agentsFromList(host, ctx.config.session, parsePanes(panes.lines), screensFrom(sections));
    // Ages are measured against the host's own clock, then moved onto ours.
    const remoteNow = Number(section(sections, 'now')?.args[0]);
    const skew = remoteNow ? ctx.now() - remoteNow : 0;
    for (const a of agents) if (a.lastActivity) a.lastActivity += skew;
    if (!host.local) updateHostCache(ctx, (c) => markOnline(c, host.name, ctx.now(), agents.map(toJson)));
    return { host, reachable: true, error: null, agents, stale: [] };
  } catch (error) {
    const e = error as TrimtabError;
    return { host, reachable: e.exitCode !== 3, error: e.message, agents: [], stale: e.exitCode === 3 ? staleAgents(memo) : [] };
  }
}

/** All hosts at once, in parallel: one process per host. */
export const queryHosts = (ctx: Ctx, hosts: Host[]) => {
  const down = tailscaleDown(ctx);
  return Promise.all(hosts.map((h) => queryHost(ctx, h, down)));
};

/** Hosts a command should search: the one named, or all. */
export const selectHosts = (ctx: Ctx, name?: string): Host[] => (name ? [findHost(ctx.config, name)] : ctx.config.hosts);

/** One warning line per host that failed; lists go on without it. */
export function warnFailures(ctx: Ctx, reports: HostReport[]): void {
  for (const r of reports) {
    if (!r.error) continue;
    // Still one line per host; a host key problem says how to fix it (trimtab never skips the check).
    const fix = /host key/.test(r.error) ? `; check it with "ssh ${r.host.ssh}"` : '';
    ctx.err(`${kleur.yellow('⚠')} ${r.error}${fix}; skipped`);
  }
}

const PAINT: Record<string, (s: string) => string> = {
  waiting: kleur.yellow().bold,
  working: kleur.green,
  idle: kleur.cyan,
  exited: kleur.gray,
  unknown: kleur.gray,
};

export async function listCommand(ctx: Ctx, opts: { json?: boolean; host?: string }): Promise<void> {
  const reports = await queryHosts(ctx, selectHosts(ctx, opts.host));
  const agents = reports.flatMap((r) => r.agents);
  if (opts.json) {
    const hosts = reports.map((r) => ({ name: r.host.name, local: r.host.local, reachable: r.reachable, error: r.error }));
    ctx.out(JSON.stringify({ hosts, agents: agents.map(toJson) }));
    warnFailures(ctx, reports);
    return;
  }
  warnFailures(ctx, reports);
  // Agents of offline hosts as last seen, so the table still says what was running there.
  const shown = [...agents, ...reports.flatMap((r) => r.stale)];
  if (shown.length === 0) {
    ctx.err('no agents running; start one with: trimtab spawn PROJECT');
    return;
  }
  const paint: Paint = ctx.term.color ? (s, t) => (PAINT[s] ?? ((x: string) => x))(t) : (_s, t) => t;
  for (const line of renderAgentTable(shown, ctx.now(), ctx.term.columns, paint)) ctx.out(line);
}
