/**
 * Faults (issue #6): each gives the right status or a clear one-line error (never a stack trace), and
 * the agent survives what happens to trimtab or its ssh connection. Real sshd, real tmux, the fake agent;
 * nothing is stubbed: a host without tmux is a login shell whose PATH has none, a changed host key is a
 * known_hosts file that says otherwise, a dropped connection is its sshd process killed.
 */
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, eventually, startLab, type Lab, type LabHost, type RunResult } from '../lab/lab.js';
import { addShellUser, hereEntry, isRoot, thorEntry, writeConfig } from '../lab/shell-user.js';

if (process.env.CI && !isRoot) throw new Error('CI must run the fault tests as root (a throwaway user without tmux)');

let lab: Lab;
/** offlineRetrySeconds 0: a fault in one test must not make `list` skip the host in the next. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  lab = await startLab();
  env = writeConfig(lab, 'faults-config', [hereEntry(lab), thorEntry(lab)], { offlineRetrySeconds: 0, connectTimeoutSeconds: 2 });
});
afterAll(async () => {
  await lab?.stop();
});

const trimtab = (args: string[], extra: NodeJS.ProcessEnv = {}) => lab.trimtab(args, { env: { ...env, ...extra } });

/** Exit `code`, a first line `✖ ...` matching `message`, at most a hint after it, and no stack trace. */
function expectCleanError(r: RunResult, code: number, message: RegExp) {
  const lines = r.stderr.trimEnd().split('\n');
  expect(r.exitCode, r.stderr).toBe(code);
  expect(lines[0], r.stderr).toMatch(/^✖ /);
  expect(lines[0], r.stderr).toMatch(message);
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/);
}

const listJson = async (host: string, extra: NodeJS.ProcessEnv = {}) => {
  const r = await trimtab(['list', '--json', '--host', host], extra);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return { ...(JSON.parse(r.stdout) as { hosts: Array<Record<string, unknown>>; agents: Array<Record<string, unknown>> }), stderr: r.stderr };
};

async function spawnIdle(host: LabHost, project: string) {
  lab.mkProject(host, project);
  const r = await trimtab(['spawn', '--on', host, project]);
  expect(r.exitCode, r.stderr).toBe(0);
  await eventually(() => lab.agentLog(host, project).some((l) => l.event === 'start'), `${project} to start on ${host}`);
  return `${host}:agents:${project}`;
}

const submits = (host: LabHost, project: string) => lab.agentLog(host, project).filter((l) => l.event === 'submit').map((l) => l.text);
const windowsNamed = async (host: LabHost, name: string) =>
  (await lab.tmux(host, ['list-windows', '-a', '-F', '#{window_name}'])).stdout.split('\n').filter((w) => w === name).length;
const paneState = async (host: LabHost, target: string) =>
  (await lab.tmux(host, ['display-message', '-p', '-t', target, '#{pane_dead} #{pane_current_command}'])).stdout.trim();

/** A 80x24 terminal on its own tmux server, running one shell command. */
async function terminal(command: string) {
  const socket = `${lab.socket('here')}-term-${Math.random().toString(36).slice(2, 6)}`;
  const vars = Object.entries({ ...lab.env, ...env }).filter(([k]) => /^(TRIMTAB_|PATH$|HOME$|NO_COLOR$)/.test(k)).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  await execa('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', '80', '-y', '24', ...vars, command]);
  return {
    screen: async () => (await execa('tmux', ['-L', socket, 'capture-pane', '-p'], { reject: false })).stdout,
    pid: async () => Number((await execa('tmux', ['-L', socket, 'display-message', '-p', '#{pane_pid}'])).stdout),
    stop: () => execa('tmux', ['-L', socket, 'kill-server'], { reject: false }),
  };
}

