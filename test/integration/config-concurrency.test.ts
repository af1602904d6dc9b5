/**
 * config.json written by many trimtab processes at once, through the built bundle: every change
 * survives, the file is 2-space JSON with mode 0600, and nothing is left beside it.
 */

import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/trimtab.mjs');
const root = mkdtempSync(path.join(os.tmpdir(), 'trimtab-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
const freshDir = () => path.join(root, `c${count++}`);
const trimtab = (dir: string, args: string[]) =>
  execa(process.execPath, [CLI, ...args], {
    env: { TRIMTAB_CONFIG_DIR: dir, XDG_CACHE_HOME: path.join(root, 'cache'), TRIMTAB_HOST: 'here' },
    reject: false,
    stdin: 'ignore',
  });
const hostNames = (dir: string): string[] =>
  JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')).hosts.map((h: { name: string }) => h.name);

describe('concurrent config writes', () => {
  it('10 hosts add at once, 3 times over: every host is kept (before the lock, one was lost every time)', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = freshDir();
      const names = Array.from({ length: 10 }, (_, i) => `h${i}`);
      const runs = await Promise.all(names.map((n) => trimtab(dir, ['hosts', 'add', n, '--ssh', `u@${n}`])));
      for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
      expect(hostNames(dir).sort(), `round ${round}`).toEqual([...names].sort());
      expect(readdirSync(dir)).toEqual(['config.json']);
    }
  }, 240_000);

  it('adds, sets and removes at once, against an existing file: each change lands once', async () => {
    const dir = freshDir();
    const start = ['a', 'b', 'c', 'd'];
    for (const n of start) expect((await trimtab(dir, ['hosts', 'add', n, '--ssh', n])).exitCode).toBe(0);
    const runs = await Promise.all([
      trimtab(dir, ['hosts', 'remove', 'a']),
      trimtab(dir, ['hosts', 'remove', 'b']),
      trimtab(dir, ['hosts', 'set', 'c', '--agent', '/opt/claude']),
      trimtab(dir, ['hosts', 'add', 'e', '--ssh', 'e']),
      trimtab(dir, ['hosts', 'add', 'f', '--ssh', 'f']),
    ]);
    for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
    const hosts = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')).hosts;
    expect(hosts.map((h: { name: string }) => h.name).sort()).toEqual(['c', 'd', 'e', 'f']);
    expect(hosts.find((h: { name: string }) => h.name === 'c')).toEqual({
      name: 'c',
      ssh: 'c',
      agentCommand: '/opt/claude',
    });
  }, 60_000);

  it('the same host added twice at once: one wins, the other says it exists or conflicts, the file is whole', async () => {
    const dir = freshDir();
    const runs = await Promise.all([
      trimtab(dir, ['hosts', 'add', 'x', '--ssh', 'one']),
      trimtab(dir, ['hosts', 'add', 'x', '--ssh', 'two']),
    ]);
    expect(runs.filter((r) => r.exitCode === 0).length).toBeGreaterThanOrEqual(1);
    expect(hostNames(dir)).toEqual(['x']);
  });
});

describe('config file format', () => {
  it('is written as 2-space JSON, mode 0600, and a looser existing file is tightened', async () => {
    const dir = freshDir();
    expect((await trimtab(dir, ['hosts', 'add', 'thor', '--ssh', 'mac@thor'])).exitCode).toBe(0);
    const file = path.join(dir, 'config.json');
    expect(readFileSync(file, 'utf8')).toBe(
      '{\n  "hosts": [\n    {\n      "name": "thor",\n      "ssh": "mac@thor"\n    }\n  ]\n}\n',
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o644);
    expect((await trimtab(dir, ['hosts', 'set', 'thor', '--agent', 'claude2'])).exitCode).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a symlinked config.json stays a symlink; the file it points to is replaced', async () => {
    const dir = freshDir();
    const real = path.join(root, `real-${count}.json`);
    writeFileSync(real, '{}\n');
    await execa('mkdir', ['-p', dir]);
    symlinkSync(real, path.join(dir, 'config.json'));
    expect((await trimtab(dir, ['hosts', 'add', 'thor', '--ssh', 'mac@thor'])).exitCode).toBe(0);
    expect(statSync(path.join(dir, 'config.json')).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(real, 'utf8')).hosts).toEqual([{ name: 'thor', ssh: 'mac@thor' }]);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('a lock left by a killed writer is taken over (its process is gone)', async () => {
    const dir = freshDir();
    expect((await trimtab(dir, ['hosts', 'add', 'a', '--ssh', 'a'])).exitCode).toBe(0);
    const dead = await execa('sh', ['-c', 'echo $$']);
    writeFileSync(path.join(dir, 'config.json.lock'), `${dead.stdout.trim()} ${os.hostname()} 0123`);
    const r = await trimtab(dir, ['hosts', 'add', 'b', '--ssh', 'b']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(hostNames(dir)).toEqual(['a', 'b']);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('a live lock is waited for, not broken', async () => {
    const dir = freshDir();
    expect((await trimtab(dir, ['hosts', 'add', 'a', '--ssh', 'a'])).exitCode).toBe(0);
    const lock = path.join(dir, 'config.json.lock');
    writeFileSync(lock, `${process.pid} ${os.hostname()} 0123`);
    const pending = trimtab(dir, ['hosts', 'add', 'b', '--ssh', 'b']);
    await new Promise((r) => setTimeout(r, 1500));
    expect(hostNames(dir)).toEqual(['a']);
    rmSync(lock);
    const r = await pending;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(hostNames(dir)).toEqual(['a', 'b']);
  });
});

describe('config errors', () => {
  it.each<[string, string]>([
    ['{"hosts": [\n  {"name": "a",}\n]}', 'not valid JSON at line 2 column 16'],
    ['', 'not valid JSON at line 1 column 1'],
    [
      '{"hosts": [{"name": "a"}, {"name": "b", "ssh": "-oProxyCommand=x"}]}',
      'hosts[1].ssh: expected an ssh destination',
    ],
    ['{"hosts": [{"name": "a", "sshh": "x"}]}', 'hosts[0].sshh: unknown key'],
    ['{"connectTimeoutSeconds": "soon"}', 'connectTimeoutSeconds: expected a number, got "soon"'],
  ])('%j: %s', async (text, message) => {
    const dir = freshDir();
    await execa('mkdir', ['-p', dir]);
    writeFileSync(path.join(dir, 'config.json'), text);
    const r = await trimtab(dir, ['hosts', 'list']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`broken config ${path.join(dir, 'config.json')}: ${message}`);
  });
});
