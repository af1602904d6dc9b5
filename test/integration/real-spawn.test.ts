// `trimtab spawn` with the real Claude Code (the pinned npm release) in the lab: the built trimtab on
// `thor` (over the lab's real ssh), the agent command configured the way a user would, the stand-in
// Messages API on 127.0.0.1 behind a recorder that keeps every request body (so a test can see what
// history Claude Code sent). A missing binary fails here, never skips.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApi, startFakeApi } from '../lab/fake-api.js';
import { eventually, type Lab, startLab } from '../lab/lab.js';
import {
  type ClaudePane,
  claudeCommand,
  claudeConfigDir,
  claudeEnv,
  paneDead,
  requireLabClaude,
  screen,
  typeLine,
  waitForScreen,
  writeClaudeConfig,
} from '../lab/real-claude.js';

type Message = { role: string; content: string | Array<{ type: string; text?: string }> };

/** A loopback pass-through in front of the stand-in that keeps the messages of every request. */
async function startRecorder(
  upstream: string,
): Promise<{ url: string; requests: () => Message[][]; close: () => Promise<void> }> {
  const seen: Message[][] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        const messages = (JSON.parse(body.toString('utf8')) as { messages?: Message[] }).messages;
        if (messages) seen.push(messages);
      } catch {
        // not JSON: nothing to keep
      }
      const up = http.request(`${upstream}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests: () => [...seen],
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const textOf = (m: Message) =>
  typeof m.content === 'string' ? m.content : m.content.map((b) => b.text ?? '').join('\n');

let lab: Lab;
let api: FakeApi;
let recorder: Awaited<ReturnType<typeof startRecorder>>;
const configDir = () => claudeConfigDir(lab, 'thor');
/** Whether Claude Code's own config (`.claude.json`, in CLAUDE_CONFIG_DIR) marks a folder trusted. */
const trusted = (dir: string) => {
  const config = JSON.parse(readFileSync(path.join(configDir(), '.claude.json'), 'utf8')) as {
    projects?: Record<string, { hasTrustDialogAccepted?: boolean }>;
  };
  return config.projects?.[dir]?.hasTrustDialogAccepted === true;
};

beforeAll(async () => {
  const bin = requireLabClaude();
  lab = await startLab();
  api = await startFakeApi();
  recorder = await startRecorder(api.url);
  writeClaudeConfig(configDir(), [lab.mkProject('thor', 'task')]);
  // thor's agent is the real Claude Code, its environment in the command as a user would write it.
  const file = path.join(lab.env.TRIMTAB_CONFIG_DIR!, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as { hosts: Array<{ name: string; agentCommand: string }> };
  config.hosts.find((h) => h.name === 'thor')!.agentCommand = claudeCommand(
    claudeEnv({ ...api, url: recorder.url }, configDir()),
    bin,
  );
  writeFileSync(file, JSON.stringify(config, null, 2));
}, 60_000);
afterAll(async () => {
  await recorder?.close();
  await api?.close();
  await lab?.stop();
});

const spawn = async (args: string[]) => {
  const r = await lab.trimtab(['spawn', '--on', 'thor', ...args], { timeoutMs: 60_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  return r;
};

const paneOf = async (window: string) => {
  const r = await lab.tmux('thor', [
    'display-message',
    '-p',
    '-t',
    `=agents:=${window}`,
    '#{pane_id} #{pane_pid} #{window_id}',
  ]);
  const [pane = '', pid = '0', windowId = ''] = r.stdout.trim().split(' ');
  return { cp: { host: 'thor', pane, pid: Number(pid), window } as ClaudePane, windowId };
};

/** The agent's argv, from the kernel: what tmux and sh handed to the program. */
const argvOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);

const listJson = async () => {
  const r = await lab.trimtab(['list', '--json', '--host', 'thor']);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { agents: Array<Record<string, unknown>> };
};

describe('spawn PROJECT TASK, then restart and continue, with the real Claude Code', () => {
  // Every character a shell would act on, unicode, a newline, and a leading `-` (an option to claude).
  const TASK = `-v "double" 'single' $(touch canary) \`id\` $HOME ; & | \\ ünï ✓ 日本\nsecond line`;
  let windowId = '';

  it('the stand-in receives the task byte for byte as the first message; the agent got it as one argv word after --', async () => {
    await spawn(['task', '--', TASK]);
    const { cp, windowId: id } = await paneOf('task');
    windowId = id;
    await eventually(
      () => api.received().includes(TASK),
      `the stand-in to receive ${JSON.stringify(TASK)}; got ${JSON.stringify(api.received())}`,
      60_000,
    );
    await waitForScreen(lab, cp, /Hello from the lab/, 'the reply');
    expect(argvOf(cp.pid).slice(-2)).toEqual(['--', TASK]);
    expect(existsSync(path.join(lab.projects('thor'), 'task', 'canary'))).toBe(false);
  }, 120_000);

  it('a running agent is never restarted: spawn says already running and leaves it', async () => {
    const before = await paneOf('task');
    const r = await spawn(['task', 'another task']);
    expect(r.stderr).toContain('thor:agents:task is already running');
    expect(r.stderr).toContain('the task was not given to it');
    expect((await paneOf('task')).cp.pid).toBe(before.cp.pid);
    expect(api.received()).not.toContain('another task');
  });

  it('/exit, then spawn: started again in the same window (same window id and pane), with its new task', async () => {
    const { cp } = await paneOf('task');
    await typeLine(lab, cp, '/exit');
    await eventually(() => paneDead(lab, cp), 'the pane to die', 30_000);
    await eventually(
      async () => (await listJson()).agents.find((a) => a.target === 'thor:agents:task')?.status === 'exited',
      'listed as exited',
      20_000,
    );
    // A task that names a claude subcommand (`claude logs` prints a background session's output):
    // after `--` it is a prompt.
    const r = await spawn(['task', 'logs']);
    expect(r.stderr).toContain('thor:agents:task had exited: started again in its window');
    const again = await paneOf('task');
    expect(again.windowId).toBe(windowId);
    expect(again.cp.pane).toBe(cp.pane);
    expect(again.cp.pid).not.toBe(cp.pid);
    await eventually(() => api.received().at(-1) === 'logs', 'the stand-in to receive "logs" as a prompt', 60_000);
    await waitForScreen(lab, again.cp, /Hello from the lab/, 'the reply');
    const windows = await lab.tmux('thor', ['list-windows', '-t', '=agents', '-F', '#{window_name}']);
    expect(windows.stdout.split('\n').filter((w) => w === 'task')).toHaveLength(1);
  }, 120_000);

  it('--continue reaches Claude Code as that flag, and it continues: the next request carries the earlier conversation', async () => {
    const { cp } = await paneOf('task');
    await typeLine(lab, cp, 'remember the lab');
    await eventually(() => api.received().includes('remember the lab'), 'the stand-in to receive it', 45_000);
    await waitForScreen(lab, cp, /Hello from the lab/, 'the reply');
    await typeLine(lab, cp, '/exit');
    await eventually(() => paneDead(lab, cp), 'the pane to die', 30_000);

    const r = await spawn(['--continue', 'task', 'and now?']);
    expect(r.stderr).toContain('continuing its last conversation');
    const again = await paneOf('task');
    expect(again.windowId).toBe(windowId);
    expect(argvOf(again.cp.pid).slice(-3)).toEqual(['--continue', '--', 'and now?']);
    await eventually(() => api.received().includes('and now?'), 'the continued session to send the new task', 60_000);
    const request = recorder.requests().find((ms) => textOf(ms.at(-1)!).includes('and now?'))!;
    const history = request.slice(0, -1).map(textOf).join('\n');
    expect(history).toContain('remember the lab');
    expect(history).toContain('Hello from the lab');
  }, 120_000);
});

