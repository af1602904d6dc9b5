/**
 * The only place that starts processes. Plain node:child_process: every trimtab command goes through
 * here, and on a small host execa's start-up and per-process overhead was measured at ~20 ms of the
 * hot path (docs/performance.md); what trimtab needs is the four functions below.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Invocation } from '../core/hosts/ssh.js';

export interface RunResult {
  /** -1 when killed by a signal. */
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The program itself could not be started (ENOENT...). */
  spawnError: string | undefined;
  /** Killed because no output arrived within `firstByteMs`. */
  hung: boolean;
}

const spawnMessage = (error: NodeJS.ErrnoException) =>
  error.code === 'ENOENT' ? 'not found' : error.code === 'EACCES' ? 'permission denied' : (error.code ?? error.message);

/**
 * Kill, then close our ends of the pipes: through a ControlMaster, ssh hands them to the master, so
 * they would stay open after the kill and the run would never end.
 */
function killAndClose(child: ChildProcess, signal: NodeJS.Signals): void {
  child.kill(signal);
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy();
}

/** Processes still running: ended with trimtab (a menu quit while a sleeping host is still being tried). */
const live = new Set<ChildProcess>();
const endLive = () => {
  for (const child of live) child.kill('SIGTERM');
};

/** Start `inv` with its script on stdin; `onStdout` sees output as it arrives. */
function start(inv: Invocation, onStdout?: (chunk: string) => void) {
  const child = spawn(inv.file, inv.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  if (live.size === 0) process.once('exit', endLive);
  live.add(child);
  child.once('exit', () => {
    live.delete(child);
    if (live.size === 0) process.off('exit', endLive);
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    if (onStdout) onStdout(chunk);
    else stdout += chunk;
  });
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin!.on('error', () => {}); // EPIPE: the program exited without reading it all; its exit code says why
  child.stdin!.end(inv.input ?? '');
  const done = new Promise<{ code: number | null; spawnError: string | undefined }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) resolve({ code: null, spawnError: spawnMessage(error) });
    });
    child.once('close', (code) => resolve({ code, spawnError: undefined }));
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}

/**
 * Run to completion, capturing output. `timeoutMs` is a kill timer (SIGTERM, SIGKILL a second later):
 * ssh's ConnectTimeout does not cover a hung ControlMaster or a peer that stops answering mid-command
 * (ssh_config(5): ConnectTimeout is for the TCP connect and banner only). `firstByteMs`: a hung
 * master accepts the session and then says nothing. When no
 * output has come by then, `stillAlive` is asked (a probe of the master); only a `false` ends the run
 * as hung. A slow host or a busy machine answers the probe, and the run goes on under `timeoutMs`.
 */
export async function run(
  inv: Invocation,
  opts: { timeoutMs?: number; firstByteMs?: number; stillAlive?: () => Promise<boolean> } = {},
): Promise<RunResult> {
  const { child, done, output } = start(inv);
  let timedOut = false;
  let hung = false;
  let answered = false;
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  if (opts.timeoutMs) {
    timers.push(
      setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        child.once('exit', () => killAndClose(child, 'SIGKILL')); // gone: don't wait on pipes a master holds
        timers.push(setTimeout(() => killAndClose(child, 'SIGKILL'), 1000));
      }, opts.timeoutMs),
    );
  }
  if (opts.firstByteMs) {
    timers.push(
      setTimeout(async () => {
        if (answered || ended) return;
        const alive = opts.stillAlive ? await opts.stillAlive() : false;
        if (answered || ended || alive) return;
        hung = true;
        killAndClose(child, 'SIGKILL');
      }, opts.firstByteMs),
    );
    child.stdout!.once('data', () => (answered = true));
  }
  const { code, spawnError } = await done;
  ended = true;
  for (const t of timers) clearTimeout(t);
  return { exitCode: code ?? -1, ...output(), timedOut, spawnError, hung };
}

/** Run with the terminal handed over (attach, the login script); resolves with the exit code. */
export function runInteractive(inv: Invocation): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(inv.file, inv.args, { stdio: 'inherit' });
    child.once('error', () => resolve(127));
    child.once('close', (code) => resolve(code ?? 1));
  });
}

/**
 * A long-running process whose stdout is read as it arrives (peek --follow). `stop()` ends it with
 * SIGTERM; `done` resolves when it has exited.
 */
export function runStreaming(inv: Invocation, onData: (chunk: string) => void) {
  const { child, done, output } = start(inv, onData);
  return {
    stop: () => void child.kill('SIGTERM'),
    done: done.then(({ code, spawnError }) => ({ exitCode: code ?? -1, stderr: output().stderr, spawnError })),
  };
}
