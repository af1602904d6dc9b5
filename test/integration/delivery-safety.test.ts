/**
 * Delivery safety against the lab (real sshd, real tmux, the fake agent for fault injection): text,
 * keys and broadcasts reach only a pane whose foreground program is the agent; two deliveries to one
 * pane never merge; an agent waiting on a prompt is refused unless --force. The real Claude Code side
 * of the same claims is real-delivery.test.ts.
 */

import { existsSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/core/hosts/config.js';
import { classifyScreen, screenEres } from '../../src/core/status/status.js';
import { agentGuard, answerScript, keysScript, LIBRARIES } from '../../src/remote/scripts.js';
import { CLI, eventually, FAKE_AGENT, type Lab, type LabHost, startLab } from '../lab/lab.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.stop();
});

const screenOf = async (host: LabHost, target: string) =>
  (await lab.tmux(host, ['capture-pane', '-p', '-t', target])).stdout;
const submits = (host: LabHost, project: string) =>
  lab
    .agentLog(host, project)
    .filter((l) => l.event === 'submit')
    .map((l) => l.text);

async function spawn(host: LabHost, project: string): Promise<string> {
  lab.mkProject(host, project);
  const r = await lab.trimtab(['spawn', '--on', host, project]);
  expect(r.exitCode, r.stderr).toBe(0);
  await eventually(
    () => lab.agentLog(host, project).some((l) => l.event === 'start'),
    `${project} to start on ${host}`,
  );
  return `${host}:agents:${project}`;
}

/** A window in `agents` running `command` (a shell the user works in, a REPL); its pane id. */
async function window(host: LabHost, name: string, command: string, cwd: string): Promise<string> {
  const has = await lab.tmux(host, ['has-session', '-t', '=agents']);
  const args =
    has.exitCode === 0
      ? ['new-window', '-d', '-t', '=agents:']
      : ['new-session', '-d', '-s', 'agents', '-x', '80', '-y', '24'];
  const r = await lab.tmux(host, [...args, '-P', '-F', '#{pane_id}', '-n', name, '-c', cwd, command]);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.trim();
}

const readlinkOr = (p: string) => {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
};
/** Whether process group `pgid` has an ssh in it (trimtab has started its call). */
const pgrepOf = (pgid: number) => execaSync('pgrep', ['-g', String(pgid), 'ssh'], { reject: false }).exitCode === 0;

const paneCommand = async (host: LabHost, pane: string) =>
  (await lab.tmux(host, ['display-message', '-p', '-t', pane, '#{pane_current_command}'])).stdout.trim();

describe('the waiting markers the host greps (screenEres) agree with classifyScreen on every captured screen', () => {
  const corpus = path.resolve(import.meta.dirname, '../fixtures/corpus');
  const cases = readdirSync(corpus, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      (JSON.parse(readFileSync(path.join(corpus, d.name, 'cases.json'), 'utf8')) as Array<{ file: string }>).map((c) =>
        path.join(corpus, d.name, c.file),
      ),
    );

  for (const locale of ['C', 'C.UTF-8']) {
    it(`over ${cases.length} screens, with LC_ALL=${locale} (an ssh session often has no UTF-8 locale)`, async () => {
      // One sh for all screens: the host's own `waiting`, fed each screen by a stand-in for tmux.
      const call = cases.map((f) => `t() { cat '${f}'; }; if waiting %0; then echo yes; else echo no; fi`).join('\n');
      const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const e = screenEres();
      const script = [
        `M=m TS= WP=${q(e.waiting)} WU=${q(e.panels)} WO=${q(e.option)}`,
        LIBRARIES['prelude.sh'],
        LIBRARIES['target.sh'],
        LIBRARIES['deliver.sh'],
        call,
      ].join('\n');
      const r = await execa('sh', ['-s'], {
        input: script,
        env: { PATH: process.env.PATH, LC_ALL: locale },
        extendEnv: false,
      });
      const host = r.stdout.split('\n').filter((l) => l === 'yes' || l === 'no');
      expect(host).toHaveLength(cases.length);
      const disagree = cases.filter(
        (f, i) => (classifyScreen(readFileSync(f, 'utf8')) === 'waiting') !== (host[i] === 'yes'),
      );
      expect(
        disagree.map(
          (f) => `${path.basename(path.dirname(f))}/${path.basename(f)}: host says ${host[cases.indexOf(f)]}`,
        ),
      ).toEqual([]);
      expect(host.filter((h) => h === 'yes').length).toBeGreaterThan(20);
    });
  }
});

