import { TrimtabError } from '../core/errors.js';
import { fit } from '../core/render.js';
import { checkPasteable, sendScript } from '../core/script.js';
import { onHost, type Ctx } from './context.js';
import { resolveTarget, throwScriptError } from './resolve.js';

/** How a sent text is shown on one line: newlines as ⏎, tabs as →|. */
export const oneLine = (text: string) => text.replace(/\r?\n/g, '⏎').replace(/\t/g, '⇥');

/** Deliver TEXT byte for byte to one agent, then press Enter as a separate step. */
export async function sendCommand(ctx: Ctx, targetText: string, text: string, opts: { enter: boolean }): Promise<void> {
  checkPasteable(text);
  const { host, ref, label } = await resolveTarget(ctx, targetText);
  const sections = await onHost(ctx, host, (m) => sendScript(m, host, ref, text, opts.enter));
  throwScriptError(sections, label, host);
  const failed = sections.find((s) => s.tag === 'failed');
  if (failed) {
    const why = failed.args[1] === 'gone' ? 'the agent has exited' : `tmux could not ${failed.args[1]}`;
    throw new TrimtabError(`not delivered to ${label}: ${why}`, { hint: `peek at it with trimtab peek ${label}` });
  }
  ctx.out(fit(`→ ${label}  ${oneLine(text)}`, Math.max(40, ctx.term.columns)));
}
