/**
 * `trimtab CMD --help` for every command in the table, through the built bundle: exit 0, the usage
 * line on stdout, nothing on stderr, and nothing started. "Nothing started" is checked for real:
 * the config is broken (reading it would exit 2), HOME and the runtime dir are empty temp dirs
 * that must stay empty (the cache dir may get only the bundle's code cache), and PATH begins with a folder whose tmux, ssh, sh, git, curl and
 * claude only write their own name to a log, which must stay empty.
 */

import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/verbs.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/trimtab.mjs');
const PROGRAMS = ['tmux', 'ssh', 'sh', 'bash', 'git', 'curl', 'wget', 'claude', 'syncthing'];

let dir: string;
let env: NodeJS.ProcessEnv;
let called: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trimtab-help-'));
  const bin = path.join(dir, 'bin');
  called = path.join(dir, 'called.log');
  for (const sub of ['bin', 'home', 'config', 'cache', 'runtime']) mkdirSync(path.join(dir, sub));
  for (const name of PROGRAMS) {
    const file = path.join(bin, name);
    writeFileSync(file, `#!/bin/sh\necho ${name} >> '${called}'\n`);
    chmodSync(file, 0o755);
  }
  writeFileSync(path.join(dir, 'config', 'config.json'), '{"hosts": [');
  env = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: path.join(dir, 'home'),
    TRIMTAB_CONFIG_DIR: path.join(dir, 'config'),
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    XDG_RUNTIME_DIR: path.join(dir, 'runtime'),
    TMUX: '',
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) =>
  execa(process.execPath, [CLI, ...args], { env, extendEnv: false, reject: false, stdin: 'ignore' });

/** Every command line that has a help: each verb and each sub-verb. */
const lines = COMMANDS.flatMap((c) => [
  { words: [c.name], usage: c.sub ? `usage: trimtab ${c.name} <command>` : `usage: trimtab ${c.usage[0]}` },
  ...(c.sub ?? []).map((s) => ({ words: [c.name, s.name], usage: `usage: trimtab ${s.usage[0]}` })),
]);

describe('trimtab CMD --help', () => {
  it.each(lines.map((l) => [l.words.join(' '), l] as const))('%s --help', async (_name, { words, usage }) => {
    const r = await run([...words, '--help']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe(usage.includes('<command>') ? `${usage} [options]` : usage);
  });

  it('trimtab help CMD and CMD -h print the same help as CMD --help', async () => {
    for (const words of [['send'], ['hosts', 'add'], ['login']]) {
      const long = await run([...words, '--help']);
      expect((await run(['help', ...words])).stdout).toBe(long.stdout);
      expect((await run([...words, '-h'])).stdout).toBe(long.stdout);
    }
  });

  it('trimtab --help lists every command', async () => {
    const r = await run(['--help']);
    expect(r.exitCode).toBe(0);
    for (const { words } of lines) expect(r.stdout).toContain(` ${words[words.length - 1]} `);
  });

  it('a typo gets a did-you-mean and exit 2, still before the config is read', async () => {
    const r = await run(['lsit']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown command "lsit" (did you mean list?)');
    const o = await run(['hosts', 'remove', 'x', '--json']);
    expect(o.exitCode).toBe(2);
    expect(o.stderr).toContain('unknown option --json for hosts remove');
  });

  it('started nothing and wrote nothing', () => {
    expect(() => readFileSync(called, 'utf8')).toThrow(/ENOENT/);
    for (const sub of ['home', 'runtime']) expect(readdirSync(path.join(dir, sub)), sub).toEqual([]);
    // Only the bundle's own compiled-code cache (boot.ts), which any run writes before parsing argv.
    const cached = readdirSync(path.join(dir, 'cache'), { recursive: true, encoding: 'utf8' });
    expect(cached.filter((f) => f !== 'trimtab' && !/^trimtab\/code-[^/]+\.bin$/.test(f))).toEqual([]);
    expect(readdirSync(path.join(dir, 'config'))).toEqual(['config.json']);
  });

  it('the canaries do catch a command that starts something (the check above can fail)', async () => {
    const r = await run(['list']);
    // The broken config is read first: exit 2, naming it.
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('broken config');
    const spare = path.join(dir, 'config-ok');
    mkdirSync(spare);
    const login = await execa(process.execPath, [CLI, 'login'], {
      env: { ...env, TRIMTAB_CONFIG_DIR: spare },
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    });
    expect(login.exitCode).toBe(0);
    expect(readFileSync(called, 'utf8')).toContain('sh');
    rmSync(called);
  });
});
