// `trimtab watch` against the REAL Claude Code (the pinned npm release) in the lab: the agent runs in
// a tmux pane on thor behind the lab's real sshd, the stand-in Messages API puts up real Bash
// permission prompts (`lab:bash CMD`), and a local HTTP receiver on 127.0.0.1 stands in for ntfy.
// The watcher is the built trimtab, as its own process. Times are measured and bounded generously
// (several labs share two cores); what is asserted exactly is the count and the order of events.

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envRecorder } from '../lab/env-recorder.js';
import { type FakeApi, startFakeApi } from '../lab/fake-api.js';
import { CLI, eventually, type Lab, startLab } from '../lab/lab.js';
import {
  type ClaudePane,
  claudeConfigDir,
  pressKeys,
  requireLabClaude,
  screen,
  startClaude,
  typeLine,
  waitForScreen,
  writeClaudeConfig,
} from '../lab/real-claude.js';

const INTERVAL = 1;
/** The bound is the poll interval plus 1 s; the slack is for a loaded test machine. */
const PUSH_BOUND_MS = (INTERVAL + 1) * 1000 + 8000;
const PROMPT = /Esc to cancel/;

interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}
const received: Received[] = [];
let answers: number[] = [];
let receiver: http.Server;
let topicUrl = '';
let lab: Lab;
let api: FakeApi;
let baseConfig: Record<string, unknown>;
let cp: ClaudePane;
let counter: ReturnType<Lab['countingSsh']>;
const cwd = () => path.join(lab.projects('thor'), 'api');
const configFile = () => path.join(lab.env.TRIMTAB_CONFIG_DIR!, 'config.json');
const stateFile = () => path.join(lab.env.TRIMTAB_STATE_DIR!, 'watch.json');
const logFile = () => path.join(lab.env.TRIMTAB_STATE_DIR!, 'watch.log');
const log = () => (existsSync(logFile()) ? readFileSync(logFile(), 'utf8') : '');

function writeConfig(notify: Record<string, unknown>): void {
  // asleep takes the whole connect timeout to fail: thor's pushes must not wait for it.
  writeFileSync(configFile(), JSON.stringify({ ...baseConfig, connectTimeoutSeconds: 6, notify }, null, 2));
}

function watch(args: string[]): ResultPromise {
  return execa(process.execPath, [CLI, 'watch', ...args], {
    env: { ...lab.env, TRIMTAB_SSH: counter.program },
    extendEnv: false,
    reject: false,
    timeout: 120_000,
  });
}

/** The number in front of an option label, read off the screen (never assumed). */
function optionKey(s: string, label: string): string {
  const m = new RegExp(`(\\d+)\\. ${label}\\s*$`, 'm').exec(s);
  if (!m) throw new Error(`no option "${label}" on the screen:\n${s}`);
  return m[1]!;
}

/**
 * Let thor be polled at least `n` more times: `n` intervals pass, then the watcher saves its state
 * once more (it saves after every poll of a host that answered).
 */
async function polls(n: number): Promise<void> {
  await new Promise((r) => setTimeout(r, n * INTERVAL * 1000));
  const last = statSync(stateFile()).mtimeMs;
  await eventually(() => statSync(stateFile()).mtimeMs !== last, 'another poll', 20_000);
}

/** What the watcher last saw of the api agent on thor. */
const memo = () =>
  Object.values(
    JSON.parse(readFileSync(stateFile(), 'utf8')).agents as Record<
      string,
      { host: string; project: string; status: string }
    >,
  ).find((m) => m.host === 'thor' && m.project === 'api');

/** Approve the prompt on screen with the key its "Yes" option shows, and wait for the turn to end. */
async function approve(file: string): Promise<void> {
  const s = await screen(lab, cp);
  await pressKeys(lab, cp, optionKey(s, 'Yes'));
  await eventually(() => existsSync(path.join(cwd(), file)), `the approved command to write ${file}`, 30_000);
  await waitForScreen(lab, cp, (x) => !PROMPT.test(x) && /Done: the lab tool ran/.test(x), 'the turn to end');
}

