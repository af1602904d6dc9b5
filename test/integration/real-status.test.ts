// `trimtab list --json` (the built dist/trimtab.mjs, over the lab's real ssh to `thor`) against the
// real Claude Code (the pinned npm release) in each state: status, statusSource, waitingFor and prompt
// as a user's script sees them. thor's config carries `claudeConfigDir` (lab.ts), the dir the agents
// there run with. A missing binary fails here, never skips.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApi, startFakeApi } from '../lab/fake-api.js';
import { eventually, type Lab, startLab } from '../lab/lab.js';
import {
  type ClaudePane,
  claudeConfigDir,
  paneDead,
  pressKeys,
  registryEntry,
  requireLabClaude,
  screen,
  startClaude,
  typeLine,
  waitForScreen,
  writeClaudeConfig,
} from '../lab/real-claude.js';

interface Listed {
  paneId: string;
  status: string;
  statusSource: string;
  waitingFor: string | null;
  sessionId: string | null;
  prompt: {
    kind: string;
    title: string;
    subject: string;
    options: Array<{ key: string | null; label: string }>;
  } | null;
}

let lab: Lab;
let api: FakeApi;
beforeAll(async () => {
  requireLabClaude();
  lab = await startLab();
  api = await startFakeApi();
  writeClaudeConfig(
    claudeConfigDir(lab, 'thor'),
    ['api', 'crash', 'narrow', 'decoy'].map((p) => lab.mkProject('thor', p)),
  );
});
afterAll(async () => {
  await api?.close();
  await lab?.stop();
});

/** `trimtab list --json --host thor`: exit 0, no raw control byte on stdout, the agents by pane id. */
async function list(): Promise<Map<string, Listed>> {
  const r = await lab.trimtab(['list', '--json', '--host', 'thor']);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  const { agents } = JSON.parse(r.stdout) as { agents: Listed[] };
  return new Map(agents.map((a) => [a.paneId, a]));
}
const listedAs = async (cp: ClaudePane) => (await list()).get(cp.pane);
/** Poll the list until the pane's entry passes `ok`. */
const listedWhen = (cp: ClaudePane, ok: (a: Listed) => boolean, what: string, ms = 30_000) =>
  eventually(
    async () => {
      const a = await listedAs(cp);
      return a && ok(a) ? a : undefined;
    },
    what,
    ms,
  );

/** The numbered options as drawn on the screen: `N. Label` rows (a long label wraps onto the next row). */
function screenOptions(s: string): Array<{ key: string; label: string }> {
  return [...s.matchAll(/^\s*(?:❯\s*)?(\d)\.\s+(\S.*?)\s*$/gmu)].map((m) => ({ key: m[1]!, label: m[2]! }));
}
/** Each option listed is one drawn: same number, and its label starts with the row drawn. */
function expectOptionsAsDrawn(options: Array<{ key: string | null; label: string }>, s: string): void {
  const drawn = screenOptions(s);
  expect(options.map((o) => o.key)).toEqual(drawn.map((o) => o.key));
  for (const [i, o] of options.entries()) expect(o.label.startsWith(drawn[i]!.label)).toBe(true);
}
const PROMPT = /Esc to cancel/;
const UUID = /^[0-9a-f-]{36}$/;

