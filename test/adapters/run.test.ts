/** The runner's watchdog, with real processes: silence is only "hung" when the probe says so. */
import { describe, expect, it } from 'vitest';
import { run } from '../../src/adapters/run.js';

const slowHello = { file: 'sh', args: ['-c', 'sleep 1; echo hello'] };

describe('run: the first-output watchdog', () => {
  it('a process that answers late is waited for when the probe says its connection is alive', async () => {
    let asked = 0;
    const r = await run(slowHello, { timeoutMs: 10_000, firstByteMs: 200, stillAlive: async () => (asked++, true) });
    expect(asked).toBe(1);
    expect(r).toMatchObject({ hung: false, timedOut: false, exitCode: 0, stdout: 'hello\n' });
  });

  it('is killed as hung when the probe fails', async () => {
    const r = await run(slowHello, { timeoutMs: 10_000, firstByteMs: 200, stillAlive: async () => false });
    expect(r).toMatchObject({ hung: true, stdout: '' });
  });

  it('is killed as hung when there is no probe', async () => {
    expect((await run(slowHello, { timeoutMs: 10_000, firstByteMs: 200 })).hung).toBe(true);
  });

  it('never asks the probe once output has come', async () => {
    let asked = 0;
    const r = await run(
      { file: 'sh', args: ['-c', 'echo hi; sleep 1'] },
      { firstByteMs: 300, stillAlive: async () => (asked++, false) },
    );
    expect(asked).toBe(0);
    expect(r).toMatchObject({ hung: false, exitCode: 0 });
  });

  it('a probe that answers after the process ended changes nothing', async () => {
    const r = await run(
      { file: 'sh', args: ['-c', 'sleep 0.3'] },
      {
        firstByteMs: 100,
        stillAlive: () => new Promise((resolve) => setTimeout(() => resolve(false), 600)),
      },
    );
    expect(r).toMatchObject({ hung: false, exitCode: 0 });
  });
});
