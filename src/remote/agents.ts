/**
 * Agent operations, one small function each: list a host's agents, find a target, capture a pane,
 * send text, press keys, spawn, list projects, broadcast. Each sends one script (scripts.ts) over the
 * transport and reads its answer with core; commands and the menu only render what comes back.
 */
import { agentsFromList, parsePanes, screensFrom, toJson, type Agent } from '../core/agents/agents.js';
import { findHost, isKnownHost, isValidName, type Host } from '../core/hosts/config.js';
import { EXIT, TrimtabError, usageError } from '../core/errors.js';
import { destHost, markOffline, markOnline, offlineSinceText, shouldSkip, tailscaleOffline, type HostMemo } from '../core/hosts/host-cache.js';
import { isNoServer, section, trimScreen } from '../core/protocol.js';
import { callError, continueDiedError, NoProjectError, reached, scriptError } from '../core/remote-errors.js';
import { checkPasteable } from '../core/script.js';
import { parseRegistry } from '../core/status/registry.js';
import { formatTarget, parseTarget, validateProject, type Ref } from '../core/agents/target.js';
import { failedResult, paneResult } from '../core/agents/sent-log.js';
import type { AgentStatus } from '../core/status/status.js';
import { onPath } from '../adapters/cache.js';
import { run } from '../adapters/run.js';
import { logged, recordSent } from '../adapters/sent-log.js';
import { hostCache, updateHostCache, type Ctx } from './context.js';
import { call, onHost } from './transport.js';
import { broadcastScript, keysScript, listScript, peekScript, projectsScript, resolveScript, sendScript, spawnScript } from './scripts.js';
import type { Section } from '../core/protocol.js';

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
export async function listAgents(ctx: Ctx, host: Host, down: Promise<Set<string>> = tailscaleDown(ctx)): Promise<HostReport> {
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
  let r;
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
    return { host, reachable: !down, error: failed?.message ?? 'no answer', agents: [], stale: down ? staleAgents(memo) : [] };
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
  const agents = agentsFromList(host, ctx.config.session, parsePanes(panes.lines), screensFrom(sections), registry);
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
export const selectHosts = (ctx: Ctx, name?: string): Host[] => (name ? [findHost(ctx.config, name)] : ctx.config.hosts);

export interface Resolved {
  host: Host;
  ref: Ref;
  /** `thor:agents:gridplay-v1`, for messages. */
  label: string;
}

/**
 * With a host, the target is resolved on that host by the script itself (one round trip).
 * Without one, every host is asked (in parallel) and exactly one agent must match.
 */
export async function resolveTarget(ctx: Ctx, text: string): Promise<Resolved> {
  const target = parseTarget(text, ctx.config.session, (n) => isKnownHost(ctx.config, n));
  if (target.host) {
    const host = findHost(ctx.config, target.host);
    return { host, ref: target.ref, label: formatTarget(host.name, target.ref) };
  }
  const reports = await listAllAgents(ctx, ctx.config.hosts);
  const ref = target.ref;
  const matches = reports.flatMap((r) =>
    r.agents
      .filter((a) => (ref.kind === 'pane' ? a.paneId === ref.paneId : a.session === ref.session && a.window === ref.window))
      .map((a) => ({ host: r.host, agent: a })),
  );
  // Several panes of one window: the active pane stands for the window.
  const distinct = matches.filter((m) => m.agent.active || !matches.some((o) => o !== m && o.host === m.host && o.agent.windowId === m.agent.windowId));
  if (distinct.length > 1) {
    throw usageError(
      `"${text}" matches ${distinct.length} agents: ${distinct.map((m) => m.agent.target).join(', ')}`,
      'say which one with HOST:TARGET',
    );
  }
  const found = distinct[0];
  if (!found) {
    const down = reports.filter((r) => r.error).map((r) => r.host.name);
    // `mars:api` reads as SESSION:WINDOW when mars is not a host: most likely a mistyped host.
    const notAHost = ref.kind === 'window' && text.split(':').length === 2 && ref.session !== ctx.config.session
      ? `"${ref.session}" is not a configured host (trimtab hosts list); `
      : '';
    throw new TrimtabError(`no agent "${text}" on ${down.length ? 'the reachable hosts' : 'any host'}`, {
      hint: notAHost + (down.length ? `not checked: ${down.join(', ')} (unreachable); see trimtab list` : 'see trimtab list, or start it with trimtab spawn'),
    });
  }
  return { host: found.host, ref: { kind: 'pane', paneId: found.agent.paneId }, label: found.agent.target };
}

/** Run a script that acts on one target: its `error` section becomes the error a user sees. */
async function onTarget(ctx: Ctx, host: Host, label: string, build: (m: string) => string) {
  const sections = await onHost(ctx, host, build);
  const error = scriptError(sections, label, host);
  if (error) throw error;
  return sections;
}

export const lastLines = (lines: string[], n: number) => trimScreen(lines).slice(-n);

/** The last `lines` lines of an agent's screen (one round trip). */
export async function capturePane(ctx: Ctx, host: Host, ref: Ref, label: string, lines: number): Promise<string[]> {
  const sections = await onTarget(ctx, host, label, (m) => peekScript(m, host, ref, lines));
  return lastLines(section(sections, 'screen')?.lines ?? [], lines);
}

/** A target as a pane id (attach). */
export async function resolvePane(ctx: Ctx, host: Host, ref: Ref, label: string): Promise<string> {
  if (ref.kind === 'pane') return ref.paneId;
  return section(await onTarget(ctx, host, label, (m) => resolveScript(m, host, ref)), 'pane')?.args[0] ?? '';
}

/** Paste `text` into one agent and press Enter (one round trip), recorded in the sent log. Throws when it did not arrive. */
export const sendText = (ctx: Ctx, host: Host, ref: Ref, label: string, text: string, enter = true): Promise<void> =>
  logged(ctx, { host: host.name, target: label, text }, () => deliver(ctx, host, ref, label, text, enter));

async function deliver(ctx: Ctx, host: Host, ref: Ref, label: string, text: string, enter: boolean): Promise<void> {
  checkPasteable(text);
  const sections = await onTarget(ctx, host, label, (m) => sendScript(m, host, ref, text, enter)).catch((error: unknown) => {
    if (error instanceof TrimtabError && error.partial?.some((s) => s.tag === 'pasted')) {
      // The script finishes on its own after a paste (sh/agents.sh, deliver): Enter still comes.
      throw new TrimtabError(`${error.message}, after the text was pasted into ${label}`, {
        exitCode: error.exitCode,
        hint: `${host.name} still presses Enter; check with trimtab peek ${label} before sending it again`,
      });
    }
    throw error;
  });
  const failed = section(sections, 'failed');
  if (failed) {
    const why = failed.args[1] === 'gone' ? 'the agent has exited' : `tmux could not ${failed.args[1]}`;
    throw new TrimtabError(`not delivered to ${label}: ${why}`, { hint: `peek at it with trimtab peek ${label}` });
  }
}

/** Press keys (tmux key names: `Escape`, `1`) in an agent's pane: approve, reject, interrupt. Recorded in the sent log. */
export const pressKeys = (ctx: Ctx, host: Host, ref: Ref, label: string, keys: string[]): Promise<void> =>
  logged(ctx, { host: host.name, target: label, text: keys.join(' '), keys: true }, async () => {
    await onTarget(ctx, host, label, (m) => keysScript(m, host, ref, keys));
  });

export interface Started {
  paneId: string;
  label: string;
  /** The agent was running: nothing was started (and a task was not given to it). */
  existed: boolean;
  /** Its window was there with the agent exited: started again in that same window and pane. */
  restarted: boolean;
}

export interface SpawnOptions {
  /** The agent's first message, passed as its own prompt argument, byte for byte. */
  task?: string | undefined;
  /**
   * `new` and `restart` both start the agent, in the window an exited agent left if there is one;
   * `continue` does so with Claude Code's `--continue` (its last conversation in that folder).
   */
  mode?: 'new' | 'restart' | 'continue' | undefined;
}

/**
 * The words added to the agent command: `--continue`, then `--` and the task. After `--` Claude Code's
 * parser takes the task as its prompt even when it starts with `-` or names a subcommand (`claude --
 * logs` starts a session with the prompt "logs"; `claude logs` runs the subcommand), checked on 2.1.328.
 */
export function agentArgs(opts: SpawnOptions): string[] {
  const args = opts.mode === 'continue' ? ['--continue'] : [];
  if (opts.task) {
    checkPasteable(opts.task);
    args.push('--', opts.task);
  }
  return args;
}

/**
 * Start the agent for PROJECT in window `agents:PROJECT` on a host, or again in the window an exited
 * agent left (same window, same pane); a running agent is left alone. One round trip.
 */
export async function spawnAgent(ctx: Ctx, host: Host, projectText: string, opts: SpawnOptions = {}): Promise<Started> {
  const project = validateProject(projectText);
  const args = agentArgs(opts);
  const label = formatTarget(host.name, { kind: 'window', session: ctx.config.session, window: project });
  const sections = await onHost(ctx, host, (m) => spawnScript(m, host, ctx.config.session, project, args));
  const err = section(sections, 'error');
  if (err?.args[0] === 'nodir') throw new NoProjectError(host, project, err.args.slice(1).join(' '));
  if (err?.args[0] === 'died' && opts.mode === 'continue') throw continueDiedError(label, err.args.slice(1).join(' '));
  const failed = scriptError(sections, label, host);
  if (failed) throw failed;
  const exists = section(sections, 'exists');
  const restarted = section(sections, 'restarted');
  const paneId = (section(sections, 'spawned') ?? restarted ?? exists)?.args[0] ?? '';
  if (!paneId) throw new TrimtabError(`could not start the agent on ${label}`, { hint: 'see trimtab doctor' });
  return { paneId, label, existed: Boolean(exists), restarted: Boolean(restarted) };
}

/** The project directories on a host whose names spawn accepts (the menu's spawn screen). */
export async function listProjects(ctx: Ctx, host: Host): Promise<string[]> {
  const sections = await onHost(ctx, host, (m) => projectsScript(m, host));
  const err = section(sections, 'error');
  if (err) throw new TrimtabError(`no projects dir ${err.args.slice(1).join(' ')} on ${host.name}`);
  // A directory named so that it cannot be a tmux window (`a.b` reads as a pane, `-x` as an option).
  return (section(sections, 'projects')?.lines ?? []).filter(isValidName);
}

/** Which of `hosts` have PROJECT, asked in parallel (one round trip each); the ones that did not answer apart. */
export async function hostsWithProject(ctx: Ctx, hosts: Host[], project: string): Promise<{ found: Host[]; unchecked: Host[] }> {
  const answers = await Promise.all(
    hosts.map((h) =>
      listProjects(ctx, h).then(
        (names) => names.includes(project),
        // No projects dir there: not there. Not reached: unknown.
        (error: unknown) => (error instanceof TrimtabError && error.exitCode === EXIT.unreachable ? undefined : false),
      ),
    ),
  );
  return { found: hosts.filter((_, i) => answers[i] === true), unchecked: hosts.filter((_, i) => answers[i] === undefined) };
}

export const STATUSES: AgentStatus[] = ['working', 'waiting', 'idle', 'exited', 'unknown'];

export interface BroadcastPlan {
  text: string;
  reports: HostReport[];
  /** Live agents (exited panes cannot take input), grouped by host. */
  byHost: Map<string, Agent[]>;
  count: number;
}

/** What every broadcast refuses before asking anything: an unknown status, a text that cannot travel. */
export function checkBroadcast(text: string, opts: { status?: string | undefined } = {}): void {
  if (opts.status && !STATUSES.includes(opts.status as AgentStatus)) {
    throw usageError(`unknown status "${opts.status}"`, `use one of: ${STATUSES.join(', ')}`);
  }
  checkPasteable(text);
}

/**
 * The targets of a broadcast, from the command line and the menu alike: every live agent (exited panes
 * cannot take input) on every host (or the one named), of one status if asked. `seen` gets every
 * host's report first (to warn about the ones that did not answer); no target at all is an error.
 */
export async function planBroadcast(
  ctx: Ctx,
  text: string,
  opts: { host?: string | undefined; status?: string | undefined } = {},
  seen: (reports: HostReport[]) => void = () => {},
): Promise<BroadcastPlan> {
  checkBroadcast(text, opts);
  const reports = await listAllAgents(ctx, selectHosts(ctx, opts.host));
  seen(reports);
  const targets = reports.flatMap((r) => r.agents).filter((a) => a.status !== 'exited' && (!opts.status || a.status === opts.status));
  if (targets.length === 0) throw new TrimtabError('no agents to send to', { hint: 'see trimtab list' });
  const byHost = new Map<string, Agent[]>();
  for (const a of targets) byHost.set(a.host, [...(byHost.get(a.host) ?? []), a]);
  return { text, reports, byHost, count: targets.length };
}

export interface Delivery {
  agent: Agent;
  /** null: delivered. */
  failure: string | null;
}

/** Deliver a planned broadcast: one process per host, every outcome recorded in the sent log. */
export async function broadcast(ctx: Ctx, plan: BroadcastPlan): Promise<Delivery[]> {
  const results = await Promise.all(
    [...plan.byHost].map(async ([name, agents]): Promise<Delivery[]> => {
      const host = plan.reports.find((r) => r.host.name === name)!.host;
      try {
        const sections = await onHost(ctx, host, (m) => broadcastScript(m, host, agents.map((a) => a.paneId), plan.text));
        recordSent(ctx, agents.map((a) => ({ host: name, target: a.target, text: plan.text, result: paneResult(sections, a.paneId) })));
        return agents.map((agent) => {
          const failed = sections.find((s) => s.tag === 'failed' && s.args[0] === agent.paneId);
          return { agent, failure: failed ? (failed.args[1] === 'gone' ? 'agent exited' : (failed.args[1] ?? 'failed')) : null };
        });
      } catch (error) {
        recordSent(ctx, agents.map((a) => ({ host: name, target: a.target, text: plan.text, result: failedResult(error) })));
        return agents.map((agent) => ({ agent, failure: (error as Error).message }));
      }
    }),
  );
  return results.flat();
}