describe('spawn --continue where there is nothing to continue', () => {
  it('Claude Code ends; trimtab says so, at once or in the list and on its last screen', async () => {
    // A trusted folder with no conversation: 2.1.328 prints "No conversation found to continue", exit 1.
    const dir = lab.mkProject('thor', 'fresh');
    writeClaudeConfig(configDir(), [path.join(lab.projects('thor'), 'task'), dir]);
    const r = await lab.trimtab(['spawn', '--on', 'thor', '--continue', 'fresh'], { timeoutMs: 60_000 });
    if (r.exitCode !== 0) {
      // It ended within spawn's half-second check (a fast machine).
      expect(r.exitCode).toBe(1);
      // tmux may not have recorded the exit status yet, or at all (a libutempter tmux can miss the
      // child's exit: tmux#311, tmux#4559): 1 or unknown.
      expect(r.stderr).toMatch(/the agent on thor:agents:fresh exited at once \(status (1|unknown)\) with --continue/);
      expect(r.stderr).toContain('no conversation to continue');
      return;
    }
    // Claude Code took longer than that to start and end: remain-on-exit keeps its window and last words.
    await eventually(
      async () => (await listJson()).agents.find((a) => a.target === 'thor:agents:fresh')?.status === 'exited',
      'listed as exited',
      60_000,
    );
    const peek = await lab.trimtab(['peek', 'thor:fresh']);
    expect(peek.stdout).toContain('No conversation found to continue');
  }, 120_000);
});

