/**
 * When to try again, as pure functions of counts and time (seconds), and whether a watcher runs.
 */

/**
 * A push that failed: 2, 4, 8 ... s, at most 5 min apart, given up after PUSH_ATTEMPTS tries
 * (~18 min: a notification older than that is news no more). Giving up is logged, never silent.
 */
export const PUSH_ATTEMPTS = 10;
export const pushRetryDelay = (failures: number): number => Math.min(300, 2 ** Math.max(1, failures));

/**
 * A host that did not answer: next try after one interval, then doubling, at most a minute apart,
 * so a laptop that wakes up is seen within a minute, and a sleeping one costs one ssh attempt a
 * minute (each bounded by ConnectTimeout).
 */
export const hostRetryDelay = (failures: number, intervalSeconds: number): number =>
  failures <= 0 ? 0 : Math.min(60, Math.max(intervalSeconds, intervalSeconds * 2 ** (failures - 1)));

/**
 * A host's channel after `failures` failed attempts in a row: the first failure (a dropped
 * connection, a killed shell) reconnects at the next poll; more in a row back off as above.
 */
export const reconnectDelay = (failures: number, intervalSeconds: number): number =>
  failures <= 1 ? 0 : hostRetryDelay(failures - 1, intervalSeconds);

export interface Heartbeat {
  pid: number;
  /** Epoch seconds. */
  startedAt: number;
  heartbeatAt: number;
  intervalSeconds: number;
}

export const formatHeartbeat = (h: Heartbeat): string => `${JSON.stringify(h)}\n`;

/**
 * From the heartbeat file's content and the time: does a watcher run? It must have written within
 * three intervals (at least 30 s: a busy host can be late). A missing or damaged file: no.
 */
export function watcherRunning(
  content: string | undefined,
  now: number,
): { running: boolean; pid?: number; since?: number } {
  if (!content) return { running: false };
  let h: Partial<Heartbeat>;
  try {
    h = JSON.parse(content) as Partial<Heartbeat>;
  } catch {
    return { running: false };
  }
  if (typeof h.pid !== 'number' || typeof h.heartbeatAt !== 'number' || typeof h.startedAt !== 'number')
    return { running: false };
  const grace = Math.max(30, 3 * (typeof h.intervalSeconds === 'number' ? h.intervalSeconds : 3));
  const fresh = now - h.heartbeatAt <= grace && h.heartbeatAt - now <= grace;
  return fresh ? { running: true, pid: h.pid, since: h.startedAt } : { running: false };
}