describe('tmux not installed on a host', () => {
  /** A directory with `sh` and nothing else: enough for trimtab's script to find out there is no tmux. */
  function binWithoutTmux(): string {
    const bin = path.join(lab.dir, 'bin-without-tmux');
    mkdirSync(bin, { recursive: true });
    try {
      symlinkSync('/bin/sh', path.join(bin, 'sh'));
    } catch {
      // made by an earlier test
    }
    return bin;
  }

  it('here: list skips the host with a warning; send, spawn and peek say so (exit 1)', async () => {
    const noTmux = { PATH: binWithoutTmux() };
    lab.mkProject('here', 'alpha');
    const list = await listJson('here', noTmux);
    expect(list.hosts).toEqual([{ name: 'here', local: true, reachable: true, error: 'tmux is not installed on here' }]);
    expect(list.stderr.trim()).toBe('⚠ tmux is not installed on here; skipped');
    for (const args of [['send', 'here:alpha', 'hi'], ['spawn', '--on', 'here', 'alpha'], ['peek', 'here:alpha']]) {
      const r = await trimtab(args, noTmux);
      expectCleanError(r, 1, /^✖ tmux is not installed on here$/);
      expect(r.stderr).toContain('install it (apt install tmux');
    }
  });

  it.skipIf(!isRoot)('remote: a login shell whose PATH has no tmux (root: throwaway user)', async () => {
    // The user's login shell sets PATH to a directory without tmux, then runs the real sh.
    const shell = path.join(lab.dir, 'shell-without-tmux');
    writeFileSync(shell, `#!/bin/sh\nPATH=${binWithoutTmux()}\nexport PATH\nexec /bin/sh "$@"\n`);
    chmodSync(shell, 0o755);
    const u = await addShellUser(lab, 'notmux', shell);
    u.mkProject('alpha');
    const e = writeConfig(lab, 'notmux-config', [hereEntry(lab), u.entry], { offlineRetrySeconds: 0 });
    const list = await listJson('notmux', e);
    expect(list.hosts).toEqual([{ name: 'notmux', local: false, reachable: true, error: 'tmux is not installed on notmux' }]);
    expect(list.stderr.trim()).toBe('⚠ tmux is not installed on notmux; skipped');
    for (const args of [['send', 'notmux:alpha', 'hi'], ['spawn', '--on', 'notmux', 'alpha'], ['peek', 'notmux:alpha']]) {
      const r = await trimtab(args, e);
      expectCleanError(r, 1, /^✖ tmux is not installed on notmux$/);
    }
  });
});

describe('no tmux server, no agents session', () => {
  let fresh: NodeJS.ProcessEnv;
  beforeAll(() => {
    fresh = writeConfig(lab, 'fresh-config', [
      { ...hereEntry(lab), tmuxSocket: `${lab.socket('here')}-fresh` },
      { ...thorEntry(lab), tmuxSocket: `${lab.socket('thor')}-fresh` },
    ], { offlineRetrySeconds: 0 });
  });

  it('no server: list shows zero agents (exit 0); send and peek say there is no server (exit 1)', async () => {
    for (const host of ['here', 'thor']) {
      const list = await listJson(host, fresh);
      expect(list.agents).toEqual([]);
      expect(list.hosts[0]).toMatchObject({ reachable: true, error: null });
      for (const args of [['send', `${host}:alpha`, 'hi'], ['peek', `${host}:alpha`]]) {
        expectCleanError(await trimtab(args, fresh), 1, new RegExp(`^✖ no tmux server on ${host}, so no agent at ${host}:agents:alpha$`));
      }
    }
  });

  it('no server: attach in a terminal says so (exit 1)', async () => {
    const t = await terminal(`${process.execPath} ${CLI} attach thor:alpha; echo "exit=$?"; sleep 60`);
    try {
      const screen = await eventually(async () => ((await t.screen()).includes('exit=') ? t.screen() : undefined), 'attach to give up');
      expect(screen).toContain('✖ no tmux server on thor, so no agent at thor:agents:alpha');
      expect(screen).toContain('exit=1');
      expect(screen).not.toMatch(/^\s+at /m);
    } finally {
      await t.stop();
    }
  });

  it('a server without the agents session: zero agents; send says no agent (exit 1); spawn makes the session', async () => {
    await execa('tmux', ['-L', `${lab.socket('thor')}-fresh`, '-f', '/dev/null', 'new-session', '-d', '-s', 'other', 'sleep 600']);
    const list = await listJson('thor', fresh);
    expect(list.agents).toEqual([]);
    expectCleanError(await trimtab(['send', 'thor:beta', 'hi'], fresh), 1, /^✖ no agent at thor:agents:beta$/);
    expectCleanError(await trimtab(['peek', 'thor:agents:beta'], fresh), 1, /^✖ no agent at thor:agents:beta$/);
    lab.mkProject('thor', 'beta');
    const spawn = await trimtab(['spawn', '--on', 'thor', 'beta'], fresh);
    expect(spawn.exitCode, spawn.stderr).toBe(0);
    const sessions = await execa('tmux', ['-L', `${lab.socket('thor')}-fresh`, 'list-sessions', '-F', '#{session_name}']);
    expect(sessions.stdout.split('\n').sort()).toEqual(['agents', 'other']);
    await execa('tmux', ['-L', `${lab.socket('thor')}-fresh`, 'kill-server'], { reject: false });
  });
});

