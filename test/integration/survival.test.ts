/**
 * The agent survives (issue #6): trimtab killed with SIGKILL during spawn, send or attach, or its ssh
 * connection dropped mid-command (the lab sshd's connection processes killed): the pane keeps running,
 * no duplicate window, nothing half-made. And a config write killed at any moment leaves a whole file.
 */

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanError, faultHelpers } from '../lab/fault-helpers.js';
import { CLI, eventually, type Lab, type LabHost, startLab } from '../lab/lab.js';
import { hereEntry, thorEntry, writeConfig } from '../lab/shell-user.js';

let lab: Lab;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  lab = await startLab();
  env = writeConfig(lab, 'survival-config', [hereEntry(lab), thorEntry(lab)], {
    offlineRetrySeconds: 0,
    connectTimeoutSeconds: 2,
  });
});
afterAll(async () => {
  await lab?.stop();
});

const { trimtab, spawnIdle, submits, windowsNamed, paneState, terminal, start } = faultHelpers(() => ({ lab, env }));

describe('config writes', () => {
  it('trimtab killed (SIGKILL) at any moment of `hosts add` leaves the old file or the new one, never a broken one', async () => {
    const dir = path.join(lab.dir, 'atomic-config');
    mkdirSync(dir);
    const file = path.join(dir, 'config.json');
    writeFileSync(file, `${JSON.stringify({ hosts: [{ name: 'first', ssh: 'first' }] }, null, 2)}\n`);
    const outcomes: string[] = [];
    // A Node start takes a few hundred ms and the write comes last: kill at 30 ms steps through it.
    for (let i = 0; i < 24; i++) {
      const before = readFileSync(file, 'utf8');
      const child = start(['hosts', 'add', `h${i}`, '--ssh', `u@h${i}`], { TRIMTAB_CONFIG_DIR: dir });
      await new Promise((r) => setTimeout(r, i * 30));
      child.kill('SIGKILL');
      const r = await child;
      const after = readFileSync(file, 'utf8');
      const parsed = JSON.parse(after) as { hosts: Array<{ name: string }> }; // throws on a torn file
      const added = parsed.hosts.some((h) => h.name === `h${i}`);
      expect(after === before || added, `kill after ${i * 30} ms: neither the old file nor the new one`).toBe(true);
      outcomes.push(
        r.signal === 'SIGKILL' ? (added ? 'killed after the write' : 'killed before the write') : 'finished',
      );
    }
    // Every run either finished or left the file whole; at least one kill must have landed mid-run.
    expect(outcomes).toContain('killed before the write');
    // A save killed half way may leave its temp file (config.json.<pid>-<hex>.tmp) or a lock draft;
    // the next save removes them while it holds the lock, so only config.json remains. (The aging
    // below was for the work dirs of the earlier conf-based store; it finds none now.)
    const { utimesSync, readdirSync: ls } = await import('node:fs');
    for (const d of ls(dir).filter((f) => f.startsWith('.trimtab-save-')))
      utimesSync(path.join(dir, d), new Date(0), new Date(0));
    expect((await trimtab(['hosts', 'add', 'last', '--ssh', 'u@last'], { TRIMTAB_CONFIG_DIR: dir })).exitCode).toBe(0);
    expect(ls(dir)).toEqual(['config.json']);
  }, 120_000);

  /** Run `hosts add` and tell whether config.json was replaced by a new file (rename) or written in place. */
  async function replaced(extra: NodeJS.ProcessEnv): Promise<boolean> {
    const dir = path.join(lab.dir, `inode-config-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    const file = path.join(dir, 'config.json');
    writeFileSync(file, '{}\n');
    const before = statSync(file).ino;
    const r = await trimtab(['hosts', 'add', 'thor', '--ssh', 'mac@thor'], { TRIMTAB_CONFIG_DIR: dir, ...extra });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).hosts).toEqual([{ name: 'thor', ssh: 'mac@thor' }]);
    return statSync(file).ino !== before;
  }

  it('a config write replaces the file with a new one (temp file + rename), so a crash cannot tear it', async () => {
    expect(await replaced({ SNAP: '' })).toBe(true);
  });

  // The conf library writes in place when $SNAP is set (sindresorhus/conf#82, for Ubuntu Snap
  // packages). trimtab's writes no longer go through conf: src/adapters/config-store.ts takes a lock,
  // re-reads the file, writes a temp file, fsyncs it and renames it over config.json in every
  // environment. This keeps that true with $SNAP set.
  it('a config write is atomic even when $SNAP is set (the store writes its own temp file and renames it)', async () => {
    expect(await replaced({ SNAP: '/snap/node/current' })).toBe(true);
  });
});

describe('the agent survives', () => {
  /** Poll fast (no `eventually`: its 100 ms step is longer than the windows these tests aim at). */
  async function waitFor(check: () => Promise<boolean>, what: string, ms = 10_000) {
    const until = Date.now() + ms;
    while (Date.now() < until) if (await check()) return;
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Drop every ssh connection to the lab sshd, as a network failure would: kill its connection processes. */
  const dropConnections = () => execa('pkill', ['-KILL', '-P', String(lab.sshdPid)], { reject: false });

  /** One window of that name, its agent alive and answering. */
  async function expectOneLiveAgent(host: LabHost, project: string) {
    const again = await trimtab(['spawn', '--on', host, project]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await windowsNamed(host, project)).toBe(1);
    await eventually(() => lab.agentLog(host, project).some((l) => l.event === 'start'), `${project} started`);
    expect(await paneState(host, `=agents:=${project}`)).toBe('0 node');
    expect(lab.agentLog(host, project).filter((l) => l.event === 'start')).toHaveLength(1);
  }

  for (const host of ['thor', 'here'] as const) {
    it(`trimtab killed (SIGKILL) at any moment of a spawn on ${host}: one window, a live agent, never half-made`, async () => {
      const moments = ['at once', '100 ms', '250 ms', 'window made'] as const;
      for (const [i, moment] of moments.entries()) {
        const project = `killed${i}`;
        lab.mkProject(host, project);
        const child = start(['spawn', '--on', host, project]);
        if (moment === 'window made') await waitFor(async () => (await windowsNamed(host, project)) > 0, 'the window');
        else if (moment !== 'at once') await new Promise((r) => setTimeout(r, parseInt(moment, 10)));
        child.kill('SIGKILL');
        const r = await child;
        expect(r.signal, moment).toBe('SIGKILL');
        await new Promise((res) => setTimeout(res, 1500)); // whatever trimtab had started finishes or dies
        expect(await windowsNamed(host, project), moment).toBeLessThanOrEqual(1);
        // A window left behind holds a live pane (its shell may still be starting the agent).
        if ((await windowsNamed(host, project)) === 1)
          expect((await paneState(host, `=agents:=${project}`)).split(' ')[0], moment).toBe('0');
        await expectOneLiveAgent(host, project);
      }
    }, 120_000);

    it(`trimtab killed (SIGKILL) in the middle of a send to ${host}: the agent keeps running and gets no partial text`, async () => {
      await spawnIdle(host, 'interrupted');
      const text = `half-way ${host} ${'x'.repeat(50)}`;
      const child = start(['send', `${host}:interrupted`, text]);
      await waitFor(
        async () =>
          (await lab.tmux(host, ['capture-pane', '-p', '-t', '=agents:=interrupted'])).stdout.includes('half-way'),
        'the pasted text',
      );
      child.kill('SIGKILL');
      await child;
      await new Promise((res) => setTimeout(res, 1000));
      expect(await paneState(host, '=agents:=interrupted')).toBe('0 node');
      // Once pasted, the host script finishes by itself: the text is submitted whole, once, and
      // nothing is left in the input box to be sent along with the next text.
      await eventually(() => submits(host, 'interrupted').length > 0, 'the Enter after the kill');
      expect(submits(host, 'interrupted')).toEqual([text]);
      const buffers = await lab.tmux(host, ['list-buffers', '-F', '#{buffer_name}']);
      expect(buffers.stdout.split('\n').filter((b) => b.startsWith('trimtab-'))).toEqual([]);
      const after = await trimtab(['send', `${host}:interrupted`, 'after the kill']);
      expect(after.exitCode, after.stderr).toBe(0);
      await eventually(() => submits(host, 'interrupted').length === 2, 'the next send to arrive');
      expect(submits(host, 'interrupted')).toEqual([text, 'after the kill']);
    });

    it(`trimtab killed (SIGKILL) while attached to ${host}: the agent keeps running, the session stays`, async () => {
      await spawnIdle(host, 'attached');
      const t = await terminal(`exec ${process.execPath} ${CLI} attach ${host}:attached`);
      try {
        await eventually(
          async () => (await lab.tmux(host, ['list-clients', '-F', '#{client_session}'])).stdout.includes('agents'),
          'a client attached',
        );
        process.kill(await t.pid(), 'SIGKILL');
        await eventually(
          async () => !(await lab.tmux(host, ['list-clients', '-F', '#{client_session}'])).stdout.includes('agents'),
          'the client to go',
          15_000,
        );
      } finally {
        await t.stop();
      }
      expect(await paneState(host, '=agents:=attached')).toBe('0 node');
      expect(await windowsNamed(host, 'attached')).toBe(1);
      const r = await trimtab(['send', `${host}:attached`, 'after the attach']);
      expect(r.exitCode, r.stderr).toBe(0);
      await eventually(() => submits(host, 'attached').includes('after the attach'), 'the text to arrive');
    });
  }

  it('trimtab killed (SIGKILL) while the paste is under way (here): the Enter still comes, once', async () => {
    // A tmux on PATH that takes a second over each paste gives the kill a window it cannot miss:
    // trimtab is gone before the script reports "pasted", so that report meets a closed pipe.
    await spawnIdle('here', 'slowpaste');
    const bin = path.join(lab.dir, 'slow-tmux-here');
    const flag = path.join(bin, 'pasting');
    mkdirSync(bin, { recursive: true });
    const real = (await execa('sh', ['-c', 'command -v tmux'])).stdout;
    writeFileSync(
      path.join(bin, 'tmux'),
      `#!/bin/sh\ncase "$*" in *paste-buffer*) : > ${flag}; sleep 1;; esac\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    const text = 'slow paste here';
    const extra = { PATH: `${bin}:${process.env.PATH}` };
    const child = start(['send', 'here:slowpaste', text], extra);
    await waitFor(async () => existsSync(flag), 'the paste to start');
    child.kill('SIGKILL');
    await child;
    await eventually(() => submits('here', 'slowpaste').length > 0, 'the Enter after the kill', 10_000);
    expect(submits('here', 'slowpaste')).toEqual([text]);
  });

  it('the ssh connection dropped during a spawn: exit 3, then one window with a live agent', async () => {
    lab.mkProject('thor', 'dropped');
    const child = start(['spawn', '--on', 'thor', 'dropped']);
    await waitFor(async () => (await windowsNamed('thor', 'dropped')) > 0, 'the window');
    await dropConnections();
    const r = await child;
    expectCleanError(
      { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) },
      3,
      /^✖ lost the connection to thor part way$/m,
    );
    await expectOneLiveAgent('thor', 'dropped');
  });

  it('the ssh connection dropped during a send: exit 3, the agent keeps running and gets no partial text', async () => {
    await spawnIdle('thor', 'cutoff');
    const text = `cut off ${'y'.repeat(50)}`;
    const child = start(['send', 'thor:cutoff', text]);
    await waitFor(
      async () => (await lab.tmux('thor', ['capture-pane', '-p', '-t', '=agents:=cutoff'])).stdout.includes('cut off'),
      'the pasted text',
    );
    await dropConnections();
    const r = await child;
    expectCleanError(
      { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) },
      3,
      /^✖ lost the connection to thor part way, after the text was pasted into thor:agents:cutoff$/m,
    );
    expect(String(r.stderr)).toMatch(/thor still presses Enter; check with trimtab peek thor:agents:cutoff/);
    expect(await paneState('thor', '=agents:=cutoff')).toBe('0 node');
    await eventually(() => submits('thor', 'cutoff').length > 0, 'the Enter after the drop');
    expect(submits('thor', 'cutoff')).toEqual([text]);
    const log = readFileSync(path.join(env.TRIMTAB_STATE_DIR!, 'sent.log'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.at(-1)).toMatchObject({
      target: 'thor:agents:cutoff',
      text,
      result: expect.stringMatching(/^failed: lost the connection to thor part way/),
    });
  });

  it('the ssh connection dropped under peek --follow: a clear exit 3, the agent keeps running', async () => {
    await spawnIdle('thor', 'watched');
    let out = '';
    const child = start(['peek', 'thor:watched', '--follow', '--interval', '0.3']);
    child.stdout?.on('data', (d) => (out += String(d)));
    await eventually(() => out.includes('───'), 'the first frame');
    await dropConnections();
    const r = await child;
    expectCleanError(
      { exitCode: r.exitCode ?? -1, stdout: '', stderr: String(r.stderr) },
      3,
      /^✖ lost the connection to thor part way$/m,
    );
    expect(await paneState('thor', '=agents:=watched')).toBe('0 node');
  });
});
