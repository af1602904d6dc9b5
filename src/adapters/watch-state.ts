/**
 * The watcher's files, in the state dir beside the sent log (`$TRIMTAB_STATE_DIR`, else
 * `$XDG_STATE_HOME/trimtab`, else `~/.local/state/trimtab`):
 *   watch.json   what it remembers (agents, episodes announced, pushes to retry); written atomically
 *   watch.log    one line per thing worth knowing (pushes, failures, hosts going and coming)
 *   watch.pid    the heartbeat the menu reads (see core/watch/schedule.ts, watcherRunning)
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentMemos } from '../core/watch/events.js';
import type { PendingPush } from '../core/watch/pending.js';
import { formatHeartbeat, type Heartbeat } from '../core/watch/schedule.js';
import { writeTextAtomic } from './files.js';

export interface WatchState {
  version: 1;
  agents: AgentMemos;
  pending: PendingPush[];
}

export const emptyWatchState = (): WatchState => ({ version: 1, agents: {}, pending: [] });

function stateDir(env: NodeJS.ProcessEnv): string {
  if (env.TRIMTAB_STATE_DIR) return env.TRIMTAB_STATE_DIR;
  return path.join(env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state'), 'trimtab');
}

const file = (env: NodeJS.ProcessEnv, name: string) => path.join(stateDir(env), name);
const ensure = (env: NodeJS.ProcessEnv) => mkdirSync(stateDir(env), { recursive: true, mode: 0o700 });

/** The saved state; missing or damaged: a fresh one (and `damaged` says so, for the log). */
export function readWatchState(env: NodeJS.ProcessEnv): { state: WatchState; damaged: boolean } {
  let text: string;
  try {
    text = readFileSync(file(env, 'watch.json'), 'utf8');
  } catch {
    return { state: emptyWatchState(), damaged: false };
  }
  try {
    const data = JSON.parse(text) as Partial<WatchState>;
    const agents =
      data.agents && typeof data.agents === 'object' && !Array.isArray(data.agents) ? data.agents : undefined;
    if (data.version !== 1 || !agents || !Array.isArray(data.pending)) throw new Error('unexpected shape');
    return { state: { version: 1, agents, pending: data.pending }, damaged: false };
  } catch {
    return { state: emptyWatchState(), damaged: true };
  }
}

/** Atomic (temp file + rename): a watcher killed mid-write leaves the old state or the new one. */
export function writeWatchState(env: NodeJS.ProcessEnv, state: WatchState): void {
  ensure(env);
  writeTextAtomic(file(env, 'watch.json'), `${JSON.stringify(state)}\n`);
}

/** Kept under ~1 MB: the old half moves to watch.log.1. Never throws (a full disk must not stop the watcher). */
export function appendWatchLog(env: NodeJS.ProcessEnv, line: string, now = new Date()): void {
  try {
    ensure(env);
    const log = file(env, 'watch.log');
    try {
      if (statSync(log).size > 1_000_000) renameSync(log, `${log}.1`);
    } catch {
      // no log yet
    }
    appendFileSync(log, `${now.toISOString()} ${line}\n`, { mode: 0o600 });
  } catch {
    // logging is best effort
  }
}

const heartbeatPath = (env: NodeJS.ProcessEnv) => file(env, 'watch.pid');

export function writeHeartbeat(env: NodeJS.ProcessEnv, h: Heartbeat): void {
  try {
    ensure(env);
    writeTextAtomic(heartbeatPath(env), formatHeartbeat(h));
  } catch {
    // the menu then says "not running": a cosmetic loss
  }
}

export function readHeartbeat(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return readFileSync(heartbeatPath(env), 'utf8');
  } catch {
    return undefined;
  }
}

export const removeHeartbeat = (env: NodeJS.ProcessEnv) => rmSync(heartbeatPath(env), { force: true });

/** Is process `pid` alive (and ours to signal)? Signal 0 checks without sending anything. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
