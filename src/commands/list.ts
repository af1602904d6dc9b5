import kleur from 'kleur';
import { agentsFromList, parsePanes, screensFrom, toJson, type Agent } from '../core/agents.js';
import { findHost, type Host } from '../core/config.js';
import { TrimtabError } from '../core/errors.js';
import { isNoServer, section } from '../core/protocol.js';
import { renderAgentTable, type Paint } from '../core/render.js';
import { listScript } from '../core/script.js';
import { onHost, type Ctx } from './context.js';

export interface HostReport {
  host: Host;
  reachable: boolean;
  /** One line, or null when the host answered normally. */
  error: string | null;
  agents: Agent[];
}

/** Ask one host for its agents: one process (sh here, one ssh elsewhere). Never throws. */
export async function queryHost(ctx: Ctx, host: Host): Promise<HostReport> {
  try {
    const sections = await onHost(ctx, host, (m) => listScript(m, host, ctx.config.session));
    const panes = section(sections, 'panes');
    if (!panes) {
      const text = section(sections, 'noserver')?.lines.join('\n') ?? '';
      if (isNoServer(text)) return { host, reachable: true, error: null, agents: [] };
      throw new TrimtabError(`tmux failed on ${host.name}: ${text.trim().split('\n')[0]}`);
    }
    const agents = agentsFromList(host, ctx.config.session, parsePanes(panes.lines), screensFrom(sections));
    // Ages are measured against the host's own clock, then moved onto ours.
    const remoteNow = Number(section(sections, 'now')?.args[0]);
    const skew = remoteNow ? ctx.now() - remoteNow : 0;
    for (const a of agents) if (a.lastActivity) a.lastActivity += skew;
    return { host, reachable: true, error: null, agents };
  } catch (error) {
    const e = error as TrimtabError;
    return { host, reachable: e.exitCode !== 3, error: e.message, agents: [] };
  }
}

/** All hosts at once, in parallel: one process per host. */
export const queryHosts = (ctx: Ctx, hosts: Host[]) => Promise.all(hosts.map((h) => queryHost(ctx, h)));

/** Hosts a command should search: the one named, or all. */
export const selectHosts = (ctx: Ctx, name?: string): Host[] => (name ? [findHost(ctx.config, name)] : ctx.config.hosts);

/** One warning line per host that failed; lists go on without it. */
export function warnFailures(ctx: Ctx, reports: HostReport[]): void {
  for (const r of reports) if (r.error) ctx.err(`${kleur.yellow('⚠')} ${r.error}; skipped`);
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
  if (agents.length === 0) {
    ctx.err('no agents running; start one with: trimtab spawn PROJECT');
    return;
  }
  const paint: Paint = ctx.term.color ? (s, t) => (PAINT[s] ?? ((x: string) => x))(t) : (_s, t) => t;
  for (const line of renderAgentTable(agents, ctx.now(), ctx.term.columns, paint)) ctx.out(line);
}