describe('which programs count as the agent (agentGuard: data for the host script)', () => {
  const guard = (agentCommand: string) => {
    const g = agentGuard({
      name: 'h',
      ssh: 'h',
      projectsDir: '~/p',
      agentCommand,
      tmuxSocket: '',
      aliases: [],
      local: false,
    });
    return { AN: g.AN, AA: g.AA };
  };
  it.each([
    ['claude', 'claude', ''],
    ['~/.npm-global/bin/claude --permission-mode default', 'claude', ''],
    ['/opt/bin/my-agent --flag', 'claude\nmy-agent', ''],
    ["'/usr/bin/node' '/x/fake agent.mjs'", 'claude', 'fake agent.mjs'],
    ['node --max-old-space-size=4096 /x/cli.js', 'claude', 'cli.js'],
    ['env FOO=1 /opt/claude-beta', 'claude\nclaude-beta', ''],
    ['bash -lc claude', 'claude', ''],
    ['zsh', 'claude', ''],
  ])('%s -> by name %j, node script %j', (command, AN, AA) => expect(guard(command)).toEqual({ AN, AA }));
});

describe('text goes only to a pane whose foreground program is the agent', () => {
  for (const host of ['thor', 'here'] as const) {
    it(`${host}: a pane back at bash after the agent quit is refused; nothing is typed, nothing runs`, async () => {
      const dir = lab.mkProject(host, 'handmade');
      const pane = await window(host, 'handmade', 'bash --norc --noprofile', dir);
      // The user started the agent by hand in their shell, and it quit since.
      await lab.tmux(host, ['send-keys', '-t', pane, '-l', `${process.execPath} ${FAKE_AGENT}`]);
      await lab.tmux(host, ['send-keys', '-t', pane, 'Enter']);
      await eventually(() => lab.agentLog(host, 'handmade').some((l) => l.event === 'start'), 'the hand-started agent');
      const ok = await lab.trimtab(['send', `${host}:agents:handmade`, '/exit']);
      expect(ok.exitCode, ok.stderr).toBe(0);
      await eventually(async () => (await paneCommand(host, pane)) === 'bash', 'bash back in the foreground');
      const canary = path.join(dir, 'CANARY');
      const ssh = lab.countingSsh();
      for (const target of [`${host}:agents:handmade`, `${host}:${pane}`]) {
        const r = await lab.trimtab(['send', target, `touch ${canary}`], { env: { TRIMTAB_SSH: ssh.program } });
        expect(r.exitCode).toBe(1);
        expect(r.stderr).toContain(`${target} runs bash, not an agent: nothing sent`);
      }
      expect(ssh.count()).toBe(host === 'here' ? 0 : 2); // one ssh process per send
      await new Promise((res) => setTimeout(res, 800));
      expect(existsSync(canary)).toBe(false);
      expect(await screenOf(host, pane)).not.toContain('touch');
    });
  }

  it("prepare's shell window (sh) and a node REPL are refused; nothing is typed", async () => {
    const dir = lab.mkProject('thor', 'repl');
    const shell = await window('thor', 'shell', 'sh', dir);
    const repl = await window('thor', 'repl', process.execPath, dir);
    await eventually(async () => (await screenOf('thor', repl)).includes('>'), 'the node REPL prompt');
    const canary = path.join(dir, 'CANARY');
    const sh = await lab.trimtab(['send', 'thor:agents:shell', `touch ${canary}`]);
    expect(sh.exitCode).toBe(1);
    expect(sh.stderr).toContain('thor:agents:shell runs sh, not an agent: nothing sent');
    const node = await lab.trimtab([
      'send',
      'thor:agents:repl',
      `require('fs').writeFileSync(${JSON.stringify(canary)}, '')`,
    ]);
    expect(node.exitCode).toBe(1);
    expect(node.stderr).toContain('thor:agents:repl runs node, not an agent: nothing sent');
    await new Promise((res) => setTimeout(res, 800));
    expect(existsSync(canary)).toBe(false);
    expect(await screenOf('thor', shell)).not.toContain('touch');
    expect(await screenOf('thor', repl)).not.toContain('writeFileSync');
  });

  it('Claude Code under node (a link named claude, as an npm install runs it) still gets text', async () => {
    const dir = lab.mkProject('thor', 'linked');
    const claude = path.join(lab.dir, 'bin', 'claude');
    await execa('mkdir', ['-p', path.dirname(claude)]);
    if (!existsSync(claude)) symlinkSync(FAKE_AGENT, claude);
    // `node /path/bin/claude`: the foreground command is node, its script is named claude.
    const pane = await window('thor', 'linked', `${process.execPath} ${claude}`, dir);
    await eventually(() => lab.agentLog('thor', 'linked').some((l) => l.event === 'start'), 'the linked agent');
    expect(await paneCommand('thor', pane)).toBe('node');
    const r = await lab.trimtab(['send', 'thor:agents:linked', 'via node']);
    expect(r.exitCode, r.stderr).toBe(0);
    await eventually(() => submits('thor', 'linked').includes('via node'), 'the text to arrive');
  });

  it('keys (approve, reject, interrupt) are refused in a shell too', async () => {
    const here: Host = {
      name: 'here',
      ssh: 'here',
      projectsDir: lab.projects('here'),
      agentCommand: `${process.execPath} ${FAKE_AGENT}`,
      tmuxSocket: lab.socket('here'),
      aliases: [],
      local: true,
    };
    const dir = lab.mkProject('here', 'keyshell');
    const pane = await window('here', 'keyshell', 'bash --norc --noprofile', dir);
    await eventually(async () => (await paneCommand('here', pane)) === 'bash', 'bash');
    const M = 'MARK1';
    const r = await execa('sh', ['-s'], {
      input: keysScript(M, here, { kind: 'pane', paneId: pane }, ['t', 'o', 'u', 'c', 'h']),
      env: lab.env,
      extendEnv: false,
    });
    expect(r.stdout).toContain(`${M} error notagent bash`);
    expect(r.stdout).not.toContain(`${M} pressed`);
    expect(await screenOf('here', pane)).not.toContain('touch');
  });

  it('approve is refused in a shell whose screen shows the exact prompt it read; nothing is typed', async () => {
    const here: Host = {
      name: 'here',
      ssh: 'here',
      projectsDir: lab.projects('here'),
      agentCommand: `${process.execPath} ${FAKE_AGENT}`,
      tmuxSocket: lab.socket('here'),
      aliases: [],
      local: true,
    };
    const dir = lab.mkProject('here', 'promptshell');
    writeFileSync(
      path.join(dir, 'prompt.txt'),
      ' Bash command\n\n   touch pwned\n\n Do you want to proceed?\n ❯ 1. Yes\n   2. No\n',
    );
    const pane = await window('here', 'promptshell', 'bash --norc --noprofile', dir);
    await eventually(async () => (await paneCommand('here', pane)) === 'bash', 'bash');
    await lab.tmux('here', ['send-keys', '-t', pane, 'clear; cat prompt.txt', 'Enter']);
    await eventually(async () => /2\. No\n\S/u.test(await screenOf('here', pane)), 'the prompt text on the screen');
    // The lines answer_prompt compares: trailing blanks removed, blank lines left out.
    const before = await screenOf('here', pane);
    const drawn = before
      .split('\n')
      .map((l) => l.replace(/[ \t]+$/u, ''))
      .filter(Boolean);
    expect(drawn).toContain(' Do you want to proceed?');
    const M = 'MARK2';
    const r = await execa('sh', ['-s'], {
      input: answerScript(M, here, { kind: 'pane', paneId: pane }, drawn, ['1']),
      env: lab.env,
      extendEnv: false,
    });
    expect(r.stdout).toContain(`${M} error notagent bash`);
    expect(r.stdout).not.toContain(`${M} pressed`);
    expect(r.stdout).not.toContain(`${M} changed`);
    expect(await screenOf('here', pane)).toBe(before);
    // The lock was released on the way out: the pane takes a delivery lock again (a send is refused for bash, not busy).
    const again = await execa('sh', ['-s'], {
      input: keysScript(M, here, { kind: 'pane', paneId: pane }, ['1']),
      env: lab.env,
      extendEnv: false,
    });
    expect(again.stdout).toContain(`${M} error notagent bash`);
  });

  it('broadcast delivers to the agents and refuses a listed pane where no agent runs', async () => {
    await spawn('fedora', 'one');
    const dir = lab.mkProject('fedora', 'sleeper');
    await window('fedora', 'sleeper', 'sleep 600', dir);
    const r = await lab.trimtab(['broadcast', '--host', 'fedora', '--yes', 'to all']);
    expect(r.stdout).toContain('✔ fedora:agents:one  delivered');
    expect(r.stdout).toMatch(/✖ fedora:agents:sleeper {2}failed \(runs sleep, not an agent: nothing sent\)/);
    expect(r.exitCode).toBe(1);
    await eventually(() => submits('fedora', 'one').includes('to all'), 'the agent to get the broadcast');
  });
});

