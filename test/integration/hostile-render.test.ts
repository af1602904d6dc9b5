/**
 * Nothing hostile reaches the terminal, through the built script: a text with an OSC 52 clipboard
 * write or a clear-screen sequence is echoed by `send` as visible escapes, and `trimtab log` shows
 * entries whose target, device and failure (remote stderr) carry escape sequences the same way.
 * The render layer (fit, printable) does it, whatever the caller passes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEntry } from '../../src/core/agents/sent-log.js';
import { type Lab, startLab } from '../lab/lab.js';

/** Any byte a terminal acts on, except the newline that ends each line of output. */
const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const CLIP = '\x1b]52;c;cm0gLXJmIH4K\x07'; // OSC 52: sets the phone's clipboard to `rm -rf ~`
const WIPE = '\x1b[2J\x1b[H'; // clear screen, cursor home

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
  lab.mkProject('here', 'api');
  const r = await lab.trimtab(['spawn', '--on', 'here', 'api']);
  expect(r.exitCode, r.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await lab?.stop();
});

describe('escape sequences are shown, never sent raw', () => {
  it('send echoes the text it delivered as visible escapes', async () => {
    const r = await lab.trimtab(['send', 'here:api', `look ${CLIP} and ${WIPE}\u202eevil`], { env: { COLUMNS: '80' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('^[]52;c;cm0gLXJmIH4K^G');
    expect(r.stdout).toContain('<U+202E>evil');
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stderr).not.toMatch(RAW);
  });

  it('trimtab log shows hostile targets, devices and failures escaped', async () => {
    const state = path.join(lab.dir, 'hostile-state');
    mkdirSync(state);
    writeFileSync(
      path.join(state, 'sent.log'),
      formatEntry({
        time: '2026-11-24T14:02:09.123Z',
        host: 'thor',
        target: `thor:agents:${WIPE}x`,
        text: `hi ${CLIP}`,
        result: `failed: tmux said ${CLIP}${WIPE}`,
        from: `phone${WIPE}`,
      }),
    );
    for (const columns of ['40', '80']) {
      const r = await lab.trimtab(['log'], { env: { TRIMTAB_STATE_DIR: state, COLUMNS: columns } });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('^[[2J');
      expect(r.stdout).not.toMatch(RAW);
    }
  });
});
