/**
 * Peek: the agent's recent lines, reflowed to the phone's width (a word never falls off the right
 * edge: Claude Code draws for its own pane, often 80 columns or more), scrolled to the end, with the
 * history above it a few screens deep. Up/Down and PgUp/PgDn scroll; `r` reads it again.
 */
import type { Agent } from '../core/agents/agents.js';
import { KEYS, reflow } from '../core/render/menu-layout.js';
import { capturePane } from '../remote/targets.js';
import { Screen } from './screen.js';
import { age, hostOf, size, style, type View } from './view.js';

/** Lines of history to fetch: a few phone screens of an 80-column pane, reflowed. */
const HISTORY = 200;

export async function peekScreen(v: View, agent: Agent): Promise<string> {
  for (;;) {
    let body: string[];
    try {
      body = await capturePane(v.ctx, hostOf(v, agent), { kind: 'pane', paneId: agent.paneId }, agent.target, HISTORY);
    } catch (error) {
      body = [`✖ ${(error as Error).message}`];
    }
    const readAt = Date.now();
    const dot = ` ${v.glyphs.dot} `;
    const screen = new Screen(
      v.kb,
      () => ({
        header: [[agent.project, agent.host, 'peek', age(readAt)].join(dot)],
        rows: reflow(body, size().columns).map((text) => ({ key: '', text, gutter: false })),
        footer: `↑↓ scroll${dot}r refresh${dot}Esc/b back`,
        keys: [KEYS.refresh],
        fromBottom: true,
      }),
      style(v),
    );
    const tick = setInterval(() => screen.refresh(), 1000);
    const key = await screen.run().finally(() => clearInterval(tick));
    if (key !== KEYS.refresh) return key;
  }
}
