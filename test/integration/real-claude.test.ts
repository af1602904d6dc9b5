// The real Claude Code (the pinned npm release) in the lab: a tmux pane on a lab host, the stand-in
// Messages API on 127.0.0.1, and Claude Code's own registry read over the lab's real ssh with the
// host sh function, parsed by the pure reader. A missing binary fails here, never skips.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shQuote } from '../../src/core/quote.js';
import { type RegistryState, readRegistry } from '../../src/core/status/registry.js';
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

// The library list_agents sends; list_registry needs nothing from the prelude.
const LIST_SH = readFileSync(path.resolve(import.meta.dirname, '../../src/remote/sh/list.sh'), 'utf8');

let lab: Lab;
let api: FakeApi;
beforeAll(async () => {
  requireLabClaude();
  lab = await startLab();
  api = await startFakeApi();
  writeClaudeConfig(
    claudeConfigDir(lab, 'thor'),
    ['api', 'crash', 'plan'].map((p) => lab.mkProject('thor', p)),
  );
});
afterAll(async () => {
  await api?.close();
  await lab?.stop();
});

/**
 * Claude Code's state per pane on `thor`, the way trimtab gets it: the sh function over ssh (given
 * the lab host's config dir, as the host's `claudeConfigDir` key does), the panes from tmux.
 */
async function registryOnThor(): Promise<Map<string, RegistryState>> {
  const call = `list_registry ${shQuote(claudeConfigDir(lab, 'thor'))}\n`;
  const r = await execa('ssh', ['-F', lab.sshConfig, 'thor', 'sh -s'], {
    input: `${LIST_SH}\n${call}`,
    reject: false,
    timeout: 30_000,
  });
  expect(r.exitCode, r.stderr).toBe(0);
  const panes = (await lab.tmux('thor', ['list-panes', '-a', '-F', '#{pane_id} #{pane_pid}'])).stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ paneId: l.split(' ')[0]!, panePid: Number(l.split(' ')[1]) }));
  return readRegistry(r.stdout, panes);
}
const stateOf = async (cp: ClaudePane) => (await registryOnThor()).get(cp.pane);
/** The number in front of an option label, read off the screen (never assumed). */
function optionKey(s: string, label: string): string {
  const m = new RegExp(`(\\d+)\\. ${label}\\s*$`, 'm').exec(s);
  if (!m) throw new Error(`no option "${label}" on the screen:\n${s}`);
  return m[1]!;
}
const PROMPT = /Esc to cancel/;