describe('the trust dialog of a folder Claude Code has not been told to trust', () => {
  it('shows in list --json as a waiting prompt of kind trust with its options; Down, Enter accepts it and the task goes out; only that answer marks it trusted', async () => {
    const dir = lab.mkProject('thor', 'strange');
    await spawn(['strange', 'first, after the trust question']);
    const { cp } = await paneOf('strange');
    await waitForScreen(lab, cp, /trust this folder/, 'the trust dialog', 60_000);
    const agent = await eventually(
      async () => (await listJson()).agents.find((a) => a.target === 'thor:agents:strange' && a.status === 'waiting'),
      'waiting',
      20_000,
    );
    // 2.1.328 lists "No, exit" first, with the cursor on it, and numbers neither option.
    expect(agent.prompt).toMatchObject({
      kind: 'trust',
      title: 'Accessing workspace:',
      subject: dir,
      options: [
        { key: null, label: 'No, exit' },
        { key: null, label: 'Yes, I trust this folder' },
      ],
    });
    // Nothing trimtab does marks the folder trusted (Claude Code rewrites its .claude.json at every
    // start, so the file itself changes): only the answer does.
    expect(trusted(dir)).toBe(false);
    expect(api.received()).not.toContain('first, after the trust question');
    // Accepting takes the cursor down to "Yes" (Down), then Enter; Enter alone would pick "No, exit".
    await lab.tmux('thor', ['send-keys', '-t', cp.pane, 'Down']);
    await waitForScreen(lab, cp, /❯ Yes, I trust this folder/, 'the cursor on Yes', 20_000);
    await lab.tmux('thor', ['send-keys', '-t', cp.pane, 'Enter']);
    await waitForScreen(
      lab,
      cp,
      (s) => /^❯/m.test(s) && !/trust this folder/.test(s),
      'the input box after trusting',
      60_000,
    );
    const after = await eventually(
      async () => (await listJson()).agents.find((a) => a.target === 'thor:agents:strange' && a.status === 'idle'),
      'idle',
      20_000,
    );
    expect(after.prompt).toBeNull();
    expect(trusted(dir)).toBe(true);
    // The task waited behind the dialog and goes out once the folder is trusted.
    await eventually(
      () => api.received().includes('first, after the trust question'),
      'the task after trusting',
      45_000,
    );
    expect(await screen(lab, cp)).not.toContain('Accessing workspace');
  }, 120_000);
});
