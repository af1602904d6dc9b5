/** `trimtab log [-n N] [--json]`: what was typed into which agent, from which device. */
import kleur from 'kleur';
import { readSentLog, sentLogPath } from '../adapters/sent-log.js';
import { parseLog, renderLog } from '../core/agents/sent-log.js';
import { printableJson } from '../core/render/printable.js';
import type { Ctx } from '../remote/context.js';

export function logCommand(ctx: Ctx, opts: { lines: number; json?: boolean }): void {
  const text = readSentLog(ctx.env);
  if (text === undefined) {
    ctx.err(`nothing sent from this device yet (${sentLogPath(ctx.env)})`);
    return;
  }
  const { entries, skipped } = parseLog(text);
  const last = entries.slice(-opts.lines);
  if (opts.json) {
    for (const e of last) ctx.out(printableJson(e));
  } else {
    const paint = ctx.term.color ? { ok: kleur.green, bad: kleur.red, dim: kleur.dim } : undefined;
    const local = (ms: number) => -new Date(ms).getTimezoneOffset();
    for (const line of renderLog(last, ctx.term.columns, local, paint)) ctx.out(line);
  }
  if (skipped) ctx.err(`⚠ ${skipped} unreadable line${skipped > 1 ? 's' : ''} in ${sentLogPath(ctx.env)} skipped`);
}
