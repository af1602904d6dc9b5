/**
 * `trimtab watch [--once] [--interval S]`: follow every host's agents and push a notification when
 * one waits for the user (and, if configured, when one finishes or exits).
 *
 * Each host has its own loop and its own persistent channel (adapters/channel.ts): a poll is one
 * write and one read on a shell that stays open, and a host that sleeps only slows its own loop.
 * Events go to a dispatcher that gathers what arrives together (the burst policy in
 * core/watch/notification.ts), sends to each destination, and retries failures with backoff.
 * `--once` is one pass against the saved state (cron, tests).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { agentsFromList, parsePanes, screensFrom } from '../core/agents/agents.js';
import type { Host } from '../core/hosts/config.js';
import { controlPath, muxExitInvocation, scriptInvocation, userMultiplexes, type Invocation } from '../core/hosts/ssh.js';
import { isNoServer, markerFor, parseSections, section } from '../core/protocol.js';
import { listScript } from '../remote/scripts.js';
import { diffHost, type HostSnapshot, type WatchEvent } from '../core/watch/events.js';
import { notificationsFor, type Notification } from '../core/watch/notification.js';
import { parseNotifyConfig, requireDestination, type NotifyConfig } from '../core/watch/notify-config.js';
import { afterAttempt, duePushes, type Destination, type PendingPush } from '../core/watch/pending.js';
import { readPrompt } from '../core/watch/prompt-fallback.js';
import { reconnectDelay, watcherRunning } from '../core/watch/schedule.js';
import { runtimeDir, sshConfigTexts } from '../adapters/cache.js';
import { Channel } from '../adapters/channel.js';
import { loadConfigFile } from '../adapters/config-store.js';
import { pushNtfy, runNotifyCommand, type PushResult } from '../adapters/notify.js';
import { run } from '../adapters/run.js';
import { appendWatchLog, pidAlive, readHeartbeat, readWatchState, removeHeartbeat, writeHeartbeat, writeWatchState, type WatchState } from '../adapters/watch-state.js';
import { TrimtabError } from '../core/errors.js';
import type { Ctx } from '../remote/context.js';

export interface WatchOptions {
  once?: boolean;
  /** Seconds between polls of a host; overrides notify.intervalSeconds. */
  interval?: number | undefined;
  /** Stops a long-running watcher (tests); SIGTERM and SIGINT do too. */
  signal?: AbortSignal;
}