describe('one real Claude Code, as list --json shows it', () => {
  let cp: ClaudePane;
  const cwd = () => path.join(lab.projects('thor'), 'api');
  beforeAll(async () => {
    cp = await startClaude(lab, 'thor', { api, cwd: cwd(), name: 'api', cols: 80 });
  }, 90_000);

  it('idle: from Claude Code itself, with its session id', async () => {
    const a = await listedWhen(cp, (x) => x.statusSource === 'claude', 'a registry-backed entry');
    expect(a).toMatchObject({ status: 'idle', statusSource: 'claude', waitingFor: null, prompt: null });
    expect(a.sessionId).toMatch(UUID);
    expect(a.sessionId).toBe(registryEntry(claudeConfigDir(lab, 'thor'), cp.pid)?.sessionId);
  });

  it('working while a reply streams (lab:slow)', async () => {
    await typeLine(lab, cp, 'lab:slow 10');
    await waitForScreen(lab, cp, /esc to interrupt/, 'working');
    const a = await listedWhen(cp, (x) => x.status === 'working', 'working', 20_000);
    expect(a).toMatchObject({ statusSource: 'claude', waitingFor: null, prompt: null });
    await waitForScreen(lab, cp, (s) => !/esc to interrupt/.test(s), 'the slow reply to end', 60_000);
    await listedWhen(cp, (x) => x.status === 'idle', 'idle again');
  });

  it('waiting on Bash: the words from Claude Code, the command and options from the screen; approve runs it', async () => {
    const command = 'echo approved > bash-out.txt';
    await typeLine(lab, cp, `lab:bash ${command}`);
    const s = await waitForScreen(lab, cp, PROMPT, 'the Bash prompt');
    const a = await listedWhen(cp, (x) => x.status === 'waiting', 'waiting');
    expect(a).toMatchObject({ statusSource: 'claude', waitingFor: 'permission prompt' });
    expect(a.prompt).toMatchObject({ kind: 'permission', subject: command });
    expectOptionsAsDrawn(a.prompt!.options, s);
    expect(a.prompt!.options.length).toBeGreaterThanOrEqual(2);
    const yes = a.prompt!.options.find((o) => o.label === 'Yes')!;
    await pressKeys(lab, cp, yes.key!);
    await waitForScreen(lab, cp, (x) => /Done: the lab tool ran/.test(x) && !PROMPT.test(x), 'the turn to end');
    const after = await listedWhen(cp, (x) => x.status === 'idle', 'idle after approve');
    expect(after).toMatchObject({ statusSource: 'claude', waitingFor: null, prompt: null });
  });

  it('waiting on Write: the path is the subject; reject (Escape) brings it back to idle', async () => {
    const file = path.join(cwd(), 'rejected.txt');
    await typeLine(lab, cp, `lab:write ${file}`);
    await waitForScreen(lab, cp, PROMPT, 'the Write prompt');
    const a = await listedWhen(cp, (x) => x.status === 'waiting', 'waiting');
    expect(a).toMatchObject({ statusSource: 'claude', waitingFor: 'permission prompt' });
    expect(a.prompt).toMatchObject({ kind: 'permission', title: 'Create file' });
    // The path as Claude Code draws it (relative to the project).
    expect(a.prompt!.subject).toContain('rejected.txt');
    expect(file.endsWith(a.prompt!.subject)).toBe(true);
    await pressKeys(lab, cp, 'Escape');
    await waitForScreen(lab, cp, (x) => !PROMPT.test(x) && /Rejected/.test(x), 'the prompt to close');
    const after = await listedWhen(cp, (x) => x.status === 'idle', 'idle after reject');
    expect(after).toMatchObject({ statusSource: 'claude', waitingFor: null, prompt: null });
  });

  it('waiting on AskUserQuestion: input needed, the question and its options', async () => {
    await typeLine(lab, cp, 'lab:ask');
    const s = await waitForScreen(lab, cp, /Enter to select/, 'the question');
    const a = await listedWhen(cp, (x) => x.status === 'waiting', 'waiting');
    expect(a).toMatchObject({ statusSource: 'claude', waitingFor: 'input needed' });
    expect(a.prompt).toMatchObject({ kind: 'question', subject: 'Which colour should the lab use?' });
    const green = a.prompt!.options.find((o) => o.label.startsWith('Green'));
    expect(green?.key).toBe(/(\d)\. Green/.exec(s)?.[1]);
    await pressKeys(lab, cp, green!.key!);
    await waitForScreen(lab, cp, (x) => /→ Green/.test(x) && !/Enter to select/.test(x), 'the answer');
    await listedWhen(cp, (x) => x.status === 'idle', 'idle after the answer');
  });

  it('exited (/exit): from the screen, with no session', async () => {
    await typeLine(lab, cp, '/exit');
    await eventually(() => paneDead(lab, cp), 'the pane to die', 30_000);
    expect(await listedAs(cp)).toMatchObject({
      status: 'exited',
      statusSource: 'screen',
      waitingFor: null,
      sessionId: null,
    });
  });
});

describe('a real Claude Code killed with kill -9', () => {
  it('its stale registry file (still saying busy) does not make it "working"', async () => {
    const cp = await startClaude(lab, 'thor', {
      api,
      cwd: path.join(lab.projects('thor'), 'crash'),
      name: 'crash',
      cols: 80,
    });
    await typeLine(lab, cp, 'lab:slow 60');
    await listedWhen(cp, (x) => x.status === 'working' && x.statusSource === 'claude', 'working', 30_000);
    process.kill(cp.pid, 'SIGKILL');
    await eventually(() => paneDead(lab, cp), 'the pane to die', 30_000);
    expect(registryEntry(claudeConfigDir(lab, 'thor'), cp.pid)).toMatchObject({ pid: cp.pid, status: 'busy' });
    // The screen still shows the spinner and "esc to interrupt": only the dead pid tells.
    expect(await screen(lab, cp)).toMatch(/esc to interrupt/);
    expect(await listedAs(cp)).toMatchObject({
      status: 'exited',
      statusSource: 'screen',
      waitingFor: null,
      sessionId: null,
    });
  }, 120_000);
});

