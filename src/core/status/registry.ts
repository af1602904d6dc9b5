// Claude Code's own state, read from its per-process registry: every running Claude Code (2.1.145+)
// keeps `${CLAUDE_CONFIG_DIR:-$HOME/.claude}/sessions/<pid>.json` with `status` (busy | idle | waiting)
// and, since 2.1.162, `waitingFor` ("permission prompt", "input needed", "dialog open"). The files are
// undocumented and outlive a crash (kill -9 leaves them), so every field is optional and every entry
// must prove it is alive and sits in a pane we list; anything else falls back to reading the screen.
//
// Pure: the host-side sh function (remote/sh/list.sh, list_registry) delivers one text, in this wire format:
//   @@trimtab-registry v1
//   @@ps
//     1234     1 Ssl+    <- `ps -A -o pid=,ppid=,stat=`, once (stat optional; Z = a zombie, not alive)
//   @@file /home/u/.claude/sessions/1234.json
//   {"pid":1234,...}     <- the file folded to ONE line (newlines -> spaces; valid JSON stays equal)
//   @@end
// The line after an `@@file` line is that file's content whatever it says, so a file cannot forge
// markers. Files over 64 KiB are skipped by the host; longer lines are dropped here too.

export type RegistryStatus = 'busy' | 'idle' | 'waiting';

export interface RegistryState {
  status: RegistryStatus;
  /** Claude Code's words ("permission prompt", "input needed", ...), cleaned of control characters; null when not waiting. */
  waitingFor: string | null;
  sessionId: string | null;
  /** ms since the epoch, when Claude Code last wrote the status. */
  updatedAt: number | null;
  pid: number;
}

export interface RegistryPane {
  /** `#{pane_id}`, e.g. `%3`. */
  paneId: string;
  /** `#{pane_pid}`: the pane's first process (a shell, or the agent itself). */
  panePid: number;
}

interface Entry extends RegistryState {
  /** The `tmux` field's pane id (`agents:@0.%0` -> `%0`), when present. */
  tmuxPane: string | null;
}

export interface RegistrySnapshot {
  /** pid -> ppid of every process on the host; null when the host sent no process list. */
  processes: Map<number, number> | null;
  entries: Entry[];
}

const MARK = '@@';
const MAX_LINE = 65_536 + 1024;
/** Deep enough for shell -> wrapper -> node -> claude; bounded so a cycle in bad input ends. */
const MAX_DEPTH = 16;

/** Parse the host's answer. Never throws: anything malformed is left out. */
export function parseRegistry(text: string): RegistrySnapshot {
  const lines = typeof text === 'string' ? text.split('\n') : [];
  let processes: Map<number, number> | null = null;
  const entries: Entry[] = [];
  let section: 'none' | 'ps' = 'none';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith(`${MARK}file `)) {
      section = 'none';
      const content = lines[i + 1];
      i++; // the next line is the content, whatever it holds
      const entry = content === undefined ? undefined : parseEntry(line.slice(7), content);
      if (entry) entries.push(entry);
    } else if (line === `${MARK}ps`) {
      section = 'ps';
      processes ??= new Map();
    } else if (line.startsWith(MARK)) {
      section = 'none';
    } else if (section === 'ps' && processes) {
      // A zombie is dead: kill -9 leaves one until tmux reaps it, seen after the pane already shows dead.
      const m = /^\s*(\d+)\s+(\d+)(?:\s+(\S+))?\s*$/.exec(line);
      if (m && !m[3]?.startsWith('Z')) processes.set(Number(m[1]), Number(m[2]));
    }
  }
  return { processes, entries };
}

function parseEntry(path: string, content: string): Entry | undefined {
  const name = /(?:^|\/)(\d{1,10})\.json$/.exec(path.trimEnd());
  if (!name || content.length > MAX_LINE) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    return undefined; // truncated, caught mid-write, or not JSON
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const d = data as Record<string, unknown>;
  const pid = Number(name[1]);
  if (d.pid !== undefined && d.pid !== pid) return undefined;
  const status = d.status;
  if (status !== 'busy' && status !== 'idle' && status !== 'waiting') return undefined;
  const waitingFor = status === 'waiting' && typeof d.waitingFor === 'string' ? clean(d.waitingFor) || null : null;
  const sessionId = typeof d.sessionId === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(d.sessionId) ? d.sessionId : null;
  const at = typeof d.statusUpdatedAt === 'number' ? d.statusUpdatedAt : d.updatedAt;
  const updatedAt = typeof at === 'number' && Number.isFinite(at) && at > 0 ? at : null;
  const tmuxPane = typeof d.tmux === 'string' ? (/\.(%\d+)$/.exec(d.tmux)?.[1] ?? null) : null;
  return { status, waitingFor, sessionId, updatedAt, pid, tmuxPane };
}

/** A host's words, safe to print: no control characters (C0, DEL, C1, bidi overrides), bounded. */
function clean(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
}

/**
 * Claude Code's state per pane id, for the panes given. An entry counts only when its pid is alive
 * (in the process list) and is the pane's process or one of its descendants; when its `tmux` field
 * names a different pane the two disagree and the entry is dropped (the screen decides). The `tmux`
 * field alone is never enough: it lacks the tmux socket, and every server has a `%0`.
 * With several entries in one pane the one nearest the pane's process wins, then the newest.
 */
export function registryByPane(snapshot: RegistrySnapshot, panes: readonly RegistryPane[]): Map<string, RegistryState> {
  const out = new Map<string, RegistryState>();
  const { processes } = snapshot;
  if (!processes) return out;
  const paneOfPid = new Map<number, string>();
  for (const p of panes) if (Number.isInteger(p.panePid) && p.panePid > 0) paneOfPid.set(p.panePid, p.paneId);
  const best = new Map<string, { entry: Entry; depth: number }>();
  for (const entry of snapshot.entries) {
    if (!processes.has(entry.pid)) continue; // a stale file: the process is gone
    const found = paneAbove(entry.pid, processes, paneOfPid);
    if (!found) continue;
    if (entry.tmuxPane !== null && entry.tmuxPane !== found.paneId) continue;
    const prev = best.get(found.paneId);
    const newer = (entry.updatedAt ?? 0) > (prev?.entry.updatedAt ?? 0);
    if (!prev || found.depth < prev.depth || (found.depth === prev.depth && newer))
      best.set(found.paneId, { entry, depth: found.depth });
  }
  for (const [paneId, { entry }] of best) {
    const { status, waitingFor, sessionId, updatedAt, pid } = entry;
    out.set(paneId, { status, waitingFor, sessionId, updatedAt, pid });
  }
  return out;
}

function paneAbove(
  pid: number,
  processes: Map<number, number>,
  paneOfPid: Map<number, string>,
): { paneId: string; depth: number } | undefined {
  let p: number | undefined = pid;
  for (let depth = 0; depth <= MAX_DEPTH && p !== undefined && p > 1; depth++) {
    const paneId = paneOfPid.get(p);
    if (paneId !== undefined) return { paneId, depth };
    p = processes.get(p);
  }
  return undefined;
}

/** Convenience: parse and match in one call. */
export const readRegistry = (text: string, panes: readonly RegistryPane[]) =>
  registryByPane(parseRegistry(text), panes);