/** Text from hosts goes into the log and onto stderr: no control characters reach a terminal. */
const printable = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?').replace(/\n/g, ' | ');

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
  private readonly channels = new Map<string, Channel>();
  private readonly down = new Map<string, string>();
  private queue: WatchEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private muxDir: string | null | undefined;
  /** Set on stop: polls cut short by closing the channels are not news. */
  stopped = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly notify: NotifyConfig,
    private readonly interval: number,
  ) {
    const { state, damaged } = readWatchState(ctx.env);
    this.state = state;
    if (damaged) this.log('the saved watch state was damaged; starting afresh');
  }

  log(line: string): void {
    const text = printable(line);
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

  private cmPath(host: Host): string | undefined {
    if (this.muxDir === undefined) {
      const theirs = this.ctx.env.TRIMTAB_NO_MUX || userMultiplexes(sshConfigTexts(this.ctx.config.sshOptions));
      this.muxDir = theirs ? null : runtimeDir(this.ctx.env);
    }
    return this.muxDir ? controlPath(this.muxDir, this.ctx.config, host) : undefined;
  }

  private channel(host: Host): Channel {
    let c = this.channels.get(host.name);
    if (c) return c;
    const cp = host.local ? undefined : this.cmPath(host);
    const { input: _script, ...inv }: Invocation = scriptInvocation(this.ctx.config, host, '', { controlPath: cp });
    const timeout = this.ctx.config.connectTimeoutSeconds;
    c = new Channel(inv, {
      readyMs: (timeout + 3) * 1000,
      callMs: (timeout + 15) * 1000,
      retryDelay: (f) => reconnectDelay(f, this.interval),
      // A master that hangs accepts sessions and says nothing: drop it so the next try connects afresh.
      onUnready: async () => {
        if (!cp || !existsSync(cp)) return;
        await run(muxExitInvocation(this.ctx.config, host, cp), { timeoutMs: 1500 });
        rmSync(cp, { force: true });
      },
    });
    this.channels.set(host.name, c);
    return c;
  }

  /** One poll of one host over its channel; never throws. `undefined`: skipped (backing off). */
  async poll(host: Host): Promise<HostSnapshot | undefined> {
    const marker = markerFor(randomBytes(6).toString('hex'));
    const session = this.ctx.config.session;
    const r = await this.channel(host).call(listScript(marker, host, session));
    if (this.stopped) return undefined;
    if (!r.ok) {
      if (r.reason === 'backoff') return undefined;
      this.hostDown(host, `${r.reason}: ${r.detail}`);
      return { host: host.name, reachable: false, agents: [] };
    }
    const sections = parseSections(r.stdout, marker);
    const panes = section(sections, 'panes');
    if (!panes) {
      const text = section(sections, 'noserver')?.lines.join('\n') ?? '';
      if (section(sections, 'noserver') && isNoServer(text)) return this.hostUp(host, { host: host.name, reachable: true, agents: [] });
      this.hostDown(host, section(sections, 'notmux') ? 'tmux is not installed there' : `unexpected answer: ${text.split('\n')[0] ?? ''}`);
      return { host: host.name, reachable: false, agents: [] };
    }
    if (!section(sections, 'end')) {
      this.hostDown(host, 'the answer was cut off');
      return { host: host.name, reachable: false, agents: [] };
    }
    const screens = screensFrom(sections);
    const agents = agentsFromList(host, session, parsePanes(panes.lines), screens).map((a) => ({
      host: a.host,
      target: a.target,
      project: a.project,
      status: a.status,
      prompt: a.status === 'waiting' ? readPrompt(screens.get(a.paneId) ?? '') : null,
    }));
    return this.hostUp(host, { host: host.name, reachable: true, agents });
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
    this.queue.push(...events);
    this.save();
  }

  /** Send what is queued soon, so events of hosts that answer at nearly the same time go together. */
  flushSoon(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.track(this.flush());
    }, 200);
  }

  async flush(): Promise<void> {
    const events = this.queue;
    this.queue = [];
    const sends: Array<Promise<void>> = [];
    for (const n of notificationsFor(events, this.notify.events)) {
      for (const d of this.destinations()) sends.push(this.attempt(d, n, undefined));
    }
    await Promise.all(sends);
  }

  /** Retry the pushes that are due. */
  async retryDue(now: number): Promise<void> {
    const due = duePushes(this.state.pending, now);
    if (due.length === 0) return;
    this.state.pending = this.state.pending.filter((p) => !due.includes(p));
    await Promise.all(due.map((p) => this.attempt(p.destination, p.notification, p)));
  }

  private destinations(): Destination[] {
    return [...(this.notify.ntfy ? ['ntfy' as const] : []), ...(this.notify.command ? ['command' as const] : [])];
  }

  private async attempt(d: Destination, n: Notification, before: PendingPush | undefined): Promise<void> {
    let result: PushResult;
    try {
      result = d === 'ntfy'
        ? await pushNtfy({ url: this.notify.ntfy!, token: this.notify.token, click: this.notify.click }, n)
        : await runNotifyCommand(this.notify.command!, n);
    } catch (error) {
      result = { ok: false, error: `internal error: ${(error as Error).message}` };
    }
    const outcome = afterAttempt(d, n, before, result, this.ctx.now());
    const what = `${n.event} "${n.title}" via ${d}`;
    if (outcome.kind === 'delivered') this.log(`sent ${what}${before ? ` (try ${before.failures + 1})` : ''}`);
    else if (outcome.kind === 'retry') {
      this.state.pending.push(outcome.pending);
      this.log(`could not send ${what}: ${outcome.pending.lastError}; retrying in ${outcome.pending.nextAt - this.ctx.now()} s`);
    } else this.log(`gave up sending ${what} after ${outcome.failures} tries: ${outcome.lastError}`);
    this.save();
  }

  track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Stop: end every channel now (a call waiting on a sleeping host returns at once). */
  stop(): void {
    this.stopped = true;
    for (const c of this.channels.values()) c.close();
  }

  async close(): Promise<void> {
    clearTimeout(this.flushTimer);
    if (this.queue.length) await this.flush();
    await Promise.all([...this.inFlight]);
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
    throw new TrimtabError(`a watcher already runs here (pid ${other.pid})`, { hint: 'stop it first (systemctl --user stop trimtab-watch, or kill it)' });
  }
  const w = new Watcher(ctx, notify, interval);
  const hosts = ctx.config.hosts;

  if (opts.once) {
    await w.retryDue(ctx.now());
    const snaps = await Promise.all(hosts.map((h) => w.poll(h).catch(() => undefined)));
    for (const s of snaps) w.take(s);
    await w.flush();
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
  const retries = setInterval(() => w.track(w.retryDue(ctx.now())), 1000);

  const hostLoop = async (host: Host) => {
    while (!stop.signal.aborted) {
      try {
        w.take(await w.poll(host));
        w.flushSoon();
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
