/** Handing the terminal to an agent: `tmux attach` here, `ssh -t HOST tmux attach` there. */
import os from 'node:os';
import { runInteractive } from '../adapters/run.js';
import { EXIT, TrimtabError, usageError } from '../core/errors.js';
import type { Host } from '../core/hosts/config.js';
import { attachInvocation, insideServer } from '../core/hosts/ssh.js';
import type { Ctx } from './context.js';

/** Returns when the user detaches. */
export async function attachPane(ctx: Ctx, host: Host, paneId: string): Promise<void> {
  if (!ctx.term.stdinTTY || !ctx.term.stdoutTTY) {
    throw usageError('attach needs a terminal', 'run it from an interactive shell, or use trimtab peek');
  }
  const tmpdir = ctx.env.TMUX_TMPDIR || '/tmp';
  const inside = host.local && insideServer(ctx.env.TMUX, host, os.userInfo().uid, tmpdir);
  const code = await runInteractive(attachInvocation(ctx.config, host, paneId, inside));
  if (code !== 0) {
    throw new TrimtabError(`attach to ${host.name}:${paneId} ended with exit ${code}`, {
      exitCode: !host.local && code === 255 ? EXIT.unreachable : EXIT.failed,
    });
  }
}