beforeAll(async () => {
  requireLabClaude();
  lab = await startLab();
  api = await startFakeApi();
  counter = lab.countingSsh();
  baseConfig = JSON.parse(readFileSync(configFile(), 'utf8'));
  writeClaudeConfig(claudeConfigDir(lab, 'thor'), [lab.mkProject('thor', 'api')]);
  receiver = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const status = answers.shift() ?? 200;
      received.push({ at: Date.now(), headers: req.headers, body, answered: status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  topicUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/trimtab-real`;
  cp = await startClaude(lab, 'thor', { api, cwd: cwd(), name: 'api', cols: 100 });
}, 120_000);
afterAll(async () => {
  receiver?.close();
  await api?.close();
  await lab?.stop();
});

describe('trimtab watch with a real Claude Code on thor', () => {
  let proc: ResultPromise;

  it('a prompt up when the watcher starts: pushed (500, then 200: delivered once) before the asleep host has even failed', async () => {
    await typeLine(lab, cp, 'lab:bash echo one > one.txt');
    await waitForScreen(lab, cp, PROMPT, 'the first Bash prompt');
    writeConfig({ ntfy: topicUrl, intervalSeconds: INTERVAL, click: 'ssh://thor' });
    answers = [500];
    counter.reset();
    proc = watch([]);
    await eventually(() => received.some((r) => r.answered === 200), 'a delivered push', 40_000);
    expect(received.map((r) => r.answered)).toEqual([500, 200]);
    const post = received[1]!;
    expect(post.headers.title).toBe('api on thor waits for you');
    expect(post.body).toBe('Bash: echo one > one.txt\nthor:agents:api');
    expect(post.headers).toMatchObject({ priority: 'high', click: 'ssh://thor', tags: 'hourglass_flowing_sand,thor' });
    // Order: delivered (after its retry) while asleep was still inside its connect timeout.
    const text = log();
    const sent = text.indexOf('sent waiting "api on thor waits for you" via ntfy (try 2)');
    expect(sent, text).toBeGreaterThan(0);
    const asleepDown = text.indexOf('asleep did not answer');
    expect(asleepDown === -1 || asleepDown > sent, text).toBe(true);
  }, 90_000);

  it('later polls send nothing while the same prompt waits', async () => {
    await polls(3);
    expect(received).toHaveLength(2);
    expect(memo()?.status).toBe('waiting');
  }, 60_000);

  it('approve (the key read from the screen), then a new prompt: one more push, within the bound of its appearance', async () => {
    await approve('one.txt');
    await eventually(() => memo()?.status !== 'waiting', 'the watcher to see the prompt answered', 20_000);
    expect(received).toHaveLength(2);
    const typed = Date.now();
    await typeLine(lab, cp, 'lab:bash echo two > two.txt');
    // The prompt's appearance, measured the way a user would see it: polling the pane.
    let appeared = 0;
    await eventually(
      async () => {
        const shown = PROMPT.test(await screen(lab, cp));
        if (shown) appeared = Date.now();
        return shown || received.length > 2;
      },
      'the second prompt',
      45_000,
    );
    await eventually(() => received.length > 2, 'the second push', 30_000);
    appeared ||= received[2]!.at; // the push beat our pane poll to it
    const post = received[2]!;
    expect(post.body).toBe('Bash: echo two > two.txt\nthor:agents:api');
    expect(post.at).toBeGreaterThan(typed);
    const latency = post.at - appeared;
    expect(latency, `push ${latency} ms after the prompt appeared`).toBeLessThan(PUSH_BOUND_MS);
    await polls(2);
    expect(received).toHaveLength(3);
  }, 120_000);

  it('kept thor on one ssh session for the whole run, then stops cleanly on SIGTERM', async () => {
    const thorSsh = counter.calls().filter((c) => / thor sh -s$/.test(c));
    expect(thorSsh).toHaveLength(1);
    proc.kill('SIGTERM');
    const r = await proc;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(log()).toMatch(/stopped\n$/);
  }, 30_000);

  it('the user command gets the event in env variables only; nothing it gets runs as shell code', async () => {
    await approve('two.txt');
    // The state still has the episode of "echo two": a --once pass sees it answered.
    const pwned = `/tmp/ttrw${Math.random().toString(36).slice(2, 7)}`;
    const { recorder, calls } = envRecorder(lab.dir);
    const viaShell = path.join(lab.dir, 'via-shell.txt');
    // A shell command that uses the variables the right way (quoted: they stay data), then the recorder.
    writeConfig({
      command: [
        'sh',
        '-c',
        'printf "%s\\n" "$TRIMTAB_MESSAGE" >> "$1"; exec "$2" "$3" fixed-arg',
        'sh',
        viaShell,
        process.execPath,
        recorder,
      ],
    });
    expect((await watch(['--once'])).exitCode).toBe(0);
    const hostile = `echo "$(touch ${pwned}-a)" \`touch ${pwned}-b\`; touch ${pwned}-c`;
    await typeLine(lab, cp, `lab:bash ${hostile}`);
    const s = await waitForScreen(lab, cp, PROMPT, 'the hostile Bash prompt');
    expect(s).toContain(`touch ${pwned}-c`);
    const r = await watch(['--once']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const lines = calls();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.argv).toEqual(['fixed-arg']);
    expect(lines[0]!.env).toMatchObject({
      TRIMTAB_EVENT: 'waiting',
      TRIMTAB_HOST: 'thor',
      TRIMTAB_TARGET: 'thor:agents:api',
      TRIMTAB_PROJECT: 'api',
      TRIMTAB_TITLE: 'api on thor waits for you',
    });
    // 2.1.328 draws a command it cannot check ("Quoted text in this command can't be checked") with a
    // "│ " gutter, which the prompt reader still keeps: the command itself arrives whole, byte for byte.
    const message = lines[0]!.env.TRIMTAB_MESSAGE as string;
    expect(message).toMatch(/^Bash: (│ )?/);
    expect(message).toContain(`${hostile}\nthor:agents:api`);
    expect(readFileSync(viaShell, 'utf8')).toBe(`${message}\n`);
    // Rejected, never run: any file below would have come from a shell reading the event.
    await pressKeys(lab, cp, 'Escape');
    await waitForScreen(lab, cp, (x) => !PROMPT.test(x), 'the prompt to close');
    for (const x of ['a', 'b', 'c']) expect(existsSync(`${pwned}-${x}`)).toBe(false);
  }, 120_000);
});
