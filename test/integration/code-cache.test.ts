/**
 * dist/trimtab.mjs compiles its program with a V8 code cache kept in the cache dir (src/boot.ts).
 * Whatever state that cache is in, trimtab must do the same thing; only its speed may differ.
 */

import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../lab/lab.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'trimtab-cc-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `trimtab hosts list` with its own config and cache dirs: no network, deterministic output. */
async function hostsList(cache: string, env: Record<string, string> = {}) {
  const config = path.join(cache, '..', 'config');
  const r = await execa(process.execPath, [CLI, 'hosts', 'list'], {
    env: { TRIMTAB_CONFIG_DIR: config, TRIMTAB_CACHE_DIR: cache, TRIMTAB_DEBUG: '1', TRIMTAB_HOST: 'here', ...env },
    reject: false,
  });
  const debug = r.stderr.split('\n').filter((l) => l.startsWith('[debug] code cache:'));
  return { exitCode: r.exitCode, stdout: r.stdout, debug: debug.join('\n'), stderr: r.stderr };
}
const caches = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('code-'));

describe('start-up code cache', () => {
  it('the first run of a command writes its cache, the next ones use it, with the same result', async () => {
    const cache = path.join(tmp(), 'cache');
    const first = await hostsList(cache);
    expect(first.exitCode).toBe(0);
    expect(first.debug).toMatch(/code cache: miss .*hosts-list\.bin/);
    expect(first.debug).toMatch(/code cache: wrote/);
    const [file] = caches(cache);
    expect(file).toMatch(/^code-[0-9a-f]{12}-v\d+\.\d+\.\d+-[a-z0-9]+-hosts-list\.bin$/);
    expect(statSync(path.join(cache, file!)).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(path.join(cache, file!));
    const second = await hostsList(cache);
    expect(second.debug).toMatch(/code cache: hit/);
    expect(second.debug).not.toMatch(/wrote/);
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(path.join(cache, file!)).equals(bytes)).toBe(true);
  });

  it('a damaged cache is rejected by V8 and written anew; the command is unaffected', async () => {
    const cache = path.join(tmp(), 'cache');
    const clean = await hostsList(cache);
    const [file] = caches(cache);
    for (const damage of [
      Buffer.alloc(0),
      Buffer.from('not a code cache'),
      readFileSync(path.join(cache, file!)).subarray(0, 100),
    ]) {
      writeFileSync(path.join(cache, file!), damage);
      const r = await hostsList(cache);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(clean.stdout);
      expect(r.debug).toMatch(/code cache: (rejected|miss)/);
      expect((await hostsList(cache)).debug).toMatch(/code cache: hit/);
    }
  });

  it('a cache dir it cannot write only costs speed', async () => {
    const root = tmp();
    const asFile = path.join(root, 'cache-is-a-file');
    writeFileSync(asFile, '');
    const r = await execa(process.execPath, [CLI, '--version'], {
      env: { TRIMTAB_CACHE_DIR: asFile, TRIMTAB_DEBUG: '1' },
      reject: false,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.stderr).toMatch(/code cache: not written/);
    // A cache dir this user may not write. Root writes anywhere, so as root (CI) the run is made as
    // `nobody` against a root-owned dir; otherwise the dir's write bit is taken away.
    const ro = path.join(root, 'ro');
    await hostsList(ro); // make it, then take write permission away
    for (const f of caches(ro)) rmSync(path.join(ro, f));
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(root, 0o755);
    else chmodSync(ro, 0o500);
    const env = {
      TRIMTAB_CONFIG_DIR: path.join(root, 'config'),
      TRIMTAB_CACHE_DIR: ro,
      TRIMTAB_DEBUG: '1',
      TRIMTAB_HOST: 'here',
      HOME: root,
    };
    // A copy of the one-file bundle beside the dir: `nobody` may not read the checkout's path.
    const cli = path.join(root, 'trimtab.mjs');
    copyFileSync(CLI, cli);
    chmodSync(cli, 0o755);
    const again = asRoot
      ? await execa(
          'setpriv',
          ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cli, 'hosts', 'list'],
          { env, reject: false },
        )
      : await execa(process.execPath, [CLI, 'hosts', 'list'], { env, reject: false });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/code cache: (miss|not written)/);
    expect(caches(ro)).toEqual([]);
    chmodSync(ro, 0o700);
  });

  it('removes the caches of other builds when it writes its own', async () => {
    const cache = path.join(tmp(), 'cache');
    await hostsList(cache);
    const old = 'code-0123456789ab-v20.0.0-x64-list.bin';
    writeFileSync(path.join(cache, old), 'old build');
    writeFileSync(path.join(cache, 'hosts.json'), '{}');
    await hostsList(cache);
    expect(caches(cache)).toContain(old); // a hit writes nothing, so prunes nothing
    await execa(process.execPath, [CLI, '--version'], { env: { TRIMTAB_CACHE_DIR: cache } });
    expect(caches(cache)).not.toContain(old);
    expect(readdirSync(cache)).toContain('hosts.json');
  });

  it('TRIMTAB_NO_CODE_CACHE=1 compiles without it and writes nothing', async () => {
    const cache = path.join(tmp(), 'cache');
    const r = await hostsList(cache, { TRIMTAB_NO_CODE_CACHE: '1' });
    expect(r.exitCode).toBe(0);
    expect(r.debug).toBe('[debug] code cache: off');
    expect(() => caches(cache)).toThrow(); // the dir was never even made
  });
});

describe('a readable build (TRIMTAB_BUILD_READABLE=1)', () => {
  it('carries a source map: with node --enable-source-maps a stack trace names src/ files and lines', async () => {
    const out = path.join(tmp(), 'readable', 'trimtab.mjs');
    const root = path.resolve(import.meta.dirname, '..', '..');
    const built = await execa(process.execPath, ['scripts/build.mjs', '--out', out], {
      cwd: root,
      env: { TRIMTAB_BUILD_READABLE: '1' },
      reject: false,
    });
    expect(built.exitCode, built.stderr).toBe(0);
    // A bug on purpose: main() given a non-string word. TRIMTAB_DEBUG prints the stack of an internal error.
    const script = `const m = await import(${JSON.stringify(out)}); process.exitCode = await m.main([Symbol('x')]);`;
    const run = (flags: string[]) =>
      execa(process.execPath, [...flags, '--input-type=module', '-e', script], {
        env: { TRIMTAB_DEBUG: '1', TRIMTAB_CACHE_DIR: path.join(tmp(), 'cache') },
        reject: false,
      });
    const mapped = await run(['--enable-source-maps']);
    expect(mapped.exitCode).toBe(1);
    expect(mapped.stderr).toContain('internal error');
    expect(mapped.stderr).toMatch(new RegExp(`at .*\\(${path.join(root, 'src', 'cli.ts')}:\\d+:\\d+\\)`));
    // Without the flag the same trace names the bundle (the code cache path), so the map made the difference.
    const plain = await run([]);
    expect(plain.stderr).not.toContain(path.join(root, 'src', 'cli.ts'));
    expect(plain.stderr).toContain(out);
  });
});
