import { usageError } from '../core/errors.js';
import { runMenu } from '../menu/menu.js';
import type { Ctx } from './context.js';

export async function menuCommand(ctx: Ctx, opts: { ascii: boolean }): Promise<void> {
  // Without a TTY enquirer would silently pick item 1 (STYLE.md): refuse instead.
  if (!ctx.term.stdinTTY || !ctx.term.stdoutTTY) throw usageError('menu needs a terminal; try trimtab list');
  await runMenu(ctx, opts);
}
