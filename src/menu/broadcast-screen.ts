/**
 * Message all from the phone: the same plan, checks and sent log as `trimtab broadcast`, after a
 * confirm that lists the targets. Agents waiting on a prompt are left out (the Enter after the text
 * would answer their prompt), and the screen says how many.
 */
import type { Agent } from '../core/agents/agents.js';
import { showText } from '../core/agents/sent-log.js';
import { broadcast, checkBroadcast, planBroadcast } from '../remote/deliver.js';
import { ask, busy, errorScreen, show, textScreen, type View } from './view.js';

export async function broadcastScreen(v: View, agents: Agent[]): Promise<void> {
  const live = agents.filter((a) => a.status !== 'exited' && a.status !== 'waiting' && !a.stale).length;
  const msg = await ask(v, `message all (${live} agents)`, 'message: ');
  if (!msg) return;
  try {
    checkBroadcast(msg);
    busy(v, 'finding agents');
    // planBroadcast leaves agents waiting on a prompt out (the Enter after the text would answer it).
    const plan = await planBroadcast(v.ctx, msg);
    const left = plan.waiting.length ? [`${plan.waiting.length} waiting on a prompt: left out`] : [];
    if (plan.count === 0) {
      await textScreen(v, 'no agents to send to', left);
      return;
    }
    const targets = [...plan.byHost.values()].flat();
    const rows = [
      ...[...left, ...targets.map((a) => `  ${a.target}`)].map((text) => ({ key: '', text })),
      { key: 'y', text: `y  send to ${plan.count}` },
      { key: 'b', text: 'b  back' },
    ];
    const key = await show(v, {
      header: [`send "${showText(msg)}" to:`],
      rows,
      footer: 'y send · Esc/b back',
      cursor: 'b',
    });
    if (key !== 'y') return;
    busy(v, 'sending');
    const results = await broadcast(v.ctx, plan);
    await textScreen(v, 'message all', [
      ...left,
      ...results.map((r) => (r.failure ? `✖ ${r.agent.target}: ${r.failure}` : `✔ ${r.agent.target}`)),
    ]);
  } catch (error) {
    await errorScreen(v, error);
  }
}
