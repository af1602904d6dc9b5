import { printable } from '../core/render/printable.js';
import type { Ctx } from '../remote/context.js';
import { followPane } from '../remote/follow.js';
import { capturePane, lastLines, resolveTarget } from '../remote/targets.js';

export async function peekCommand(
  ctx: Ctx,
  targetText: string,
  opts: { lines: number; follow?: boolean; interval: number },
) {
  const { host, ref, label } = await resolveTarget(ctx, targetText);
  if (!opts.follow) {
    // A pane's screen holds what its program drew: tmux keeps bidi controls and other characters a
    // terminal acts on in its cells, so they are shown, never passed on.
    for (const line of await capturePane(ctx, host, ref, label, opts.lines)) ctx.out(printable(line));
    return;
  }
  // Redraw the pane in place until Ctrl-C.
  let drawn = 0;
  const draw = (frame: string[]) => {
    const lines = lastLines(frame, opts.lines);
    if (drawn) process.stdout.write(`\x1b[${drawn}F\x1b[J`); // back over the last frame, clear below
    for (const l of lines) ctx.out(printable(l));
    drawn = lines.length;
  };
  await followPane(ctx, host, ref, label, opts, draw, (stop) => {
    process.on('SIGINT', stop);
    return () => process.off('SIGINT', stop);
  });
}
