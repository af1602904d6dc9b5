/**
 * What to run to reach a host: plain `sh` for the local host, the system ssh for every other one.
 * Returns commands as data; adapters/run.ts executes them.
 */
import { createHash } from 'node:crypto';
import { shJoin } from '../quote.js';
import type { Config, Host } from './config.js';

export interface Invocation {
  file: string;
  args: string[];
  /** Fed to stdin. */
  input?: string;
}

/**
 * Fail fast on a sleeping peer: ConnectTimeout also bounds the banner exchange, ServerAlive* catches a
 * link that dies mid-command, BatchMode never waits on a password prompt (ssh_config(5)). A sleeping
 * Tailscale peer drops SYNs silently: without ConnectTimeout ssh waits ~2 minutes.
 */
export function sshBaseArgs(config: Config, opts: { interactive?: boolean } = {}): string[] {
  const args = [
    '-o',
    `ConnectTimeout=${Math.ceil(config.connectTimeoutSeconds)}`,
    '-o',
    'ServerAliveInterval=5',
    '-o',
    'ServerAliveCountMax=2',
  ];
  if (!opts.interactive) args.unshift('-o', 'BatchMode=yes');
  return [...args, ...config.sshOptions];
}

/**
 * One ssh master per host, kept 10 minutes: repeat calls skip the handshake (OpenSSH ControlPersist). The path is ours,
 * in a private dir, named after the host and a hash of how it is reached (sockets live in short paths).
 */
export function controlPath(dir: string, config: Config, host: Host): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([host.ssh, config.sshOptions]))
    .digest('hex')
    .slice(0, 10);
  return `${dir}/cm-${host.name.slice(0, 20)}-${hash}`;
}

const muxArgs = (path: string): string[] => [
  '-o',
  'ControlMaster=auto',
  '-o',
  `ControlPath=${path}`,
  '-o',
  'ControlPersist=600',
];

/** Does the user's own ssh config multiplex already? Then theirs is used, not ours. */
export function userMultiplexes(configTexts: string[]): boolean {
  return configTexts.some((text) =>
    text.split('\n').some((line) => {
      const m = /^\s*(ControlMaster|ControlPath)\s*[=\s]\s*(\S+)/i.exec(line);
      if (!m) return false;
      const value = m[2]!.toLowerCase();
      return m[1]!.toLowerCase() === 'controlmaster' ? value !== 'no' : value !== 'none';
    }),
  );
}

/** Run a script from remote/scripts.ts on `host`. The remote side only ever sees the constant words `sh -s`. */
export function scriptInvocation(
  config: Config,
  host: Host,
  script: string,
  opts: { controlPath?: string } = {},
): Invocation {
  if (host.local) return { file: 'sh', args: ['-s'], input: script };
  const mux = opts.controlPath ? muxArgs(opts.controlPath) : [];
  return {
    file: config.sshCommand,
    args: [...sshBaseArgs(config), ...mux, '-T', '--', host.ssh, 'sh -s'],
    input: script,
  };
}

/** Ask a (possibly hung) master to exit; used before its socket is removed. */
export const muxExitInvocation = (config: Config, host: Host, path: string): Invocation => ({
  file: config.sshCommand,
  args: [...sshBaseArgs(config), '-o', `ControlPath=${path}`, '-O', 'exit', '--', host.ssh],
});

/**
 * Does a master still carry calls? A second session through it that runs `true`: `ssh -O check` alone
 * only asks the local master process, which answers even when the far end stopped. No fallback to a
 * fresh connection: ControlMaster=no only uses the socket, and -O check first proves it is there.
 */
export const muxProbeInvocation = (config: Config, host: Host, path: string): Invocation => ({
  file: config.sshCommand,
  args: [...sshBaseArgs(config), '-o', 'ControlMaster=no', '-o', `ControlPath=${path}`, '-T', '--', host.ssh, 'true'],
});

export const muxCheckInvocation = (config: Config, host: Host, path: string): Invocation => ({
  file: config.sshCommand,
  args: [...sshBaseArgs(config), '-o', `ControlPath=${path}`, '-O', 'check', '--', host.ssh],
});

/** tmux argv for a host (its own socket if configured). */
export const tmuxArgs = (host: Host, args: string[]): string[] =>
  host.tmuxSocket ? ['-L', host.tmuxSocket, ...args] : args;

/**
 * Attach to a pane's window. Local: `tmux attach`, or `switch-client` when already inside that tmux
 * server (tmux(1): attach inside tmux nests a client). Remote: `ssh -t HOST tmux attach -t PANE`,
 * every word POSIX-quoted for the remote login shell.
 */
export function attachInvocation(config: Config, host: Host, paneId: string, insideSameServer: boolean): Invocation {
  if (host.local) {
    return {
      file: 'tmux',
      args: tmuxArgs(host, insideSameServer ? ['switch-client', '-t', paneId] : ['attach-session', '-t', paneId]),
    };
  }
  // -u: the remote locale is often unset over ssh; the phone or laptop terminal does speak UTF-8.
  const remote = shJoin(['tmux', '-u', ...tmuxArgs(host, ['attach-session', '-t', paneId])]);
  return {
    file: config.sshCommand,
    args: [...sshBaseArgs(config, { interactive: true }), '-t', '--', host.ssh, remote],
  };
}

/**
 * The command a person types to attach from here, e.g.
 * `ssh -t thor "tmux -u attach -t '=agents:=gridplay'"`. The remote part is quoted once more for the
 * remote login shell: zsh reads a bare word starting with `=` as a command lookup.
 */
export function attachHint(host: Host, session: string, window: string, paneId: string): string {
  // A '.' in a window name reads as a pane separator in a target: fall back to the pane id.
  const target = window.includes('.') || session.includes('.') ? paneId : `=${session}:=${window}`;
  if (host.local) return shJoin(['tmux', ...tmuxArgs(host, ['attach', '-t', target])]);
  // Names are validated (no quotes, $, backslash or backtick), so double quotes are safe here.
  return `ssh -t ${host.ssh} "${shJoin(['tmux', '-u', ...tmuxArgs(host, ['attach', '-t', target])])}"`;
}

/** Is `$TMUX` (socket,pid,session) a client of this host's tmux server? */
export function insideServer(tmuxEnv: string | undefined, host: Host, uid: number, tmpdir: string): boolean {
  if (!tmuxEnv) return false;
  const socketPath = tmuxEnv.split(',')[0];
  return socketPath === `${tmpdir}/tmux-${uid}/${host.tmuxSocket || 'default'}`;
}
