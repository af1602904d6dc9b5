/** Turning a TARGET into a host and a pane, and script errors into messages. */
import { findHost, isKnownHost, type Host } from '../core/hosts/config.js';
import { EXIT, TrimtabError, usageError } from '../core/errors.js';
import { section, type Section } from '../core/protocol.js';
import { formatTarget, parseTarget, type Ref } from '../core/agents/target.js';
import type { Ctx } from './context.js';
import { queryHosts } from './list.js';

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
  const reports = await queryHosts(ctx, ctx.config.hosts);
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
  const paneRef: Ref = { kind: 'pane', paneId: found.agent.paneId };
  return { host: found.host, ref: paneRef, label: found.agent.target };
}

/** Turn an `error` section from a script into the message a user should see. */
export function scriptError(sections: Section[], label: string, host: Host): TrimtabError | undefined {
  const e = section(sections, 'error');
  if (!e) return undefined;
  const [what = '', ...rest] = e.args;
  const detail = rest.join(' ');
  switch (what) {
    case 'notfound':
      return new TrimtabError(`no agent at ${label}`, { hint: 'see trimtab list' });
    case 'ambiguous':
      return usageError(`${label} names more than one window`, 'use the pane id from trimtab list --json (HOST:%N)');
    case 'noserver':
      return new TrimtabError(`no tmux server on ${host.name}, so no agent at ${label}`, { hint: 'start one with trimtab spawn PROJECT' });
    case 'nodir':
      return new TrimtabError(`no project directory ${detail} on ${host.name}`, {
        hint: `create it or clone the project there (projects dir: ${host.projectsDir})`,
      });
    case 'noagent':
      return new TrimtabError(`agent command "${host.agentCommand}" not found on ${host.name}`, {
        hint: `give its full path: trimtab hosts set ${host.name} --agent PATH (ssh sessions get PATH=${detail})`,
      });
    case 'died':
      return new TrimtabError(`the agent on ${label} exited at once (status ${detail})`, {
        hint: `try running "${host.agentCommand}" by hand on ${host.name}`,
      });
    case 'gone':
      return new TrimtabError(`${label} went away`);
    default:
      return new TrimtabError(`tmux failed on ${host.name} (${what})`, { exitCode: EXIT.failed });
  }
}

export function throwScriptError(sections: Section[], label: string, host: Host): void {
  const e = scriptError(sections, label, host);
  if (e) throw e;
}
