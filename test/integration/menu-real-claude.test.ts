/**
 * The phone menu against the real Claude Code from the lab: the built dist/trimtab.mjs in a real 40x20
 * tmux pane, keys sent with send-keys, the screen read back with capture-pane; the agent is the pinned
 * Claude Code release on lab host thor (reached over the lab's real sshd), talking to the stand-in API,
 * whose log says byte for byte what reached the agent.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApi, startFakeApi } from '../lab/fake-api.js';
import { CLI, eventually, type Lab, startLab } from '../lab/lab.js';
import { Pane } from '../lab/pane.js';
import {
  type ClaudePane,
  claudeConfigDir,
  inputBox,
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
let menu: Pane;
const cwd = () => path.join(lab.projects('thor'), 'api');
const PROMPT = /Esc to cancel/;
/** A person reads a prompt before answering it: option keys are ignored for a moment after it shows. */
const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));
const fits = (s: string, columns: number, rows = 20) => {
  const lines = s.split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows);
  for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
};
/** Put the agent on a Bash prompt and wait until Claude Code shows it. */
async function bashPrompt(command: string) {
  await typeLine(lab, cp, `lab:bash ${command}`);
  await waitForScreen(lab, cp, PROMPT, 'the Bash prompt');
  // Claude Code can drop a key pressed the instant its prompt appears (seen in this lab: a desk's
  // `1` sent at once was lost, the prompt stayed); people see the prompt first, so does the test.
  await settle(1000);
}
const idleAgain = () => waitIdle(lab, cp);

beforeAll(async () => {
  requireLabClaude();
  lab = await startLab();
  api = await startFakeApi();
  writeClaudeConfig(claudeConfigDir(lab, 'thor'), [lab.mkProject('thor', 'api')]);
  // Claude Code draws for an 80-column pane, as on a desktop; the phone is 40 columns.
  cp = await startClaude(lab, 'thor', { api, cwd: cwd(), name: 'api', cols: 80, rows: 30 });
}, 120_000);
afterAll(async () => {
  await menu?.stop();
  await api?.close();
  await lab?.stop();
});

