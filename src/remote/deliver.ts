/**
 * Typing into agents: send text, press keys, broadcast. The host checks, right before each paste or press,
 * that the agent runs there (sh/deliver.sh); every outcome is recorded in the sent log.
 */

import { logged, recordSent } from '../adapters/sent-log.js';
import type { Agent } from '../core/agents/agents.js';
import { failedResult } from '../core/agents/sent-log.js';
import type { Ref } from '../core/agents/target.js';
import { TrimtabError, usageError } from '../core/errors.js';
import type { Host } from '../core/hosts/config.js';
import { section } from '../core/protocol.js';
import { refusalError } from '../core/remote-errors.js';
import { checkPasteable } from '../core/script.js';
import type { AgentStatus } from '../core/status/status.js';
import type { Ctx } from './context.js';
import { type HostReport, listAllAgents, selectHosts } from './list.js';
import { broadcastScript, keysScript, sendScript } from './scripts.js';
import { onTarget } from './targets.js';
import { onHost } from './transport.js';

/**
 * Paste `text` into one agent and press Enter (one round trip), recorded in the sent log. Throws when it
 * did not arrive. The host refuses, with nothing typed, a pane where the agent does not run (a shell
 * would run the text) and, unless `force`, an agent waiting on a prompt (the Enter would answer it).
 */
export const sendText = (
  ctx: Ctx,
  host: Host,
  ref: Ref,
  label: string,
  text: string,
  enter = true,
  opts: { force?: boolean } = {},
): Promise<void> =>
  logged(ctx, { host: host.name, target: label, text }, () =>
    deliver(ctx, host, ref, label, text, enter, opts.force === true),
  );

/** What a `failed PANE WHY [DETAIL]` section from sh/deliver.sh deliver means, in a few words. */
function failureText(why = '', detail = ''): string {
  if (why === 'gone') return 'the agent has exited';
  const refused = refusalError('', why, detail);
  if (refused) return refused.message.trim();
  return `tmux could not ${why}`;
}

async function deliver(
  ctx: Ctx,
  host: Host,
  ref: Ref,
  label: string,
  text: string,
  enter: boolean,
  force: boolean,
): Promise<void> {
  checkPasteable(text);
  // A send may wait for another delivery's lock and for the turn it started (sh/deliver.sh: lock_pane, settle).
  const sections = await onTarget(ctx, host, label, (m) => sendScript(m, host, ref, text, enter, force), {
    extraSeconds: 60,
  }).catch((error: unknown) => {
    if (error instanceof TrimtabError && error.partial?.some((s) => s.tag === 'pasted')) {
      // The script finishes on its own after a paste (sh/deliver.sh, deliver): Enter still comes.
      throw new TrimtabError(`${error.message}, after the text was pasted into ${label}`, {
        exitCode: error.exitCode,
        hint: `${host.name} still presses Enter; check with trimtab peek ${label} before sending it again`,
      });
    }
    throw error;
  });
  const failed = section(sections, 'failed');
  if (failed) {
    const [, why = '', ...detail] = failed.args;
    const refused = refusalError(label, why, detail.join(' '));
    if (refused) throw refused;
    throw new TrimtabError(`not delivered to ${label}: ${failureText(why)}`, {
      hint: `peek at it with trimtab peek ${label}`,
    });
  }
}

/** Press keys (tmux key names: `Escape`, `1`) in an agent's pane: approve, reject, interrupt. Recorded in the sent log. */
export const pressKeys = (ctx: Ctx, host: Host, ref: Ref, label: string, keys: string[]): Promise<void> =>
  logged(ctx, { host: host.name, target: label, text: keys.join(' '), keys: true }, async () => {
    await onTarget(ctx, host, label, (m) => keysScript(m, host, ref, keys));
  });

const STATUSES: AgentStatus[] = ['working', 'waiting', 'idle', 'exited', 'unknown'];

export interface BroadcastPlan {
  text: string;
  reports: HostReport[];
  /** Live agents (exited panes cannot take input), grouped by host. */
  byHost: Map<string, Agent[]>;
  count: number;
  /** Agents left out because they wait on a prompt (the Enter would answer it); empty with `force`. */
  waiting: Agent[];
  /** Deliver to waiting agents too (the host then skips its check). */
  force: boolean;
}

/** What every broadcast refuses before asking anything: an unknown status, a text that cannot travel. */
export function checkBroadcast(text: string, opts: { status?: string | undefined } = {}): void {
  if (opts.status && !STATUSES.includes(opts.status as AgentStatus)) {
    throw usageError(`unknown status "${opts.status}"`, `use one of: ${STATUSES.join(', ')}`);
  }
  checkPasteable(text);
}

const paneNumber = (a: Agent) => Number(a.paneId.slice(1));

/**
 * The targets of a broadcast, from the command line and the menu alike: every live agent (exited panes
 * cannot take input) on every host (or the one named), of one status if asked, leaving out agents that
 * wait on a prompt unless `force` (the host checks again right before each paste). `seen` gets every
 * host's report first (to warn about the ones that did not answer); no target at all is an error.
 */
export async function planBroadcast(
  ctx: Ctx,
  text: string,
  opts: { host?: string | undefined; status?: string | undefined; force?: boolean | undefined } = {},
  seen: (reports: HostReport[]) => void = () => {},
): Promise<BroadcastPlan> {
  checkBroadcast(text, opts);
  const force = opts.force === true;
  const reports = await listAllAgents(ctx, selectHosts(ctx, opts.host));
  seen(reports);
  const live = reports
    .flatMap((r) => r.agents)
    .filter((a) => a.status !== 'exited' && (!opts.status || a.status === opts.status));
  const waiting = force ? [] : live.filter((a) => a.status === 'waiting');
  const targets = live.filter((a) => !waiting.includes(a));
  if (targets.length === 0) {
    if (waiting.length) {
      const n = waiting.length;
      throw new TrimtabError(
        `${n === 1 ? 'the only agent is' : `all ${n} agents are`} waiting on a prompt: answer first, or --force`,
        {
          hint: 'see trimtab list',
        },
      );
    }
    throw new TrimtabError('no agents to send to', { hint: 'see trimtab list' });
  }
  const byHost = new Map<string, Agent[]>();
  for (const a of targets) byHost.set(a.host, [...(byHost.get(a.host) ?? []), a]);
  // One order on every host (lowest pane first), so two broadcasts never wait on each other's locks.
  for (const agents of byHost.values()) agents.sort((a, b) => paneNumber(a) - paneNumber(b));
  return { text, reports, byHost, count: targets.length, waiting, force };
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
        const sections = await onHost(ctx, host, (m) =>
          broadcastScript(
            m,
            host,
            agents.map((a) => a.paneId),
            plan.text,
            plan.force,
          ),
        );
        const deliveries = agents.map((agent): Delivery => {
          const failed = sections.find((s) => s.tag === 'failed' && s.args[0] === agent.paneId);
          return { agent, failure: failed ? failureText(failed.args[1], failed.args.slice(2).join(' ')) : null };
        });
        recordSent(
          ctx,
          deliveries.map((d) => ({
            host: name,
            target: d.agent.target,
            text: plan.text,
            result: d.failure ? `failed: ${d.failure}` : 'delivered',
          })),
        );
        return deliveries;
      } catch (error) {
        recordSent(
          ctx,
          agents.map((a) => ({ host: name, target: a.target, text: plan.text, result: failedResult(error) })),
        );
        return agents.map((agent) => ({ agent, failure: (error as Error).message }));
      }
    }),
  );
  return results.flat();
}
