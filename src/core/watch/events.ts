/**
 * What changed since the last poll, as events to push. Pure: the watcher feeds it what it remembers
 * and one host's fresh list of agents, and gets back what to remember and what to say.
 *
 * Rules (one waiting *episode* = one notification):
 * - waiting: the agent was not waiting before, or it waits on a different prompt than the one
 *   already announced (answered between two polls, then asked again). A poll that cannot read the
 *   prompt (null) keeps the episode: a flicker in prompt reading never sends twice.
 * - A new episode whose prompt cannot be read yet waits one poll for it: Claude Code's registry
 *   says `waiting` a moment before the prompt is drawn (seen on 2.1.328), and a push without the
 *   command is of little use. On the next poll it is announced, with the prompt or without.
 * - finished: working -> idle.
 * - exited: an agent now exited (dead pane, shell back), or gone from a host that did answer.
 * - A host that did not answer says nothing about its agents: they are kept as they were.
 * - `unknown` (an unreadable screen) is no transition: the last known status is kept, so
 *   working -> unknown -> idle still reads as finished.
 * - An agent seen for the first time announces only `waiting` (it needs the user now); it cannot
 *   have finished or exited "since" anything.
 */
import type { Prompt } from '../status/prompt.js';
import type { AgentStatus } from '../status/status.js';

export type EventKind = 'waiting' | 'finished' | 'exited';
export const EVENT_KINDS: readonly EventKind[] = ['waiting', 'finished', 'exited'];

export type { Prompt };

export interface AgentSnapshot {
  host: string;
  target: string;
  project: string;
  status: AgentStatus;
  prompt: Prompt | null;
}

export interface HostSnapshot {
  host: string;
  /** false: the host did not answer (asleep, unreachable); its agents are unknown, not gone. */
  reachable: boolean;
  agents: AgentSnapshot[];
}

/** What is remembered of one agent between polls. */
export interface AgentMemo {
  host: string;
  target: string;
  project: string;
  /** Last known status (never `unknown` once something better was seen). */
  status: AgentStatus;
  /** Identity of the prompt already announced in the current waiting episode ('' = not readable). */
  announced?: string;
  /** Set while a waiting episode is not announced yet because its prompt could not be read. */
  unread?: true;
}

/** Keyed by agentKey(host, target). */
export type AgentMemos = Record<string, AgentMemo>;

export interface WatchEvent {
  kind: EventKind;
  host: string;
  target: string;
  project: string;
  prompt: Prompt | null;
}

const agentKey = (host: string, target: string) => `${host}\t${target}`;

/** Two readings of the same prompt compare equal; a new question, command or file does not. */
const promptIdentity = (p: Prompt | null): string => (p ? [p.kind, p.title, p.subject].join('\u0000') : '');

/** One host's poll against what was remembered: the new memos (all hosts) and the events. */
export function diffHost(memos: AgentMemos, snap: HostSnapshot): { memos: AgentMemos; events: WatchEvent[] } {
  if (!snap.reachable) return { memos, events: [] };
  const next: AgentMemos = {};
  for (const [k, m] of Object.entries(memos)) if (m.host !== snap.host) next[k] = m;
  const events: WatchEvent[] = [];
  const seen = new Set<string>();
  for (const a of snap.agents) {
    const key = agentKey(a.host, a.target);
    seen.add(key);
    const before = memos[key];
    const { memo, event } = step(before, a);
    next[key] = memo;
    if (event) events.push(event);
  }
  for (const [key, m] of Object.entries(memos)) {
    if (m.host !== snap.host || seen.has(key)) continue;
    // Gone while its host answered: the window was closed or the agent crashed with it.
    if (m.status !== 'exited')
      events.push({ kind: 'exited', host: m.host, target: m.target, project: m.project, prompt: null });
  }
  return { memos: next, events };
}

function step(before: AgentMemo | undefined, a: AgentSnapshot): { memo: AgentMemo; event?: WatchEvent } {
  const base = { host: a.host, target: a.target, project: a.project };
  const event = (kind: EventKind): WatchEvent => ({ kind, ...base, prompt: kind === 'waiting' ? a.prompt : null });
  const was = before?.status;
  if (a.status === 'unknown') {
    return { memo: before ? { ...before, ...base } : { ...base, status: 'unknown' } };
  }
  if (a.status === 'waiting') {
    const id = promptIdentity(a.prompt);
    if (was !== 'waiting' && id === '') return { memo: { ...base, status: 'waiting', unread: true } };
    if (was !== 'waiting' || before?.unread)
      return { memo: { ...base, status: 'waiting', announced: id }, event: event('waiting') };
    const announced = before?.announced ?? '';
    // Same episode: nothing new to read, or the very prompt already announced.
    if (id === '' || id === announced) return { memo: { ...base, status: 'waiting', announced: announced || id } };
    if (announced === '') return { memo: { ...base, status: 'waiting', announced: id } }; // first good reading of it
    return { memo: { ...base, status: 'waiting', announced: id }, event: event('waiting') };
  }
  const memo: AgentMemo = { ...base, status: a.status };
  if (a.status === 'idle' && was === 'working') return { memo, event: event('finished') };
  if (a.status === 'exited' && was !== undefined && was !== 'exited') return { memo, event: event('exited') };
  return { memo };
}