describe('the menu answering a real Claude Code, in a 40x20 pane', () => {
  it('Enter, Enter on a fresh list presses nothing; the prompt and its command show before any answer', async () => {
    await bashPrompt('echo entered > enter.txt');
    // A fresh menu. It refreshes every 600 s: what it shows stays put unless a test asks for a fresh look.
    menu = await Pane.start(
      `${lab.socket('here')}-phone`,
      `${process.execPath} ${CLI} menu --refresh 600; echo "exit=$?"; sleep 600`,
      lab.env,
    );
    await menu.waitFor(/❯ 1 +api +thor +waiting/, 'the waiting agent on row 1, under the cursor');
    await menu.keys('Enter', 'Enter');
    const shown = await menu.waitFor('Bash command', 'the agent screen');
    await menu.keys('Enter');
    await settle(1500);
    const s = await menu.screen();
    fits(s, 40);
    // The prompt first: title, the command, then the options by their own numbers and labels.
    expect(s).toContain('api · thor · waiting');
    expect(s).toContain('Bash command');
    expect(s).toContain('echo entered > enter.txt');
    expect(s).toMatch(/^ +1 +Yes$/m);
    expect(s).toMatch(/^ +4 +No$/m);
    expect(shown.indexOf('Bash command')).toBeLessThan(shown.indexOf('1  Yes'));
    // Nothing was pressed: the prompt is still up, the command did not run, nothing in the sent log.
    expect(PROMPT.test(await screen(lab, cp))).toBe(true);
    expect(existsSync(path.join(cwd(), 'enter.txt'))).toBe(false);
    expect(lab.sentLog()).toEqual([]);
  });

  it('its number answers: option 1 runs the command, recorded in the sent log', async () => {
    await menu.keys('1');
    await menu.waitFor('✔ answered 1. Yes', 'the result screen');
    await eventually(() => existsSync(path.join(cwd(), 'enter.txt')), 'the approved command to run', 30_000);
    expect(lab.sentLog().at(-1)).toMatchObject({
      target: 'thor:agents:api',
      text: '1',
      keys: true,
      result: 'delivered',
    });
    await idleAgain();
    await menu.keys('b');
    await menu.waitFor(/api · thor · idle/, 'the agent screen again');
  });

  it('a prompt answered elsewhere meanwhile is not pressed again: no stray key reaches the agent', async () => {
    await bashPrompt('echo once > once.txt');
    await menu.keys('r');
    await menu.waitFor('echo once > once.txt', 'the new prompt on the agent screen');
    // Someone answers it at the desk, once they have read it.
    await settle(1000);
    await execa('tmux', ['-L', lab.socket('thor'), 'send-keys', '-t', cp.pane, '1']);
    await idleAgain();
    const received = api.received().length;
    // The phone still shows the old prompt (it refreshes every 600 s here); its 1 must not be typed.
    expect(await menu.screen()).toContain('echo once > once.txt');
    await settle();
    await menu.keys('1');
    const s = await menu.waitFor('nothing pressed: the prompt changed', 'the refusal');
    fits(s, 40);
    expect(inputBox(await screen(lab, cp))).toBe('❯');
    expect(lab.sentLog().at(-1)).toMatchObject({ text: '1', result: 'not pressed: the prompt had changed' });
    // The next message arrives exactly as typed, without a stray 1 in front.
    await typeLine(lab, cp, 'next message');
    await eventually(() => api.received().length > received, 'the next message at the stand-in', 45_000);
    expect(api.received().at(-1)).toBe('next message');
    await idleAgain();
    await menu.keys('b');
    await menu.waitFor(/api · thor · idle/);
    await menu.keys('Escape');
    await menu.waitFor(/1 +api +thor/, 'the list');
  });

  it('peek reflows an 80-column line to 40 columns: every word shows', async () => {
    const words = Array.from({ length: 24 }, (_, i) => `word${String(i).padStart(2, '0')}`);
    await typeLine(lab, cp, words.join(' '));
    await waitForScreen(lab, cp, /Hello from the lab/, 'the reply');
    // On the agent's own 80-column screen the line runs past column 40.
    expect((await screen(lab, cp)).split('\n').some((l) => stringWidth(l) > 40 && l.includes('word'))).toBe(true);
    await idleAgain();
    await menu.keys('1');
    await menu.waitFor(/api · thor · idle/);
    await menu.keys('p');
    const peek = await menu.waitFor('api · thor · peek', 'peek');
    fits(peek, 40);
    // Scrolled to the end; what scrolled off above is a PageUp away (Claude Code may show tips in between).
    let seen = peek;
    for (let i = 0; i < 3; i++) {
      await menu.keys('PageUp');
      await settle(300);
      const s = await menu.screen();
      fits(s, 40);
      seen += s;
    }
    for (const w of words) expect(seen, w).toContain(w);
    await menu.keys('Escape');
    await menu.waitFor(/api · thor · idle/);
    await menu.keys('Escape');
    await menu.waitFor(/1 +api +thor/);
  });

  it('rotating 80 -> 40 -> 30 columns redraws at once at the new size, nothing wrapped', async () => {
    for (const columns of [80, 40, 30]) {
      await execa('tmux', ['-L', menu.socket, 'resize-window', '-x', String(columns), '-y', '20']);
      // No key: the resize alone redraws (SIGWINCH), laid out for the new width.
      const s = await eventually(async () => {
        const x = await menu.screen();
        const row = x.split('\n').find((l) => /^❯ 1 +api +thor +idle$/.test(l));
        // Laid out for this width: nothing wider, and at 80 columns wider than a phone's 40.
        const relaid = row !== undefined && (columns < 80 || stringWidth(row) > 40);
        return relaid && x.split('\n').every((l) => stringWidth(l) <= columns) ? x : undefined;
      }, `the list at ${columns} columns`);
      fits(s, columns);
      const lines = s.split('\n');
      expect(lines[0]).toMatch(/here · 1 agent/);
      // At 80 columns the name column is wider than a phone's: the row was laid out again, not cut.
      const row = lines.find((l) => /^❯ 1 /.test(l))!;
      if (columns === 80) expect(stringWidth(row)).toBeGreaterThan(40);
    }
    await execa('tmux', ['-L', menu.socket, 'resize-window', '-x', '40', '-y', '20']);
    await menu.waitFor(/^❯ 1 +api +thor +idle$/m);
  });

  it('slow two-digit input never answers: from ten rows on, digits wait for Enter', async () => {
    await lab.tmux('here', ['new-session', '-d', '-s', 'agents', '-n', 'extra0', 'sleep 600']);
    for (let i = 1; i < 10; i++)
      await lab.tmux('here', ['new-window', '-d', '-t', '=agents:', '-n', `extra${i}`, 'sleep 600']);
    await bashPrompt('echo slow > slow.txt');
    await menu.keys('r');
    await menu.waitFor(/11 agents/, 'eleven rows');
    await menu.waitFor(/1 +api +thor +waiting/);
    const received = api.received().length;
    await menu.type('1');
    await settle(700);
    await menu.type('2');
    await settle(1500);
    const s = await menu.screen();
    expect(s).toContain('go to 12_ (Enter)');
    expect(s).toMatch(/11 agents/); // still the list: neither row 1 nor an option was chosen
    expect(PROMPT.test(await screen(lab, cp))).toBe(true);
    expect(existsSync(path.join(cwd(), 'slow.txt'))).toBe(false);
    expect(api.received().length).toBe(received);
    // Backspace, then Enter opens row 1 itself; its prompt shows, and nothing is pressed.
    await menu.keys('BSpace', 'Enter');
    await menu.waitFor('echo slow > slow.txt', 'the agent screen');
    await settle(1000);
    expect(PROMPT.test(await screen(lab, cp))).toBe(true);
    await menu.keys('x');
    await menu.waitFor('✔ rejected (Esc)');
    await waitForScreen(lab, cp, (x) => !PROMPT.test(x), 'the prompt to close');
    expect(existsSync(path.join(cwd(), 'slow.txt'))).toBe(false);
  });

  it('message all leaves the waiting agent out and says so; Ctrl-C at its questions goes back', async () => {
    await menu.keys('b');
    await menu.waitFor(/api · thor/);
    await menu.keys('Escape');
    await menu.waitFor(/11 agents/);
    await bashPrompt('echo left > left.txt');
    await menu.keys('r');
    await menu.waitFor(/1 +api +thor +waiting/);
    // Ctrl-C at the message question: back to the list, no "internal error".
    await menu.keys('m');
    await menu.waitFor('message:');
    await menu.keys('C-c');
    await menu.waitFor(/11 agents/);
    const received = api.received().length;
    await menu.keys('m');
    await menu.waitFor('message:');
    await menu.type('hello all');
    await menu.keys('Enter');
    const confirm = await menu.waitFor('1 waiting on a prompt: left out', 'the confirm screen');
    fits(confirm, 40);
    expect(confirm).not.toContain('thor:agents:api');
    // Ctrl-C at the confirm: back, nothing sent.
    await menu.keys('C-c');
    await menu.waitFor(/11 agents/);
    expect(await menu.screen()).not.toContain('internal error');
    expect(api.received().length).toBe(received);
    expect(PROMPT.test(await screen(lab, cp))).toBe(true);
    expect(lab.sentLog().some((e) => e.text === 'hello all')).toBe(false);
  });

  it('Esc on the list does not quit; Ctrl-C there ends the menu with 130', async () => {
    await menu.keys('Escape');
    await settle(1000);
    expect(await menu.screen()).toMatch(/11 agents/);
    await menu.keys('C-c');
    await menu.waitFor('exit=130');
    expect(await menu.screen()).not.toContain('internal error');
  });
});

