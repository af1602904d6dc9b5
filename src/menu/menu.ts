/**
 * The phone menu: a numbered, full-screen shell over the agent commands. Local agents show
 * at once; remote hosts fill in as they answer, so a sleeping laptop never holds up the first screen.
 */
import Enquirer from 'enquirer';
import kleur from 'kleur';
import type { Agent } from '../core/agents/agents.js';
import type { Host } from '../core/hosts/config.js';
import {
  agentActions, agentHeader, agentItems, ASCII, hostRows, mainHeader, MAIN_ACTIONS, menuOrder, numbered, toAscii, UNICODE,
  type Glyphs, type Item, type MainState,
} from '../core/render/menu-layout.js';
import { fit } from '../core/render/render.js';
import { showText } from '../core/agents/sent-log.js';
import { usageError } from '../core/errors.js';
import { syncSummary } from '../core/sync/sync-status.js';
import { attachPane } from '../remote/attach.js';
import { broadcast, capturePane, checkBroadcast, listAgents, listProjects, planBroadcast, pressKeys, sendText, spawnAgent, type HostReport } from '../remote/agents.js';
import type { Ctx } from '../remote/context.js';
import { querySync } from '../remote/sync.js';
import { choose, type ScreenOptions } from './numbered-select.js';

const { Input } = Enquirer as unknown as { Input: new (o: object) => { run(): Promise<string> } };

const ALT_ON = '\x1b[?1049h';
const ALT_OFF = '\x1b[?1049l';

export interface MenuOptions {
  ascii: boolean;
}

interface View {
  ctx: Ctx;
  glyphs: Glyphs;
  color: boolean;
  ascii: boolean;
  reports: Map<string, HostReport>;
  /** `sync: 2 behind`, once Syncthing has answered (null: nothing to say). */
  sync?: string | null;
  /** Redraw the main screen when something arrives in the background. */
  redraw?: () => void;
}

const size = () => ({ columns: process.stdout.columns || 40, rows: process.stdout.rows || 20 });
const text = (v: View, s: string) => (v.ascii ? toAscii(s) : s);

function screen(v: View, header: string[], items: Item[], footer: string, initial?: string): ScreenOptions {
  return {
    header: header.map((h) => text(v, h)),
    items: items.map((i) => ({ ...i, label: text(v, i.label) })),
    footer: text(v, footer),
    initial,
    glyphs: v.glyphs,
    color: v.color,
    size,
  };
}

function mainState(v: View, pending: Set<string>): MainState {
  const here = v.ctx.config.hosts.find((h) => h.local)!.name;
  const reports = [...v.reports.values()];
  return {
    here,
    agents: menuOrder(reports.flatMap((r) => r.agents)),
    offline: reports.filter((r) => !r.reachable).map((r) => r.host.name),
    pending: [...pending],
  };
}

const paintStatus = (v: View) => (item: Item, line: string) => {
  if (!v.color) return line;
  if (/ waiting$/.test(item.label)) return kleur.yellow(line);
  if (/ exited$/.test(item.label)) return kleur.gray(line);
  return line;
};

/** The main screen. Resolves with the chosen key and the agents it showed. */
async function mainScreen(v: View, initial: string | undefined): Promise<{ key: string | undefined; agents: Agent[] }> {
  const pending = new Set(v.ctx.config.hosts.map((h) => h.name));
  let state = mainState(v, pending);
  const build = (initialKey?: string) => {
    state = mainState(v, pending);
    const cols = size().columns;
    const rows = [...agentItems(state.agents, cols), ...hostRows(state, v.glyphs, cols)];
    if (v.sync) rows.push({ key: '', label: fit(`${v.glyphs.dot}  ${v.sync}`, cols - 2) });
    if (rows.length === 0) rows.push({ key: '', label: 'no agents yet: s to spawn one' });
    const n = state.agents.length;
    const footer = n ? `${n > 1 ? `1-${n}` : '1'} pick ${v.glyphs.dot} q quit` : 'q quit';
    const s = screen(v, [mainHeader(state, v.glyphs, cols)], [...rows, ...MAIN_ACTIONS], footer, initialKey);
    s.paint = paintStatus(v);
    return s;
  };
  const key = await choose(build(initial ?? '1'), (prompt) => {
    v.redraw = () => void prompt.update(build());
    for (const host of v.ctx.config.hosts) {
      void listAgents(v.ctx, host)
        .then((report) => {
          v.reports.set(host.name, report);
          pending.delete(host.name);
          return prompt.update(build());
        })
        .catch(() => {}); // a late answer must never take the menu down
    }
  });
  return { key, agents: state.agents };
}

