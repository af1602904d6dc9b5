/**
 * Accountability (issue #6): every text trimtab types into an agent (send, broadcast, the menu's canned
 * and typed messages, approve/reject/interrupt keys) is appended to the sent log with its host, target,
 * result and device; `trimtab log` shows it in 40 columns. A log that cannot be written never fails a send.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, eventually, type Lab, type LabHost, startLab } from '../lab/lab.js';
import { Pane } from '../lab/pane.js';

let lab: Lab;
let stateDir = '';
let env: NodeJS.ProcessEnv;
const device = os.hostname().split('.')[0];

beforeAll(async () => {
  lab = await startLab();
  stateDir = path.join(lab.dir, 'state');
  env = { TRIMTAB_STATE_DIR: stateDir };
  for (const [host, project] of [
    ['here', 'alpha'],
    ['thor', 'alpha'],
    ['fedora', 'beta'],
  ] as const) {
    lab.mkProject(host, project);
    const r = await lab.trimtab(['spawn', '--on', host, project, '--no-attach'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    await eventually(() => lab.agentLog(host, project).some((l) => l.event === 'start'), `${project} on ${host}`);
  }
});
afterAll(async () => {
  await lab?.stop();
});

const trimtab = (args: string[], extra: NodeJS.ProcessEnv = {}) => lab.trimtab(args, { env: { ...env, ...extra } });
const logLines = (dir = stateDir) =>
  readFileSync(path.join(dir, 'sent.log'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const submits = (host: LabHost, project: string) =>
  lab
    .agentLog(host, project)
    .filter((l) => l.event === 'submit')
    .map((l) => l.text);

describe('send and broadcast are recorded', () => {
  it('a delivered send: time, host, target, text byte for byte, result, device', async () => {
    const text = `multi\nline "quoted" $(not run) 日本 🚀`;
    const before = Date.now();
    const r = await trimtab(['send', 'thor:alpha', '--', text]);
    expect(r.exitCode, r.stderr).toBe(0);
    const last = logLines().at(-1)!;
    expect(last).toEqual({
      time: expect.any(String),
      host: 'thor',
      target: 'thor:agents:alpha',
      text,
      result: 'delivered',
      from: device,
    });
    expect(Date.parse(String(last.time))).toBeGreaterThanOrEqual(before - 1000);
  });

  it('the device says which ssh client it came through', async () => {
    const r = await trimtab(['send', 'here:alpha', 'from the phone'], { SSH_CLIENT: '100.64.0.9 51234 22' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(logLines().at(-1)).toMatchObject({
      host: 'here',
      target: 'here:agents:alpha',
      from: `${device} (ssh 100.64.0.9)`,
    });
  });

  it('failures are recorded with the reason: no such agent, host unreachable, agent exited', async () => {
    expect((await trimtab(['send', 'thor:ghost', 'boo'])).exitCode).toBe(1);
    expect(logLines().at(-1)).toMatchObject({
      target: 'thor:agents:ghost',
      text: 'boo',
      result: 'failed: no agent at thor:agents:ghost',
    });
    expect((await trimtab(['send', 'asleep:x', 'zzz'])).exitCode).toBe(3);
    expect(logLines().at(-1)).toMatchObject({
      host: 'asleep',
      text: 'zzz',
      result: 'failed: cannot reach asleep (timed out after 2 s)',
    });
  });

  it('broadcast records one line per agent', async () => {
    const r = await trimtab(['broadcast', '--yes', 'to all of you']);
    expect(r.exitCode, r.stderr).toBe(0);
    const mine = logLines().filter((l) => l.text === 'to all of you');
    expect(mine.map((l) => [l.host, l.target, l.result]).sort()).toEqual([
      ['fedora', 'fedora:agents:beta', 'delivered'],
      ['here', 'here:agents:alpha', 'delivered'],
      ['thor', 'thor:agents:alpha', 'delivered'],
    ]);
  });

  it('a log that cannot be written warns once and never fails the send', async () => {
    const blocker = path.join(lab.dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const broken = { TRIMTAB_STATE_DIR: path.join(blocker, 'state') };
    const send = await trimtab(['send', 'thor:alpha', 'logged nowhere'], broken);
    expect(send.exitCode, send.stderr).toBe(0);
    expect(send.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^⚠ could not write the sent log .*not-a-dir\/state\/sent\.log: .*\(the text was still sent\)$/,
      ),
    ]);
    await eventually(() => submits('thor', 'alpha').includes('logged nowhere'), 'the text to arrive');
    // Broadcast writes once per host: still one warning.
    const b = await trimtab(['broadcast', '--yes', 'also nowhere'], broken);
    expect(b.exitCode, b.stderr).toBe(0);
    expect(b.stderr.split('\n').filter((l) => l.includes('could not write the sent log'))).toHaveLength(1);
  });

  it('honours $XDG_STATE_HOME, then ~/.local/state', async () => {
    const xdg = path.join(lab.dir, 'xdg-state');
    expect(
      (await lab.trimtab(['send', 'here:alpha', 'xdg'], { env: { TRIMTAB_STATE_DIR: '', XDG_STATE_HOME: xdg } }))
        .exitCode,
    ).toBe(0);
    expect(logLines(path.join(xdg, 'trimtab')).at(-1)).toMatchObject({ text: 'xdg' });
    const home = path.join(lab.dir, 'home');
    mkdirSync(home);
    const r = await lab.trimtab(['send', 'here:alpha', 'home'], {
      env: { TRIMTAB_STATE_DIR: '', HOME: home, XDG_STATE_HOME: '' },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(logLines(path.join(home, '.local/state/trimtab')).at(-1)).toMatchObject({ text: 'home' });
  });
});

describe('trimtab log', () => {
  it('shows the last N entries in 40 columns, oldest first', async () => {
    const r = await trimtab(['log', '-n', '3'], { COLUMNS: '40' });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(40);
    expect(lines.filter((l) => /^[✔✖] /.test(l))).toHaveLength(3);
    expect(lines.filter((l) => l.includes(`· ${device}`))).toHaveLength(3);
    const all = await trimtab(['log', '-n', '1000'], { COLUMNS: '40' });
    expect(all.stdout).toContain('✖ thor:agents:ghost');
    expect(all.stdout).toContain('  failed: no agent at thor:agents:ghost');
    expect(all.stdout).toContain('  multi⏎line "quoted" $(not run) 日本 🚀');
  });

  it('--json prints the entries as JSON lines, exactly as stored', async () => {
    const r = await trimtab(['log', '-n', '2', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(logLines().slice(-2));
  });

  it('with nothing sent yet, says so (exit 0); a bad -n is a usage error (exit 2)', async () => {
    const r = await trimtab(['log'], { TRIMTAB_STATE_DIR: path.join(lab.dir, 'empty-state') });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('nothing sent from this device yet');
    for (const bad of [['-n', '0'], ['-n', 'x'], ['extra']])
      expect((await trimtab(['log', ...bad])).exitCode, bad.join(' ')).toBe(2);
  });

  it('skips a half-written line and says how many', async () => {
    const dir = path.join(lab.dir, 'torn-state');
    mkdirSync(dir);
    const good = JSON.stringify({
      time: '2026-11-24T10:00:00.000Z',
      host: 'thor',
      target: 'thor:agents:a',
      text: 'ok',
      result: 'delivered',
      from: 'x',
    });
    writeFileSync(path.join(dir, 'sent.log'), `${good}\n{"time":"2026-11-24T10:0\n`);
    const r = await trimtab(['log'], { TRIMTAB_STATE_DIR: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('✔ thor:agents:a');
    expect(r.stderr.trim()).toBe(`⚠ 1 unreadable line in ${dir}/sent.log skipped`);
  });
});

describe('the menu records what it types', () => {
  /** A 40x20 terminal running the menu. */
  let menu: Pane;
  const waitFor = (pattern: RegExp | string) => menu.waitFor(pattern);
  const keys = (...k: string[]) => menu.keys(...k);

  beforeAll(async () => {
    await lab.trimtab(['send', 'fedora:beta', '/ask']);
    menu = await Pane.start(
      `${lab.socket('here')}-menu`,
      `${process.execPath} ${CLI} menu; sleep 600`,
      {
        ...lab.env,
        ...env,
      },
      { pass: /^(TRIMTAB_|PATH$|HOME$|LANG$)/ },
    );
  });
  afterAll(async () => {
    await menu?.stop();
  });

  it('approve is recorded as keys', async () => {
    await waitFor(/1 +beta +fedora +waiting/);
    await keys('1');
    await waitFor('beta · fedora · waiting');
    await waitFor(/1 +Yes/); // the prompt's own option, by its own number
    await new Promise((r) => setTimeout(r, 500)); // option keys wait out the first 300 ms of a prompt
    await keys('1');
    await eventually(
      () => lab.agentLog('fedora', 'beta').some((l) => l.event === 'key' && l.key === '1'),
      'the approval',
    );
    await waitFor('b  back');
    expect(logLines().at(-1)).toEqual({
      time: expect.any(String),
      host: 'fedora',
      target: 'fedora:agents:beta',
      text: '1',
      keys: true,
      result: 'delivered',
      from: device,
    });
    await keys('b');
  });

  it('a canned command and a typed message are recorded byte for byte', async () => {
    await waitFor('beta · fedora · idle');
    await keys('c'); // canned commands
    const canned = await waitFor('send to beta');
    await keys(/(\d+) +send \/status/.exec(canned)![1]!);
    await eventually(() => submits('fedora', 'beta').includes('/status'), '/status');
    await waitFor('b  back');
    expect(logLines().at(-1)).toMatchObject({ target: 'fedora:agents:beta', text: '/status', result: 'delivered' });
    await keys('b');
    await waitFor('beta · fedora · idle');
    await keys('t'); // type a message
    await waitFor('message');
    const typed = `it's $(typed) "on a phone"; ok`;
    await menu.type(typed);
    await keys('Enter');
    await eventually(() => submits('fedora', 'beta').includes(typed), 'the typed text');
    await waitFor('b  back');
    expect(logLines().at(-1)).toMatchObject({ target: 'fedora:agents:beta', text: typed, result: 'delivered' });
    await keys('b');
    await waitFor('beta · fedora · idle');
    await keys('Escape');
  });

  it('the menu broadcast records one line per agent', async () => {
    await waitFor(/3 agents/);
    await keys('m'); // message all
    await waitFor('message');
    await menu.type('menu broadcast');
    await keys('Enter');
    await waitFor('send to 3');
    await keys('y');
    await waitFor('b  back');
    const mine = logLines().filter((l) => l.text === 'menu broadcast');
    expect(mine.map((l) => l.target).sort()).toEqual(['fedora:agents:beta', 'here:agents:alpha', 'thor:agents:alpha']);
    for (const l of mine) expect(l.result).toBe('delivered');
  });
});
