import { showText } from '../core/agents/sent-log.js';
import { fit } from '../core/render/render.js';
import { checkPasteable } from '../core/script.js';
import type { Ctx } from '../remote/context.js';
import { sendText } from '../remote/deliver.js';
import { resolveTarget } from '../remote/targets.js';

/**
 * Deliver TEXT byte for byte to one agent, then press Enter as a separate step. Refused (exit 1) where
 * the agent does not run, and where it waits on a prompt unless `force`.
 */
export async function sendCommand(
  ctx: Ctx,
  targetText: string,
  text: string,
  opts: { enter: boolean; force?: boolean },
): Promise<void> {
  checkPasteable(text);
  const { host, ref, label } = await resolveTarget(ctx, targetText);
  await sendText(ctx, host, ref, label, text, opts.enter, { force: opts.force === true });
  ctx.out(fit(`→ ${label}  ${showText(text)}`, Math.max(40, ctx.term.columns)));
}
