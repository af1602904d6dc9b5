// Delivery on the real Claude Code (the pinned npm release) in the lab, through the built trimtab over
// the lab's real ssh: concurrent sends arrive as separate messages, byte for byte (the stand-in API logs
// every user text it receives), and a send to an agent on a permission prompt is refused unless --force.
// A missing binary fails here, never skips.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApi, startFakeApi } from '../lab/fake-api.js';
import { eventually, type Lab, startLab } from '../lab/lab.js';
import {
  type ClaudePane,
  claudeConfigDir,
  requireLabClaude,
  screen,
  startClaude,
  typeLine,
  waitForScreen,
  waitIdle,
  writeClaudeConfig,
} from '../lab/real-claude.js';

let lab: Lab;
let api: FakeApi;
let cp: ClaudePane;
const cwd = () => path.join(lab.projects('thor'), 'real');
const TARGET = 'thor:agents:real';
const PROMPT = /Esc to cancel/;

beforeAll(async () => {
  requireLabClaude();
  lab = await startLab();
  api = await startFakeApi();
  writeClaudeConfig(claudeConfigDir(lab, 'thor'), [lab.mkProject('thor', 'real')]);
  cp = await startClaude(lab, 'thor', { api, cwd: cwd(), name: 'real', cols: 100 });
}, 90_000);
afterAll(async () => {
  await api?.close();
  await lab?.stop();
});

/** Wait until the agent is back at an empty input box with no turn running. */
const settled = () => waitIdle(lab, cp);

describe('the real Claude Code', () => {
  it('runs in a pane whose foreground command trimtab accepts as the agent', async () => {
    const cmd = (
      await lab.tmux('thor', ['display-message', '-p', '-t', cp.pane, '#{pane_current_command}'])
    ).stdout.trim();
    expect(cmd).toMatch(/^(claude|node|\d+\.\d+\.\d+)$/);
    const r = await lab.trimtab(['send', TARGET, 'first words']);
    expect(r.exitCode, r.stderr).toBe(0);
    await eventually(() => api.received().includes('first words'), 'the stand-in to receive the first words', 45_000);
    await settled();
  });

  it('five concurrent sends arrive as five separate user messages, byte for byte, none merged, none empty', async () => {
    const texts = [
      'one: "quoted" $(x)',
      "two: it's `ticked`",
      'three; & | \\ end;',
      'four: ünï ✓ 日本',
      'five: Enter C-c',
    ];
    const before = api.received().length;
    const results = await Promise.all(texts.map((t) => lab.trimtab(['send', TARGET, '--', t])));
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    await eventually(() => api.received().length - before >= texts.length, 'five user messages', 90_000);
    await settled();
    const got = api.received().slice(before);
    expect(got).toHaveLength(texts.length);
    expect([...got].sort()).toEqual([...texts].sort());
  }, 150_000);

  it('five concurrent sends while the agent works on a turn of its own: still five messages, none merged', async () => {
    // Claude Code hands messages queued during one turn to the model as one ("a\n\nb"): each send
    // after a recent one waits for the turn to end (sh/deliver.sh, settle).
    const before = api.received().length;
    await typeLine(lab, cp, 'lab:slow 3');
    await waitForScreen(lab, cp, /esc to interrupt/, 'the agent working');
    const texts = ['six', 'seven', 'eight', 'nine', 'ten'];
    const results = await Promise.all(texts.map((t) => lab.trimtab(['send', TARGET, t])));
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    await eventually(
      () => api.received().length - before >= texts.length + 1,
      'the slow turn and five user messages',
      90_000,
    );
    await settled();
    const got = api.received().slice(before);
    expect(got[0]).toBe('lab:slow 3');
    expect([...got.slice(1)].sort()).toEqual([...texts].sort());
  }, 150_000);

  it('a send to the agent on a Bash prompt is refused: the stand-in receives nothing and the prompt stays; --force delivers', async () => {
    const out = path.join(cwd(), 'forced.txt');
    await typeLine(lab, cp, `lab:bash echo forced > ${out}`);
    await waitForScreen(lab, cp, PROMPT, 'the Bash prompt');
    const before = api.received().length;
    const r = await lab.trimtab(['send', TARGET, 'do not answer the prompt']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`${TARGET} is waiting on a prompt: answer it first, or --force`);
    const b = await lab.trimtab(['broadcast', '--host', 'thor', '--yes', 'nor this']);
    expect(b.exitCode).toBe(1);
    expect(b.stderr).toContain('the only agent is waiting on a prompt');
    await new Promise((res) => setTimeout(res, 1500));
    const s = await screen(lab, cp);
    expect(s).toMatch(PROMPT);
    expect(s).toContain('Do you want to proceed?');
    expect(s).not.toContain('do not answer');
    expect(api.received()).toHaveLength(before);
    expect(existsSync(out)).toBe(false);
    // --force: the text and its Enter reach the prompt, which the Enter answers.
    const forced = await lab.trimtab(['send', '--force', TARGET, 'forced']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    await waitForScreen(lab, cp, (x) => !PROMPT.test(x), 'the prompt to be answered', 30_000);
  }, 120_000);
});
