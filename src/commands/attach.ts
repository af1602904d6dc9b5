import { usageError } from '../core/errors.js';
import { attachPane } from '../remote/attach.js';
import type { Ctx } from '../remote/context.js';
import { resolvePane, resolveTarget } from '../remote/targets.js';

export async function attachCommand(ctx: Ctx, targetText: string): Promise<void> {
  const { host, ref, label } = await resolveTarget(ctx, targetText);
  if (!ctx.term.stdinTTY || !ctx.term.stdoutTTY) {
    throw usageError('attach needs a terminal', `run it from an interactive shell, or use trimtab peek ${label}`);
  }
  await attachPane(ctx, host, await resolvePane(ctx, host, ref, label));
}