describe('two deliveries to one pane never merge', () => {
  it('five concurrent sends arrive as five submits, each whole, none empty', async () => {
    const target = await spawn('thor', 'busy');
    const texts = ['alpha one', 'bravo two', 'charlie three', 'delta four', 'echo five'];
    const results = await Promise.all(texts.map((t) => lab.trimtab(['send', target, t])));
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    await eventually(() => submits('thor', 'busy').length >= 5, 'five submits');
    await new Promise((res) => setTimeout(res, 800));
    expect([...submits('thor', 'busy')].sort()).toEqual([...texts].sort());
  });

  it('a lock left by a holder killed with kill -9 is taken over; a live holder is waited for', async () => {
    const target = `thor:agents:busy`;
    const pane = (await lab.tmux('thor', ['display-message', '-p', '-t', '=agents:=busy', '#{pane_id}'])).stdout.trim();
    const socketPath = (await lab.tmux('thor', ['display-message', '-p', '-t', pane, '#{socket_path}'])).stdout.trim();
    const lock = `${socketPath}.trimtab-lock-${pane.slice(1)}`;
    // A dead holder: a pid that has exited.
    const dead = await execa('sh', ['-c', 'echo $$']);
    symlinkSync(dead.stdout.trim(), lock);
    const r = await lab.trimtab(['send', target, 'after a dead holder']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
    // A live holder: the send waits for it, then goes.
    const holder = execa('sleep', ['30'], { reject: false });
    symlinkSync(String(holder.pid), lock);
    const waiting = lab.trimtab(['send', target, 'after a live holder']);
    await new Promise((res) => setTimeout(res, 1500));
    expect(submits('thor', 'busy')).not.toContain('after a live holder');
    holder.kill('SIGKILL');
    await holder;
    expect((await waiting).exitCode).toBe(0);
    await eventually(() => submits('thor', 'busy').includes('after a live holder'), 'the text after the holder died');
    expect(submits('thor', 'busy').slice(-2)).toEqual(['after a dead holder', 'after a live holder']);
  });

  it('trimtab killed while it waits for the lock: its text never arrives, and the lock is not left behind', async () => {
    const pane = (await lab.tmux('thor', ['display-message', '-p', '-t', '=agents:=busy', '#{pane_id}'])).stdout.trim();
    const socketPath = (await lab.tmux('thor', ['display-message', '-p', '-t', pane, '#{socket_path}'])).stdout.trim();
    const lock = `${socketPath}.trimtab-lock-${pane.slice(1)}`;
    const holder = execa('sleep', ['30'], { reject: false });
    symlinkSync(String(holder.pid), lock);
    // Its own process group, killed whole (as closing the terminal or Ctrl-C does): trimtab and its ssh.
    const child = execa(process.execPath, [CLI, 'send', 'thor:agents:busy', 'from a killed trimtab'], {
      env: lab.env,
      extendEnv: false,
      reject: false,
      detached: true,
    });
    await eventually(
      () => readlinkOr(lock) === String(holder.pid) && pgrepOf(child.pid!),
      'trimtab to wait for the lock',
    );
    await new Promise((res) => setTimeout(res, 800));
    process.kill(-child.pid!, 'SIGKILL');
    await child;
    holder.kill('SIGKILL');
    await holder;
    const r = await lab.trimtab(['send', 'thor:agents:busy', 'after the kill']);
    expect(r.exitCode, r.stderr).toBe(0);
    await eventually(() => submits('thor', 'busy').includes('after the kill'), 'the next send');
    await new Promise((res) => setTimeout(res, 1000));
    expect(submits('thor', 'busy')).not.toContain('from a killed trimtab');
    expect(existsSync(lock)).toBe(false);
    expect((await lab.tmux('thor', ['list-buffers', '-F', '#{buffer_name}'])).stdout).not.toMatch(/trimtab-/);
  });
});

describe('an agent waiting on a prompt', () => {
  it('send refuses it (nothing typed) unless --force; broadcast leaves it out and says so', async () => {
    const target = await spawn('fedora', 'asking');
    await lab.trimtab(['send', target, '/ask']);
    await eventually(
      async () => /Do you want to proceed\?/.test(await screenOf('fedora', '=agents:=asking')),
      'the prompt',
    );
    const before = lab.agentLog('fedora', 'asking').length;
    const r = await lab.trimtab(['send', target, 'hello']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`${target} is waiting on a prompt: answer it first, or --force`);
    const b = await lab.trimtab(['broadcast', '--host', 'fedora', '--yes', 'everyone']);
    expect(b.stderr).toContain(`leaving out 1 agent waiting on a prompt (answer first, or --force): ${target}`);
    expect(b.stdout).not.toContain('asking');
    await new Promise((res) => setTimeout(res, 800));
    expect(lab.agentLog('fedora', 'asking')).toHaveLength(before);
    const forced = await lab.trimtab(['send', '--force', target, 'forced']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    await eventually(
      () => lab.agentLog('fedora', 'asking').some((l) => l.event === 'ignored' && l.text === 'forced'),
      'the forced text to reach the prompt',
    );
  });
});
