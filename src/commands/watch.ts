/**
 * `trimtab watch [--once] [--interval S]`: follow every host's agents and push a notification when
 * one waits for the user (and, if configured, when one finishes or exits).
 *
 * Each host has its own loop and its own persistent channel (remote/channel-host.ts): a poll is the
 * list operation's script written to a shell that stays open and read back by the list operation's
 * own reader, and a host that sleeps only slows its own loop. What changed goes to the dispatcher
 * (watch-push.ts), which groups, sends and retries.
 * `--once` is one pass against the saved state (cron, tests).
 */

import { loadConfigFile } from '../adapters/config-store.js';
import {
  appendWatchLog,
  pidAlive,
  readHeartbeat,
  readWatchState,
  removeHeartbeat,
  type WatchState,
  writeHeartbeat,
  writeWatchState,
} from '../adapters/watch-state.js';
import { TrimtabError } from '../core/errors.js';
import type { Host } from '../core/hosts/config.js';
import { callError } from '../core/remote-errors.js';
import { printable } from '../core/render/printable.js';
import { diffHost, type HostSnapshot } from '../core/watch/events.js';
import { type NotifyConfig, parseNotifyConfig, requireDestination } from '../core/watch/notify-config.js';
import { reconnectDelay, watcherRunning } from '../core/watch/schedule.js';
import { HostChannel } from '../remote/channel-host.js';
import type { Ctx } from '../remote/context.js';
import { listCall, parseAgentList } from '../remote/list.js';
import { Dispatcher } from './watch-push.js';

export interface WatchOptions {
  once?: boolean;
  /** Seconds between polls of a host; overrides notify.intervalSeconds. */
  interval?: number | undefined;
  /** Stops a long-running watcher (tests); SIGTERM and SIGINT do too. */
  signal?: AbortSignal;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

class Watcher {
  readonly state: WatchState;
  readonly push: Dispatcher;
  private readonly channels = new Map<string, HostChannel>();
  private readonly down = new Map<string, string>();
  /** Set on stop: polls cut short by closing the channels are not news. */
  stopped = false;

  constructor(
    private readonly ctx: Ctx,
    notify: NotifyConfig,
    private readonly interval: number,
  ) {
    const { state, damaged } = readWatchState(ctx.env);
    this.state = state;
    if (damaged) this.log('the saved watch state was damaged; starting afresh');
    this.push = new Dispatcher({ notify, state, now: ctx.now, log: (l) => this.log(l), save: () => this.save() });
  }

  /** Text from hosts goes into the log and onto stderr: one line, nothing in it acts on a terminal. */
  log(line: string): void {
    const text = printable(line, { limit: 2000 });
    appendWatchLog(this.ctx.env, text);
    this.ctx.err(`watch: ${text}`);
  }

  save(): void {
    try {
      writeWatchState(this.ctx.env, this.state);
    } catch (error) {
      this.log(`cannot save the watch state: ${(error as Error).message}`);
    }
  }

  private channel(host: Host): HostChannel {
    let c = this.channels.get(host.name);
    if (!c) {
      c = new HostChannel(this.ctx, host, { retryDelay: (f) => reconnectDelay(f, this.interval) });
      this.channels.set(host.name, c);
    }
    return c;
  }

  /**
   * One poll of one host: the list operation's own script and reader over the host's open channel,
   * so the watcher sees what `trimtab list` shows. Never throws. `undefined`: skipped (backing off).
   */
  async poll(host: Host): Promise<HostSnapshot | undefined> {
    const r = await this.channel(host).call(listCall(this.ctx, host));
    if (this.stopped || r.kind === 'backoff') return undefined;
    const unreachable = { host: host.name, reachable: false, agents: [] };
    const failed = callError(host, r, this.ctx.config.connectTimeoutSeconds);
    if (failed || r.kind !== 'answered') {
      this.hostDown(host, failed?.message ?? 'no answer');
      return unreachable;
    }
    const { error, agents } = parseAgentList(this.ctx, host, r.sections);
    // tmux failing there says nothing about the agents: keep them as they were.
    if (error) {
      this.hostDown(host, error);
      return unreachable;
    }
    const snapshot = agents.map((a) => ({
      host: a.host,
      target: a.target,
      project: a.project,
      status: a.status,
      prompt: a.prompt ?? null,
    }));
    return this.hostUp(host, { host: host.name, reachable: true, agents: snapshot });
  }