describe('one real Claude Code through its states', () => {
  let cp: ClaudePane;
  const cwd = () => path.join(lab.projects('thor'), 'api');
  beforeAll(async () => {
    cp = await startClaude(lab, 'thor', { api, cwd: cwd(), name: 'api', cols: 80 });
  }, 90_000);

  it('starts idle, and says so in its registry (matched to its pane)', async () => {
    const st = await eventually(stateOf.bind(null, cp), 'a registry entry for the pane', 30_000);
    expect(st).toMatchObject({ status: 'idle', waitingFor: null, pid: cp.pid });
    expect(st.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('receives typed text byte for byte (quotes, $(), backticks, unicode)', async () => {
    const text = `say "hi" 'there' $(whoami) \`id\` $HOME ; & | \\ ünï ✓ 日本`;
    await typeLine(lab, cp, text);
    await eventually(() => api.received().includes(text), `the stand-in to receive ${text}`, 45_000);
    await waitForScreen(lab, cp, /Hello from the lab/, 'the reply');
  });

  it('is busy while a reply streams', async () => {
    await typeLine(lab, cp, 'lab:slow 8');
    await waitForScreen(lab, cp, /esc to interrupt/, 'working');
    expect(await eventually(async () => (await stateOf(cp))?.status === 'busy', 'registry busy', 20_000)).toBe(true);
    await waitForScreen(lab, cp, (s) => !/esc to interrupt/.test(s), 'the slow reply to end', 60_000);
    await eventually(async () => (await stateOf(cp))?.status === 'idle', 'registry idle again', 20_000);
  });

  it('puts up a real Bash permission prompt, registry waiting; approving runs the command', async () => {
    await typeLine(lab, cp, 'lab:bash echo approved > bash-out.txt');
    const s = await waitForScreen(lab, cp, PROMPT, 'the Bash prompt');
    expect(s).toContain('Bash command');
    expect(s).toContain('echo approved > bash-out.txt');
    const st = await eventually(
      async () => {
        const x = await stateOf(cp);
        return x?.status === 'waiting' ? x : undefined;
      },
      'registry waiting',
      20_000,
    );
    expect(st.waitingFor).toBe('permission prompt');
    expect(existsSync(path.join(cwd(), 'bash-out.txt'))).toBe(false);
    await pressKeys(lab, cp, optionKey(s, 'Yes'));
    await eventually(() => existsSync(path.join(cwd(), 'bash-out.txt')), 'the approved command to run', 30_000);
    expect(readFileSync(path.join(cwd(), 'bash-out.txt'), 'utf8')).toBe('approved\n');
    await waitForScreen(lab, cp, (x) => /Done: the lab tool ran/.test(x) && !PROMPT.test(x), 'the turn to end');
    await eventually(async () => (await stateOf(cp))?.status === 'idle', 'registry idle after approve', 20_000);
  });

  it('rejecting with Escape leaves the file unwritten', async () => {
    const file = path.join(cwd(), 'rejected.txt');
    await typeLine(lab, cp, `lab:write ${file}`);
    const s = await waitForScreen(lab, cp, PROMPT, 'the Write prompt');
    expect(s).toContain('Create file');
    expect((await stateOf(cp))?.waitingFor).toBe('permission prompt');
    await pressKeys(lab, cp, 'Escape');
    await waitForScreen(lab, cp, (x) => !PROMPT.test(x) && /Rejected/.test(x), 'the prompt to close');
    await eventually(async () => (await stateOf(cp))?.status === 'idle', 'registry idle after reject', 20_000);
    expect(existsSync(file)).toBe(false);
  });

  it('an AskUserQuestion shows as waiting for input', async () => {
    await typeLine(lab, cp, 'lab:ask');
    const s = await waitForScreen(lab, cp, /Enter to select/, 'the question');
    expect(s).toContain('Which colour should the lab use?');
    const st = await eventually(
      async () => {
        const x = await stateOf(cp);
        return x?.status === 'waiting' ? x : undefined;
      },
      'registry waiting',
      20_000,
    );
    expect(st.waitingFor).toBe('input needed');
    await pressKeys(lab, cp, optionKey(s, 'Green'));
    await waitForScreen(lab, cp, (x) => /→ Green/.test(x) && !/Enter to select/.test(x), 'the answer');
  });

  it('/exit ends it: the pane stays dead and its registry file is gone', async () => {
    await typeLine(lab, cp, '/exit');
    await eventually(() => paneDead(lab, cp), 'the pane to die', 30_000);
    expect(registryEntry(claudeConfigDir(lab, 'thor'), cp.pid)).toBeUndefined();
    expect((await registryOnThor()).has(cp.pane)).toBe(false);
  });
});

describe('a real Claude Code killed with kill -9', () => {
  it('leaves a stale registry file that the reader ignores (its pid is dead)', async () => {
    const cp = await startClaude(lab, 'thor', {
      api,
      cwd: path.join(lab.projects('thor'), 'crash'),
      name: 'crash',
      cols: 40,
    });
    await eventually(stateOf.bind(null, cp), 'a registry entry', 30_000);
    process.kill(cp.pid, 'SIGKILL');
    await eventually(() => paneDead(lab, cp), 'the pane to die', 30_000);
    expect(registryEntry(claudeConfigDir(lab, 'thor'), cp.pid)).toMatchObject({ pid: cp.pid });
    expect((await registryOnThor()).has(cp.pane)).toBe(false);
    // No check for tmux's "Pane is dead (signal 9 ...)" line: #{pane_dead} comes from the pty closing,
    // the line from reaping the child, and a tmux built with libutempter can miss that SIGCHLD and keep
    // the agent a zombie with no line until another child exits (tmux/tmux#311, #4559; seen here in
    // about one run of three). The registry reader counts a zombie as dead: the ps line says Z.
    expect(await screen(lab, cp)).toContain('/…/thor/projects/crash');
  }, 90_000);
});

describe('prompts a real Claude Code puts up in other modes', () => {
  it('the trust dialog of a dir left out of the trusted list: no registry entry yet (the screen decides)', async () => {
    const cp = await startClaude(lab, 'thor', {
      api,
      cwd: lab.mkProject('thor', 'strange'),
      name: 'strange',
      cols: 80,
      ready: /trust this folder/,
    });
    expect(await screen(lab, cp)).toContain('Accessing workspace:');
    expect(registryEntry(claudeConfigDir(lab, 'thor'), cp.pid)).toBeUndefined();
    expect((await registryOnThor()).has(cp.pane)).toBe(false);
    await lab.tmux('thor', ['kill-pane', '-t', cp.pane]);
  }, 90_000);

  it('the plan approval in plan mode: registry waiting on a permission prompt; "No" keeps planning', async () => {
    const cp = await startClaude(lab, 'thor', {
      api,
      cwd: path.join(lab.projects('thor'), 'plan'),
      name: 'plan',
      cols: 120,
      permissionMode: 'plan',
    });
    await typeLine(lab, cp, 'lab:plan');
    const s = await waitForScreen(lab, cp, /Exit plan mode\?/, 'the plan approval');
    const st = await eventually(
      async () => {
        const x = await stateOf(cp);
        return x?.status === 'waiting' ? x : undefined;
      },
      'registry waiting',
      20_000,
    );
    expect(st.waitingFor).toBe('permission prompt');
    await pressKeys(lab, cp, optionKey(s, 'No'));
    await waitForScreen(lab, cp, (x) => !/Exit plan mode\?/.test(x), 'the approval to close');
    await eventually(async () => (await stateOf(cp))?.status !== 'waiting', 'registry no longer waiting', 20_000);
    await lab.tmux('thor', ['kill-pane', '-t', cp.pane]);
  }, 90_000);
});
