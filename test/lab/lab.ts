/**
 * The test lab (DESIGN.md, "The lab"): a real OpenSSH sshd on 127.0.0.1 with its own host key and
 * authorized_keys, an ssh_config in which `thor` and `fedora` are aliases of it (each with its own tmux
 * socket and projects dir in the trimtab config), `asleep` pointing at a port that accepts TCP and
 * never answers, and `here`, the local host, on a private tmux socket. Nothing is stubbed.
 */

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';
import { shQuote } from '../../src/core/quote.js';

/** The repo root: the nearest folder above this file holding the fake agent (works when bundled too). */
const ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'test/fixtures/fake-agent.mjs')) && dir !== path.dirname(dir))
    dir = path.dirname(dir);
  return dir;
})();
export const CLI = path.join(ROOT, 'dist/trimtab.mjs');
export const FAKE_AGENT = path.join(ROOT, 'test/fixtures/fake-agent.mjs');
export const HOSTS = ['here', 'thor', 'fedora'] as const;
export type LabHost = (typeof HOSTS)[number];

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Lab {
  dir: string;
  /** sshd's port on 127.0.0.1. */
  port: number;
  env: NodeJS.ProcessEnv;
  sshConfig: string;
  /** Projects dir of a lab host. */
  projects(host: LabHost): string;
  socket(host: LabHost): string;
  /** Make `<projects>/<name>` on a host. */
  mkProject(host: LabHost, name: string): string;
  /** Run the built trimtab. */
  trimtab(args: string[], opts?: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Run tmux against a lab host's private server. */
  tmux(host: LabHost, args: string[]): Promise<RunResult>;
  /** Lines of the fake agent's log in a project dir. */
  agentLog(host: LabHost, project: string): Array<Record<string, string>>;
  /** The entries of trimtab's sent log in the lab's state dir (none before the first). */
  sentLog(): Array<Record<string, string>>;
  /**
   * A throwaway login user (root only: CI runs as root). Its password field is set to `*`: useradd
   * leaves it locked (`!`), and sshd with UsePAM no refuses locked accounts (DESIGN.md, The lab).
   * Removed with its home on stop. Reach it with `ssh -F lab.sshConfig NAME@thor`.
   */
  addUser(opts?: { shell?: string }): { name: string; home: string };
  /** A wrapper around the real ssh that counts its invocations; use as TRIMTAB_SSH. */
  countingSsh(): { program: string; count(): number; calls(): string[]; reset(): void };
  /** The sshd listener's pid (its children serve the connections). */
  sshdPid: number;
  stop(): Promise<void>;
}

export function which(cmd: string): string | undefined {
  const r = execaSync('sh', ['-c', `command -v ${cmd} || { [ -x /usr/sbin/${cmd} ] && echo /usr/sbin/${cmd}; }`], {
    reject: false,
  });
  return r.stdout.trim() || undefined;
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('data', () => {
        s.destroy();
        resolve(true);
      }); // the SSH banner: sshd is really serving
      s.once('error', () => resolve(false));
      setTimeout(() => {
        s.destroy();
        resolve(false);
      }, 500);
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not start listening on 127.0.0.1:${port}`);
}

export async function startLab(): Promise<Lab> {
  const sshd = which('sshd');
  if (!sshd || !which('tmux') || !which('ssh')) {
    throw new Error(
      'the test lab needs sshd, ssh and tmux: run `npm test` (its setup installs them) or apt-get install -y openssh-server tmux',
    );
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trimtab-lab-'));
  const id = path
    .basename(dir)
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(-8);
  const user = os.userInfo().username;
  execaSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'hostkey')]);
  execaSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'userkey')]);
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'userkey.pub')));
  // Throwaway lab users log in with the same key: sshd reads the file as that user.
  chmodSync(dir, 0o755);
  chmodSync(path.join(dir, 'authorized_keys'), 0o644);
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${dir}/hostkey`,
      // The lab key, then the user's own file (install.sh --login-key writes there).
      `AuthorizedKeysFile ${dir}/authorized_keys .ssh/authorized_keys`,
      `PidFile ${dir}/sshd.pid`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true }); // privilege separation dir
  const daemon = execa(sshd, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], {
    reject: false,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let sshdLog = '';
  daemon.stderr?.on('data', (d) => (sshdLog += String(d)));
  await waitForPort(port, 10_000).catch((e) => {
    throw new Error(`${(e as Error).message}\n${sshdLog}`);
  });

  // `asleep`: accepts TCP and never says a word, like a sleeping Tailscale peer behind a relay.
  const held: net.Socket[] = [];
  const silent = net.createServer((s) => held.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const asleepPort = (silent.address() as net.AddressInfo).port;

  const hostPub = readFileSync(path.join(dir, 'hostkey.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  const sshConfig = path.join(dir, 'ssh_config');
  writeFileSync(
    sshConfig,
    [
      'Host thor fedora',
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      'Host asleep',
      '  HostName 127.0.0.1',
      `  Port ${asleepPort}`,
      'Host *',
      `  User ${user}`,
      `  IdentityFile ${dir}/userkey`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${dir}/known_hosts`,
      '  StrictHostKeyChecking yes',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  chmodSync(path.join(dir, 'userkey'), 0o600);

  const socket = (h: string) => `trimtab-lab-${id}-${h}`;
  const projects = (h: string) => path.join(dir, h, 'projects');
  const agentCommand = `${shQuote(process.execPath)} ${shQuote(FAKE_AGENT)}`;
  for (const h of HOSTS) mkdirSync(projects(h), { recursive: true });
  const configDir = path.join(dir, 'config');
  mkdirSync(configDir);
  // Each lab host keeps its own Claude Code config dir (real-claude.ts, claudeConfigDir), as each machine has its own ~/.claude.
  const hostEntry = (name: string) => ({
    name,
    ssh: name,
    projectsDir: projects(name),
    agentCommand,
    tmuxSocket: socket(name),
    claudeConfigDir: path.join(dir, name, 'claude-config'),
  });
  writeFileSync(
    path.join(configDir, 'config.json'),
    JSON.stringify(
      {
        session: 'agents',
        hosts: [...HOSTS.map(hostEntry), hostEntry('asleep')],
        sshOptions: ['-F', sshConfig],
        connectTimeoutSeconds: 2,
      },
      null,
      2,
    ),
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TRIMTAB_CONFIG_DIR: configDir,
    TRIMTAB_CACHE_DIR: path.join(dir, 'cache'), // control sockets and the offline memory stay in the lab
    TRIMTAB_STATE_DIR: path.join(dir, 'state'), // so does the sent log (never the user's own)
    TRIMTAB_HOST: 'here',
    NO_COLOR: '1',
  };
  for (const k of ['TMUX', 'TMUX_PANE', 'TMUX_TMPDIR', 'TRIMTAB_SSH']) delete env[k];

  const users: string[] = [];
  const lab: Lab = {
    dir,
    port,
    sshdPid: daemon.pid!,
    env,
    sshConfig,
    projects,
    socket,
    mkProject(h, name) {
      const p = path.join(projects(h), name);
      mkdirSync(p, { recursive: true });
      return p;
    },
    async trimtab(args, opts = {}) {
      const r = await execa(process.execPath, [CLI, ...args], {
        env: { ...env, ...opts.env },
        extendEnv: false,
        input: opts.input ?? '',
        reject: false,
        timeout: opts.timeoutMs ?? 45_000,
      });
      return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    async tmux(h, args) {
      const r = await execa('tmux', ['-L', socket(h), ...args], { reject: false, env, extendEnv: false });
      return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    sentLog() {
      const file = path.join(env.TRIMTAB_STATE_DIR!, 'sent.log');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, string>);
    },
    agentLog(h, project) {
      const file = path.join(projects(h), project, '.fake-agent.log');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    },
    addUser(opts = {}) {
      if (process.getuid?.() !== 0) throw new Error('lab users need root');
      const name = `ttlab${id.toLowerCase().slice(-4)}${users.length}`;
      const shell = opts.shell ?? '/bin/bash';
      execaSync('useradd', ['-m', '-s', shell, name]);
      execaSync('usermod', ['-p', '*', name]);
      users.push(name);
      const home = execaSync('sh', ['-c', `getent passwd ${name} | cut -d: -f6`]).stdout.trim();
      return { name, home };
    },
    countingSsh() {
      const log = path.join(dir, `ssh-calls-${Math.random().toString(36).slice(2)}.log`);
      const program = `${log}.sh`;
      writeFileSync(program, `#!/bin/sh\necho "$*" >> ${shQuote(log)}\nexec ssh "$@"\n`);
      chmodSync(program, 0o755);
      const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
      return { program, count: () => calls().length, calls, reset: () => rmSync(log, { force: true }) };
    },
    async stop() {
      // Each pane runs in its own process group. Killing the server only hangs them up, and an
      // agent (the real Claude Code) may still be writing under the lab directory as it exits:
      // end every group and wait for it before the tree is removed.
      const groups: number[] = [];
      for (const h of HOSTS) {
        // A dead pane (remain-on-exit) still shows its old pid, which may be someone else's by now.
        const panes = await lab.tmux(h, ['list-panes', '-a', '-F', '#{?pane_dead,,#{pane_pid}}']);
        for (const pid of panes.stdout.split('\n')) if (/^\d+$/.test(pid)) groups.push(Number(pid));
        await lab.tmux(h, ['kill-server']);
      }
      await endGroups(groups);
      for (const u of users) {
        execaSync('pkill', ['-KILL', '-u', u], { reject: false });
        execaSync('userdel', ['-r', '-f', u], { reject: false });
      }
      // ssh masters (ControlPersist) that trimtab started in this lab; they show as "ssh: <path> [mux]"
      execaSync('pkill', ['-f', `${dir}/cache/cm-`], { reject: false });
      // Session processes inherit sshd's stderr: wait for sshd itself to exit, not for its pipes.
      const exited = new Promise((r) => daemon.once('exit', r));
      daemon.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      daemon.stderr?.destroy();
      for (const s of held) s.destroy();
      silent.close();
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
  return lab;
}

const alive = (group: number) => {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
};

/** Hang up, then after 3 s kill, each process group; resolves once none is left (or 2 s after the kill). */
async function endGroups(groups: number[]): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    for (const g of groups.filter(alive)) {
      try {
        process.kill(-g, sig);
      } catch {
        // gone between the check and the signal
      }
    }
  };
  signal('SIGHUP');
  const until = Date.now() + 3000;
  while (groups.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  signal('SIGKILL');
  // A killed group can linger as zombies until its new parent reaps them: bounded, then rm retries.
  const reaped = Date.now() + 2000;
  while (groups.some(alive) && Date.now() < reaped) await new Promise((r) => setTimeout(r, 20));
}

/** Poll until `check` returns a truthy value (tests check behaviour, never wall time). */
export async function eventually<T>(check: () => T | Promise<T>, what: string, ms = 10_000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < until) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}
