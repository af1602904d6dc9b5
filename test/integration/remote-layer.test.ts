/**
 * The remote layer end to end, against the lab: a slow clone is the clone's result, not a hung
 * connection; spawn and doctor read an agent command alike; the menu's broadcast is the command's;
 * a master that is slow to answer (stopped for a few seconds: a busy machine) is kept.
 */

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shQuote } from '../../src/core/quote.js';
import { git, gitEnv, seedRepo } from '../lab/git.js';
import { CLI, eventually, FAKE_AGENT, type Lab, startLab } from '../lab/lab.js';
import { Pane } from '../lab/pane.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.stop();
});

/**
 * A git:// server on 127.0.0.1 that reads a clone's request, says nothing for `delayMs`, then serves
 * it with the real `git upload-pack` (what git daemon does: the request line names the repo, and
 * `version=2` in it becomes GIT_PROTOCOL).
 */
async function silentGitServer(root: string, delayMs: number) {
  const server = net.createServer((sock) => {
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const len = buf.length >= 4 ? parseInt(buf.subarray(0, 4).toString(), 16) : Infinity;
      if (buf.length < len) return;
      sock.off('data', onData);
      const [command = '', ...extra] = buf.subarray(4, len).toString().split('\0');
      const repo = path.join(root, command.split(' ')[1] ?? '');
      const version = extra.find((e) => e.startsWith('version='));
      setTimeout(() => {
        const child = spawn('git', ['upload-pack', '--strict', repo], {
          env: { ...gitEnv, ...(version ? { GIT_PROTOCOL: version } : {}) },
        });
        child.stdin.on('error', () => {});
        sock.pipe(child.stdin);
        child.stdout.pipe(sock);
        child.on('exit', () => sock.end());
      }, delayMs);
    };
    sock.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

describe('prepare over a slow clone', () => {
  it('a clone that waits 10 s on a silent git remote is reported as cloned, not as a hung connection', async () => {
    const remotes = path.join(lab.dir, 'git-served');
    const seed = path.join(lab.dir, 'seed-slow');
    await seedRepo(seed, 'slow\n');
    mkdirSync(remotes);
    await git(remotes, 'clone', '-q', '--bare', seed, 'slow.git');
    // Longer than the watchdog's wait for a first answer (connectTimeoutSeconds 2 + 3 s in the lab).
    const server = await silentGitServer(remotes, 10_000);
    try {
      const local = lab.mkProject('here', 'slow');
      await git(local, 'init', '-q');
      await git(local, 'remote', 'add', 'origin', `git://127.0.0.1:${server.port}/slow.git`);
      const home = path.join(lab.dir, 'home-slow');
      mkdirSync(home);
      // The survey first, so the apply goes through an existing master: the case the watchdog watches.
      const r = await lab.trimtab(['prepare', 'thor', '--projects', 'slow'], {
        env: { HOME: home, COLUMNS: '80' },
        timeoutMs: 120_000,
      });
      expect(r.stderr).not.toContain('hung');
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/✔ +cloned? slow/);
      expect(existsSync(path.join(lab.projects('thor'), 'slow', 'README.md'))).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe('one reading of agentCommand', () => {
  const doctorAgent = async () => {
    const r = await lab.trimtab(['doctor', 'thor', '--json']);
    return JSON.parse(r.stdout).hosts[0].findings.find((f: { check: string }) => f.check === 'agent') as {
      level: string;
      text: string;
    };
  };

  it('spawn and doctor agree on a quoted agent path with a space', async () => {
    const dir = path.join(lab.dir, 'my tools');
    mkdirSync(dir);
    const program = path.join(dir, 'claude');
    writeFileSync(program, `#!/bin/sh\nexec ${shQuote(process.execPath)} ${shQuote(FAKE_AGENT)} "$@"\n`);
    chmodSync(program, 0o755);
    lab.mkProject('thor', 'spaced');
    expect((await lab.trimtab(['hosts', 'set', 'thor', '--agent', `${shQuote(program)} --model opus`])).exitCode).toBe(
      0,
    );

    expect(await doctorAgent()).toMatchObject({ level: 'ok', text: expect.stringContaining('my tools/claude') });
    const r = await lab.trimtab(['spawn', '--on', 'thor', 'spaced', '--no-attach']);
    expect(r.exitCode, r.stderr).toBe(0);
    const start = await eventually(
      () => lab.agentLog('thor', 'spaced').find((l) => l.event === 'start'),
      'the agent to start',
    );
    expect(start.argv).toEqual(['--model', 'opus']);

    // And both say "not found" for the same command when the program is not there.
    expect(
      (
        await lab.trimtab([
          'hosts',
          'set',
          'thor',
          '--agent',
          `${shQuote(path.join(lab.dir, 'no tools', 'claude'))} --model opus`,
        ])
      ).exitCode,
    ).toBe(0);
    expect(await doctorAgent()).toMatchObject({
      level: 'fail',
      text: expect.stringMatching(/^claude not (found|in the ssh PATH)$/),
    });
    lab.mkProject('thor', 'spaced2');
    const missing = await lab.trimtab(['spawn', '--on', 'thor', 'spaced2', '--no-attach']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('not found on thor');
    expect(
      (await lab.trimtab(['hosts', 'set', 'thor', '--agent', `${shQuote(process.execPath)} ${shQuote(FAKE_AGENT)}`]))
        .exitCode,
    ).toBe(0);
  });
});

describe("the menu's broadcast is trimtab broadcast", () => {
  const logOf = async (text: string) =>
    (await lab.trimtab(['log', '--json', '-n', '1000'])).stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, string>)
      .filter((e) => e.text === text)
      .map(({ time: _time, text: _text, ...rest }) => rest)
      .sort((a, b) => a.target!.localeCompare(b.target!));

  async function menuBroadcast(text: string): Promise<string> {
    const pane = await Pane.start(`${lab.socket('here')}-bc`, `${process.execPath} ${CLI} menu; sleep 600`, lab.env);
    try {
      await pane.waitFor(/\d agents?/, 'the main screen');
      await pane.waitFor('asleep offline');
      await pane.keys('m'); // message all
      await pane.waitFor('message');
      await pane.type(text);
      await pane.keys('Enter');
      const next = await pane.waitFor(/send to \d|✖/, 'the confirm screen or an error');
      if (next.includes('✖')) return next;
      await pane.keys('y');
      return await pane.waitFor('b  back', 'the results');
    } finally {
      await pane.stop();
    }
  }

  it('records every delivery in the sent log exactly as the command does', async () => {
    for (const [host, p] of [
      ['here', 'bc1'],
      ['fedora', 'bc2'],
    ] as const) {
      lab.mkProject(host, p);
      expect((await lab.trimtab(['spawn', '--on', host, p, '--no-attach'])).exitCode).toBe(0);
      await eventually(() => lab.agentLog(host, p).some((l) => l.event === 'start'), `${p} started`);
    }
    const screen = await menuBroadcast('from the menu');
    expect(screen).toContain('message all');
    const cli = await lab.trimtab(['broadcast', '--yes', 'from the command']);
    expect(cli.exitCode, cli.stderr).toBe(0);
    const fromMenu = await logOf('from the menu');
    expect(fromMenu.length).toBeGreaterThanOrEqual(3); // here, thor and fedora agents
    expect(fromMenu).toEqual(await logOf('from the command'));
    expect(fromMenu.every((e) => e.result === 'delivered')).toBe(true);
  });

  it('refuses exactly as the command does when no live agent is left', async () => {
    // The menu still shows agents when it opens; they are gone by the time the text is sent.
    const pane = await Pane.start(`${lab.socket('here')}-bc2`, `${process.execPath} ${CLI} menu; sleep 600`, lab.env);
    try {
      await pane.waitFor(/\d agents?/, 'the main screen');
      await pane.waitFor('asleep offline');
      for (const h of ['here', 'thor', 'fedora'] as const) await lab.tmux(h, ['kill-session', '-t', '=agents']);
      await pane.keys('m'); // message all
      await pane.waitFor('message');
      await pane.type('nobody home');
      await pane.keys('Enter');
      const screen = await pane.waitFor('✖', 'the refusal');
      const cli = await lab.trimtab(['broadcast', '--yes', 'nobody home']);
      expect(cli.exitCode).toBe(1);
      const [message, hint] = cli.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('⚠'))
        .map((l) => l.trim());
      expect(message).toBe('✖ no agents to send to');
      expect(screen).toContain(message);
      expect(screen).toContain(hint);
      expect(await logOf('nobody home')).toEqual([]);
    } finally {
      await pane.stop();
    }
  });
});

describe('a master that answers slowly', () => {
  const cacheDir = () => lab.env.TRIMTAB_CACHE_DIR!;
  const socketOf = (host: string) =>
    path.join(cacheDir(), readdirSync(cacheDir()).find((f) => f.startsWith(`cm-${host}-`))!);
  async function masterPid(host: string): Promise<number | undefined> {
    const r = await execa('ssh', ['-F', lab.sshConfig, '-o', `ControlPath=${socketOf(host)}`, '-O', 'check', host], {
      reject: false,
      timeout: 5000,
    });
    return Number(/pid=(\d+)/.exec(r.stderr)?.[1]) || undefined;
  }

  it('is kept, and every call through it finishes, when it is stopped for less than its check window', async () => {
    lab.mkProject('thor', 'load');
    expect((await lab.trimtab(['spawn', '--on', 'thor', 'load', '--no-attach'])).exitCode).toBe(0);
    await eventually(() => lab.agentLog('thor', 'load').some((l) => l.event === 'start'), 'load started');
    const pid = await masterPid('thor');
    expect(pid).toBeGreaterThan(0);
    // Stopped past the watchdog's first-answer wait (2 + 3 s), and back within the check window (5 s
    // more): a machine too busy to answer for a while, not a master that is gone.
    process.kill(pid!, 'SIGSTOP');
    const calls = [
      lab.trimtab(['list', '--json', '--host', 'thor']),
      lab.trimtab(['send', 'thor:load', 'under load']),
      lab.trimtab(['peek', 'thor:load']),
    ];
    await new Promise((r) => setTimeout(r, 8000));
    process.kill(pid!, 'SIGCONT');
    const results = await Promise.all(calls);
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(results[0]!.stdout).hosts[0]).toMatchObject({ name: 'thor', reachable: true });
    expect(await masterPid('thor')).toBe(pid);
    await eventually(() => lab.agentLog('thor', 'load').some((l) => l.text === 'under load'), 'the text at the agent');
    expect(lab.agentLog('thor', 'load').filter((l) => l.text === 'under load')).toHaveLength(1);
  });
});
