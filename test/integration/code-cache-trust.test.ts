/**
 * The loader (src/boot.ts) runs compiled code from its cache: it must load only a cache this user owns,
 * nobody else can write, and whose checksum matches. A bad one costs one compile (the command's output
 * is unchanged), is written anew, and never crashes the process (V8 dies with a fatal error on a cache
 * whose bytes were flipped in place).
 */

import {
  chmodSync,
  chownSync,
  mkdirSync,
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
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../lab/lab.js';

const isRoot = process.getuid?.() === 0;
if (process.env.CI && !isRoot) throw new Error('CI must run the code cache trust tests as root (chown)');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh cache dir holding the cache of `hosts list`, and the command's clean output. */
async function primed() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'trimtab-cctrust-'));
  dirs.push(root);
  mkdirSync(path.join(root, 'config'));
  const cache = path.join(root, 'cache');
  const clean = await hostsList(cache);
  expect(clean.exitCode).toBe(0);
  const [name] = readdirSync(cache).filter((f) => f.startsWith('code-'));
  return { root, cache, file: path.join(cache, name!), clean };
}

async function hostsList(cache: string) {
  const r = await execa(process.execPath, [CLI, 'hosts', 'list'], {
    env: {
      TRIMTAB_CONFIG_DIR: path.join(cache, '..', 'config'),
      TRIMTAB_CACHE_DIR: cache,
      TRIMTAB_DEBUG: '1',
      TRIMTAB_HOST: 'here',
    },
    extendEnv: false,
    reject: false,
  });
  const debug = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('[debug] code cache:'))
    .join('\n');
  return { exitCode: r.exitCode, signal: r.signal, stdout: r.stdout, debug };
}

/** The damaged run: same output as a clean one, the cache refused; the run after it uses a new one. */
async function refusedThenRewritten(p: Awaited<ReturnType<typeof primed>>, why: RegExp) {
  const r = await hostsList(p.cache);
  expect(r.signal).toBeUndefined();
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toBe(p.clean.stdout);
  expect(r.debug).toMatch(why);
  expect(r.debug).toMatch(/wrote/);
  const st = statSync(p.file);
  expect(st.uid).toBe(process.getuid?.());
  expect(st.mode & 0o777).toBe(0o600);
  const next = await hostsList(p.cache);
  expect(next.debug).toMatch(/code cache: hit/);
  expect(next.stdout).toBe(p.clean.stdout);
}

describe('an untrusted code cache costs one compile, never a crash', () => {
  it('bytes flipped in place (V8 would die deserializing them): refused by checksum', async () => {
    const p = await primed();
    const bytes = readFileSync(p.file);
    const at = Math.floor(bytes.length / 2);
    for (let k = 0; k < 64; k++) bytes[at + k]! ^= 0xff;
    writeFileSync(p.file, bytes);
    await refusedThenRewritten(p, /code cache: rejected \(checksum mismatch\)/);
  });

  it('truncated: refused', async () => {
    const p = await primed();
    writeFileSync(p.file, readFileSync(p.file).subarray(0, 4000));
    await refusedThenRewritten(p, /code cache: rejected/);
  });

  it('writable by others (0666): refused', async () => {
    const p = await primed();
    chmodSync(p.file, 0o666);
    await refusedThenRewritten(p, /code cache: rejected \(mode 666: writable by others\)/);
  });

  it('a symlink in its place: not followed', async () => {
    const p = await primed();
    const elsewhere = path.join(p.root, 'elsewhere.bin');
    writeFileSync(elsewhere, readFileSync(p.file));
    rmSync(p.file);
    symlinkSync(elsewhere, p.file);
    await refusedThenRewritten(p, /code cache: miss/);
  });

  it.skipIf(!isRoot)('owned by another user (root: chown to nobody): refused', async () => {
    const p = await primed();
    const nobody = Number((await execa('id', ['-u', 'nobody'])).stdout);
    chownSync(p.file, nobody, nobody);
    await refusedThenRewritten(p, new RegExp(`code cache: rejected \\(owned by uid ${nobody}\\)`));
  });
});
