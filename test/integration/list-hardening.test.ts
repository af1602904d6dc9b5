// Listing, hardened (each case failed on the build before the fix): a socket dir that cannot be used
// never makes a host "unreachable"; a window named `uncle<TAB>x` is not `uncle`; thousands of panes
// cost a bounded number of tmux clients in one round trip; `list --host H` for an unreachable H exits
// 3; `hosts set` clears the offline memory. Real sshd, ssh and tmux (lab.ts); the fake agent.

import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shQuote } from '../../src/core/quote.js';

// src/adapters/cache.ts MAX_SOCKET_DIR: 104 bytes less the NUL and the 52 that ssh's control path adds.
const MAX_SOCKET_DIR = 51;

import { eventually, FAKE_AGENT, type Lab, startLab, which } from '../lab/lab.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  // Masters started from a fallback socket dir (not under the lab's cache dir): ask each to exit.
  for (const dir of socketDirs) {
    for (const f of existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('cm-')) : []) {
      await execa('ssh', ['-F', lab.sshConfig, '-o', `ControlPath=${path.join(dir, f)}`, '-O', 'exit', 'thor'], {
        reject: false,
      });
    }
  }
  await lab?.stop();
});
const socketDirs: string[] = [];

const agentCmd = `${shQuote(process.execPath)} ${shQuote(FAKE_AGENT)}`;
async function spawnFake(host: 'here' | 'thor', window: string): Promise<string> {
  const cwd = lab.mkProject(host, 'p');
  const has = (await lab.tmux(host, ['has-session', '-t', '=agents'])).exitCode === 0;
  const args = has ? ['new-window', '-d', '-t', '=agents:'] : ['new-session', '-d', '-s', 'agents'];
  const r = await lab.tmux(host, [...args, '-P', '-F', '#{pane_id}', '-n', window, '-c', cwd, agentCmd]);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.trim();
}
const hostsOf = (stdout: string) =>
  (JSON.parse(stdout) as { hosts: Array<{ name: string; reachable: boolean; error: string | null }> }).hosts;