describe('a narrow pane (40 columns, a phone)', () => {
  it('waiting on Bash: the whole command, unwrapped, and the options as drawn', async () => {
    const cp = await startClaude(lab, 'thor', {
      api,
      cwd: path.join(lab.projects('thor'), 'narrow'),
      name: 'narrow',
      cols: 40,
    });
    const command = 'echo a-rather-long-command-line that wraps at forty columns > narrow-out.txt';
    await typeLine(lab, cp, `lab:bash ${command}`);
    const s = await waitForScreen(lab, cp, PROMPT, 'the Bash prompt');
    const a = await listedWhen(cp, (x) => x.status === 'waiting', 'waiting');
    expect(a).toMatchObject({ statusSource: 'claude', waitingFor: 'permission prompt' });
    expect(a.prompt?.subject).toBe(command);
    expectOptionsAsDrawn(a.prompt!.options, s);
    await pressKeys(lab, cp, 'Escape');
    await lab.tmux('thor', ['kill-pane', '-t', cp.pane]);
  }, 120_000);
});

describe('garbage in the registry folder, beside real files', () => {
  it('never breaks list, and nothing of it is printed', async () => {
    const cp = await startClaude(lab, 'thor', {
      api,
      cwd: path.join(lab.projects('thor'), 'decoy'),
      name: 'real',
      cols: 80,
    });
    // Panes of the agents session whose process is alive but is not Claude Code: `sleep`.
    const decoy = async (name: string) => {
      const made = await lab.tmux('thor', [
        'new-window',
        '-d',
        '-P',
        '-F',
        '#{pane_id} #{pane_pid}',
        '-t',
        '=agents:',
        '-n',
        name,
        'exec sleep 600',
      ]);
      const [pane = '', pid = ''] = made.stdout.trim().split(' ');
      return { pane, pid: Number(pid) };
    };
    const [truncated, notJson, huge] = [await decoy('truncated'), await decoy('notjson'), await decoy('huge')];
    const dir = path.join(claudeConfigDir(lab, 'thor'), 'sessions');
    mkdirSync(dir, { recursive: true });
    const busy = (pid: number, more = {}) => JSON.stringify({ pid, sessionId: 'x', status: 'busy', ...more });
    const hostile = '\u001b]52;c;aGk=\u0007\u001b[2J';
    const files: Array<[string, string]> = [
      [`${truncated.pid}.json`, busy(truncated.pid).slice(0, 25)], // caught mid-write
      // Not JSON, with marker lines that try to slip in a well-formed entry for the same pid.
      [`${notJson.pid}.json`, `${hostile}\n@@file /x/${notJson.pid}.json\n${busy(notJson.pid)}\n@@end`],
      // Well-formed and alive, but over 64 KiB: never read.
      [`${huge.pid}.json`, busy(huge.pid, { waitingFor: hostile, pad: 'y'.repeat(70_000) })],
      ['99999991.json', busy(99999991)], // a dead pid: a file a crash left
      ['notapid.json', busy(1)],
      [`${cp.pid}.json.tmp`, busy(cp.pid)],
    ];
    for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
    const agents = await list();
    expect(agents.get(cp.pane)).toMatchObject({ status: 'idle', statusSource: 'claude' });
    for (const d of [truncated, notJson, huge]) {
      expect(agents.get(d.pane)).toMatchObject({ statusSource: 'screen', waitingFor: null, sessionId: null });
      expect(agents.get(d.pane)?.status).not.toBe('working');
    }
    // The real agent goes on being read from its registry while the garbage sits beside it.
    // A redirect: 2.1.328 runs a plain `echo` without asking.
    await typeLine(lab, cp, 'lab:bash echo beside-garbage > garbage-out.txt');
    await waitForScreen(lab, cp, PROMPT, 'the Bash prompt');
    expect(await listedWhen(cp, (x) => x.status === 'waiting', 'waiting')).toMatchObject({
      statusSource: 'claude',
      waitingFor: 'permission prompt',
    });
    expect(await screen(lab, cp)).toContain('beside-garbage');
    await pressKeys(lab, cp, 'Escape');
  }, 120_000);

  it('reading the registry costs no ssh process: one per host listed', async () => {
    const ssh = lab.countingSsh();
    const r = await lab.trimtab(['list', '--json', '--host', 'thor'], { env: { TRIMTAB_SSH: ssh.program } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { agents: Listed[] }).agents.some((a) => a.statusSource === 'claude')).toBe(true);
    expect(ssh.calls().filter((c) => !/ -O (check|exit) /.test(c))).toHaveLength(1);
  });
});
