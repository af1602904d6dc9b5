import path from 'node:path/posix';
import { type Host, isValidName } from '../hosts/config.js';
import type { Section } from '../protocol.js';
import { trimScreen } from '../protocol.js';
import { type PANE_FIELDS, PANE_FIXED, PANE_FREE } from '../script.js';
import { type Prompt, readPrompt } from '../status/prompt.js';
import { type RegistrySnapshot, type RegistryState, registryByPane } from '../status/registry.js';
import { type AgentStatus, classifyPane, isClaudeCommand, isShell, looksLikeClaude } from '../status/status.js';
import { formatTarget } from './target.js';

export type Pane = Record<(typeof PANE_FIELDS)[number], string>;

export type StatusSource = 'claude' | 'screen';

/** Claude Code's registry words for its state, as trimtab's statuses. */
const FROM_REGISTRY: Record<RegistryState['status'], AgentStatus> = {
  busy: 'working',
  waiting: 'waiting',
  idle: 'idle',
};

export interface Agent {
  host: string;
  target: string;
  session: string;
  window: string;
  paneId: string;
  project: string;
  path: string;
  status: AgentStatus;
  /** What a waiting agent asks, read from its screen; null when it does not wait. */
  prompt?: Prompt | null;
  /** Where `status` came from: Claude Code's own registry (2.1.145+), or its screen. */
  statusSource?: StatusSource;
  /** Claude Code's words for what it waits for ("permission prompt", "input needed"); null otherwise. */
  waitingFor?: string | null;
  /** Claude Code's session id, from its registry; null when not known. */
  sessionId?: string | null;
  lastActivity: number;
  /** Not in --json: used to resolve and show targets. */
  windowId: string;
  active: boolean;
  /** Remembered from an earlier answer; the host is offline now. */
  stale?: boolean;
}

/**
 * Split `list-panes -F` output (the lines of the `panes` section) made with separator SEP (core/script.ts,
 * paneFormat). A record is its TAB-separated fixed fields, then each free field followed by SEP, so a
 * name holding TABs or newlines cannot move a field. Chatter that is no record is skipped.
 */
export function parsePanes(lines: string[], sep: string): Pane[] {
  const panes: Pane[] = [];
  if (!sep) return panes;
  const per = PANE_FREE.length + 1;
  const tokens = lines.join('\n').split(sep);
  for (let i = 0; i + per <= tokens.length; i += per) {
    // Fixed fields hold no newline: the record starts on the last line before its first separator
    // (the line after the previous record's last one).
    const fixed = tokens[i]!.slice(tokens[i]!.lastIndexOf('\n') + 1);
    if (!/^%\d+\t/.test(fixed)) continue;
    const values = fixed.split('\t').slice(0, PANE_FIXED.length);
    const pane = Object.fromEntries(PANE_FIXED.map((f, k) => [f, values[k] ?? ''])) as Pane;
    PANE_FREE.forEach((f, k) => {
      pane[f] = tokens[i + 1 + k]!;
    });
    panes.push(pane);
  }
  return panes;
}

/**
/** The window `trimtab prepare` makes the agents session with (a session needs one): a shell, not an agent. */
export const SHELL_WINDOW = 'shell';

/**
 * Agents from one host's list output: every pane of the agents session (but a shell in the window
 * named `shell`), plus panes elsewhere that run Claude Code (`claude`, a bare version like `2.1.34`,
 * `node` whose screen looks like Claude Code, or any pane a live registry entry places there).
 * Status comes from Claude Code's registry when a live entry matches the pane, else from its screen.
 */

export function agentsFromList(
  host: Host,
  session: string,
  panes: Pane[],
  screens: Map<string, string>,
  registry: RegistrySnapshot = { processes: null, entries: [] },
): Agent[] {
  const agents: Agent[] = [];
  // Claude Code's own word, for the panes whose live agent process has a registry entry; the screen otherwise.
  const states = registryByPane(
    registry,
    panes.map((p) => ({ paneId: p.pane_id, panePid: Number(p.pane_pid) })),
  );
  for (const p of panes) {
    const screen = screens.get(p.pane_id) ?? '';
    const inSession = p.session_name === session;
    const state = p.pane_dead === '1' ? undefined : states.get(p.pane_id);
    if (inSession && p.window_name === SHELL_WINDOW && isShell(p.pane_current_command) && !state) continue;
    if (!inSession && !state) {
      if (!isClaudeCommand(p.pane_current_command)) continue;
      if (p.pane_current_command === 'node' && !looksLikeClaude(screen) && !/claude/i.test(p.pane_title)) continue;
    }
    // "dialog open" is Claude Code's word for any panel in front of the input box, the user's own
    // (/model, /hooks) included: whether it asks the user anything only the screen can say.
    const exact = state && !(state.status === 'waiting' && state.waitingFor === 'dialog open');
    const status = exact
      ? FROM_REGISTRY[state.status]
      : classifyPane(screen, { dead: p.pane_dead === '1', command: p.pane_current_command });
    agents.push({
      host: host.name,
      target: '',
      session: p.session_name,
      window: p.window_name,
      paneId: p.pane_id,
      project: inSession ? p.window_name : path.basename(p.pane_current_path),
      path: p.pane_current_path,
      status,
      // What it asks is on the screen only: the registry says that it waits, not for what.
      prompt: status === 'waiting' ? readPrompt(screen) : null,
      statusSource: exact ? 'claude' : 'screen',
      waitingFor: state?.waitingFor ?? null,
      sessionId: state?.sessionId ?? null,
      lastActivity: Number(p.window_activity) || 0,
      windowId: p.window_id,
      active: p.pane_active === '1',
    });
  }
  // A window holding several agent panes: the active one is SESSION:WINDOW, the others go by pane id.
  for (const a of agents) {
    const shared = agents.filter((b) => b.windowId === a.windowId).length > 1;
    const typeable = isValidName(a.session) && isValidName(a.window);
    a.target =
      (shared && !a.active) || !typeable
        ? formatTarget(host.name, { kind: 'pane', paneId: a.paneId })
        : formatTarget(host.name, { kind: 'window', session: a.session, window: a.window });
  }
  return agents;
}

/** Screens captured by the list script, keyed by pane id. */
export function screensFrom(sections: Section[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const s of sections) if (s.tag === 'screen' && s.args[0]) map.set(s.args[0], trimScreen(s.lines).join('\n'));
  return map;
}

/** Waiting agents first (they need the user), then by host order, then by target. */
const RANK: Record<AgentStatus, number> = { waiting: 0, working: 1, idle: 2, unknown: 3, exited: 4 };
export const byUrgency = (a: Agent, b: Agent) => RANK[a.status] - RANK[b.status];

export const toJson = (a: Agent) => ({
  host: a.host,
  target: a.target,
  session: a.session,
  window: a.window,
  paneId: a.paneId,
  project: a.project,
  path: a.path,
  status: a.status,
  lastActivity: a.lastActivity,
  prompt: a.prompt ?? null,
  statusSource: a.statusSource ?? 'screen',
  waitingFor: a.waitingFor ?? null,
  sessionId: a.sessionId ?? null,
});
