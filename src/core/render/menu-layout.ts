/**
 * What the phone menu shows, as plain lines and items: pure, so it is tested at 40 columns without a
 * terminal. src/menu/ draws it with enquirer. Every label and header goes through fit() or
 * printable(): a host, window or directory name with an escape sequence in it is shown, never obeyed.
 */
import type { Agent } from '../agents/agents.js';
import { optionKeys } from '../status/prompt.js';
import type { AgentStatus } from '../status/status.js';
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

const ASCII_FOR: Record<string, string> = {
  '…': '~',
  '·': '-',
  '❯': '>',
  '⏎': '|',
  '⇥': '>',
  '✔': '+',
  '✖': 'x',
  '⚠': '!',
  '→': '>',
  '─': '-',
};
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

/**
 * Agents in menu order: the ones waiting on the user first, then by the configured host order, then
 * by name (then target, for two panes of one project). Never by who answered first.
 */
export function menuOrder(agents: Agent[], hostOrder: string[]): Agent[] {
  const host = (a: Agent) => hostOrder.indexOf(a.host) + 1 || hostOrder.length + 1;
  const needs = (a: Agent) => (a.status === 'waiting' && !a.stale ? 0 : 1);
  return [...agents].sort(
    (a, b) =>
      needs(a) - needs(b) ||
      host(a) - host(b) ||
      a.project.localeCompare(b.project) ||
      a.target.localeCompare(b.target),
  );
}

/** An agent's identity across refreshes: its host and pane. */
const agentKey = (a: Agent) => `${a.host}\t${a.paneId}`;

export interface ListRow {
  agent: Agent;
  /** Shown before, not in the latest answer: the row keeps its number until the list is re-sorted. */
  gone: boolean;
}

/**
 * Rows keep their numbers while the list refreshes: the agents already shown stay where they were
 * (one that went away stays, marked gone), new ones come after them in menu order.
 */
export function stableOrder(shown: ListRow[], agents: Agent[], hostOrder: string[]): ListRow[] {
  const byKey = new Map(agents.map((a) => [agentKey(a), a]));
  const kept = shown.map((r) => {
    const now = byKey.get(agentKey(r.agent));
    return now ? { agent: now, gone: false } : { agent: r.agent, gone: true };
  });
  const seen = new Set(shown.map((r) => agentKey(r.agent)));
  const fresh = menuOrder(
    agents.filter((a) => !seen.has(agentKey(a))),
    hostOrder,
  );
  return [...kept, ...fresh.map((agent) => ({ agent, gone: false }))];
}

/** `1  gridplay-v1  thor  waiting`, columns sized to what is there, cut to `columns`. */
export function agentItems(agents: Agent[], columns: number, gone: (a: Agent) => boolean = () => false): Item[] {
  const num = String(agents.length).length;
  // Below 30 columns the host goes: the status says more about what to do next.
  const hostW =
    columns < 30 ? 0 : Math.min(8, Math.max(0, ...agents.map((a) => width(printable(a.host, { limit: 64 })))));
  const statusW = 7;
  // 2 = pointer + space drawn by the menu; 3 gaps of 2.
  const nameW = Math.max(4, columns - 2 - num - (hostW ? hostW + 2 : 0) - statusW - 4);
  return agents.map((a, i) => {
    const host = hostW ? `${pad(fit(a.host, hostW), hostW)}  ` : '';
    const line = `${pad(String(i + 1), num)}  ${pad(fit(a.project, nameW), nameW)}  ${host}${gone(a) ? 'gone' : a.stale ? 'stale' : a.status}`;
    return { key: String(i + 1), label: fit(line.trimEnd(), columns - 2) };
  });
}

/**
 * The keys of the menu: one action, one key, on every screen where the action is offered. Rows and
 * prompt options are numbers; Esc and `b` are back everywhere; `q` (main screen only) quits.
 */
export const KEYS = {
  spawn: 's',
  broadcast: 'm',
  refresh: 'r',
  quit: 'q',
  peek: 'p',
  attach: 'a',
  type: 't',
  commands: 'c',
  escape: 'x',
  restart: 'n',
  resume: 'o',
} as const;

export const MAIN_ACTIONS: Item[] = [
  { key: KEYS.spawn, label: 's  spawn a project' },
  { key: KEYS.broadcast, label: 'm  message all' },
  { key: KEYS.refresh, label: 'r  refresh' },
  { key: KEYS.quit, label: 'q  quit to shell' },
];

export type AgentAction =
  | 'peek'
  | 'attach'
  | 'type'
  | 'commands'
  | 'reject'
  | 'interrupt'
  | 'restart'
  | 'resume'
  | 'refresh';

/**
 * The agent screen's actions under the prompt, by the agent's state. A waiting agent takes no text
 * (the Enter after it would answer the prompt); an exited one can be restarted or continued.
 */