  private hostDown(host: Host, why: string): void {
    if (this.down.get(host.name) !== why) this.log(`${host.name} did not answer (${why}); retrying with backoff`);
    this.down.set(host.name, why);
  }

  private hostUp(host: Host, snap: HostSnapshot): HostSnapshot {
    if (this.down.delete(host.name)) this.log(`${host.name} answers again`);
    return snap;
  }

  /** Remember what a poll saw and queue what changed. */
  take(snap: HostSnapshot | undefined): void {
    if (!snap) return;
    const { memos, events } = diffHost(this.state.agents, snap);
    this.state.agents = memos;
    this.push.add(events);
    this.save();
  }

  /** Stop: end every channel now (a call waiting on a sleeping host returns at once). */
  stop(): void {
    this.stopped = true;
    for (const c of this.channels.values()) c.close();
  }

  async close(): Promise<void> {
    await this.push.drain();
    for (const c of this.channels.values()) c.close();
    this.save();
  }
}

function heartbeat(ctx: Ctx, startedAt: number, interval: number): void {
  writeHeartbeat(ctx.env, { pid: process.pid, startedAt, heartbeatAt: ctx.now(), intervalSeconds: interval });
}

export async function watchCommand(ctx: Ctx, opts: WatchOptions = {}): Promise<void> {
  // Checked before anything starts: a bad notify block is exit 2 with the key named.
  const file = (await loadConfigFile(ctx.env)) as { notify?: unknown };
  const notify = requireDestination(parseNotifyConfig(file.notify));
  const interval = opts.interval ?? notify.intervalSeconds;
  // Two watchers on one state would each send every notification.
  const other = watcherRunning(readHeartbeat(ctx.env), ctx.now());
  if (other.running && other.pid !== process.pid && pidAlive(other.pid!)) {
    throw new TrimtabError(`a watcher already runs here (pid ${other.pid})`, {
      hint: 'stop it first (systemctl --user stop trimtab-watch, or kill it)',
    });
  }
  const w = new Watcher(ctx, notify, interval);
  const hosts = ctx.config.hosts;

  if (opts.once) {
    await w.push.retryDue(ctx.now());
    const snaps = await Promise.all(hosts.map((h) => w.poll(h).catch(() => undefined)));
    for (const s of snaps) w.take(s);
    await w.close();
    return;
  }

  const stop = new AbortController();
  const onSignal = () => {
    stop.abort();
    w.stop();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  opts.signal?.addEventListener('abort', onSignal);
  const startedAt = ctx.now();
  w.log(`watching ${hosts.map((h) => h.name).join(', ')} every ${interval} s (pid ${process.pid})`);
  heartbeat(ctx, startedAt, interval);
  const beat = setInterval(() => heartbeat(ctx, startedAt, interval), Math.max(1000, interval * 1000));
  const retries = setInterval(() => w.push.track(w.push.retryDue(ctx.now())), 1000);

  const hostLoop = async (host: Host) => {
    while (!stop.signal.aborted) {
      try {
        w.take(await w.poll(host));
        w.push.flushSoon();
      } catch (error) {
        w.log(`internal error polling ${host.name}: ${(error as Error).message}`); // keep going
      }
      await sleep(interval * 1000, stop.signal);
    }
  };
  try {
    await Promise.all(hosts.map(hostLoop));
  } finally {
    clearInterval(beat);
    clearInterval(retries);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await w.close();
    removeHeartbeat(ctx.env);
    w.log('stopped');
  }
}