describe("the control socket dir (a local problem is never the host's fault)", () => {
  beforeAll(async () => {
    await spawnFake('thor', 'sock');
  });

  /** An environment without the lab's short cache dir: sockets go where a user's would. */
  function userEnv(home: string, runtime?: string): { env: NodeJS.ProcessEnv; fallback: string } {
    const tmp = path.join(lab.dir, `t${socketDirs.length}`); // the last resort lands in the lab, not the machine's /tmp
    mkdirSync(tmp, { recursive: true });
    const fallback = path.join(tmp, `trimtab-${process.getuid?.()}`);
    socketDirs.push(fallback);
    return {
      env: {
        TRIMTAB_CACHE_DIR: undefined,
        HOME: home,
        XDG_RUNTIME_DIR: runtime,
        XDG_CACHE_HOME: undefined,
        TMPDIR: tmp,
      },
      fallback,
    };
  }

  it('a long $HOME (control path over the Unix socket limit): thor is still reached, through a short private dir', async () => {
    const home = path.join(lab.dir, 'h'.repeat(80));
    mkdirSync(home, { recursive: true });
    expect(home.length + '/.cache/trimtab'.length).toBeGreaterThan(MAX_SOCKET_DIR);
    const { env, fallback: dir } = userEnv(home);
    const r = await lab.trimtab(['list', '--json', '--host', 'thor'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(hostsOf(r.stdout)[0]).toMatchObject({ name: 'thor', reachable: true, error: null });
    const st = statSync(dir);
    expect(st.mode & 0o777).toBe(0o700);
    expect(st.uid).toBe(process.getuid?.());
    expect(readdirSync(dir).some((f) => f.startsWith('cm-thor-'))).toBe(true); // the master lives there
  });

  it('an unwritable runtime dir and cache dir: thor is still reached', async () => {
    const home = path.join(lab.dir, 'home2');
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, '.cache'), 'a file where a folder should be');
    const runtime = path.join(lab.dir, 'run');
    mkdirSync(runtime, { recursive: true });
    writeFileSync(path.join(runtime, 'trimtab'), 'a file where a folder should be');
    const { env, fallback } = userEnv(home, runtime);
    const r = await lab.trimtab(['list', '--json', '--host', 'thor'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(hostsOf(r.stdout)[0]).toMatchObject({ name: 'thor', reachable: true });
    expect(readdirSync(fallback).some((f) => f.startsWith('cm-thor-'))).toBe(true);
  });

  it('a fallback dir someone else owns is not used; plain ssh still reaches thor', async () => {
    if (process.getuid?.() !== 0)
      throw new Error('this case needs root (to make a dir another user owns); CI runs as root');
    const home = path.join(lab.dir, 'k'.repeat(80));
    mkdirSync(home, { recursive: true });
    const { env, fallback } = userEnv(home);
    mkdirSync(fallback, { mode: 0o700 });
    chownSync(fallback, 65534, 65534); // nobody's, as if another user made it first
    const r = await lab.trimtab(['list', '--json', '--host', 'thor'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(hostsOf(r.stdout)[0]).toMatchObject({ name: 'thor', reachable: true });
    expect(readdirSync(fallback)).toEqual([]);
  });
});

describe('window names with a TAB', () => {
  it('`uncle<TAB>x` is listed whole, and a target `uncle` does not find it', async () => {
    const pane = await spawnFake('thor', 'uncle\tx');
    const r = await lab.trimtab(['list', '--json', '--host', 'thor']);
    const agent = (JSON.parse(r.stdout) as { agents: Array<{ paneId: string; window: string }> }).agents.find(
      (a) => a.paneId === pane,
    );
    expect(agent?.window).toBe('uncle\tx');
    const peek = await lab.trimtab(['peek', 'thor:agents:uncle']);
    expect(peek.exitCode).toBe(1);
    const send = await lab.trimtab(['send', 'thor:agents:uncle', 'should not arrive']);
    expect(send.exitCode).toBe(1);
    expect(JSON.stringify(lab.agentLog('thor', 'p'))).not.toContain('should not arrive');
    await lab.tmux('thor', ['kill-pane', '-t', pane]);
  });

  it('spawn `uncle` while `uncle<TAB>x` runs: a window uncle of its own, the other left alone', async () => {
    const other = await spawnFake('thor', 'uncle\tx');
    lab.mkProject('thor', 'uncle');
    const r = await lab.trimtab(['spawn', '--on', 'thor', 'uncle', '--no-attach']);
    expect(r.exitCode, r.stderr).toBe(0);
    const list = JSON.parse((await lab.trimtab(['list', '--json', '--host', 'thor'])).stdout) as {
      agents: Array<{ paneId: string; window: string }>;
    };
    expect(list.agents.map((a) => a.window)).toEqual(expect.arrayContaining(['uncle', 'uncle\tx']));
    expect(list.agents.find((a) => a.window === 'uncle\tx')?.paneId).toBe(other);
    await lab.tmux('thor', ['kill-pane', '-t', other]);
    await lab.tmux('thor', ['kill-window', '-t', '=agents:=uncle']);
  });
});

describe('TABs and newlines in names from the host', () => {
  it('a session, a directory and a window named with TABs and newlines: each agent is listed with its own fields', async () => {
    const dir = path.join(lab.dir, 'thor', 'odd\tdir\nx');
    mkdirSync(dir, { recursive: true });
    // Outside the agents session the fake agent is found by its Claude-like screen; its program is `node`.
    const a = await lab.tmux('thor', [
      'new-session',
      '-d',
      '-P',
      '-F',
      '#{pane_id}',
      '-s',
      'se\tss\nion',
      '-n',
      'w\n1\tz',
      '-c',
      dir,
      agentCmd,
    ]);
    expect(a.exitCode, a.stderr).toBe(0);
    const first = a.stdout.trim();
    const second = await spawnFake('thor', 'after\tit');
    const program = async (id: string) =>
      (await lab.tmux('thor', ['display-message', '-p', '-t', id, '#{pane_current_command}'])).stdout.trim();
    await eventually(
      async () => (await program(first)) === 'node' && (await program(second)) === 'node',
      'both agents to run',
    );
    const found = await eventually(async () => {
      const r = await lab.trimtab(['list', '--json', '--host', 'thor']);
      const agents = (JSON.parse(r.stdout) as { agents: Array<Record<string, string>> }).agents;
      const mine = [first, second].map((id) => agents.find((x) => x.paneId === id));
      return mine.every(Boolean) ? mine : undefined;
    }, 'both panes listed as agents');
    // tmux 3.3a keeps a session name's TAB and newline as the escapes \\t and \\n; a window's and a directory's stay raw.
    const session = (await lab.tmux('thor', ['display-message', '-p', '-t', first, '#{session_name}'])).stdout.trim();
    expect(found[0]).toMatchObject({ session, window: 'w\n1\tz', path: dir, status: 'idle' });
    expect(found[1]).toMatchObject({
      session: 'agents',
      window: 'after\tit',
      path: lab.mkProject('thor', 'p'),
      status: 'idle',
    });
    await lab.tmux('thor', ['kill-session', '-t', first]);
    await lab.tmux('thor', ['kill-pane', '-t', second]);
  });
});

describe('thousands of panes', () => {
  const N = 2000;
  it(`${N} panes: one round trip, a bounded number of tmux clients, every pane listed`, async () => {
    // The panes: `sleep` in windows of the agents session on the local host, made in batches small
    // enough for one tmux message each.
    const real = which('tmux')!;
    await lab.tmux('here', ['new-session', '-d', '-s', 'agents', '-n', 'w0', 'exec sleep 600']);
    for (let made = 1; made < N; ) {
      const args: string[] = [];
      for (let i = 0; i < 100 && made < N; i++, made++)
        args.push(...(i ? [';'] : []), 'new-window', '-d', '-t', '=agents:', '-n', `w${made}`, 'exec sleep 600');
      const r = await lab.tmux('here', args);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    // tmux as trimtab's host script finds it on PATH, counting its clients.
    const bin = path.join(lab.dir, 'counting-bin');
    mkdirSync(bin, { recursive: true });
    const log = path.join(lab.dir, 'tmux-calls.log');
    writeFileSync(path.join(bin, 'tmux'), `#!/bin/sh\necho x >> ${shQuote(log)}\nexec ${shQuote(real)} "$@"\n`);
    chmodSync(path.join(bin, 'tmux'), 0o755);
    const r = await lab.trimtab(['list', '--json', '--host', 'here'], {
      env: { PATH: `${bin}:${process.env.PATH}` },
      timeoutMs: 120_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const agents = (JSON.parse(r.stdout) as { agents: Array<{ window: string }> }).agents;
    expect(agents.filter((a) => /^w\d+$/.test(a.window))).toHaveLength(N);
    const clients = readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
    // The listing, then the screens in batches of a few dozen panes: linear, and far from one per pane.
    expect(clients).toBeLessThanOrEqual(2 + Math.ceil(N / 50));
    await lab.tmux('here', ['kill-server']);
  }, 300_000);
});

describe('an unreachable host asked for by name', () => {
  it('list --host asleep exits 3 (not "no agents running"), with and without --json', async () => {
    const r = await lab.trimtab(['list', '--host', 'asleep']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).not.toContain('no agents running');
    const j = await lab.trimtab(['list', '--json', '--host', 'asleep']);
    expect(j.exitCode).toBe(3);
    expect(hostsOf(j.stdout)).toEqual([expect.objectContaining({ name: 'asleep', reachable: false })]);
    // Remembered offline: the next call does not even try, and still exits 3.
    expect((await lab.trimtab(['list', '--host', 'asleep'])).exitCode).toBe(3);
  });

  it('hosts set on a host remembered offline: the next list tries the new settings at once', async () => {
    await spawnFake('thor', 'fed');
    expect((await lab.trimtab(['hosts', 'set', 'fedora', '--ssh', 'asleep'])).exitCode).toBe(0);
    expect((await lab.trimtab(['list', '--host', 'fedora'])).exitCode).toBe(3);
    const cache = JSON.parse(readFileSync(path.join(lab.dir, 'cache', 'hosts.json'), 'utf8')) as Record<
      string,
      { offlineSince?: number }
    >;
    expect(cache.fedora?.offlineSince).toBeGreaterThan(0);
    expect((await lab.trimtab(['hosts', 'set', 'fedora', '--ssh', 'fedora'])).exitCode).toBe(0);
    const r = await lab.trimtab(['list', '--json', '--host', 'fedora']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(hostsOf(r.stdout)[0]).toMatchObject({ name: 'fedora', reachable: true, error: null });
  });
});