describe('the menu keeps itself fresh', () => {
  it('the list and the agent screen read the agent again by themselves and say how fresh they are', async () => {
    const live = await Pane.start(`${lab.socket('here')}-live`, `${process.execPath} ${CLI} menu --refresh 1`, lab.env);
    try {
      // The prompt the message-all test left up goes first.
      if (PROMPT.test(await screen(lab, cp)))
        await execa('tmux', ['-L', lab.socket('thor'), 'send-keys', '-t', cp.pane, 'Escape']);
      await idleAgain();
      const before = await live.waitFor(/\b\d+ +api +thor +idle/, 'the idle agent');
      expect(before).toMatch(/updated \d+s ago/);
      const row = /\b(\d+) +api +thor/.exec(before)![1]!;
      await bashPrompt('echo live > live.txt');
      // No key: the list asks again and shows it waiting, on the same row number as before.
      await live.waitFor(new RegExp(`\\b${row} +api +thor +waiting`), 'the list refreshed by itself');
      await live.type(row);
      await live.keys('Enter');
      await live.waitFor('echo live > live.txt', 'the prompt');
      await execa('tmux', ['-L', lab.socket('thor'), 'send-keys', '-t', cp.pane, 'Escape']);
      await live.waitFor(/api · thor · idle/, 'the agent screen refreshed by itself');
      expect(existsSync(path.join(cwd(), 'live.txt'))).toBe(false);
    } finally {
      await live.stop();
    }
  });
});

