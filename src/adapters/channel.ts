/**
 * One long-lived shell per host: `sh -s` here, `ssh ... HOST sh -s` (through the ControlMaster)
 * elsewhere, whose stdin stays open for the whole watch run. Each call is one write and one read, no
 * new ssh session: a POSIX sh reading a pipe parses and runs one complete command at a time, so we
 * write
 *
 *     (
 *     <script>
 *     ) </dev/null
 *     printf '\n%s %s\n' '@@trimtab-end-<nonce>@@' "$?"
 *
 * and read stdout up to that end line. The subshell contains a script's `exit` and its variables;
 * `</dev/null` keeps anything in it from eating the calls that follow on our pipe; the nonce is new
 * for every call, so no output can fake the end. A fresh process first prints a ready line, and
 * everything before it (a motd, a chatty rc file) is dropped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Invocation } from '../core/hosts/ssh.js';

export type CallResult =
  | { ok: true; stdout: string; status: number }
  /**
   * unreachable: the process never became ready (ssh could not connect, a hung master);
   * timeout: a call ran past its kill timer; lost: the process died during the call;
   * backoff: not tried, the last attempts failed and the next one is not due yet.
   */
  | { ok: false; reason: 'unreachable' | 'timeout' | 'lost' | 'backoff'; detail: string };

export interface ChannelOptions {
  /** How long a fresh process has to print its ready line (ssh ConnectTimeout plus shell start-up). */
  readyMs: number;
  /** Kill timer of one call: ConnectTimeout does not cover a peer that stops answering mid-call. */
  callMs: number;
  /** Seconds to wait before starting a new process after `failures` failures in a row. */
  retryDelay: (failures: number) => number;
  nowMs?: () => number;
  /** A fresh process never got ready: e.g. drop a hung ControlMaster before the next try. */
  onUnready?: () => Promise<void>;
}

interface Live {
  child: ChildProcess;
  out: string;
  err: string;
  exited: boolean;
  /** Called on new stdout and on exit. */
  wake?: () => void;
}

const all = new Set<Channel>();
const closeAll = () => {
  for (const c of all) c.close();
};

export class Channel {
  /** Processes started so far (tests count them; the watcher logs reconnects). */
  spawns = 0;
  private failures = 0;
  private nextTryAt = 0;
  private live: Live | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly inv: Invocation,
    private readonly opts: ChannelOptions,
  ) {}

  private now = () => (this.opts.nowMs ?? Date.now)();

  /** Run `script` on the host; calls are queued, one at a time. Never throws. */
  call(script: string): Promise<CallResult> {
    const next = this.queue.then(() => this.run(script));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** End the process (the watcher stops, or the host is removed). */
  close(): void {
    if (this.live) kill(this.live);
    this.live = undefined;
    all.delete(this);
    if (all.size === 0) process.off('exit', closeAll);
  }

  private fail(result: CallResult & { ok: false }): CallResult {
    if (this.live) kill(this.live);
    this.live = undefined;
    this.failures++;
    this.nextTryAt = this.now() + this.opts.retryDelay(this.failures) * 1000;
    return result;
  }

  private async run(script: string): Promise<CallResult> {
    if (!this.live || this.live.exited) {
      this.live = undefined;
      if (this.now() < this.nextTryAt) {
        return {
          ok: false,
          reason: 'backoff',
          detail: `retrying in ${Math.ceil((this.nextTryAt - this.now()) / 1000)} s`,
        };
      }
      const ready = await this.start();
      if (!ready.ok) return ready;
    }
    const live = this.live!;
    const end = `@@trimtab-end-${randomBytes(8).toString('hex')}@@`;
    live.child.stdin!.write(`(\n${script}\n) </dev/null\nprintf '\\n%s %s\\n' '${end}' "$?"\n`);
    const got = await this.until(
      live,
      (out) => {
        const at = out.indexOf(`\n${end} `);
        const eol = at < 0 ? -1 : out.indexOf('\n', at + end.length + 2);
        return eol < 0 ? undefined : { at, eol };
      },
      this.opts.callMs,
    );
    if (got === 'timeout')
      return this.fail({ ok: false, reason: 'timeout', detail: `no answer within ${this.opts.callMs / 1000} s` });
    if (got === 'exited')
      return this.fail({ ok: false, reason: 'lost', detail: lastLine(live.err) || 'the shell ended' });
    const stdout = live.out.slice(0, got.at);
    const status = Number(live.out.slice(got.at + end.length + 2, got.eol));
    live.out = live.out.slice(got.eol + 1);
    live.err = live.err.slice(-4096);
    this.failures = 0;
    return { ok: true, stdout, status };
  }

  /** Start the process and wait for its ready line. */
  private async start(): Promise<{ ok: true } | (CallResult & { ok: false })> {
    const child = spawn(this.inv.file, this.inv.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.spawns++;
    if (all.size === 0) process.once('exit', closeAll);
    all.add(this);
    const live: Live = { child, out: '', err: '', exited: false };
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      live.out += chunk;
      live.wake?.();
    });
    child.stderr!.on('data', (chunk: string) => {
      live.err = (live.err + chunk).slice(-8192);
    });
    child.stdin!.on('error', () => {}); // EPIPE after the process died: its exit says why
    child.once('error', (e: NodeJS.ErrnoException) => {
      live.err += `cannot run ${this.inv.file}: ${e.code ?? e.message}\n`;
      live.exited = true;
      live.wake?.();
    });
    child.once('exit', () => {
      live.exited = true;
      live.wake?.();
    });
    this.live = live;
    const ready = `@@trimtab-ready-${randomBytes(8).toString('hex')}@@`;
    child.stdin!.write(`printf '%s\\n' '${ready}'\n`);
    const got = await this.until(
      live,
      (out) => {
        const at = out.indexOf(`${ready}\n`);
        return at < 0 ? undefined : at + ready.length + 1;
      },
      this.opts.readyMs,
    );
    if (typeof got === 'number') {
      live.out = live.out.slice(got); // what came before the ready line: motd, rc-file chatter
      return { ok: true };
    }
    const detail =
      got === 'timeout'
        ? `timed out after ${this.opts.readyMs / 1000} s`
        : lastLine(live.err) || 'the connection closed';
    const failed = this.fail({ ok: false, reason: 'unreachable', detail });
    if (this.opts.onUnready) await this.opts.onUnready().catch(() => undefined);
    return failed as CallResult & { ok: false };
  }

  /** Wait until `found` sees what it looks for in stdout, the process exits, or `ms` pass. */
  private until<T>(live: Live, found: (out: string) => T | undefined, ms: number): Promise<T | 'timeout' | 'exited'> {
    return new Promise((resolve) => {
      const done = (v: T | 'timeout' | 'exited') => {
        clearTimeout(timer);
        live.wake = undefined;
        resolve(v);
      };
      const timer = setTimeout(() => done('timeout'), ms);
      live.wake = () => {
        const v = found(live.out);
        if (v !== undefined) done(v);
        else if (live.exited) done('exited');
      };
      live.wake();
    });
  }
}

/**
 * Kill, then close our ends of the pipes: through a ControlMaster, ssh hands them to the master, so
 * they could stay open after the kill (as in run.ts).
 */
function kill(live: Live): void {
  live.exited = true;
  live.child.kill('SIGKILL');
  for (const s of [live.child.stdin, live.child.stdout, live.child.stderr]) s?.destroy();
}

const lastLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1) ?? '';
