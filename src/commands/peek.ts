import { randomBytes } from 'node:crypto';
import type { Host } from '../core/hosts/config.js';
import { markerFor, parseSections, section, trimScreen } from '../core/protocol.js';
import { peekScript } from '../core/script.js';
import { scriptInvocation } from '../core/hosts/ssh.js';
import type { Ref } from '../core/agents/target.js';
import { runStreaming } from '../adapters/run.js';
import { brokeOff, lostPartWay, onHost, unreachable, type Ctx } from './context.js';
import { resolveTarget, throwScriptError } from './resolve.js';

export const lastLines = (lines: string[], n: number) => trimScreen(lines).slice(-n);

/** The last `lines` lines of an agent's screen (one round trip). */
export async function capture(ctx: Ctx, host: Host, ref: Ref, label: string, lines: number): Promise<string[]> {
  const sections = await onHost(ctx, host, (m) => peekScript(m, host, ref, lines));
  throwScriptError(sections, label, host);
  return lastLines(section(sections, 'screen')?.lines ?? [], lines);
}

export async function peekCommand(ctx: Ctx, targetText: string, opts: { lines: number; follow?: boolean; interval: number }) {
  const { host, ref, label } = await resolveTarget(ctx, targetText);
  if (!opts.follow) {
    for (const line of await capture(ctx, host, ref, label, opts.lines)) ctx.out(line);
    return;
  }
  await follow(ctx, host, ref, label, opts);
}

/**
 * Redraw the pane in place until Ctrl-C. One process (one ssh connection) runs a capture loop on the
 * host and streams frames; nothing reconnects per frame.
 */
async function follow(ctx: Ctx, host: Host, ref: Ref, label: string, opts: { lines: number; interval: number }) {
  const marker = markerFor(randomBytes(6).toString('hex'));
  const inv = scriptInvocation(ctx.config, host, peekScript(marker, host, ref, opts.lines, opts.interval));
  let pending = '';
  let seen = '';
  let drawn = 0;
  const draw = (frame: string) => {
    const lines = lastLines(frame.split('\n').slice(1), opts.lines);
    if (drawn) process.stdout.write(`\x1b[${drawn}F\x1b[J`); // back over the last frame, clear below
    for (const l of lines) ctx.out(l);
    drawn = lines.length;
  };
  let answered = false;
  const stream = runStreaming(inv, (chunk) => {
    answered ||= chunk.includes(marker);
    pending += chunk;
    seen = (seen + chunk).slice(-4096);
    // A frame is complete once the next marker arrives.
    for (let next = pending.indexOf(marker, 1); next > 0; next = pending.indexOf(marker, 1)) {
      if (pending.startsWith(`${marker} frame`)) draw(pending.slice(0, next));
      pending = pending.slice(next);
    }
  });
  let stopped = false;
  const stop = () => {
    stopped = true;
    stream.stop();
  };
  process.on('SIGINT', stop);
  const result = await stream.done;
  process.off('SIGINT', stop);
  if (stopped) return; // Ctrl-C is the normal way out (ssh itself exits 255 on SIGTERM)
  if (answered && brokeOff(host, result.exitCode)) throw lostPartWay(host);
  if (!host.local && result.exitCode === 255) {
    throw unreachable(host, result.stderr, ctx.config.connectTimeoutSeconds, false);
  }
  throwScriptError(parseSections(seen, marker), label, host);
}
