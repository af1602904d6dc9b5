/**
 * Sending a notification: an ntfy POST with Node's own fetch, or the user's command run without a
 * shell with the event in its environment. Neither ever throws: a failure comes back as a value, to
 * be retried by the watcher.
 */
import { spawn } from 'node:child_process';
import type { Notification } from '../core/watch/notification.js';
import { commandEnv, type NtfyTarget, ntfyRequest } from '../core/watch/ntfy.js';

export type PushResult = { ok: true } | { ok: false; error: string };

/** Where to say it went wrong without printing the topic (on ntfy.sh the topic is the password). */
const origin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return 'the ntfy server';
  }
};

export async function pushNtfy(target: NtfyTarget, n: Notification, timeoutMs = 10_000): Promise<PushResult> {
  const req = ntfyRequest(target, n);
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined); // let the connection be reused
    return res.ok ? { ok: true } : { ok: false, error: `HTTP ${res.status} from ${origin(req.url)}` };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError')
      return { ok: false, error: `${origin(req.url)} did not answer within ${timeoutMs / 1000} s` };
    return { ok: false, error: `cannot reach ${origin(req.url)}: ${e.cause?.code ?? e.message}` };
  }
}

/**
 * Run `argv` (program first) with TRIMTAB_EVENT, TRIMTAB_HOST, ... in its environment. No shell is
 * involved and nothing from the event is put in argv, so a project named `$(rm -rf ~)` is just text
 * in a variable. Killed after `timeoutMs`; a non-zero exit is a failure (retried).
 */
export function runNotifyCommand(argv: string[], n: Notification, timeoutMs = 30_000): Promise<PushResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      shell: false,
      env: { ...process.env, ...commandEnv(n) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (c: string) => (err = (err + c).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `cannot run ${argv[0]}: ${e.code ?? e.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ ok: true });
      const why = err.trim().split('\n').at(-1);
      resolve({
        ok: false,
        error: `${argv[0]} ${signal ? `was killed (${signal})` : `exited ${code}`}${why ? `: ${why}` : ''}`,
      });
    });
  });
}