describe('panes in odd states', () => {
  it('a pane in copy mode: list reads its real status; send leaves copy mode and delivers', async () => {
    const target = await spawnIdle('thor', 'copier');
    await eventually(async () => (await listJson('thor')).agents.find((a) => a.target === target)?.status === 'idle', 'idle');
    await lab.tmux('thor', ['copy-mode', '-t', '=agents:=copier']);
    await lab.tmux('thor', ['send-keys', '-t', '=agents:=copier', '-X', 'cursor-up']);
    expect((await lab.tmux('thor', ['display-message', '-p', '-t', '=agents:=copier', '#{pane_in_mode}'])).stdout.trim()).toBe('1');
    const { agents } = await listJson('thor');
    expect(agents.find((a) => a.target === target)?.status).toBe('idle');
    const r = await trimtab(['send', 'thor:copier', 'out of copy mode']);
    expect(r.exitCode, r.stderr).toBe(0);
    await eventually(() => submits('thor', 'copier').includes('out of copy mode'), 'the text to arrive');
    expect((await lab.tmux('thor', ['display-message', '-p', '-t', '=agents:=copier', '#{pane_in_mode}'])).stdout.trim()).toBe('0');
  });

  for (const host of ['thor', 'here'] as const) {
    it(`a dead pane on ${host} (the agent exited): listed as exited; send says so (exit 1) and logs the failure`, async () => {
      const target = await spawnIdle(host, 'dead');
      expect((await trimtab(['send', `${host}:dead`, '/crash'])).exitCode).toBe(0);
      await eventually(async () => (await listJson(host)).agents.find((a) => a.target === target)?.status === 'exited', 'exited');
      const r = await trimtab(['send', `${host}:dead`, 'anyone there?']);
      expectCleanError(r, 1, new RegExp(`^✖ not delivered to ${target}: the agent has exited$`));
      expect(r.stderr).toContain(`peek at it with trimtab peek ${target}`);
      const peek = await trimtab(['peek', `${host}:dead`, '-n', '5']);
      expect(peek.exitCode, peek.stderr).toBe(0); // its last screen is still there
      const log = readFileSync(path.join(env.TRIMTAB_STATE_DIR!, 'sent.log'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
      expect(log.at(-1)).toMatchObject({ target, text: 'anyone there?', result: 'failed: not delivered to ' + target + ': the agent has exited' });
    });
  }

  it('a window renamed after it was listed: the old name says no agent (exit 1); the pane id still works', async () => {
    const target = await spawnIdle('thor', 'before');
    const listed = (await listJson('thor')).agents.find((a) => a.target === target)!;
    await lab.tmux('thor', ['rename-window', '-t', '=agents:=before', 'after']);
    expectCleanError(await trimtab(['send', 'thor:before', 'hi']), 1, /^✖ no agent at thor:agents:before$/);
    const r = await trimtab(['send', `thor:${listed.paneId}`, 'by pane id']);
    expect(r.exitCode, r.stderr).toBe(0);
    await eventually(() => submits('thor', 'before').includes('by pane id'), 'the text to arrive');
  });

  it('a window renamed to something hostile is listed by pane id and still reachable; nothing runs', async () => {
    const canary = path.join(lab.dir, 'CANARY-rename');
    await spawnIdle('thor', 'renamed');
    const hostile = `$(touch ${canary}); x\ty`;
    await lab.tmux('thor', ['rename-window', '-t', '=agents:=renamed', hostile]);
    // (tmux itself shows the tab in a window name as `\t`.)
    const agent = await eventually(async () => (await listJson('thor')).agents.find((a) => String(a.window).startsWith(`$(touch ${canary}); x`)), 'the renamed window in the list');
    expect(agent.target).toBe(`thor:${agent.paneId}`);
    expect(agent.status).toBe('idle');
    const r = await trimtab(['send', String(agent.target), 'still here']);
    expect(r.exitCode, r.stderr).toBe(0);
    await eventually(() => submits('thor', 'renamed').includes('still here'), 'the text to arrive');
    const table = await trimtab(['list', '--host', 'thor'], { COLUMNS: '40' });
    expect(table.exitCode).toBe(0);
    expect(existsSync(canary)).toBe(false);
  });
});

describe('host key unknown or changed', () => {
  /** The lab's ssh config with its own known_hosts file and ssh's default StrictHostKeyChecking (ask). */
  function sshConfigWith(knownHosts: string): NodeJS.ProcessEnv {
    const file = path.join(lab.dir, `ssh_config_${path.basename(knownHosts)}`);
    const text = readFileSync(lab.sshConfig, 'utf8')
      .replace(/UserKnownHostsFile \S+/, `UserKnownHostsFile ${knownHosts}`)
      .replace(/\n\s*StrictHostKeyChecking \S+/, '');
    writeFileSync(file, text);
    return writeConfig(lab, `config_${path.basename(knownHosts)}`, [hereEntry(lab), thorEntry(lab)], {
      sshOptions: ['-F', file], offlineRetrySeconds: 0,
    });
  }

  const cases = {
    unknown: () => '',
    changed: () => {
      const other = path.join(lab.dir, 'otherkey');
      return `[127.0.0.1]:${lab.port} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`;
    },
  };

  beforeAll(async () => {
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(lab.dir, 'otherkey')]);
  });

  for (const [kind, content] of Object.entries(cases)) {
    it(`${kind}: send, spawn and peek exit 3 saying how to fix it; known_hosts is left as it was`, async () => {
      const kh = path.join(lab.dir, `known_hosts_${kind}`);
      const before = content();
      writeFileSync(kh, before);
      const e = sshConfigWith(kh);
      lab.mkProject('thor', 'keyed');
      for (const args of [['send', 'thor:keyed', 'hi'], ['spawn', '--on', 'thor', 'keyed'], ['peek', 'thor:keyed']]) {
        const r = await trimtab(args, e);
        expectCleanError(r, 3, /^✖ cannot reach thor: its ssh host key is unknown or has changed$/);
        expect(r.stderr).toContain('run "ssh thor" once to check and accept the key (ssh-keygen -R to forget an old one)');
        expect(r.stderr).toContain('trimtab never turns host key checks off');
      }
      expect(readFileSync(kh, 'utf8')).toBe(before);
      expect(await windowsNamed('thor', 'keyed')).toBe(0);
    });

    it(`${kind}: list skips the host with one warning line`, async () => {
      const kh = path.join(lab.dir, `known_hosts_${kind}`);
      const e = sshConfigWith(kh);
      const list = await listJson('thor', e);
      expect(list.hosts).toEqual([{ name: 'thor', local: false, reachable: false, error: 'cannot reach thor: its ssh host key is unknown or has changed' }]);
      expect(list.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it.fails('list says how to fix a host key problem, as send does (known gap: list prints no hint)', async () => {
    const e = sshConfigWith(path.join(lab.dir, 'known_hosts_unknown'));
    const list = await listJson('thor', e);
    expect(list.stderr).toMatch(/ssh thor/);
  });

  it('trimtab never passes StrictHostKeyChecking or UserKnownHostsFile to ssh', async () => {
    const ssh = lab.countingSsh();
    const e = { TRIMTAB_SSH: ssh.program };
    lab.mkProject('thor', 'alpha');
    await trimtab(['spawn', '--on', 'thor', 'alpha'], e);
    await trimtab(['list'], e);
    await trimtab(['send', 'thor:alpha', 'hi'], e);
    await trimtab(['peek', 'thor:alpha'], e);
    await trimtab(['broadcast', '--host', 'thor', '--yes', 'all'], e);
    const calls = ssh.calls();
    expect(calls.length).toBeGreaterThanOrEqual(5);
    for (const c of calls) expect(c).not.toMatch(/StrictHostKeyChecking|UserKnownHostsFile|GlobalKnownHostsFile|CheckHostIP/i);
    const bundle = readFileSync(CLI, 'utf8');
    expect(bundle).not.toMatch(/StrictHostKeyChecking|UserKnownHostsFile=\/dev\/null/);
  });
});

/** The built trimtab as a child process a test can kill. */
const start = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  execa(process.execPath, [CLI, ...args], { env: { ...lab.env, ...env, ...extra }, extendEnv: false, reject: false });

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
      outcomes.push(r.signal === 'SIGKILL' ? (added ? 'killed after the write' : 'killed before the write') : 'finished');
    }
    // Every run either finished or left the file whole; at least one kill must have landed mid-run.
    expect(outcomes).toContain('killed before the write');
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

  // conf writes in place when $SNAP is set (sindresorhus/conf#82, for Ubuntu Snap packages): a Node
  // installed as a snap would make config writes non-atomic. Known gap in src/adapters/config-store.ts.
  it.fails('a config write is atomic even when $SNAP is set (known gap: conf writes in place there)', async () => {
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
        if ((await windowsNamed(host, project)) === 1) expect(await paneState(host, `=agents:=${project}`), moment).toBe('0 node');
        await expectOneLiveAgent(host, project);
      }
    }, 120_000);

    it(`trimtab killed (SIGKILL) in the middle of a send to ${host}: the agent keeps running and gets no partial text`, async () => {
      await spawnIdle(host, 'interrupted');
      const text = `half-way ${host} ${'x'.repeat(50)}`;
      const child = start(['send', `${host}:interrupted`, text]);
      await waitFor(async () => (await lab.tmux(host, ['capture-pane', '-p', '-t', '=agents:=interrupted'])).stdout.includes('half-way'), 'the pasted text');
      child.kill('SIGKILL');
      await child;
      await new Promise((res) => setTimeout(res, 1000));
      expect(await paneState(host, '=agents:=interrupted')).toBe('0 node');
      // The text went in whole: submitted (Enter came before the kill took effect) or still in the input box.
      for (const s of submits(host, 'interrupted')) expect(s).toBe(text);
      const buffers = await lab.tmux(host, ['list-buffers', '-F', '#{buffer_name}']);
      expect(buffers.stdout.split('\n').filter((b) => b.startsWith('trimtab-'))).toEqual([]);
      const after = await trimtab(['send', `${host}:interrupted`, 'after the kill']);
      expect(after.exitCode, after.stderr).toBe(0);
      await eventually(() => submits(host, 'interrupted').at(-1)?.endsWith('after the kill'), 'the next send to arrive');
    });

    it(`trimtab killed (SIGKILL) while attached to ${host}: the agent keeps running, the session stays`, async () => {
      await spawnIdle(host, 'attached');
      const t = await terminal(`exec ${process.execPath} ${CLI} attach ${host}:attached`);
      try {
        await eventually(async () => (await lab.tmux(host, ['list-clients', '-F', '#{client_session}'])).stdout.includes('agents'), 'a client attached');
        process.kill(await t.pid(), 'SIGKILL');
        await eventually(async () => !(await lab.tmux(host, ['list-clients', '-F', '#{client_session}'])).stdout.includes('agents'), 'the client to go', 15_000);
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

  it('the ssh connection dropped during a spawn: exit 3, then one window with a live agent', async () => {
    lab.mkProject('thor', 'dropped');
    const child = start(['spawn', '--on', 'thor', 'dropped']);
    await waitFor(async () => (await windowsNamed('thor', 'dropped')) > 0, 'the window');
    await dropConnections();
    const r = await child;
    expectCleanError({ exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) }, 3, /^✖ cannot reach thor/);
    await expectOneLiveAgent('thor', 'dropped');
  });

  it('the ssh connection dropped during a send: exit 3, the agent keeps running and gets no partial text', async () => {
    await spawnIdle('thor', 'cutoff');
    const text = `cut off ${'y'.repeat(50)}`;
    const child = start(['send', 'thor:cutoff', text]);
    await waitFor(async () => (await lab.tmux('thor', ['capture-pane', '-p', '-t', '=agents:=cutoff'])).stdout.includes('cut off'), 'the pasted text');
    await dropConnections();
    const r = await child;
    expectCleanError({ exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) }, 3, /^✖ cannot reach thor/);
    await new Promise((res) => setTimeout(res, 500));
    expect(await paneState('thor', '=agents:=cutoff')).toBe('0 node');
    for (const s of submits('thor', 'cutoff')) expect(s).toBe(text);
    const log = readFileSync(path.join(env.TRIMTAB_STATE_DIR!, 'sent.log'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(log.at(-1)).toMatchObject({ target: 'thor:agents:cutoff', text, result: expect.stringMatching(/^failed: cannot reach thor/) });
  });

  it('the ssh connection dropped under peek --follow: a clear exit 3, the agent keeps running', async () => {
    await spawnIdle('thor', 'watched');
    let out = '';
    const child = start(['peek', 'thor:watched', '--follow', '--interval', '0.3']);
    child.stdout?.on('data', (d) => (out += String(d)));
    await eventually(() => out.includes('───'), 'the first frame');
    await dropConnections();
    const r = await child;
    expectCleanError({ exitCode: r.exitCode ?? -1, stdout: '', stderr: String(r.stderr) }, 3, /^✖ cannot reach thor/);
    expect(await paneState('thor', '=agents:=watched')).toBe('0 node');
  });
});
