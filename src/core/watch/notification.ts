/**
 * Events -> what a person reads on the phone. Pure.
 *
 * Burst policy: the events of one poll pass (plus whatever arrived within the dispatcher's short
 * gathering window) are sent one notification each up to GROUP_ABOVE; past that they go out as ONE
 * notification that lists every event, one line each. Ten agents at once is one buzz, and nothing is
 * dropped: the count is in the title, every agent in the body.
 */
import type { EventKind, Prompt, WatchEvent } from './events.js';

export const GROUP_ABOVE = 3;

export interface Notification {
  /** The most urgent kind in it (waiting > exited > finished). */
  event: EventKind;
  /** The host, or several joined by ',' in a group. */
  host: string;
  target: string;
  project: string;
  title: string;
  message: string;
  /** ntfy priority: high when someone is waited on. */
  priority: 'high' | 'default';
  /** ntfy tags (an emoji short code first, then the hosts). */
  tags: string[];
  /** How many events it carries. */
  count: number;
}

const URGENCY: Record<EventKind, number> = { waiting: 0, exited: 1, finished: 2 };
const EMOJI: Record<EventKind, string> = {
  waiting: 'hourglass_flowing_sand',
  finished: 'white_check_mark',
  exited: 'x',
};

/**
 * One line from what readPrompt read: `Bash: rm -rf build/` (heading "Bash command"), `Create file:
 * notes.txt`, `Colour: Which colour?` (a question's header), `Accessing workspace: /srv/x` (2.1.328's
 * trust dialog, whose heading ends in a colon); a heading that is itself the question stands alone.
 * A multi-line command keeps its lines apart with ↵, so the phone shows it on one line.
 */
export function describePrompt(p: Prompt | null): string {
  if (!p) return 'waiting for you (could not read the prompt)';
  const title = p.title
    .replace(/\s+command$/i, '')
    .replace(/:\s*$/, '')
    .trim();
  const subject = p.subject
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ↵ ');
  if (title && subject && subject !== p.title.trim()) return `${title}: ${subject}`;
  return subject || title || `a ${p.kind} prompt`;
}

const where = (e: WatchEvent) => `${e.project} on ${e.host}`;

function lineFor(e: WatchEvent): string {
  if (e.kind === 'waiting') return describePrompt(e.prompt);
  if (e.kind === 'finished') return 'finished (working -> idle)';
  return 'exited';
}

function single(e: WatchEvent): Notification {
  const verb = e.kind === 'waiting' ? 'waits for you' : e.kind;
  return {
    event: e.kind,
    host: e.host,
    target: e.target,
    project: e.project,
    title: `${where(e)} ${verb}`,
    message: `${lineFor(e)}\n${e.target}`,
    priority: e.kind === 'waiting' ? 'high' : 'default',
    tags: [EMOJI[e.kind], e.host],
    count: 1,
  };
}

function group(events: WatchEvent[]): Notification {
  const sorted = [...events].sort((a, b) => URGENCY[a.kind] - URGENCY[b.kind]);
  const top = sorted[0]!.kind;
  const hosts = [...new Set(sorted.map((e) => e.host))];
  const waiting = sorted.filter((e) => e.kind === 'waiting').length;
  const title =
    waiting === sorted.length
      ? `${waiting} agents wait for you`
      : waiting > 0
        ? `${sorted.length} agent events (${waiting} waiting)`
        : `${sorted.length} agent events`;
  return {
    event: top,
    host: hosts.join(','),
    target: '',
    project: [...new Set(sorted.map((e) => e.project))].join(','),
    title,
    message: sorted.map((e) => `${e.target} ${e.kind}: ${lineFor(e)}`).join('\n'),
    priority: waiting > 0 ? 'high' : 'default',
    tags: [EMOJI[top], ...hosts],
    count: sorted.length,
  };
}

/** Keep the kinds the user asked for, then apply the burst policy. */
export function notificationsFor(events: WatchEvent[], wanted: readonly EventKind[]): Notification[] {
  const kept = events.filter((e) => wanted.includes(e.kind));
  if (kept.length === 0) return [];
  if (kept.length <= GROUP_ABOVE) return kept.map(single);
  return [group(kept)];
}
