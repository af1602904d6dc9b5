/**
 * `trimtab watch` end to end: the lab's real sshd and tmux, the fake agent drawing a real prompt on
 * thor, a local HTTP receiver on 127.0.0.1 standing in for the ntfy server, and a user command.
 *
 * The watcher runs as its own process: the built trimtab (dist/), `trimtab watch`.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shQuote } from '../../src/core/quote.js';
import { watcherRunning } from '../../src/core/watch/schedule.js';
import { envRecorder } from '../lab/env-recorder.js';
import { CLI, eventually, FAKE_AGENT, type Lab, startLab } from '../lab/lab.js';

const REPO = path.resolve(import.meta.dirname, '../..');
let lab: Lab;
let baseConfig: Record<string, unknown>;
const configFile = () => path.join(lab.env.TRIMTAB_CONFIG_DIR!, 'config.json');

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}
const received: Received[] = [];
let answers: number[] = [];
let receiver: http.Server;
let topicUrl = '';

function writeConfig(notify: Record<string, unknown>, over: Record<string, unknown> = {}): void {
  writeFileSync(configFile(), JSON.stringify({ ...baseConfig, ...over, notify }, null, 2));
}

/** The watcher as a process: exit code and output, like the CLI. */
function watch(args: string[], env: NodeJS.ProcessEnv = {}): ResultPromise {
  return execa(process.execPath, [CLI, 'watch', ...args], {
    env: { ...lab.env, ...env },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
}

const agentCmd = (start?: string) =>
  `${start ? `FAKE_AGENT_START=${start} ` : ''}${shQuote(process.execPath)} ${shQuote(FAKE_AGENT)}`;

async function spawnAgent(project: string, start?: string): Promise<void> {
  const dir = lab.mkProject('thor', project);
  const has = await lab.tmux('thor', ['has-session', '-t', '=agents']);
  const where =
    has.exitCode === 0
      ? ['new-window', '-d', '-t', '=agents:', '-n', project]
      : ['new-session', '-d', '-s', 'agents', '-x', '80', '-y', '24', '-n', project];
  const r = await lab.tmux('thor', [...where, '-c', dir, agentCmd(start)]);
  expect(r.exitCode, r.stderr).toBe(0);
}

const screen = async (project: string) =>
  (await lab.tmux('thor', ['capture-pane', '-p', '-t', `=agents:=${project}`])).stdout;
const keys = (project: string, ...k: string[]) => lab.tmux('thor', ['send-keys', '-t', `=agents:=${project}`, ...k]);

beforeAll(async () => {
  lab = await startLab();
  baseConfig = JSON.parse(readFileSync(configFile(), 'utf8'));
  receiver = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const status = answers.shift() ?? 200;
      received.push({ headers: req.headers, body, answered: status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  topicUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/trimtab-test`;
});
afterAll(async () => {
  receiver?.close();
  await lab?.stop();
});

describe('trimtab watch --once (ntfy)', () => {
  it('bad config is a clear error at start (exit 2)', async () => {
    writeConfig({ ntfy: 'ntfy.sh/topic' });
    const r = await watch(['--once']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('notify.ntfy must be an http(s) URL');
    writeConfig({ events: ['waiting'] });
    expect((await watch(['--once'])).stderr).toContain('notify has no destination');
  });

  it('a prompt on thor: exactly one POST naming the host, the project and the command', async () => {
    writeConfig({ ntfy: topicUrl, click: 'ssh://thor' });
    await spawnAgent('api', 'ask');
    await eventually(async () => (await screen('api')).includes('Do you want to proceed?'), 'the prompt');
    const r = await watch(['--once']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(received).toHaveLength(1);
    const [post] = received;
    expect(post!.headers.title).toBe('api on thor waits for you');
    expect(post!.body).toContain('Bash: rm -rf build');
    expect(post!.headers).toMatchObject({ priority: 'high', click: 'ssh://thor', tags: 'hourglass_flowing_sand,thor' });
  });

  it('a second pass sends nothing', async () => {
    const r = await watch(['--once']);
    expect(r.exitCode).toBe(0);
    expect(received).toHaveLength(1);
  });

  it('approve, then a new prompt: sent again', async () => {
    await keys('api', '1'); // the fake agent works 1 s, then is idle
    await eventually(async () => !(await screen('api')).includes('Do you want to proceed?'), 'the prompt to clear');
    await watch(['--once']);
    expect(received).toHaveLength(1);
    await eventually(async () => (await screen('api')).includes('Worked for'), 'idle');
    await keys('api', '-l', '/ask');
    await keys('api', 'Enter');
    await eventually(async () => (await screen('api')).includes('Do you want to proceed?'), 'the new prompt');
    await watch(['--once']);
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toContain('Bash: rm -rf build');
  });

  it('a push that failed is kept and retried by a later pass, then never again', async () => {
    await keys('api', '1');
    await eventually(async () => !(await screen('api')).includes('Do you want to proceed?'), 'the prompt to clear');
    await watch(['--once']); // sees it not waiting: the episode is over
    await eventually(async () => (await screen('api')).includes('Worked for'), 'idle');
    await keys('api', '-l', '/ask');
    await keys('api', 'Enter');
    await eventually(async () => (await screen('api')).includes('Do you want to proceed?'), 'the new prompt');
    answers = [500];
    await watch(['--once']);
    expect(received.map((r) => r.answered)).toEqual([200, 200, 500]);
    const state = JSON.parse(readFileSync(path.join(lab.env.TRIMTAB_STATE_DIR!, 'watch.json'), 'utf8'));
    expect(state.pending).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2100)); // the first retry is due 2 s after the failure
    await watch(['--once']);
    expect(received.map((r) => r.answered)).toEqual([200, 200, 500, 200]);
    await watch(['--once']);
    expect(received).toHaveLength(4);
    const log = readFileSync(path.join(lab.env.TRIMTAB_STATE_DIR!, 'watch.log'), 'utf8');
    expect(log).toMatch(/could not send waiting "api on thor waits for you" via ntfy: HTTP 500 .*; retrying in 2 s/);
    expect(log).toContain('sent waiting "api on thor waits for you" via ntfy (try 2)');
  });
});

describe('trimtab watch (long-running)', () => {
  it('the asleep host does not delay thor; 500 then 200 still delivers once; one ssh for thor', async () => {
    const counter = lab.countingSsh();
    // asleep takes the whole connect timeout to fail: thor's push must not wait for it.
    writeConfig({ ntfy: topicUrl, intervalSeconds: 1 }, { connectTimeoutSeconds: 6 });
    received.length = 0;
    answers = [500];
    await spawnAgent('web', 'ask');
    await eventually(async () => (await screen('web')).includes('Do you want to proceed?'), 'the prompt');
    const proc = watch([], { TRIMTAB_SSH: counter.program });
    const logFile = path.join(lab.env.TRIMTAB_STATE_DIR!, 'watch.log');
    const from = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0; // earlier runs wrote too
    const log = () => readFileSync(logFile, 'utf8').slice(from);
    try {
      await eventually(() => received.some((r) => r.answered === 200), 'a delivered push', 30_000);
      expect(received.map((r) => r.answered)).toEqual([500, 200]);
      expect(received[1]!.headers.title).toBe('web on thor waits for you');
      // Delivered (after a retry) before the asleep host had even failed once.
      const text = log();
      const sent = text.indexOf('sent waiting "web on thor');
      expect(sent).toBeGreaterThan(0);
      const asleepDown = text.indexOf('asleep did not answer');
      expect(asleepDown === -1 || asleepDown > sent, text).toBe(true);
      // The heartbeat says a watcher runs.
      const hb = readFileSync(path.join(lab.env.TRIMTAB_STATE_DIR!, 'watch.pid'), 'utf8');
      expect(watcherRunning(hb, Math.floor(Date.now() / 1000)).running).toBe(true);
      // A second watcher on the same state would send everything twice: it refuses.
      const second = await watch(['--once']);
      expect(second.exitCode).toBe(1);
      expect(second.stderr).toContain(`a watcher already runs here (pid ${proc.pid})`);
      // Let it poll a while longer: nothing more is sent, and thor keeps using its one ssh.
      await eventually(() => log().includes('asleep did not answer'), 'asleep to fail', 20_000);
      const pollsBefore = counter.calls().length;
      await new Promise((r) => setTimeout(r, 4000));
      expect(received).toHaveLength(2);
      const thorSsh = counter.calls().filter((c) => / thor sh -s$/.test(c));
      expect(thorSsh).toHaveLength(1);
      expect(counter.calls().length - pollsBefore).toBeLessThanOrEqual(1); // asleep backs off
    } finally {
      proc.kill('SIGTERM');
    }
    const r = await proc;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(existsSync(path.join(lab.env.TRIMTAB_STATE_DIR!, 'watch.pid'))).toBe(false);
  });
});

describe('the user command', () => {
  it('gets the event in env variables only; nothing it gets runs as shell code', async () => {
    // Short: the fake pane is 80 columns, and this reader takes the first screen line of the command.
    const pwned = `/tmp/ttw${Math.random().toString(36).slice(2, 7)}`;
    const hostile = `p$(touch ${pwned}-a)\`touch ${pwned}-b\``;
    const subject = `$(touch ${pwned}-c) \`touch ${pwned}-d\`; touch ${pwned}-e`;
    // A pane that shows a permission prompt whose command is hostile text.
    const screenFile = path.join(lab.dir, 'hostile-screen.txt');
    writeFileSync(
      screenFile,
      [
        '─'.repeat(40),
        ' Bash command',
        '',
        `   ${subject}`,
        '',
        ' Do you want to proceed?',
        ' ❯ 1. Yes',
        '   2. No',
        '',
      ].join('\n'),
    );
    const r0 = await lab.tmux('thor', [
      'new-window',
      '-d',
      '-t',
      '=agents:',
      '-n',
      hostile,
      `cat ${shQuote(screenFile)}; exec sleep 600`,
    ]);
    expect(r0.exitCode, r0.stderr).toBe(0);
    const { recorder, calls } = envRecorder(lab.dir);
    // Also a shell command that uses the variables the right way: they stay data.
    const viaShell = path.join(lab.dir, 'via-shell.txt');
    writeConfig({ command: [process.execPath, recorder, 'fixed-arg'] });
    const r = await watch(['--once']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    writeConfig({ command: ['sh', '-c', 'printf "%s|%s\\n" "$TRIMTAB_PROJECT" "$TRIMTAB_MESSAGE" >> "$0"', viaShell] });
    // The state says this episode was announced: forget it so the second destination sees it too.
    writeFileSync(path.join(lab.env.TRIMTAB_STATE_DIR!, 'watch.json'), '{"version":1,"agents":{},"pending":[]}');
    expect((await watch(['--once'])).exitCode).toBe(0);

    const lines = calls();
    const mine = lines.find((l) => l.env.TRIMTAB_PROJECT === hostile);
    expect(mine, JSON.stringify(lines)).toBeDefined();
    expect(mine!.argv).toEqual(['fixed-arg']);
    expect(mine!.env).toMatchObject({
      TRIMTAB_EVENT: 'waiting',
      TRIMTAB_HOST: 'thor',
      TRIMTAB_TITLE: `${hostile} on thor waits for you`,
    });
    expect(mine!.env.TRIMTAB_MESSAGE).toContain(`Bash: ${subject}`);
    expect(mine!.env.TRIMTAB_TARGET).toMatch(/^thor:%\d+$/); // not a typeable name: the pane id
    expect(readFileSync(viaShell, 'utf8')).toContain(`${hostile}|Bash: ${subject}`);
    for (const s of ['a', 'b', 'c', 'd', 'e']) expect(existsSync(`${pwned}-${s}`)).toBe(false);
  });
});

/**
 * install.sh --watch in a throwaway HOME. systemd itself cannot run here (no user bus in the test
 * container), so `systemctl` is a recording stand-in on PATH: one that fails like a missing user bus,
 * and one that succeeds, to check what install.sh asks of it.
 */
describe('install.sh --watch', () => {
  const home = () => path.join(lab.dir, `home-${Math.random().toString(36).slice(2, 7)}`);
  function stub(dir: string, ok: boolean): string {
    const bin = path.join(dir, 'stub-bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      path.join(bin, 'systemctl'),
      `#!/bin/sh\necho "$*" >> ${shQuote(path.join(dir, 'systemctl.log'))}\nexit ${ok ? 0 : 1}\n`,
      { mode: 0o755 },
    );
    return bin;
  }
  const install = (h: string, bin: string, args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: h, PATH: `${bin}:${process.env.PATH}` };
    for (const k of ['XDG_CONFIG_HOME', 'PREFIX', 'BIN_DIR', 'TRIMTAB_CACHE_DIR', 'XDG_CACHE_HOME']) delete env[k];
    return execa('bash', [path.join(REPO, 'install.sh'), ...args], { env, extendEnv: false, reject: false });
  };
  const unitOf = (h: string) => path.join(h, '.config/systemd/user/trimtab-watch.service');

  it('without a user bus: writes the unit, says how to enable it, never fails', async () => {
    const h = home();
    mkdirSync(h);
    const r = await install(h, stub(h, false), ['--no-build', '--watch']);
    expect(r.exitCode, r.stderr).toBe(0);
    const unit = readFileSync(unitOf(h), 'utf8');
    expect(unit).toContain(`ExecStart="${process.execPath}" "${h}/.local/share/trimtab/trimtab.mjs" watch`);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^WantedBy=default.target$/m);
    expect(r.stdout).toContain('systemctl --user daemon-reload && systemctl --user enable --now trimtab-watch.service');
    // The installed trimtab runs what the unit names.
    expect((await execa(process.execPath, [`${h}/.local/share/trimtab/trimtab.mjs`, '--version'])).stdout).toMatch(
      /^\d+\.\d+/,
    );
    const u = await install(h, stub(h, false), ['--uninstall']);
    expect(u.exitCode, u.stderr).toBe(0);
    expect(existsSync(unitOf(h))).toBe(false);
  });

  it('with a user bus: enables and starts it; --uninstall disables and removes it', async () => {
    const h = home();
    mkdirSync(h);
    const r = await install(h, stub(h, true), ['--no-build', '--watch']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('enabled and started');
    const calls = () => readFileSync(path.join(h, 'systemctl.log'), 'utf8').trim().split('\n');
    expect(calls()).toEqual([
      '--user show-environment',
      '--user daemon-reload',
      '--user enable --now trimtab-watch.service',
    ]);
    writeFileSync(path.join(h, 'systemctl.log'), '');
    const u = await install(h, stub(h, true), ['--uninstall']);
    expect(u.exitCode, u.stderr).toBe(0);
    expect(calls()).toEqual([
      '--user show-environment',
      '--user disable --now trimtab-watch.service',
      '--user show-environment',
      '--user daemon-reload',
    ]);
    expect(existsSync(unitOf(h))).toBe(false);
  });
});
