/** The only place that starts processes. */
import { execa } from 'execa';
import type { Invocation } from '../core/ssh.js';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The program itself could not be started (ENOENT...). */
  spawnError: string | undefined;
  /** Killed because no output arrived within `firstByteMs`. */
  hung: boolean;
}

/**
 * Run to completion, capturing output. `timeoutMs` is a kill timer: ssh's ConnectTimeout does not
 * cover a hung ControlMaster or a peer that stops answering mid-command (DESIGN.md, SSH).
 */
export async function run(inv: Invocation, opts: { timeoutMs?: number; firstByteMs?: number } = {}): Promise<RunResult> {
  const child = execa(inv.file, inv.args, {
    input: inv.input ?? '',
    reject: false,
    stripFinalNewline: false,
    timeout: opts.timeoutMs,
    forceKillAfterDelay: 1000,
    encoding: 'utf8',
  });
  // A hung ssh master accepts the session and then says nothing: give up on it early. Through a master,
  // ssh hands our pipes to the master process, so they stay open after the kill: close our ends too.
  let hung = false;
  const watchdog = opts.firstByteMs
    ? setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
        for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy();
      }, opts.firstByteMs)
    : undefined;
  child.stdout?.once('data', () => clearTimeout(watchdog));
  const r = await child;
  clearTimeout(watchdog);
  const spawnError = r.failed && r.exitCode === undefined && !r.timedOut && !r.isTerminated ? r.shortMessage : undefined;
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: r.timedOut, spawnError, hung };
}

/** Run with the terminal handed over (attach); resolves with the exit code when the user detaches. */
export async function runInteractive(inv: Invocation): Promise<number> {
  const r = await execa(inv.file, inv.args, { stdio: 'inherit', reject: false });
  return r.exitCode ?? 1;
}

/** Start a long-running process whose stdout is read as it arrives (peek --follow). */
export function runStreaming(inv: Invocation, onData: (chunk: string) => void) {
  const child = execa(inv.file, inv.args, { input: inv.input ?? '', reject: false, buffer: false, encoding: 'utf8' });
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', onData);
  return child;
}
