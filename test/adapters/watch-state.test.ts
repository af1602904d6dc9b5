import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendWatchLog,
  emptyWatchState,
  readHeartbeat,
  readWatchState,
  removeHeartbeat,
  writeHeartbeat,
  writeWatchState,
} from '../../src/adapters/watch-state.js';
import { watcherRunning } from '../../src/core/watch/schedule.js';

const env = () => ({ TRIMTAB_STATE_DIR: path.join(mkdtempSync(path.join(os.tmpdir(), 'trimtab-ws-')), 'state') });

describe('watch state files', () => {
  it('missing: a fresh state', () =>
    expect(readWatchState(env())).toEqual({ state: emptyWatchState(), damaged: false }));

  it('round trip, private to the user', () => {
    const e = env();
    const state = {
      ...emptyWatchState(),
      agents: {
        'thor\tthor:api': {
          host: 'thor',
          target: 'thor:api',
          project: 'api',
          status: 'waiting' as const,
          announced: 'x',
        },
      },
    };
    writeWatchState(e, state);
    expect(readWatchState(e)).toEqual({ state, damaged: false });
    expect(statSync(path.join(e.TRIMTAB_STATE_DIR, 'watch.json')).mode & 0o777).toBe(0o600);
    expect(statSync(e.TRIMTAB_STATE_DIR).mode & 0o777).toBe(0o700);
  });

  it.each(['{"version":1', '[]', '{"version":2,"agents":{},"pending":[]}', '{"version":1,"agents":[],"pending":[]}'])(
    'damaged %s: fresh, and says so',
    (text) => {
      const e = env();
      writeWatchState(e, emptyWatchState());
      writeFileSync(path.join(e.TRIMTAB_STATE_DIR, 'watch.json'), text);
      expect(readWatchState(e)).toEqual({ state: emptyWatchState(), damaged: true });
    },
  );

  it('the log appends timestamped lines', () => {
    const e = env();
    appendWatchLog(e, 'one', new Date('2026-01-01T00:00:00Z'));
    appendWatchLog(e, 'two', new Date('2026-01-01T00:00:01Z'));
    expect(readFileSync(path.join(e.TRIMTAB_STATE_DIR, 'watch.log'), 'utf8')).toBe(
      '2026-01-01T00:00:00.000Z one\n2026-01-01T00:00:01.000Z two\n',
    );
  });

  it('heartbeat: written, read as running, removed', () => {
    const e = env();
    writeHeartbeat(e, { pid: 7, startedAt: 100, heartbeatAt: 200, intervalSeconds: 3 });
    expect(watcherRunning(readHeartbeat(e), 201)).toEqual({ running: true, pid: 7, since: 100 });
    removeHeartbeat(e);
    expect(watcherRunning(readHeartbeat(e), 201).running).toBe(false);
  });
});
