/**
 * The phone menu, driven as a person would: the built script in a real 40x20 tmux pane, keys sent with
 * send-keys, the screen read back with capture-pane. Agents are fake agents in the lab.
 */
import { execa } from 'execa';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, eventually, type Lab, startLab } from '../lab/lab.js';
import { Pane } from '../lab/pane.js';

let lab: Lab;
/** A person reads a prompt before answering it: option keys are ignored for a moment after it shows. */
const settle = () => new Promise((r) => setTimeout(r, 500));
let pane: Pane;

const expectPhoneSized = (screen: string) => {
  const lines = screen.split('\n');
  expect(lines.length).toBeLessThanOrEqual(20);
  for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(40);
};

beforeAll(async () => {
  lab = await startLab();
  for (const [host, project] of [
    ['here', 'alpha'],
    ['thor', 'beta'],
    ['fedora', 'gamma'],
  ] as const) {
    lab.mkProject(host, project);
    const r = await lab.trimtab(['spawn', '--on', host, project, '--no-attach']);
    expect(r.exitCode, r.stderr).toBe(0);
    await eventually(() => lab.agentLog(host, project).some((l) => l.event === 'start'), `${project} started`);
  }
  await lab.trimtab(['send', 'thor:beta', '/ask']);
  lab.mkProject('thor', 'delta');
  pane = await Pane.start(
    `${lab.socket('here')}-phone`,
    `${process.execPath} ${CLI} menu; echo "exit=$?"; sleep 600`,
    lab.env,
  );
});
afterAll(async () => {
  await pane?.stop();
  await lab?.stop();
});

