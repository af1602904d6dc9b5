/**
 * Finding one agent from what a user typed, and acting on that one target: capture, resolve to a pane id.
 */

import { formatTarget, parseTarget, type Ref } from '../core/agents/target.js';
import { TrimtabError, usageError } from '../core/errors.js';
import { findHost, type Host, isKnownHost } from '../core/hosts/config.js';
import { section, trimScreen } from '../core/protocol.js';
import { scriptError } from '../core/remote-errors.js';
import type { Ctx } from './context.js';
import { listAllAgents } from './list.js';
import { peekScript, resolveScript } from './scripts.js';
import { type CallOptions, onHost } from './transport.js';

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
      .filter((a) =>
        ref.kind === 'pane' ? a.paneId === ref.paneId : a.session === ref.session && a.window === ref.window,
      )
      .map((a) => ({ host: r.host, agent: a })),
  );
  // Several panes of one window: the active pane stands for the window.
  const distinct = matches.filter(
    (m) =>
      m.agent.active || !matches.some((o) => o !== m && o.host === m.host && o.agent.windowId === m.agent.windowId),
  );
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
    const notAHost =
      ref.kind === 'window' && text.split(':').length === 2 && ref.session !== ctx.config.session
        ? `"${ref.session}" is not a configured host (trimtab hosts list); `
        : '';
    throw new TrimtabError(`no agent "${text}" on ${down.length ? 'the reachable hosts' : 'any host'}`, {
      hint:
        notAHost +
        (down.length
          ? `not checked: ${down.join(', ')} (unreachable); see trimtab list`
          : 'see trimtab list, or start it with trimtab spawn'),
    });
  }
  return { host: found.host, ref: { kind: 'pane', paneId: found.agent.paneId }, label: found.agent.target };
}

/** Run a script that acts on one target: its `error` section becomes the error a user sees. */
export async function onTarget(
  ctx: Ctx,
  host: Host,
  label: string,
  build: (m: string) => string,
  opts: CallOptions = {},
) {
  const sections = await onHost(ctx, host, build, opts);
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
