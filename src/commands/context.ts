/** What every command gets: config, terminal facts, output channels; and running a script on a host. */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { resolveConfig, type Config, type Host } from '../core/config.js';
import { EXIT, TrimtabError } from '../core/errors.js';
import { markerFor, parseSections, type Section } from '../core/protocol.js';
import { scriptInvocation } from '../core/ssh.js';
import { loadConfigFile } from '../adapters/config-store.js';
import { run } from '../adapters/run.js';
import { detectTerminal, type Terminal } from '../adapters/terminal.js';

export interface Ctx {
  config: Config;
  env: NodeJS.ProcessEnv;
  term: Terminal;
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => number;
}

export function createContext(env: NodeJS.ProcessEnv = process.env): Ctx {
  return {
    config: resolveConfig(loadConfigFile(env), env, os.hostname()),
    env,
    term: detectTerminal(env),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    now: () => Math.floor(Date.now() / 1000),
  };
}

/** Why ssh (exit 255) failed, as one line with what to do next. */
export function unreachable(host: Host, stderr: string, timeoutSeconds: number, timedOut: boolean): TrimtabError {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('@'));
  if (timedOut) {
    return new TrimtabError(`cannot reach ${host.name} (timed out after ${timeoutSeconds} s)`, {
      exitCode: EXIT.unreachable,
      hint: `is ${host.ssh} asleep or off the network? lists skip it`,
    });
  }
  if (/host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|no .* host key is known/i.test(stderr)) {
    return new TrimtabError(`cannot reach ${host.name}: its ssh host key is unknown or has changed`, {
      exitCode: EXIT.unreachable,
      hint: `run "ssh ${host.ssh}" once to check and accept the key (ssh-keygen -R to forget an old one); trimtab never turns host key checks off`,
    });
  }
  const reason = lines.filter((l) => !/^Warning: Permanently added/.test(l)).at(-1) ?? 'ssh failed';
  const timedOutBySsh = /timed out/i.test(reason);
  return new TrimtabError(
    timedOutBySsh ? `cannot reach ${host.name} (timed out after ${timeoutSeconds} s)` : `cannot reach ${host.name}: ${reason}`,
    { exitCode: EXIT.unreachable, hint: `check that "ssh ${host.ssh} true" works from here` },
  );
}

/**
 * Run a script from core/script.ts on a host (one process: `sh` here, `ssh` elsewhere) and parse its
 * sections. Throws an exit-3 error when the host cannot be reached.
 */
export async function onHost(ctx: Ctx, host: Host, build: (marker: string) => string, extraSeconds = 15): Promise<Section[]> {
  const marker = markerFor(randomBytes(6).toString('hex'));
  const inv = scriptInvocation(ctx.config, host, build(marker));
  const timeout = ctx.config.connectTimeoutSeconds;
  const r = await run(inv, { timeoutMs: (timeout + extraSeconds) * 1000 });
  if (ctx.env.TRIMTAB_DEBUG) {
    ctx.err(`[debug] ${inv.file} ${inv.args.join(' ')} → exit ${r.exitCode}\n${inv.input}\n[stdout]\n${r.stdout}\n[stderr]\n${r.stderr}`);
  }
  if (r.spawnError) {
    throw new TrimtabError(`cannot run ${inv.file}: ${r.spawnError}`, {
      hint: host.local ? 'is a POSIX sh on PATH?' : 'is OpenSSH installed? set TRIMTAB_SSH or sshCommand to its path',
    });
  }
  if (r.timedOut || (!host.local && r.exitCode === 255)) throw unreachable(host, r.stderr, timeout, r.timedOut);
  const sections = parseSections(r.stdout, marker);
  if (sections.some((s) => s.tag === 'notmux')) {
    throw new TrimtabError(`tmux is not installed on ${host.name}`, {
      hint: 'install it (apt install tmux, dnf install tmux, or add pkgs.tmux on NixOS)',
    });
  }
  if (sections.length === 0) {
    const why = r.stderr.trim().split('\n').at(-1) || `exit ${r.exitCode}`;
    throw new TrimtabError(`no answer from ${host.name}: ${why}`, { hint: 'is a POSIX sh available there?' });
  }
  return sections;
}