describe('trimtab menu in a 40x20 pane', () => {
  it('shows local and remote agents, waiting first, the sleeping host offline, all within 40 columns', async () => {
    const screen = await pane.waitFor(/3 agents/, 'all three hosts');
    await pane.waitFor('asleep offline');
    expectPhoneSized(await pane.screen());
    const rows = screen.split('\n');
    expect(rows[0]).toMatch(/here · 3 agents · 1 needs you/);
    // Line 2 of the header says how fresh the list is and whether a watcher runs.
    expect(rows[1]).toMatch(/updated \d+s ago · no watch/);
    expect(rows[2]).toMatch(/^❯ 1 +beta +thor +waiting$/);
    expect(screen).toMatch(/2 +(alpha|gamma)/);
    expect(screen).toContain('s  spawn a project');
    expect(screen).toContain('q  quit to shell');
  });

  it('a digit opens that agent; its option 1 answers its prompt', async () => {
    await pane.keys('1');
    const screen = await pane.waitFor(/1 +Yes/);
    expectPhoneSized(screen);
    expect(screen).toContain('beta · thor · waiting');
    await settle();
    await pane.keys('1');
    await eventually(
      () => lab.agentLog('thor', 'beta').some((l) => l.event === 'key' && l.key === '1'),
      'the approval to reach the agent',
    );
    await pane.waitFor('b  back', 'the result screen');
    await pane.keys('b');
    await pane.waitFor(/beta · thor · (working|idle)/, 'the refreshed agent screen');
  });

  it('sends /status, and a typed message byte for byte', async () => {
    await pane.waitFor('beta · thor · idle');
    await pane.keys('c');
    const screen = await pane.waitFor('send to beta');
    const status = /(\d+) +send \/status/.exec(screen)![1]!;
    await pane.keys(status);
    await eventually(() => lab.agentLog('thor', 'beta').some((l) => l.text === '/status'), '/status at the agent');
    await pane.waitFor('b  back');
    await pane.keys('b');
    await pane.waitFor('beta · thor · idle');
    await pane.keys('t');
    await pane.waitFor('message');
    const text = `it's $(not run) "quoted"; ok`;
    await pane.type(text);
    await pane.keys('Enter');
    await eventually(() => lab.agentLog('thor', 'beta').some((l) => l.text === text), 'the typed text at the agent');
    await pane.waitFor('b  back');
    await pane.keys('b');
  });

  it('peek shows the last lines that fit', async () => {
    await pane.waitFor('beta · thor · idle');
    await pane.keys('p');
    const peek = await pane.waitFor('beta · thor · peek');
    expectPhoneSized(peek);
    expect(peek).toContain('───');
    await pane.keys('Escape');
    await pane.waitFor('beta · thor · idle');
    await pane.keys('Escape');
    await pane.waitFor(/3 agents/);
  });

  it('attach hands over the terminal and detaching comes back to the menu', async () => {
    const main = await pane.waitFor(/\d +alpha +here/);
    await pane.keys(/(\d+) +alpha +here/.exec(main)![1]!);
    await pane.waitFor('alpha · here · idle');
    await pane.keys('a');
    await eventually(
      async () => (await lab.tmux('here', ['list-clients'])).stdout.includes('agents'),
      'a client on the agents session',
    );
    await lab.tmux('here', ['detach-client', '-s', 'agents']);
    await pane.waitFor('alpha · here · idle', 'the menu after detaching');
    await pane.keys('Escape');
    await pane.waitFor(/3 agents/);
  });

  it('spawn picks a host, then a project, and starts it', async () => {
    await pane.keys('s');
    const hosts = await pane.waitFor('spawn on which host?');
    expect(hosts).not.toContain('asleep');
    await pane.keys(/(\d+) +thor/.exec(hosts)![1]!);
    const projects = await pane.waitFor('spawn on thor: project?');
    expect(projects).toMatch(/beta \(running\)/);
    await pane.keys(/(\d+) +delta/.exec(projects)![1]!);
    await pane.waitFor('first message');
    await pane.type(`fix the tests, don't push`);
    await pane.keys('Enter');
    await pane.waitFor('started thor:agents:delta');
    const start = await eventually(
      () => lab.agentLog('thor', 'delta').find((l) => l.event === 'start'),
      'delta to start',
    );
    // The first message reaches the agent as its own prompt argument, byte for byte.
    expect((start as unknown as { argv: string[] }).argv.slice(-2)).toEqual(['--', `fix the tests, don't push`]);
    await pane.keys('b');
    await pane.waitFor(/4 agents/);
  });

  it('an exited agent offers restart and continue; continue starts it again with --continue', async () => {
    await lab.trimtab(['send', 'thor:delta', '/exit']);
    await pane.keys('r');
    const list = await pane.waitFor(/\d+ +delta +thor +exited/, 'delta exited');
    await pane.keys(/(\d+) +delta +thor +exited/.exec(list)![1]!);
    const screen = await pane.waitFor('delta · thor · exited');
    expect(screen).toContain('n  restart (new session)');
    expect(screen).toContain('o  continue (last session)');
    expect(screen).not.toContain('type a message');
    await pane.keys('o');
    await pane.waitFor('started thor:agents:delta');
    const starts = await eventually(() => {
      const s = lab.agentLog('thor', 'delta').filter((l) => l.event === 'start');
      return s.length >= 2 ? s : undefined;
    }, 'delta to start again');
    expect((starts.at(-1) as unknown as { argv: string[] }).argv).toContain('--continue');
    await pane.keys('b');
    await pane.waitFor(/4 agents/);
  });

  it('two-digit numbers select rows 10 and up: from ten rows on, typed digits wait for Enter', async () => {
    for (let i = 0; i < 8; i++)
      await lab.tmux('here', ['new-window', '-d', '-t', '=agents:', '-n', `extra${i}`, 'sleep 600']);
    await pane.keys('r');
    const screen = await pane.waitFor(/12 agents/);
    const row11 = /\b11 +(\S+) +(\S+)/.exec(screen)!;
    await pane.type('11');
    await pane.waitFor('go to 11_');
    await pane.keys('Enter');
    await pane.waitFor(`${row11[1]} · ${row11[2]}`, 'row 11 opened');
    await pane.keys('Escape');
    await pane.waitFor(/12 agents/);
  });

  it('q quits with exit 0', async () => {
    await pane.keys('q');
    await pane.waitFor('exit=0');
  });

  it('--ascii draws with plain ASCII only, and a 20-column terminal still works', async () => {
    const ascii = await Pane.start(`${lab.socket('here')}-ascii`, `${process.execPath} ${CLI} menu --ascii`, lab.env);
    try {
      const screen = await ascii.waitFor(/^> 1 /m, 'the first agent row');
      expect(screen).toMatch(/^[\x20-\x7e\n]*$/);
      await execa('tmux', ['-L', ascii.socket, 'resize-window', '-x', '20', '-y', '12']);
      await ascii.keys('r');
      await ascii.waitFor('q  quit');
      for (const l of (await ascii.screen()).split('\n')) expect(l.length, l).toBeLessThanOrEqual(20);
      await ascii.keys('q');
    } finally {
      await ascii.stop();
    }
  });

  it('refuses to run without a terminal (exit 2)', async () => {
    const r = await lab.trimtab(['menu']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('menu needs a terminal; try trimtab list');
  });
});
