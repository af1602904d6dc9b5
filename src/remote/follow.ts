/**
 * `peek --follow`: one process (one ssh connection) runs a capture loop on the host and streams
 * frames; nothing reconnects per frame.
 */
import { randomBytes } from 'node:crypto';
import { runStreaming } from '../adapters/run.js';
import type { Ref } from '../core/agents/target.js';
import type { Host } from '../core/hosts/config.js';
import { scriptInvocation } from '../core/hosts/ssh.js';
import { markerFor, parseSections } from '../core/protocol.js';
import { lostPartWayError, scriptError, unreachableError } from '../core/remote-errors.js';
import type { Ctx } from './context.js';
import { peekScript } from './scripts.js';

/** Calls `onFrame` with each frame's lines until `signal` fires (the normal way out) or the pane goes. */
export async function followPane(
  ctx: Ctx,
  host: Host,
  ref: Ref,
  label: string,
  opts: { lines: number; interval: number },
  onFrame: (lines: string[]) => void,
  stopOn: (stop: () => void) => () => void,
): Promise<void> {
  const marker = markerFor(randomBytes(6).toString('hex'));
  const inv = scriptInvocation(ctx.config, host, peekScript(marker, host, ref, opts.lines, opts.interval));
  let pending = '';
  let seen = '';
  let answered = false;
  const stream = runStreaming(inv, (chunk) => {
    answered ||= chunk.includes(marker);
    pending += chunk;
    seen = (seen + chunk).slice(-4096);
    // A frame is complete once the next marker arrives.
    for (let next = pending.indexOf(marker, 1); next > 0; next = pending.indexOf(marker, 1)) {
      if (pending.startsWith(`${marker} frame`)) onFrame(pending.slice(0, next).split('\n').slice(1));
      pending = pending.slice(next);
    }
  });
  let stopped = false;
  const release = stopOn(() => {
    stopped = true;
    stream.stop();
  });
  const result = await stream.done;
  release();
  if (stopped) return; // ssh itself exits 255 on SIGTERM
  const brokeOff = result.exitCode === -1 || (!host.local && result.exitCode === 255);
  if (answered && brokeOff) throw lostPartWayError(host);
  if (!host.local && result.exitCode === 255)
    throw unreachableError(host, result.stderr, ctx.config.connectTimeoutSeconds, false);
  const error = scriptError(parseSections(seen, marker), label, host);
  if (error) throw error;
}
