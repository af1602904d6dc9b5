/**
 * spawn's plumbing against the lab (real sshd, real tmux), with the fake agent as the program: the
 * task and flags as argv through any tmux default-shell, restarts racing each other, where a project
 * is when it is not here, and the names the menu's spawn list offers. What Claude Code itself does
 * with them is proven on the real agent (real-spawn.test.ts).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHost } from '../../src/core/hosts/config.js';
import { shQuote } from '../../src/core/quote.js';
import { createContext } from '../../src/remote/context.js';
import { listProjects } from '../../src/remote/spawn.js';
import { eventually, type Lab, type LabHost, startLab } from '../lab/lab.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.stop();
});

const starts = (host: LabHost, project: string) =>
  lab.agentLog(host, project).filter((l) => l.event === 'start') as unknown as Array<{ argv: string[]; pid: number }>;
const windowsNamed = async (host: LabHost, name: string) =>
  (await lab.tmux(host, ['list-windows', '-t', '=agents', '-F', '#{window_name} #{window_id}'])).stdout
    .split('\n')
    .filter((l) => l.split(' ')[0] === name);
const paneState = async (host: LabHost, project: string) =>
  (
    await lab.tmux(host, ['display-message', '-p', '-t', `=agents:=${project}`, '#{window_id} #{pane_id} #{pane_dead}'])
  ).stdout.trim();

describe('spawn PROJECT TASK with the fake agent', () => {
  it('the task and --continue arrive as argv words after the configured command, never through tmux default-shell', async () => {
    // tmux hands a one-string command to its default-shell (tmux(1), default-shell): make that a
    // program that is no shell at all, which spawn must never need.
    const notShell = path.join(lab.dir, 'not-a-shell');
    const ran = path.join(lab.dir, 'default-shell-ran');
    writeFileSync(notShell, `#!/bin/sh\ntouch ${shQuote(ran)}\nexit 1\n`);
    chmodSync(notShell, 0o755);
    await lab.tmux('thor', [
      'new-session',
      '-d',
      '-s',
      'holder',
      'sleep 600',
      ';',
      'set-option',
      '-g',
      'default-shell',
      notShell,
    ]);
    lab.mkProject('thor', 'argv');
    const task = `it's "quoted" $(touch canary) \`id\` ; & \\n\\ ✓\nline two`;
    const r = await lab.trimtab(['spawn', '--on', 'thor', '--continue', 'argv', '--', task]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [start] = await eventually(
      () => (starts('thor', 'argv').length ? starts('thor', 'argv') : undefined),
      'the agent to start',
    );
    expect(start!.argv.slice(-3)).toEqual(['--continue', '--', task]);
    expect(lab.agentLog('thor', 'argv').some((l) => l.event === 'submit')).toBe(false); // an argument, never typed
    expect(existsSync(ran)).toBe(false);
    expect(existsSync(path.join(lab.projects('thor'), 'argv', 'canary'))).toBe(false);
    await lab.tmux('thor', ['kill-session', '-t', '=holder']);
  });

  it.each([
    ['semi', 'run the tests;'],
    ['semiback', 'keep the backslash x\\;'],
    ['semionly', ';'],
  ])(
    'a task ending in ";" (%s) arrives whole: tmux would read the ";" as the end of its command',
    async (project, task) => {
      lab.mkProject('thor', project);
      const r = await lab.trimtab(['spawn', '--on', 'thor', project, '--', task]);
      expect(r.exitCode, r.stderr).toBe(0);
      const [start] = await eventually(
        () => (starts('thor', project).length ? starts('thor', project) : undefined),
        'the agent to start',
      );
      expect(start!.argv.slice(-2)).toEqual(['--', task]);
    },
  );

  it('several spawns at once of an exited agent restart it once, in its window; the others find it running', async () => {
    lab.mkProject('fedora', 'phoenix');
    expect((await lab.trimtab(['spawn', '--on', 'fedora', 'phoenix'])).exitCode).toBe(0);
    await eventually(() => starts('fedora', 'phoenix').length === 1, 'the first start');
    const [windowId, paneId] = (await paneState('fedora', 'phoenix')).split(' ');
    expect((await lab.trimtab(['send', 'fedora:phoenix', '/crash'])).exitCode).toBe(0);
    await eventually(async () => (await paneState('fedora', 'phoenix')).endsWith(' 1'), 'the pane to die');

    const rs = await Promise.all([1, 2, 3].map(() => lab.trimtab(['spawn', '--on', 'fedora', 'phoenix', 'again'])));
    for (const r of rs) expect(r.exitCode, r.stderr).toBe(0);
    expect(rs.filter((r) => r.stderr.includes('had exited: started again in its window'))).toHaveLength(1);
    expect(rs.filter((r) => r.stderr.includes('is already running'))).toHaveLength(2);
    await eventually(() => starts('fedora', 'phoenix').length === 2, 'the second start');
    expect(await paneState('fedora', 'phoenix')).toBe(`${windowId} ${paneId} 0`);
    expect(await windowsNamed('fedora', 'phoenix')).toHaveLength(1);
    expect(starts('fedora', 'phoenix')[1]!.argv.slice(-2)).toEqual(['--', 'again']);
    // Settle: no third start came late.
    await new Promise((r) => setTimeout(r, 1000));
    expect(starts('fedora', 'phoenix')).toHaveLength(2);
  });

  it('an agent that exits at once on restart is reported, and its window is kept', async () => {
    lab.mkProject('thor', 'flaky');
    expect((await lab.trimtab(['spawn', '--on', 'thor', 'flaky'])).exitCode).toBe(0);
    await eventually(() => starts('thor', 'flaky').length === 1, 'the first start');
    expect((await lab.trimtab(['send', 'thor:flaky', '/crash'])).exitCode).toBe(0);
    await eventually(async () => (await paneState('thor', 'flaky')).endsWith(' 1'), 'the pane to die');
    // `-v` makes the fake agent print its version and exit: the restart dies at once.
    const r = await lab.trimtab(['spawn', '--on', 'thor', 'flaky', '--', '-v']);
    if (r.exitCode === 0) {
      // A loaded machine: node took longer than spawn's half-second check to start and end. The
      // window stays, and the agent shows as exited (remain-on-exit).
      await eventually(async () => (await paneState('thor', 'flaky')).endsWith(' 1'), 'the restarted agent to end');
    } else {
      expect(r.exitCode).toBe(1);
      // tmux records the exit status a moment after it marks the pane dead: 0, or not known yet.
      expect(r.stderr).toMatch(/the agent on thor:agents:flaky exited at once \(status (0|unknown)\)/);
    }
    expect(await windowsNamed('thor', 'flaky')).toHaveLength(1);
  });

  it('a projects dir holding tmux format text is a plain path: "#(cmd)" does not run, "#{...}" stays as typed', async () => {
    // tmux expands formats in new-window -c; spawn doubles each "#" (prelude.sh, tmux_literal).
    const ran = path.join(lab.dir, 'format-ran');
    const weird = path.join(lab.dir, `p#(touch ${ran})#{pane_id}##x#`);
    mkdirSync(path.join(weird, 'fmt'), { recursive: true });
    const file = path.join(lab.env.TRIMTAB_CONFIG_DIR!, 'config.json');
    const before = readFileSync(file, 'utf8');
    const config = JSON.parse(before) as { hosts: Array<{ name: string; projectsDir: string }> };
    config.hosts.find((h) => h.name === 'thor')!.projectsDir = weird;
    writeFileSync(file, JSON.stringify(config, null, 2));
    try {
      const r = await lab.trimtab(['spawn', '--on', 'thor', 'fmt']);
      expect(r.exitCode, r.stderr).toBe(0);
      // The fake agent writes its log in the directory it was started in.
      await eventually(() => existsSync(path.join(weird, 'fmt', '.fake-agent.log')), 'the agent to start in it');
      const cwd = await lab.tmux('thor', ['display-message', '-p', '-t', '=agents:=fmt', '#{pane_current_path}']);
      expect(cwd.stdout.trim()).toBe(path.join(weird, 'fmt'));
      expect(existsSync(ran)).toBe(false);
    } finally {
      writeFileSync(file, before);
    }
  });

  it('refuses a task that cannot travel (an end-of-paste sequence) before any host is asked (exit 2)', async () => {
    const ssh = lab.countingSsh();
    const r = await lab.trimtab(['spawn', '--on', 'thor', 'argv', 'a\x1b[201~b'], {
      env: { TRIMTAB_SSH: ssh.program },
    });
    expect(r.exitCode).toBe(2);
    expect(ssh.count()).toBe(0);
  });
});

describe('spawn PROJECT that is not here', () => {
  it('names the host that has it, asking each other host once, in parallel', async () => {
    lab.mkProject('thor', 'elsewhere');
    const ssh = lab.countingSsh();
    const r = await lab.trimtab(['spawn', 'elsewhere', 'a task'], { env: { TRIMTAB_SSH: ssh.program } });
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('✖ no project "elsewhere" here; it is on thor (not checked: asleep, unreachable)');
    expect(r.stderr).toContain('trimtab spawn --on thor elsewhere TASK...');
    // here is local (no ssh); one ssh each for thor, fedora and asleep.
    expect(
      ssh
        .calls()
        .map((c) => c.split(' -- ')[1]?.split(' ')[0])
        .sort(),
    ).toEqual(['asleep', 'fedora', 'thor']);
    expect(await windowsNamed('thor', 'elsewhere')).toHaveLength(0);
  });

  it('says it is nowhere when no host has it', async () => {
    const r = await lab.trimtab(['spawn', 'nowhere']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      `no project directory ${lab.projects('here')}/nowhere on here (not checked: asleep, unreachable)`,
    );
  });
});

describe('listProjects (the menu spawn list)', () => {
  it('offers only the names spawn accepts', async () => {
    for (const d of ['good', 'grid.play', 'a b', '-rf', 'x;y', '$(id)', 'phantom\nghost'])
      mkdirSync(path.join(lab.projects('fedora'), d), { recursive: true });
    const ctx = await createContext(lab.env);
    const names = await listProjects(ctx, findHost(ctx.config, 'fedora'));
    expect(names).toContain('good');
    expect(names).toContain('grid.play');
    for (const bad of ['a b', '-rf', 'x;y', '$(id)']) expect(names).not.toContain(bad);
    // One name a line: a directory with a newline must not make up projects "phantom" and "ghost".
    expect(names).not.toContain('phantom');
    expect(names).not.toContain('ghost');
  });
});