export function agentActions(status: AgentStatus, hasPrompt: boolean): Array<Item & { action: AgentAction }> {
  const rows: Array<Item & { action: AgentAction }> = [];
  const add = (key: string, label: string, action: AgentAction) =>
    rows.push({ key, label: `${key}  ${label}`, action });
  if (status === 'waiting' && hasPrompt) add(KEYS.escape, 'reject (Esc)', 'reject');
  if (status === 'working') add(KEYS.escape, 'interrupt (Esc)', 'interrupt');
  if (status === 'exited') {
    add(KEYS.restart, 'restart (new session)', 'restart');
    add(KEYS.resume, 'continue (last session)', 'resume');
  }
  add(KEYS.peek, 'peek', 'peek');
  if (status !== 'waiting' && status !== 'exited') {
    add(KEYS.type, 'type a message', 'type');
    add(KEYS.commands, 'send a command…', 'commands');
  }
  add(KEYS.attach, 'attach', 'attach');
  add(KEYS.refresh, 'refresh', 'refresh');
  return rows;
}

/** Canned commands as numbered rows, /status first (the one most asked for), then config order. */
export function cannedRows(canned: string[], columns: number): Item[] {
  const ordered = [...canned].sort((a, b) => Number(b === '/status') - Number(a === '/status'));
  return numbered(
    ordered.map((t) => `send ${t}`),
    columns,
  );
}

/** Words of `text` in lines of at most `columns`; a word longer than a line is cut across lines. Newlines kept. */
export function wrap(text: string, columns: number): string[] {
  const cols = Math.max(1, columns);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    // A paragraph's indent is kept on its wrapped rows, unless it would take half the width.
    const indent = /^\s*/.exec(para)?.[0] ?? '';
    const lead = width(indent) < cols / 2 ? indent : '';
    let line = lead;
    let has = false;
    for (const word of para.trim().split(/\s+/).filter(Boolean)) {
      let w = word;
      if (has && width(line) + 1 + width(w) > cols) {
        out.push(line);
        line = lead;
        has = false;
      }
      while (width(line) + width(w) > cols) {
        const take = cut(w, cols - width(line));
        out.push(`${line}${take}`);
        w = w.slice(take.length);
      }
      line = has ? `${line} ${w}` : `${line}${w}`;
      has = true;
    }
    out.push(has ? line : '');
  }
  return out;
}

/** The longest start of `s` that fits `columns` (at least one character). */
function cut(s: string, columns: number): string {
  let out = '';
  for (const ch of s) {
    if (out && width(out + ch) > columns) break;
    out += ch;
  }
  return out;
}

/** A pane's lines for a narrower screen: each wrapped at word boundaries, so no word is cut off. */
export const reflow = (lines: string[], columns: number): string[] =>
  lines
    .map((l) => printable(l, { limit: 4096 }))
    .flatMap((l) =>
      width(l) <= columns ? [l] : RULE.test(l) ? [l.trim().slice(0, columns)] : wrap(l.trimEnd(), columns),
    );

/** A full-width rule (`────`): drawn once at the new width, not wrapped into several. */
const RULE = /^\s*([─━╌═-])\1+\s*$/u;

export interface PromptView {
  title: string;
  subject: string;
  options: Array<{ key: string | null; label: string }>;
}

/**
 * A prompt as rows: its title, its subject wrapped to the width, then each option by its own number
 * (a row without one gets its key from optionKeys, and is answered with arrows), its label wrapped.
 */
export function promptRows(shown: PromptView, columns: number): Array<Item & { option?: number; tone?: 'bold' }> {
  // Drawn from the agent's screen: made printable line by line (a multi-line command keeps its lines).
  const one = (s: string) => printable(s, { limit: 4096 });
  const p = {
    title: one(shown.title),
    subject: shown.subject.split('\n').map(one).join('\n'),
    options: shown.options.map((o) => ({ key: o.key, label: one(o.label) })),
  };
  const body = Math.max(8, columns - 2);
  const rows: Array<Item & { option?: number; tone?: 'bold' }> = [{ key: '', label: p.title, tone: 'bold' }];
  if (p.subject) for (const l of wrap(p.subject, body - 2)) rows.push({ key: '', label: `  ${l}` });
  const keys = optionKeys(shown);
  const num = Math.max(...keys.map((k) => k.length));
  p.options.forEach((o, i) => {
    const key = keys[i] ?? '';
    const [first = '', ...more] = wrap(o.label, body - num - 2);
    rows.push({ key, label: `${pad(key, num)}  ${first}`, option: i });
    for (const l of more) rows.push({ key: '', label: `${' '.repeat(num + 2)}${l}` });
  });
  return rows;
}

/** `gridplay-v1 · thor · waiting` */
export const agentHeader = (a: Agent, g: Glyphs) =>
  [a.project, a.host, a.status].map((t) => printable(t, { limit: 256 })).join(` ${g.dot} `);

/** Numbered rows for a plain list (hosts, projects). */
export function numbered(labels: string[], columns: number): Item[] {
  const num = String(labels.length).length;
  return labels.map((l, i) => ({ key: String(i + 1), label: fit(`${pad(String(i + 1), num)}  ${l}`, columns - 2) }));
}
