// `trimtab approve` and `trimtab reject` against the real Claude Code from the lab (the pinned npm
// release in a tmux pane on lab host thor, reached over the lab's real sshd), the built dist/trimtab.mjs.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApi, startFakeApi } from '../lab/fake-api.js';
import { eventually, type Lab, startLab } from '../lab/lab.js';
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
const cwd = () => path.join(lab.projects('thor'), 'api');
const PROMPT = /Esc to cancel/;
/** Claude Code can drop a key pressed the instant its prompt appears: answer once it has been up a moment. */
const settle = () => new Promise((r) => setTimeout(r, 1000));

beforeAll(async () => {
  requireLabClaude();
  lab = await startLab();
  api = await startFakeApi();
  writeClaudeConfig(claudeConfigDir(lab, 'thor'), [lab.mkProject('thor', 'api')]);
  cp = await startClaude(lab, 'thor', { api, cwd: cwd(), name: 'api', cols: 40, rows: 30 });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await lab?.stop();
});

describe('approve and reject a real Claude Code', () => {
  it('approve with nothing pending exits 1 and sends nothing', async () => {
    const received = api.received().length;
    const r = await lab.trimtab(['approve', 'thor:api']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('nothing to answer: thor:agents:api is idle, not waiting on a prompt');
    expect(lab.sentLog()).toEqual([]);
    // Nothing typed into the input box either, and nothing reached the model.
    expect(inputBox(await screen(lab, cp))).toBe('❯');
    expect(api.received().length).toBe(received);
  });

  it('approve on a Bash prompt presses its plain Yes: the command runs, and the sent log says so', async () => {
    await typeLine(lab, cp, 'lab:bash echo approved > bash-out.txt');
    await waitForScreen(lab, cp, PROMPT, 'the Bash prompt');
    await settle();
    const r = await lab.trimtab(['approve', 'thor:api']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('1. Yes');
    expect(r.stdout).toContain('Bash command: echo approved');
    await eventually(() => existsSync(path.join(cwd(), 'bash-out.txt')), 'the approved command to run', 30_000);
    expect(readFileSync(path.join(cwd(), 'bash-out.txt'), 'utf8')).toBe('approved\n');
    expect(lab.sentLog().at(-1)).toMatchObject({
      target: 'thor:agents:api',
      text: '1',
      keys: true,
      result: 'delivered',
    });
    await waitForScreen(lab, cp, (s) => /Done: the lab tool ran/.test(s) && !PROMPT.test(s), 'the turn to end');
  });

  it('reject on a Write prompt presses Esc: the file is not written', async () => {
    const file = path.join(cwd(), 'rejected.txt');
    await typeLine(lab, cp, `lab:write ${file}`);
    await waitForScreen(lab, cp, PROMPT, 'the Write prompt');
    await settle();
    const r = await lab.trimtab(['reject', 'thor:agents:api']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('rejected (Esc)');
    await waitForScreen(lab, cp, (s) => !PROMPT.test(s) && /Rejected/.test(s), 'the prompt to close');
    expect(existsSync(file)).toBe(false);
    expect(lab.sentLog().at(-1)).toMatchObject({ text: 'Escape', keys: true, result: 'delivered' });
  });

  it('approve OPTION on an AskUserQuestion: a missing option lists them; a number as drawn answers', async () => {
    await typeLine(lab, cp, 'lab:ask');
    await waitForScreen(lab, cp, /Enter to select/, 'the question');
    await settle();
    const none = await lab.trimtab(['approve', 'thor:api']);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('without a plain "Yes"');
    const bad = await lab.trimtab(['approve', 'thor:api', '9']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('has no option "9"');
    expect(bad.stderr).toMatch(/1\. Red, 2\. Green, 3\. Blue/);
    // "4. Type something." wants typing at the agent: a 4 pressed there would be typed, never chosen.
    const own = await lab.trimtab(['approve', 'thor:api', '4']);
    expect(own.exitCode).toBe(1);
    expect(own.stderr).toContain('takes an answer of your own');
    expect(own.stderr).toContain('--text');
    expect(await screen(lab, cp)).toMatch(/Enter to select/);
    const r = await lab.trimtab(['approve', 'thor:api', '2']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('2. Green');
    await waitForScreen(lab, cp, (s) => /→ Green/.test(s) && !/Enter to select/.test(s), 'the answer');
  });

  it('several answers allowed: 1 and 3 tick boxes, s submits, the review shows them, 1 sends both to the agent', async () => {
    const answered = api.requests().filter((r) => r.toolResult).length;
    await waitIdle(lab, cp);
    await typeLine(lab, cp, 'lab:ask-multi');
    await waitForScreen(lab, cp, /\[ \] Red/, 'the boxes');
    await settle();
    const red = await lab.trimtab(['approve', 'thor:api', '1']);
    expect(red.exitCode, red.stderr).toBe(0);
    expect(red.stdout).toContain('tick Red');
    await waitForScreen(lab, cp, /\[✔\] Red/, 'Red ticked');
    await settle();
    const blue = await lab.trimtab(['approve', 'thor:api', '3']);
    expect(blue.exitCode, blue.stderr).toBe(0);
    await waitForScreen(lab, cp, /\[✔\] Blue/, 'Blue ticked');
    // Nothing went to the model yet: a tick answers nothing.
    expect(api.requests().filter((r) => r.toolResult)).toHaveLength(answered);
    // The options as listed name Submit by its key.
    const list = JSON.parse((await lab.trimtab(['list', '--json', '--host', 'thor'])).stdout) as {
      agents: Array<{ prompt: { options: Array<{ key: string | null; label: string }> } | null }>;
    };
    expect(list.agents[0]?.prompt?.options).toContainEqual({ key: null, label: 'Submit' });
    await settle();
    const submit = await lab.trimtab(['approve', 'thor:api', 's']);
    expect(submit.exitCode, submit.stderr).toBe(0);
    await waitForScreen(lab, cp, /Review your answers/, 'the review');
    const review = JSON.parse((await lab.trimtab(['list', '--json', '--host', 'thor'])).stdout) as {
      agents: Array<{ prompt: { title: string; subject: string } | null }>;
    };
    expect(review.agents[0]?.prompt).toMatchObject({ title: 'Review your answers' });
    expect(review.agents[0]?.prompt?.subject).toContain('→ Red, Blue');
    await settle();
    const sent = await lab.trimtab(['approve', 'thor:api', '1']);
    expect(sent.exitCode, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('1. Submit answers');
    const result = await eventually(
      () => (api.lastToolResult()?.includes('colours') ? api.lastToolResult() : undefined),
      'the answers to reach the agent',
      20_000,
    );
    expect(result).toContain('Red, Blue');
    expect(result).not.toContain('Green');
  });

  it('--text types an answer of your own on the question\'s "Type something." row: the agent gets it byte for byte', async () => {
    await waitIdle(lab, cp);
    await typeLine(lab, cp, 'lab:ask');
    await waitForScreen(lab, cp, /Enter to select/, 'the question');
    await settle();
    // Ending in a backslash and ";": tmux reads a final ";" as the end of its command (answer.sh, tmux_arg).
    const text = `teal; it's "quoted" $(touch pwned) \`id\` & 42 ✓ x\\;`;
    // Refused before anything is pressed: two lines, or text with an option that is not the text row.
    const twoLines = await lab.trimtab(['approve', 'thor:api', '--text', 'a\nb']);
    expect(twoLines.exitCode).toBe(1);
    expect(twoLines.stderr).toContain('one line of printable text');
    const wrongRow = await lab.trimtab(['approve', 'thor:api', '1', '--text', 'x']);
    expect(wrongRow.exitCode).toBe(1);
    expect(wrongRow.stderr).toContain('--text goes with option 4 only');
    expect(await screen(lab, cp)).toMatch(/Enter to select/);
    const r = await lab.trimtab(['approve', 'thor:api', '--text', text]);
    expect(r.exitCode, r.stderr).toBe(0);
    const result = await eventually(
      () => (api.lastToolResult()?.includes('teal') ? api.lastToolResult() : undefined),
      'the answer at the agent',
      20_000,
    );
    // The stand-in logs the tool result as JSON: the text arrives exactly, JSON-escaped there.
    expect(result).toContain(JSON.stringify(text).slice(1, -1));
    expect(existsSync(path.join(cwd(), 'pwned'))).toBe(false);
  });

  it('two questions: each answer by its number, then the review; the agent gets both answers', async () => {
    await waitIdle(lab, cp);
    await typeLine(lab, cp, 'lab:ask-two');
    // The tab bar: earlier answers leave the question's words in the transcript above.
    await waitForScreen(lab, cp, /☐ Size/, 'the first question');
    await settle();
    expect((await lab.trimtab(['approve', 'thor:api', '2'])).exitCode).toBe(0);
    await waitForScreen(lab, cp, /How big should/, 'the second question');
    await settle();
    expect((await lab.trimtab(['approve', 'thor:api', 'small'])).exitCode).toBe(0);
    await waitForScreen(lab, cp, /Review your answers/, 'the review');
    await settle();
    expect((await lab.trimtab(['approve', 'thor:api', 'submit answers'])).exitCode).toBe(0);
    const result = await eventually(
      () => (api.lastToolResult()?.includes('How big') ? api.lastToolResult() : undefined),
      'both answers to reach the agent',
      20_000,
    );
    expect(result).toMatch(/Green/);
    expect(result).toMatch(/Small/);
  });
});
