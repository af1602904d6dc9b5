// list_registry (remote/sh/list.sh) run by a real sh on this machine, parsed by the pure reader:
// the process table from /proc with hostile process names, and files that must never be read.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { shQuote } from '../../src/core/quote.js';
import { parseRegistry, readRegistry } from '../../src/core/status/registry.js';

const LIST_SH = readFileSync(path.resolve(import.meta.dirname, '../../src/remote/sh/list.sh'), 'utf8');
const dir = mkdtempSync(path.join(os.tmpdir(), 'trimtab-registry-'));
const sessions = path.join(dir, 'sessions');
mkdirSync(sessions);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gather = async (configDir = dir) =>
  (await execa('sh', ['-s'], { input: `${LIST_SH}\nlist_registry ${shQuote(configDir)}\n`, timeout: 20_000 })).stdout;
const entry = (pid: number, status = 'busy') => JSON.stringify({ pid, sessionId: 'abc', status });

describe('list_registry on a real host', () => {
  it('reads pid and parent of each process, whatever its name holds (spaces, parentheses)', async () => {
    const odd = path.join(dir, 'x) (y z');
    copyFileSync(execaSync('sh', ['-c', 'command -v sleep']).stdout.trim(), odd);
    const child = execa(odd, ['30'], { reject: false });
    try {
      await new Promise((r) => setTimeout(r, 200));
      writeFileSync(path.join(sessions, `${child.pid}.json`), entry(child.pid!, 'waiting'));
      const snap = parseRegistry(await gather());
      expect(snap.processes?.get(child.pid!)).toBe(process.pid);
      const got = readRegistry(await gather(), [{ paneId: '%1', panePid: process.pid }]).get('%1');
      expect(got).toMatchObject({ status: 'waiting', pid: child.pid });
    } finally {
      child.kill('SIGKILL');
      await child;
      rmSync(path.join(sessions, `${child.pid}.json`), { force: true });
    }
  });

  it('a file pretty-printed over several lines is folded to one and still read', async () => {
    const pid = process.pid;
    writeFileSync(path.join(sessions, `${pid}.json`), `{"pid":${pid},\n"status":"busy"}`);
    try {
      const got = readRegistry(await gather(), [{ paneId: '%5', panePid: pid }]).get('%5');
      expect(got).toMatchObject({ status: 'busy', pid });
    } finally {
      rmSync(path.join(sessions, `${pid}.json`), { force: true });
    }
  });

  it('skips what must not be read: over 64 KiB, a FIFO, a symlink, other names; never hangs', async () => {
    const pid = process.pid;
    writeFileSync(path.join(sessions, `${pid}.json`), `${entry(pid)}${' '.repeat(70_000)}`);
    execaSync('mkfifo', [path.join(sessions, '424242.json')]);
    symlinkSync('/dev/zero', path.join(sessions, '434343.json'));
    writeFileSync(path.join(sessions, '12.abc.key'), entry(12));
    writeFileSync(path.join(sessions, 'x12.json'), entry(12));
    const snap = parseRegistry(await gather());
    expect(snap.entries).toEqual([]);
    expect(snap.processes?.has(pid)).toBe(true);
  });

  it('a missing folder: the process table and nothing else', async () => {
    const text = await gather(path.join(dir, 'nowhere'));
    expect(text.split('\n')[0]).toBe('@@trimtab-registry v1');
    expect(text.trimEnd().endsWith('@@end')).toBe(true);
    expect(parseRegistry(text).entries).toEqual([]);
  });
});
