import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logged, readSentLog, recordSent, sentLogPath } from '../../src/adapters/sent-log.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'trimtab-sentlog-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('sentLogPath', () => {
  it.each([
    [{ TRIMTAB_STATE_DIR: '/s', XDG_STATE_HOME: '/x' }, '/s/sent.log'],
    [{ XDG_STATE_HOME: '/x' }, '/x/trimtab/sent.log'],
    [{}, path.join(os.homedir(), '.local/state/trimtab/sent.log')],
  ])('%j -> %s', (env, file) => expect(sentLogPath(env)).toBe(file));
});

describe('recordSent', () => {
  it('creates the directory (0700) and the file (0600) and appends JSON lines', () => {
    const dir = path.join(tmp(), 'state', 'trimtab');
    const env = { TRIMTAB_STATE_DIR: dir, SSH_CLIENT: '10.1.2.3 5555 22' };
    const errs: string[] = [];
    recordSent({ env, err: (l) => errs.push(l) }, [
      { host: 'thor', target: 'thor:agents:a', text: 'one', result: 'delivered' },
    ]);
    recordSent({ env, err: (l) => errs.push(l) }, [
      { host: 'thor', target: 'thor:%3', text: 'Escape', keys: true, result: 'failed: x' },
    ]);
    expect(errs).toEqual([]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(sentLogPath(env)).mode & 0o777).toBe(0o600);
    const lines = readSentLog(env)!
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ host: 'thor', target: 'thor:agents:a', text: 'one', result: 'delivered' });
    expect(lines[0].from).toBe(`${os.hostname().split('.')[0]} (ssh 10.1.2.3)`);
    expect(lines[1]).toMatchObject({ keys: true, result: 'failed: x' });
    expect(Date.parse(lines[0].time)).toBeGreaterThan(0);
  });

  it('starts on a fresh line after a torn append (full disk, crash), so the new entry stays readable', () => {
    const env = { TRIMTAB_STATE_DIR: tmp() };
    const torn = '{"time":"2026-11-24T14:02:09.123Z","host":"thor","tar';
    writeFileSync(sentLogPath(env), torn);
    recordSent({ env, err: () => {} }, [{ host: 'thor', target: 'thor:agents:a', text: 'after', result: 'delivered' }]);
    const lines = readSentLog(env)!.split('\n');
    expect(lines[0]).toBe(torn);
    expect(JSON.parse(lines[1]!)).toMatchObject({ text: 'after' });
    expect(lines[2]).toBe('');
    // An intact file gets no blank line.
    recordSent({ env, err: () => {} }, [{ host: 'thor', target: 'thor:agents:a', text: 'next', result: 'delivered' }]);
    expect(readSentLog(env)!.split('\n')).toHaveLength(4);
  });

  it('does not claim a failed delivery "was still sent" when the log cannot be written', async () => {
    vi.resetModules(); // a fresh module: it warns once per process
    const { recordSent: fresh } = await import('../../src/adapters/sent-log.js');
    const blocker = path.join(tmp(), 'file');
    writeFileSync(blocker, '');
    const errs: string[] = [];
    fresh({ env: { TRIMTAB_STATE_DIR: path.join(blocker, 'sub') }, err: (l) => errs.push(l) }, [
      { host: 'h', target: 'h:x', text: 't', result: 'failed: gone' },
    ]);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/could not write the sent log/);
    expect(errs[0]).not.toMatch(/still sent/);
  });

  it('never throws; warns once when the log cannot be written', () => {
    const dir = tmp();
    const blocker = path.join(dir, 'file');
    writeFileSync(blocker, ''); // a file where the state directory should be
    const env = { TRIMTAB_STATE_DIR: path.join(blocker, 'sub') };
    const errs: string[] = [];
    for (let i = 0; i < 3; i++)
      recordSent({ env, err: (l) => errs.push(l) }, [{ host: 'h', target: 'h:x', text: 't', result: 'delivered' }]);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^⚠ could not write the sent log .*sent\.log: .*\(the text was still sent\)$/);
  });
});

describe('logged', () => {
  it('records delivered, or failed with the message and rethrows', async () => {
    const dir = tmp();
    const env = { TRIMTAB_STATE_DIR: dir };
    const io = { env, err: () => {} };
    await expect(logged(io, { host: 'h', target: 'h:a', text: 'ok' }, async () => 42)).resolves.toBe(42);
    await expect(
      logged(io, { host: 'h', target: 'h:a', text: 'bad' }, async () => {
        throw new Error('no agent at h:a');
      }),
    ).rejects.toThrow('no agent');
    const lines = readFileSync(sentLogPath(env), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.text, l.result])).toEqual([
      ['ok', 'delivered'],
      ['bad', 'failed: no agent at h:a'],
    ]);
  });

  it('a read-only log directory does not fail the delivery', async () => {
    if (process.getuid?.() === 0) return; // root writes anyway; the blocked-path case above covers it
    const dir = tmp();
    chmodSync(dir, 0o500);
    await expect(
      logged(
        { env: { TRIMTAB_STATE_DIR: dir }, err: () => {} },
        { host: 'h', target: 'h:a', text: 'x' },
        async () => 'sent',
      ),
    ).resolves.toBe('sent');
  });
});
