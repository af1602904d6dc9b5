import { describe, expect, it } from 'vitest';
import type { Notification } from '../../../src/core/watch/notification.js';
import { afterAttempt, duePushes } from '../../../src/core/watch/pending.js';
import {
  formatHeartbeat,
  hostRetryDelay,
  PUSH_ATTEMPTS,
  pushRetryDelay,
  reconnectDelay,
  watcherRunning,
} from '../../../src/core/watch/schedule.js';

describe('schedules', () => {
  it.each([
    [1, 2],
    [2, 4],
    [3, 8],
    [6, 64],
    [8, 256],
    [9, 300],
    [20, 300],
  ])('push retry after %i failures: %i s', (f, s) => expect(pushRetryDelay(f)).toBe(s));
  it.each([
    [0, 0],
    [1, 3],
    [2, 6],
    [3, 12],
    [4, 24],
    [5, 48],
    [6, 60],
    [50, 60],
  ])('host retry after %i failures (3 s interval): %i s', (f, s) => expect(hostRetryDelay(f, 3)).toBe(s));
  it('host retry never below the interval', () => expect(hostRetryDelay(1, 30)).toBe(30));
  it.each([
    [1, 0],
    [2, 3],
    [3, 6],
    [10, 60],
  ])('reconnect after %i failures (3 s interval): %i s', (f, s) => expect(reconnectDelay(f, 3)).toBe(s));
});

describe('afterAttempt', () => {
  const n = { title: 't' } as Notification;
  it('delivered', () => expect(afterAttempt('ntfy', n, undefined, { ok: true }, 100)).toEqual({ kind: 'delivered' }));
  it('a first failure retries in 2 s', () => {
    expect(afterAttempt('ntfy', n, undefined, { ok: false, error: 'HTTP 500' }, 100)).toEqual({
      kind: 'retry',
      pending: { destination: 'ntfy', notification: n, failures: 1, nextAt: 102, lastError: 'HTTP 500' },
    });
  });
  it('backs off on each failure', () => {
    const r = afterAttempt(
      'command',
      n,
      { destination: 'command', notification: n, failures: 3, nextAt: 0, lastError: '' },
      { ok: false, error: 'exit 1' },
      100,
    );
    expect(r).toMatchObject({ kind: 'retry', pending: { failures: 4, nextAt: 116 } });
  });
  it(`gives up (and says so) after ${PUSH_ATTEMPTS} tries`, () => {
    const r = afterAttempt(
      'ntfy',
      n,
      { destination: 'ntfy', notification: n, failures: PUSH_ATTEMPTS - 1, nextAt: 0, lastError: '' },
      { ok: false, error: 'x' },
      100,
    );
    expect(r).toEqual({ kind: 'gave-up', failures: PUSH_ATTEMPTS, lastError: 'x' });
  });
  it('due pushes', () => {
    const p = (nextAt: number) => ({
      destination: 'ntfy' as const,
      notification: n,
      failures: 1,
      nextAt,
      lastError: '',
    });
    expect(duePushes([p(5), p(10), p(11)], 10).map((x) => x.nextAt)).toEqual([5, 10]);
  });
});

describe('watcherRunning', () => {
  const hb = (heartbeatAt: number, intervalSeconds = 3) =>
    formatHeartbeat({ pid: 42, startedAt: 1000, heartbeatAt, intervalSeconds });
  it.each<[string, string | undefined, number, boolean]>([
    ['fresh', hb(2000), 2005, true],
    ['30 s late still counts', hb(2000), 2030, true],
    ['stale', hb(2000), 2031, false],
    ['long interval gives more grace', hb(2000, 60), 2150, true],
    ['missing file', undefined, 2000, false],
    ['damaged file', '{"pid":', 2000, false],
    ['wrong shape', '{"pid":"x"}', 2000, false],
    ['from the future (clock jump)', hb(3000), 2000, false],
  ])('%s', (_n, content, now, running) => expect(watcherRunning(content, now).running).toBe(running));
  it('says which pid and since when', () =>
    expect(watcherRunning(hb(2000), 2001)).toEqual({ running: true, pid: 42, since: 1000 }));
});
