import kleur from 'kleur';
import { confirm } from '../adapters/prompt.js';
import { showText } from '../core/agents/sent-log.js';
import { EXIT, TrimtabError, usageError } from '../core/errors.js';
import type { Ctx } from '../remote/context.js';
import { broadcast, checkBroadcast, planBroadcast } from '../remote/deliver.js';
import { warnFailures } from './list.js';

/** Send one text to many agents: the targets are shown and confirmed, then one process per host delivers. */
export async function broadcastCommand(
  ctx: Ctx,
  text: string,
  opts: { host?: string; status?: string; yes?: boolean; force?: boolean },
) {
  checkBroadcast(text, opts);
  if (!opts.yes && !ctx.term.stdinTTY)
    throw usageError('broadcast needs a yes: no terminal to ask on', 'add --yes to send without asking');
  const plan = await planBroadcast(ctx, text, opts, (reports) => warnFailures(ctx, reports));
  ctx.err(`send ${JSON.stringify(showText(text))} to ${plan.count} agent${plan.count > 1 ? 's' : ''}:`);
  for (const [host, agents] of plan.byHost) {
    ctx.err(`  ${host}`);
    for (const a of agents) ctx.err(`    ${a.target}  (${a.status})`);
  }
  const w = plan.waiting.length;
  if (w)
    ctx.err(
      `leaving out ${w} agent${w > 1 ? 's' : ''} waiting on a prompt (answer first, or --force): ${plan.waiting.map((a) => a.target).join(', ')}`,
    );
  if (!opts.yes && !(await confirm('Send?'))) throw new TrimtabError('nothing sent', { exitCode: EXIT.cancelled });
  const results = await broadcast(ctx, plan);
  for (const { agent, failure } of results) {
    ctx.out(
      failure
        ? `${kleur.red('✖')} ${agent.target}  failed (${failure})`
        : `${kleur.green('✔')} ${agent.target}  delivered`,
    );
  }
  const failures = results.filter((r) => r.failure).length;
  if (failures) throw new TrimtabError(`${failures} of ${plan.count} not delivered`);
}
