/**
 * Ctrl-C while the login menu is busy must still end in a shell, with the terminal put back. A busy
 * menu is a foreground process that is not in raw mode, so Ctrl-C is a SIGINT to the whole foreground
 * process group, the login script included. The real menu is busy only while a host answers, which
 * the offline memory and connect timeouts make short and racy; so the menu is replaced by a stand-in
 * that is busy for as long as the test needs, after doing what a menu does to the terminal
 * (alternate screen, cursor hidden, echo off). The login script itself is the real one
 * (`trimtab login --script`, what install.sh installs), run in a real terminal (a tmux pane).
 */

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../lab/lab.js';
import { Pane } from '../lab/pane.js';

let dir = '';
let loginSh = '';
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trimtab-login-int-'));
  const busy = path.join(dir, 'busy-menu');
  writeFileSync(
    busy,
    [
      '#!/bin/sh',
      "printf '\\033[?1049h\\033[?25l'",
      'stty -echo -icanon',
      'echo "busy menu: asking hosts"',
      'sleep 600',
      '',
    ].join('\n'),
  );
  chmodSync(busy, 0o755);
  loginSh = path.join(dir, 'login.sh');
  writeFileSync(loginSh, `${(await execa(process.execPath, [CLI, 'login', '--script', busy])).stdout}\n`);
  chmodSync(loginSh, 0o755);
  mkdirSync(path.join(dir, 'home'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function terminal() {
  const vars = {
    HOME: path.join(dir, 'home'),
    SHELL: '/bin/sh',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    PS1: 'login$ ',
  };
  const clientEnv: NodeJS.ProcessEnv = { ...process.env, SHELL: '/bin/sh' };
  for (const k of ['TMUX', 'TMUX_PANE', 'TRIMTAB_LOGIN']) delete clientEnv[k];
  const pane = await Pane.start(
    `trimtab-login-int-${Math.random().toString(36).slice(2, 8)}`,
    `${loginSh}; echo "session-ended=$?"; sleep 600`,
    vars,
    { pass: /./, clientEnv, waitMs: 20_000 },
  );
  return Object.assign(pane, {
    flags: async () => (await pane.tmux(['display-message', '-p', 'alt=#{alternate_on} cursor=#{cursor_flag}'])).stdout,
  });
}

describe('an interrupted login menu still ends in a shell', () => {
  it('Ctrl-C while the menu is busy: terminal restored, then a shell', async () => {
    const t = await terminal();
    try {
      await t.waitFor('busy menu: asking hosts');
      expect(await t.flags()).toBe('alt=1 cursor=0');
      await t.keys('C-c');
      const after = await t.waitFor('trimtab menu interrupted');
      expect(after).not.toContain('session-ended');
      expect(await t.flags()).toBe('alt=0 cursor=1');
      await t.keys('echo "shell-$((40+2))"', 'Enter');
      const screen = await t.waitFor('shell-42');
      expect(screen).toContain('echo "shell-$((40+2))"'); // echo is back on: the user sees what they type
      expect(screen).not.toContain('session-ended');
    } finally {
      await t.stop();
    }
  });
});
