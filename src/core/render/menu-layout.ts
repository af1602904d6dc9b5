/**
 * What the phone menu shows, as plain lines and items: pure, so it is tested at 40 columns without a
 * terminal. src/menu/ draws it with enquirer. Every label and header goes through fit() or
 * printable(): a host, window or directory name with an escape sequence in it is shown, never obeyed.
 */
import { byUrgency, type Agent } from '../agents/agents.js';
import { printable } from './printable.js';
import { fit, pad, width } from './render.js';

export interface Item {
  /** What the user types: '1'..'N' for rows, a letter for actions. */
  key: string;
  label: string;
}

export interface Glyphs {
  dot: string;
  pointer: string;
  ellipsis: string;
}
export const UNICODE: Glyphs = { dot: '·', pointer: '❯', ellipsis: '…' };
export const ASCII: Glyphs = { dot: '-', pointer: '>', ellipsis: '~' };

const ASCII_FOR: Record<string, string> = { '…': '~', '·': '-', '❯': '>', '⏎': '|', '⇥': '>', '✔': '+', '✖': 'x', '⚠': '!', '→': '>', '─': '-' };
/** Keep only ASCII when the terminal can't show more (TERM=dumb, --ascii). */
export const toAscii = (s: string) => s.replace(/[^\x20-\x7e]/g, (c) => ASCII_FOR[c] ?? '?');

export interface MainState {
  here: string;
  agents: Agent[];
  /** Hosts that did not answer (shown as offline) and hosts still being asked. */
  offline: string[];
  pending: string[];
}

/**
 * `trimtab · thor · 3 agents · 1 needs you · fedora offline`. What does not fit goes, in this order:
 * the hosts' state (hostRows shows it as rows too), then the leading `trimtab`.
 */
export function mainHeader(s: MainState, g: Glyphs, columns: number): string {
  const waiting = s.agents.filter((a) => a.status === 'waiting').length;
  const name = (h: string) => printable(h, { limit: 256 });
  const core = [name(s.here), `${s.agents.length} agent${s.agents.length === 1 ? '' : 's'}`];
  if (waiting) core.push(`${waiting} need${waiting === 1 ? 's' : ''} you`);
  const hosts = s.offline.map((h) => `${name(h)} offline`);
  const candidates = [['trimtab', ...core, ...hosts], [...core, ...hosts], ['trimtab', ...core], core];
  const join = (parts: string[]) => parts.join(` ${g.dot} `);
  return fit(join(candidates.find((c) => width(join(c)) <= columns) ?? core), columns);
}

/** One unselectable row per host that is offline or still answering, under the agents. */
export function hostRows(s: MainState, g: Glyphs, columns: number): Item[] {
  return [
    ...s.offline.map((h) => ({ key: '', label: fit(`${g.dot}  ${h} offline`, columns - 2) })),
    ...s.pending.map((h) => ({ key: '', label: fit(`${g.dot}  ${h} ${g.ellipsis}`, columns - 2) })),
  ];
}

/** Agents in menu order: waiting first (they need the user), then working, idle, the rest. Stable within a rank. */
export const menuOrder = (agents: Agent[]) => [...agents].sort(byUrgency);

/** `1  gridplay-v1  thor  waiting`, columns sized to what is there, cut to `columns`. */
export function agentItems(agents: Agent[], columns: number): Item[] {
  const num = String(agents.length).length;
  // Below 30 columns the host goes: the status says more about what to do next.
  const hostW = columns < 30 ? 0 : Math.min(8, Math.max(0, ...agents.map((a) => width(printable(a.host, { limit: 64 })))));
  const statusW = 7;
  // 2 = pointer + space drawn by the menu; 3 gaps of 2.
  const nameW = Math.max(4, columns - 2 - num - (hostW ? hostW + 2 : 0) - statusW - 4);
  return agents.map((a, i) => {
    const host = hostW ? `${pad(fit(a.host, hostW), hostW)}  ` : '';
    const line = `${pad(String(i + 1), num)}  ${pad(fit(a.project, nameW), nameW)}  ${host}${a.stale ? 'stale' : a.status}`;
    return { key: String(i + 1), label: fit(line.trimEnd(), columns - 2) };
  });
}

export const MAIN_ACTIONS: Item[] = [
  { key: 's', label: 's  spawn a project' },
  { key: 'b', label: 'b  broadcast' },
  { key: 'r', label: 'r  refresh' },
  { key: 'q', label: 'q  quit to shell' },
];

export type AgentAction =
  | { kind: 'attach' }
  | { kind: 'peek' }
  | { kind: 'canned'; text: string }
  | { kind: 'type' }
  | { kind: 'approve' }
  | { kind: 'reject' }
  | { kind: 'interrupt' }
  | { kind: 'back' };

/** The agent screen's rows, numbered: attach, peek, canned commands, type, approve/reject or interrupt, back. */
export function agentActions(agent: Agent, canned: string[], columns: number): Array<Item & { action: AgentAction }> {
  const rows: Array<{ label: string; action: AgentAction }> = [];
  if (agent.status === 'waiting') {
    rows.push({ label: 'approve (1)', action: { kind: 'approve' } }, { label: 'reject (Esc)', action: { kind: 'reject' } });
  }
  rows.push({ label: 'attach', action: { kind: 'attach' } }, { label: 'peek', action: { kind: 'peek' } });
  if (agent.status !== 'exited') {
    // /status first (issue #3), then the rest in config order.
    const ordered = [...canned].sort((a, b) => Number(b === '/status') - Number(a === '/status'));
    for (const text of ordered) rows.push({ label: `send ${text}`, action: { kind: 'canned', text } });
    rows.push({ label: 'type a message', action: { kind: 'type' } });
    if (agent.status === 'working') rows.push({ label: 'interrupt (Esc)', action: { kind: 'interrupt' } });
  }
  rows.push({ label: 'back', action: { kind: 'back' } });
  const num = String(rows.length).length;
  return rows.map((r, i) => ({ key: String(i + 1), label: fit(`${pad(String(i + 1), num)}  ${r.label}`, columns - 2), action: r.action }));
}

/** `gridplay-v1 · thor · waiting` */
export const agentHeader = (a: Agent, g: Glyphs) => [a.project, a.host, a.status].map((t) => printable(t, { limit: 256 })).join(` ${g.dot} `);

/** Numbered rows for a plain list (hosts, projects). */
export function numbered(labels: string[], columns: number): Item[] {
  const num = String(labels.length).length;
  return labels.map((l, i) => ({ key: String(i + 1), label: fit(`${pad(String(i + 1), num)}  ${l}`, columns - 2) }));
}

/**
 * Which rows to show so the cursor stays visible: `height` rows starting at the returned offset,
 * moving only as far as needed from `previous`.
 */
export function scrollWindow(count: number, cursor: number, height: number, previous: number): number {
  if (count <= height) return 0;
  let top = Math.min(Math.max(previous, 0), count - height);
  if (cursor < top) top = cursor;
  if (cursor >= top + height) top = cursor - height + 1;
  return top;
}
