/**
 * The sent log at its limits, on the built script and a real file system: a 1 MB entry must not hang
 * `trimtab log` (string-width over the whole text took hours on Node 20), and a full disk that tears
 * an append must not glue the next entry onto the torn line.
 */

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { recordSent, sentLogPath } from '../../src/adapters/sent-log.js';
import { formatEntry, parseLog } from '../../src/core/agents/sent-log.js';
import { width } from '../../src/core/render/render.js';
import { CLI, startLab } from '../lab/lab.js';

const isRoot = process.getuid?.() === 0;
if (process.env.CI && !isRoot) throw new Error('CI must run the disk-full test as root (it mounts a tiny tmpfs)');

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'trimtab-sentlog-bounds-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const entry = (text: string) => ({
  time: '2026-11-24T14:02:09.123Z',
  host: 'thor',
  target: 'thor:agents:api',
  text,
  result: 'delivered',
  from: 'fedora',
});
/** `trimtab log` with its own state and config dirs, 40 columns, no terminal. */
const log = (state: string, args: string[] = []) =>
  execa(process.execPath, [CLI, 'log', ...args], {
    env: {
      TRIMTAB_STATE_DIR: state,
      TRIMTAB_CONFIG_DIR: path.join(state, 'config'),
      TRIMTAB_HOST: 'here',
      COLUMNS: '40',
      NO_COLOR: '1',
    },
    extendEnv: false,
    reject: false,
    timeout: 180_000, // a hang shows as a kill, not as slowness: nothing here counts wall time
  });

describe('trimtab log with a 1 MB entry', () => {
  it('finishes and prints a bounded preview, with no raw control byte', async () => {
    const state = tmp();
    const big = `${'continue with the tests ⏎ 日本語 \x1b[2J\t\n'.repeat(30_000)}`; // ~1.1 MB
    writeFileSync(path.join(state, 'sent.log'), formatEntry(entry('short one')) + formatEntry(entry(big)));
    const r = await log(state);
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(6);
    for (const l of lines) expect(width(l), l).toBeLessThanOrEqual(40);
    expect(r.stdout.length).toBeLessThan(1000);
    expect(r.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(lines[5]).toMatch(/^ {2}continue with the tests ⏎ 日本語.*…$/);
  }, 200_000);
});

describe('a 1 MB send, end to end', () => {
  it('is delivered, confirmed on one bounded line, and logged; trimtab log previews it', async () => {
    const lab = await startLab();
    try {
      lab.mkProject('here', 'big');
      expect((await lab.trimtab(['spawn', '--on', 'here', 'big'])).exitCode).toBe(0);
      // TEXT... is joined with spaces; one argument may hold at most 128 KiB (Linux MAX_ARG_STRLEN).
      const words = Array.from({ length: 10 }, (_, i) => `${i}: ${'a long paste ⏎ 日本語 '.repeat(3_700)}`); // ~1 MB
      const sent = await lab.trimtab(['send', 'here:big', ...words], { env: { COLUMNS: '40' }, timeoutMs: 180_000 });
      expect(sent.exitCode, sent.stderr).toBe(0);
      expect(sent.stdout.split('\n')).toHaveLength(1);
      expect(width(sent.stdout)).toBeLessThanOrEqual(40);
      const shown = await lab.trimtab(['log'], { env: { COLUMNS: '40' }, timeoutMs: 180_000 });
      expect(shown.exitCode).toBe(0);
      expect(shown.stdout.length).toBeLessThan(1000);
      expect(shown.stdout).toMatch(/✔ here:agents:big/);
    } finally {
      await lab.stop();
    }
  }, 400_000);
});

describe.skipIf(!isRoot)('a full disk tears an append (root: a 16 KiB tmpfs)', () => {
  it('the next append starts a fresh line, and trimtab log reads both entries', async () => {
    const mnt = tmp();
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=16k,mode=0700', 'tmpfs', mnt]);
    try {
      const env = { TRIMTAB_STATE_DIR: mnt };
      const warnings: string[] = [];
      const io = { env, err: (l: string) => warnings.push(l) };
      recordSent(io, [{ host: 'thor', target: 'thor:agents:api', text: 'first', result: 'delivered' }]);
      // Fill the rest of the file system: the log's next page is the one that will not be there.
      const filler = path.join(mnt, 'filler');
      await execa('sh', ['-c', `dd if=/dev/zero of=${filler} bs=1024 count=64 2>/dev/null || true`]);
      recordSent(io, [{ host: 'thor', target: 'thor:agents:api', text: 'x'.repeat(6000), result: 'delivered' }]);
      expect(warnings.join('\n')).toMatch(/could not write the sent log .*(ENOSPC|no space)/i);
      const torn = readFileSync(sentLogPath(env), 'utf8');
      expect(torn.endsWith('\n')).toBe(false); // the kernel took part of the write: a torn line
      rmSync(filler);
      recordSent(io, [
        { host: 'thor', target: 'thor:agents:api', text: 'after the disk was freed', result: 'delivered' },
      ]);
      const lines = readFileSync(sentLogPath(env), 'utf8').split('\n');
      expect(JSON.parse(lines.at(-2)!)).toMatchObject({ text: 'after the disk was freed' }); // a line of its own
      expect(parseLog(lines.join('\n'))).toMatchObject({
        skipped: 1,
        entries: [{ text: 'first' }, { text: 'after the disk was freed' }],
      });
      mkdirSync(path.join(mnt, 'config'));
      const r = await log(mnt);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('after the disk was freed');
      expect(r.stderr).toMatch(/1 unreadable line/);
    } finally {
      await execa('umount', [mnt], { reject: false });
    }
  });
});
