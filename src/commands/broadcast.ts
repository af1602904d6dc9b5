import kleur from 'kleur';
import type { Agent } from '../core/agents/agents.js';
import { EXIT, TrimtabError, usageError } from '../core/errors.js';
import { broadcastScript, checkPasteable } from '../core/script.js';
import type { AgentStatus } from '../core/status/status.js';
import { confirm } from '../adapters/prompt.js';
import { recordSent } from '../adapters/sent-log.js';
import { failedResult, paneResult } from '../core/agents/sent-log.js';
import { onHost, type Ctx } from './context.js';
import { queryHosts, selectHosts, warnFailures } from './list.js';
import { oneLine } from './send.js';

const STATUSES: AgentStatus[] = ['working', 'waiting', 'idle', 'exited', 'unknown'];

/** Send one text to many agents: the targets are shown and confirmed, then one process per host delivers. */
export async function broadcastCommand(ctx: Ctx, text: string, opts: { host?: string; status?: string; yes?: boolean }) {
  if (opts.status && !STATUSES.includes(opts.status as AgentStatus)) {
    throw usageError(`unknown status "${opts.status}"`, `use one of: ${STATUSES.join(', ')}`);
  }
  checkPasteable(text);
  if (!opts.yes && !ctx.term.stdinTTY) throw usageError('broadcast needs a yes: no terminal to ask on', 'add --yes to send without asking');
  const reports = await queryHosts(ctx, selectHosts(ctx, opts.host));
  warnFailures(ctx, reports);
  // Exited panes cannot take input: skip them.
  const targets = reports
    .flatMap((r) => r.agents)
    .filter((a) => a.status !== 'exited' && (!opts.status || a.status === opts.status));
  if (targets.length === 0) throw new TrimtabError('no agents to send to', { hint: 'see trimtab list' });
  const byHost = new Map<string, Agent[]>();
  for (const a of targets) byHost.set(a.host, [...(byHost.get(a.host) ?? []), a]);
  ctx.err(`send ${JSON.stringify(oneLine(text))} to ${targets.length} agent${targets.length > 1 ? 's' : ''}:`);
  for (const [host, agents] of byHost) {
    ctx.err(`  ${host}`);
    for (const a of agents) ctx.err(`    ${a.target}  (${a.status})`);
  }
  if (!opts.yes && !(await confirm('Send?'))) throw new TrimtabError('nothing sent', { exitCode: EXIT.cancelled });
  let failures = 0;
  await Promise.all(
    [...byHost].map(async ([name, agents]) => {
      const host = reports.find((r) => r.host.name === name)!.host;
      try {
        const sections = await onHost(ctx, host, (m) => broadcastScript(m, host, agents.map((a) => a.paneId), text));
        for (const a of agents) {
          const failed = sections.find((s) => s.tag === 'failed' && s.args[0] === a.paneId);
          if (failed) failures++;
          ctx.out(failed ? `${kleur.red('✖')} ${a.target}  failed (${failed.args[1] === 'gone' ? 'agent exited' : failed.args[1]})` : `${kleur.green('✔')} ${a.target}  delivered`);
        }
        recordSent(ctx, agents.map((a) => ({ host: name, target: a.target, text, result: paneResult(sections, a.paneId) })));
      } catch (error) {
        failures += agents.length;
        for (const a of agents) ctx.out(`${kleur.red('✖')} ${a.target}  failed (${(error as Error).message})`);
        recordSent(ctx, agents.map((a) => ({ host: name, target: a.target, text, result: failedResult(error) })));
      }
    }),
  );
  if (failures) throw new TrimtabError(`${failures} of ${targets.length} not delivered`);
}
