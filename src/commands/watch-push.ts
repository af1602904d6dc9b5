/**
 * The watcher's dispatcher: gathers the events of hosts that answer at nearly the same time (the burst
 * policy in core/watch/notification.ts), sends each notification to every destination, and keeps a
 * failed push in the saved state to retry with backoff (core/watch/pending.ts), so a restart or the
 * next `--once` pass still delivers it.
 */

import { type PushResult, pushNtfy, runNotifyCommand } from '../adapters/notify.js';
import type { WatchState } from '../adapters/watch-state.js';
import type { WatchEvent } from '../core/watch/events.js';
import { type Notification, notificationsFor } from '../core/watch/notification.js';
import type { NotifyConfig } from '../core/watch/notify-config.js';
import { afterAttempt, type Destination, duePushes, type PendingPush } from '../core/watch/pending.js';

export interface DispatchDeps {
  notify: NotifyConfig;
  state: WatchState;
  now: () => number;
  log: (line: string) => void;
  save: () => void;
}

/** Gathering window: ten agents that start waiting in one poll round become one push. */
const GATHER_MS = 200;

export class Dispatcher {
  private queue: WatchEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly d: DispatchDeps) {}

  add(events: WatchEvent[]): void {
    this.queue.push(...events);
  }

  /** Send what is queued soon, so events of hosts that answer at nearly the same time go together. */
  flushSoon(): void {
    if (this.queue.length === 0) return;
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.track(this.flush());
    }, GATHER_MS);
  }

  async flush(): Promise<void> {
    const events = this.queue;
    this.queue = [];
    const sends: Array<Promise<void>> = [];
    for (const n of notificationsFor(events, this.d.notify.events)) {
      for (const dest of this.destinations()) sends.push(this.attempt(dest, n, undefined));
    }
    await Promise.all(sends);
  }

  /** Retry the pushes that are due. */
  async retryDue(now: number): Promise<void> {
    const due = duePushes(this.d.state.pending, now);
    if (due.length === 0) return;
    this.d.state.pending = this.d.state.pending.filter((p) => !due.includes(p));
    await Promise.all(due.map((p) => this.attempt(p.destination, p.notification, p)));
  }

  track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Send what is still queued and wait for every push under way. */
  async drain(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.queue.length) await this.flush();
    await Promise.all([...this.inFlight]);
  }

  private destinations(): Destination[] {
    const { ntfy, command } = this.d.notify;
    return [...(ntfy ? ['ntfy' as const] : []), ...(command ? ['command' as const] : [])];
  }

  private async attempt(dest: Destination, n: Notification, before: PendingPush | undefined): Promise<void> {
    const { notify, now, log } = this.d;
    let result: PushResult;
    try {
      result =
        dest === 'ntfy'
          ? await pushNtfy({ url: notify.ntfy!, token: notify.token, click: notify.click }, n)
          : await runNotifyCommand(notify.command!, n);
    } catch (error) {
      result = { ok: false, error: `internal error: ${(error as Error).message}` };
    }
    const outcome = afterAttempt(dest, n, before, result, now());
    const what = `${n.event} "${n.title}" via ${dest}`;
    if (outcome.kind === 'delivered') log(`sent ${what}${before ? ` (try ${before.failures + 1})` : ''}`);
    else if (outcome.kind === 'retry') {
      this.d.state.pending.push(outcome.pending);
      log(`could not send ${what}: ${outcome.pending.lastError}; retrying in ${outcome.pending.nextAt - now()} s`);
    } else log(`gave up sending ${what} after ${outcome.failures} tries: ${outcome.lastError}`);
    this.d.save();
  }
}