/** Show lines full screen with a few actions under them (peek, results). */
async function textScreen(v: View, title: string, body: string[], actions: Item[]): Promise<string | undefined> {
  const { rows } = size();
  const room = Math.max(1, rows - 2 - actions.length);
  const lines = body.slice(-room).map((l) => fit(l, size().columns));
  return choose(screen(v, [title, ...lines], actions, ''));
}

/** Ask for one line of text; undefined when the user backs out. */
async function ask(v: View, title: string, question: string): Promise<string | undefined> {
  process.stdout.write(`\x1b[H\x1b[J${fit(text(v, title), size().columns)}\n`);
  try {
    const answer = await new Input({ name: 'text', message: text(v, question), prefix: '', separator: () => '' }).run();
    return answer === '' ? undefined : answer;
  } catch {
    return undefined;
  }
}

/** Immediate feedback while a round trip is under way: a phone user must see the tap landed. */
function busy(v: View, what: string): void {
  process.stdout.write(`\x1b[H\x1b[J${fit(text(v, `${what} ${v.glyphs.ellipsis}`), size().columns)}`);
}

async function withTerminal<T>(fn: () => Promise<T>): Promise<T> {
  process.stdout.write(ALT_OFF);
  try {
    return await fn();
  } finally {
    process.stdout.write(ALT_ON);
  }
}

async function peekScreen(v: View, agent: Agent, host: Host): Promise<void> {
  const label = agent.target;
  for (;;) {
    let body: string[];
    try {
      body = await capturePane(v.ctx, host, { kind: 'pane', paneId: agent.paneId }, label, size().rows);
    } catch (error) {
      body = [`✖ ${(error as Error).message}`];
    }
    const key = await textScreen(v, [agent.project, agent.host, 'peek'].join(` ${v.glyphs.dot} `), body, [
      { key: 'r', label: 'r  refresh' },
      { key: 'b', label: 'b  back' },
    ]);
    if (key !== 'r') return;
  }
}

/** After an action, a short look at the agent so the user sees what happened. */
async function afterAction(v: View, agent: Agent, host: Host, done: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 700));
  let body: string[] = [];
  try {
    body = await capturePane(v.ctx, host, { kind: 'pane', paneId: agent.paneId }, agent.target, size().rows);
  } catch (error) {
    body = [`✖ ${(error as Error).message}`];
  }
  await textScreen(v, done, body, [{ key: 'b', label: 'b  back' }]);
}

async function refreshAgent(v: View, agent: Agent, host: Host): Promise<Agent | undefined> {
  const report = await listAgents(v.ctx, host);
  v.reports.set(host.name, report);
  return report.agents.find((a) => a.paneId === agent.paneId);
}

async function agentScreen(v: View, start: Agent): Promise<void> {
  let agent: Agent | undefined = start;
  const host = v.ctx.config.hosts.find((h) => h.name === start.host)!;
  const ref = { kind: 'pane', paneId: start.paneId } as const;
  let initial: string | undefined;
  while (agent) {
    const items = agentActions(agent, v.ctx.config.cannedCommands, size().columns);
    const key = await choose(screen(v, [agentHeader(agent, v.glyphs)], items, `Esc back`, initial));
    const chosen = items.find((i) => i.key === key);
    if (!chosen || chosen.action.kind === 'back') return;
    initial = key;
    const a = chosen.action;
    const doing: Record<string, string> = {
      peek: 'peeking', canned: `sending ${a.kind === 'canned' ? a.text : ''}`, approve: 'approving', reject: 'rejecting', interrupt: 'interrupting',
    };
    if (doing[a.kind]) busy(v, `${doing[a.kind]} on ${agent.host}`);
    try {
      if (a.kind === 'attach') await withTerminal(() => attachPane(v.ctx, host, agent!.paneId));
      else if (a.kind === 'peek') await peekScreen(v, agent, host);
      else if (a.kind === 'canned' || a.kind === 'type') {
        const msg = a.kind === 'canned' ? a.text : await ask(v, agentHeader(agent, v.glyphs), 'message: ');
        if (msg !== undefined) {
          busy(v, `sending to ${agent.host}`);
          await sendText(v.ctx, host, ref, agent.target, msg);
          await afterAction(v, agent, host, `→ ${showText(msg)}`);
        }
      } else {
        const keys = a.kind === 'approve' ? ['1'] : ['Escape'];
        await pressKeys(v.ctx, host, ref, agent.target, keys);
        await afterAction(v, agent, host, a.kind === 'approve' ? 'approved' : a.kind === 'reject' ? 'rejected' : 'interrupted');
      }
    } catch (error) {
      await errorScreen(v, error);
    }
    busy(v, `refreshing ${agent.host}`);
    agent = await refreshAgent(v, agent, host);
  }
}