describe('questions from the phone (AskUserQuestion)', () => {
  it('several answers: digits tick boxes on the same screen, s opens the review there, 1 sends them', async () => {
    if (PROMPT.test(await screen(lab, cp)))
      await execa('tmux', ['-L', lab.socket('thor'), 'send-keys', '-t', cp.pane, 'Escape']);
    await idleAgain();
    await typeLine(lab, cp, 'lab:ask-multi');
    await waitForScreen(lab, cp, /\[ \] Red/, 'the boxes');
    const phone = await Pane.start(
      `${lab.socket('here')}-ask`,
      `${process.execPath} ${CLI} menu --refresh 600`,
      lab.env,
    );
    try {
      await phone.waitFor(/❯ 1 +api +thor +waiting/, 'the waiting agent');
      await phone.keys('Enter');
      let s = await phone.waitFor('Which colours should the lab use?', 'the question');
      fits(s, 40);
      expect(s).toMatch(/^ +1 +\[ \] Red$/m);
      expect(s).toMatch(/^ +s +Submit$/m);
      expect(s).toContain('1-5, s answer');
      await settle();
      await phone.keys('1');
      await phone.waitFor(/✔ tick Red[\s\S]*\[✔\] Red/, 'Red ticked, on the question screen');
      await settle();
      await phone.keys('3');
      s = await phone.waitFor(/✔ tick Blue[\s\S]*\[✔\] Blue/, 'Blue ticked');
      fits(s, 40);
      expect(s).toMatch(/^ +1 +\[✔\] Red$/m);
      expect(api.lastToolResult() ?? '').not.toContain('Red, Blue');
      await settle();
      await phone.keys('s');
      s = await phone.waitFor('Review your answers', 'the review, on the agent screen');
      fits(s, 40);
      expect(s).toContain('→ Red, Blue');
      expect(s).toMatch(/^ +1 +Submit answers$/m);
      await settle();
      await phone.keys('1');
      await phone.waitFor('✔ answered 1. Submit answers', 'the result screen');
      const result = await eventually(
        () => (api.lastToolResult()?.includes('Red, Blue') ? api.lastToolResult() : undefined),
        'the answers at the agent',
        20_000,
      );
      expect(result).not.toContain('Green');
      expect(
        lab
          .sentLog()
          .slice(-4)
          .map((e) => e.text),
      ).toEqual(['1', '3', 'Down Down Down Down Enter', '1']);
    } finally {
      await phone.stop();
    }
  });

  it('an answer of your own: the "Type something." row asks for it, and the agent gets it as typed', async () => {
    await idleAgain();
    await typeLine(lab, cp, 'lab:ask');
    await waitForScreen(lab, cp, /Enter to select/, 'the question');
    const phone = await Pane.start(
      `${lab.socket('here')}-own`,
      `${process.execPath} ${CLI} menu --refresh 600`,
      lab.env,
    );
    try {
      await phone.waitFor(/❯ 1 +api +thor +waiting/, 'the waiting agent');
      await phone.keys('Enter');
      await phone.waitFor(/4 +Type something\./, 'the question');
      await settle();
      await phone.keys('4');
      await phone.waitFor('your answer:', 'the question for the answer');
      // Nothing went to the agent yet: its prompt still has the ❯ on option 1.
      expect(await screen(lab, cp)).toMatch(/❯ 1\. Red/);
      await phone.type('teal, "please"');
      await phone.keys('Enter');
      await phone.waitFor('✔ answered', 'the result screen');
      const result = await eventually(
        () => (api.lastToolResult()?.includes('teal') ? api.lastToolResult() : undefined),
        'the answer at the agent',
        20_000,
      );
      // The stand-in logs the tool result as JSON: the text arrives exactly, JSON-escaped there.
      expect(result).toContain(JSON.stringify('teal, "please"').slice(1, -1));
    } finally {
      await phone.stop();
    }
  });

  it('two questions: the first answer shows the second, numbered "2 of 2", then the review', async () => {
    await idleAgain();
    await typeLine(lab, cp, 'lab:ask-two');
    // The tab bar: earlier answers leave the question's words in the transcript above.
    await waitForScreen(lab, cp, /☐ Size/, 'the first question');
    const phone = await Pane.start(
      `${lab.socket('here')}-two`,
      `${process.execPath} ${CLI} menu --refresh 600`,
      lab.env,
    );
    try {
      await phone.waitFor(/❯ 1 +api +thor +waiting/, 'the waiting agent');
      await phone.keys('Enter');
      await phone.waitFor('Colour (1 of 2)', 'the first question');
      await settle();
      await phone.keys('2');
      const s = await phone.waitFor(/✔ answered 2\. Green[\s\S]*Size \(2 of 2\)/, 'the second question');
      fits(s, 40);
      await settle();
      await phone.keys('1');
      const review = await phone.waitFor('Review your answers', 'the review');
      expect(review).toContain('→ Green');
      expect(review).toContain('→ Small');
      await settle();
      await phone.keys('1');
      await phone.waitFor('✔ answered 1. Submit answers', 'the result screen');
      const result = await eventually(
        () => (api.lastToolResult()?.includes('How big') ? api.lastToolResult() : undefined),
        'both answers at the agent',
        20_000,
      );
      expect(result).toMatch(/Green/);
      expect(result).toMatch(/Small/);
    } finally {
      await phone.stop();
    }
  });
});
