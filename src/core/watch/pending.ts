/** Pushes that failed and wait for another try, one per destination (a working one is not repeated). */
import type { Notification } from './notification.js';
import { PUSH_ATTEMPTS, pushRetryDelay } from './schedule.js';

export type Destination = 'ntfy' | 'command';

export interface PendingPush {
  destination: Destination;
  notification: Notification;
  /** Failed tries so far. */
  failures: number;
  /** Epoch seconds of the next try. */
  nextAt: number;
  lastError: string;
}

export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; pending: PendingPush }
  | { kind: 'gave-up'; failures: number; lastError: string };

/** After a try (the first or a retry) of `n` to `destination`. */
export function afterAttempt(
  destination: Destination,
  n: Notification,
  before: PendingPush | undefined,
  result: { ok: true } | { ok: false; error: string },
  now: number,
): Outcome {
  if (result.ok) return { kind: 'delivered' };
  const failures = (before?.failures ?? 0) + 1;
  if (failures >= PUSH_ATTEMPTS) return { kind: 'gave-up', failures, lastError: result.error };
  return {
    kind: 'retry',
    pending: {
      destination,
      notification: n,
      failures,
      nextAt: now + pushRetryDelay(failures),
      lastError: result.error,
    },
  };
}

export const duePushes = (pending: PendingPush[], now: number) => pending.filter((p) => p.nextAt <= now);
const _notDue = (pending: PendingPush[], now: number) => pending.filter((p) => p.nextAt > now);