async function spawnScreen(v: View): Promise<void> {
  const hosts = v.ctx.config.hosts.filter((h) => v.reports.get(h.name)?.reachable !== false);
  const hostKey = await choose(screen(v, ['spawn on which host?'], numbered(hosts.map((h) => h.name), size().columns), 'Esc back'));
  const host = hosts[Number(hostKey) - 1];
  if (!host) return;
  busy(v, `projects on ${host.name}`);
  let projects: string[];
  try {
    projects = await listProjects(v.ctx, host);
  } catch (error) {
    await textScreen(v, `✖ ${(error as Error).message}`, [], [{ key: 'b', label: 'b  back' }]);
    return;
  }
  const running = new Set(v.reports.get(host.name)?.agents.filter((a) => a.session === v.ctx.config.session).map((a) => a.window));
  const labels = projects.map((p) => (running.has(p) ? `${p} (running)` : p));
  const pKey = await choose(screen(v, [`spawn on ${host.name}: project?`], numbered(labels, size().columns), 'Esc back'));
  const project = projects[Number(pKey) - 1];
  if (!project) return;
  busy(v, `starting ${project} on ${host.name}`);
  try {
    const started = await spawnAgent(v.ctx, host, project);
    const title = started.existed ? `${started.label} already running` : `started ${started.label}`;
    const key = await textScreen(v, title, [], [{ key: '1', label: '1  attach' }, { key: '2', label: '2  back' }]);
    if (key === '1') await withTerminal(() => attachPane(v.ctx, host, started.paneId));
  } catch (error) {
    await errorScreen(v, error);
  }
}

/** Shows an error and its hint; back on any key. */
const errorScreen = (v: View, error: unknown) =>
  textScreen(v, `✖ ${(error as Error).message}`, [(error as { hint?: string }).hint ?? ''], [{ key: 'b', label: 'b  back' }]);

/** The same broadcast as `trimtab broadcast --yes` after a confirm: same checks, same targets, same sent log. */
async function broadcastScreen(v: View, agents: Agent[]): Promise<void> {
  const live = agents.filter((a) => a.status !== 'exited').length;
  if (live === 0) {
    await textScreen(v, 'no agents to send to', [], [{ key: 'b', label: 'b  back' }]);
    return;
  }
  const msg = await ask(v, `broadcast to ${live} agents`, 'message: ');
  if (msg === undefined) return;
  try {
    checkBroadcast(msg);
    busy(v, 'finding agents');
    const plan = await planBroadcast(v.ctx, msg);
    const targets = [...plan.byHost.values()].flat();
    const key = await textScreen(v, `send "${showText(msg)}" to:`, targets.map((a) => `  ${a.target}`), [
      { key: '1', label: `1  send to ${plan.count}` },
      { key: '2', label: '2  cancel' },
    ]);
    if (key !== '1') return;
    busy(v, 'sending');
    const results = await broadcast(v.ctx, plan);
    await textScreen(v, 'broadcast', results.map((r) => (r.failure ? `✖ ${r.agent.target}: ${r.failure}` : `✔ ${r.agent.target}`)), [{ key: 'b', label: 'b  back' }]);
  } catch (error) {
    await errorScreen(v, error);
  }
}

/** `trimtab menu`: without a TTY enquirer would silently pick item 1 (STYLE.md), so refuse instead. */
export async function menuCommand(ctx: Ctx, opts: MenuOptions): Promise<void> {
  if (!ctx.term.stdinTTY || !ctx.term.stdoutTTY) throw usageError('menu needs a terminal; try trimtab list');
  await runMenu(ctx, opts);
}

/** Run the menu until the user quits. */
export async function runMenu(ctx: Ctx, opts: MenuOptions): Promise<void> {
  const ascii = opts.ascii || ctx.env.TERM === 'dumb';
  const v: View = { ctx, glyphs: ascii ? ASCII : UNICODE, color: ctx.term.color && !ascii, ascii, reports: new Map() };
  // Syncthing's state, once per menu, in the background; only where sync is configured (one more
  // ssh round trip per host otherwise spent on hosts without Syncthing).
  if (ctx.config.sync || ctx.config.hosts.some((h) => h.syncthingHome)) {
    void querySync(ctx)
      .then((reports) => (v.sync = syncSummary(reports)))
      .catch(() => (v.sync = null))
      .finally(() => v.redraw?.());
  }
  process.stdout.write(ALT_ON);
  try {
    let initial: string | undefined;
    for (;;) {
      const { key, agents } = await mainScreen(v, initial);
      if (key === undefined || key === 'q') return;
      initial = key;
      if (key === 'r') continue;
      if (key === 's') await spawnScreen(v);
      else if (key === 'b') await broadcastScreen(v, agents);
      else {
        const agent = agents[Number(key) - 1];
        if (agent) await agentScreen(v, agent);
      }
    }
  } finally {
    process.stdout.write(`${ALT_OFF}\x1b[?25h`);
  }
}
