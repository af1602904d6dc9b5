/**
 * Spawn from the phone: a host, a project, an optional first message, then the agent starts in
 * `agents:PROJECT`. An exited agent's screen restarts it (a new session) or continues its last one.
 */
import type { Agent } from '../core/agents/agents.js';
import type { Host } from '../core/hosts/config.js';
import { numbered } from '../core/render/menu-layout.js';
import { attachPane } from '../remote/attach.js';
import type { Ctx } from '../remote/context.js';
import { listProjects, type SpawnOptions, type Started, spawnAgent } from '../remote/spawn.js';
import { ask, busy, errorScreen, show, size, type View, withTerminal } from './view.js';

/** The menu's one call of spawnAgent: a new agent with an optional first message, or an exited one again. */
const startAgent = (ctx: Ctx, host: Host, project: string, opts: SpawnOptions): Promise<Started> =>
  spawnAgent(ctx, host, project, opts);

const rows = (labels: string[]) => numbered(labels, size().columns).map((i) => ({ key: i.key, text: i.label }));

async function started(v: View, host: Host, run: () => Promise<Started>, what: string): Promise<void> {
  busy(v, what);
  try {
    const s = await run();
    const title = s.existed ? `${s.label} already running` : `started ${s.label}`;
    const key = await show(v, {
      header: [title],
      rows: [
        { key: 'a', text: 'a  attach' },
        { key: 'b', text: 'b  back' },
      ],
      footer: 'Esc/b back',
      cursor: 'b',
    });
    if (key === 'a') await withTerminal(v, () => attachPane(v.ctx, host, s.paneId));
  } catch (error) {
    await errorScreen(v, error);
  }
}

export async function spawnScreen(v: View): Promise<void> {
  const hosts = v.ctx.config.hosts.filter((h) => v.reports.get(h.name)?.reachable !== false);
  const hostKey = await show(v, {
    header: ['spawn on which host?'],
    rows: rows(hosts.map((h) => h.name)),
    footer: 'Esc/b back',
  });
  const host = hosts[Number(hostKey) - 1];
  if (!host) return;
  busy(v, `projects on ${host.name}`);
  let projects: string[];
  try {
    projects = await listProjects(v.ctx, host);
  } catch (error) {
    await errorScreen(v, error);
    return;
  }
  const running = new Set(
    v.reports
      .get(host.name)
      ?.agents.filter((a) => a.session === v.ctx.config.session)
      .map((a) => a.window),
  );
  const labels = projects.map((p) => (running.has(p) ? `${p} (running)` : p));
  const pKey = await show(v, { header: [`spawn on ${host.name}: project?`], rows: rows(labels), footer: 'Esc/b back' });
  const project = projects[Number(pKey) - 1];
  if (!project) return;
  const task = running.has(project) ? '' : await ask(v, `${project} on ${host.name}`, 'first message (Enter: none): ');
  if (task === undefined) return;
  await started(
    v,
    host,
    () => startAgent(v.ctx, host, project, { mode: 'new', ...(task ? { task } : {}) }),
    `starting ${project} on ${host.name}`,
  );
}

/** Restart an exited agent (a new session) or continue its last conversation. */
export async function startAgain(v: View, host: Host, agent: Agent, mode: 'restart' | 'continue'): Promise<void> {
  const project = agent.session === v.ctx.config.session ? agent.window : agent.project;
  await started(
    v,
    host,
    () => startAgent(v.ctx, host, project, { mode }),
    `${mode === 'restart' ? 'restarting' : 'continuing'} ${project} on ${host.name}`,
  );
}
