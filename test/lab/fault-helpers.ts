/** Helpers shared by the fault tests (faults.test.ts, survival.test.ts): the built trimtab against a lab. */
import { execa } from 'execa';
import { expect } from 'vitest';
import { CLI, eventually, type Lab, type LabHost, type RunResult } from './lab.js';
import { Pane } from './pane.js';

/** Exit `code`, a first line `✖ ...` matching `message`, at most a hint after it, and no stack trace. */
export function expectCleanError(r: RunResult, code: number, message: RegExp) {
  const lines = r.stderr.trimEnd().split('\n');
  expect(r.exitCode, r.stderr).toBe(code);
  expect(lines[0], r.stderr).toMatch(/^✖ /);
  expect(lines[0], r.stderr).toMatch(message);
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/);
}

/** `world()` gives the lab and the trimtab env once beforeAll has made them. */
export function faultHelpers(world: () => { lab: Lab; env: NodeJS.ProcessEnv }) {
  const trimtab = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    world().lab.trimtab(args, { env: { ...world().env, ...extra } });

  /** `list --json --host HOST`: exit 0, or 3 when the host cannot be reached (`exit`). */
  const listJson = async (host: string, extra: NodeJS.ProcessEnv = {}, exit = 0) => {
    const r = await trimtab(['list', '--json', '--host', host], extra);
    expect(r.exitCode, r.stderr).toBe(exit);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    return {
      ...(JSON.parse(r.stdout) as { hosts: Array<Record<string, unknown>>; agents: Array<Record<string, unknown>> }),
      stderr: r.stderr,
    };
  };

  async function spawnIdle(host: LabHost, project: string) {
    const { lab } = world();
    lab.mkProject(host, project);
    const r = await trimtab(['spawn', '--on', host, project]);
    expect(r.exitCode, r.stderr).toBe(0);
    await eventually(
      () => lab.agentLog(host, project).some((l) => l.event === 'start'),
      `${project} to start on ${host}`,
    );
    return `${host}:agents:${project}`;
  }

  const submits = (host: LabHost, project: string) =>
    world()
      .lab.agentLog(host, project)
      .filter((l) => l.event === 'submit')
      .map((l) => l.text);
  const windowsNamed = async (host: LabHost, name: string) =>
    (await world().lab.tmux(host, ['list-windows', '-a', '-F', '#{window_name}'])).stdout
      .split('\n')
      .filter((w) => w === name).length;
  const paneState = async (host: LabHost, target: string) =>
    (
      await world().lab.tmux(host, ['display-message', '-p', '-t', target, '#{pane_dead} #{pane_current_command}'])
    ).stdout.trim();

  /** A 80x24 terminal on its own tmux server, running one shell command. */
  async function terminal(command: string) {
    const { lab, env } = world();
    const socket = `${lab.socket('here')}-term-${Math.random().toString(36).slice(2, 6)}`;
    const pane = await Pane.start(
      socket,
      command,
      { ...lab.env, ...env },
      {
        cols: 80,
        rows: 24,
        pass: /^(TRIMTAB_|PATH$|HOME$|NO_COLOR$)/,
      },
    );
    return Object.assign(pane, {
      pid: async () => Number((await pane.tmux(['display-message', '-p', '#{pane_pid}'])).stdout),
    });
  }

  /** The built trimtab as a child process a test can kill. */
  const start = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    execa(process.execPath, [CLI, ...args], {
      env: { ...world().lab.env, ...world().env, ...extra },
      extendEnv: false,
      reject: false,
    });

  return { trimtab, listJson, spawnIdle, submits, windowsNamed, paneState, terminal, start };
}
