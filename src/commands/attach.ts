import os from 'node:os';
import type { Host } from '../core/hosts/config.js';
import { TrimtabError, usageError } from '../core/errors.js';
import { section } from '../core/protocol.js';
import { resolveScript } from '../core/script.js';
import { attachInvocation, insideServer } from '../core/hosts/ssh.js';
import { runInteractive } from '../adapters/run.js';
import { onHost, type Ctx } from './context.js';
import { resolveTarget, throwScriptError } from './resolve.js';

/** Hand the terminal to tmux (here) or `ssh -t HOST tmux attach` (there); returns when the user detaches. */
export async function attachPane(ctx: Ctx, host: Host, paneId: string): Promise<void> {
  if (!ctx.term.stdinTTY || !ctx.term.stdoutTTY) {
    throw usageError('attach needs a terminal', 'run it from an interactive shell, or use trimtab peek');
  }
  const tmpdir = ctx.env.TMUX_TMPDIR || '/tmp';
  const inside = host.local && insideServer(ctx.env.TMUX, host, os.userInfo().uid, tmpdir);
  const code = await runInteractive(attachInvocation(ctx.config, host, paneId, inside));
  if (code !== 0) {
    throw new TrimtabError(`attach to ${host.name}:${paneId} ended with exit ${code}`, {
      exitCode: !host.local && code === 255 ? 3 : 1,
    });
  }
}

export async function attachCommand(ctx: Ctx, targetText: string): Promise<void> {
  const { host, ref, label } = await resolveTarget(ctx, targetText);
  if (!ctx.term.stdinTTY || !ctx.term.stdoutTTY) {
    throw usageError('attach needs a terminal', `run it from an interactive shell, or use trimtab peek ${label}`);
  }
  let paneId = ref.kind === 'pane' ? ref.paneId : '';
  if (ref.kind === 'window') {
    const sections = await onHost(ctx, host, (m) => resolveScript(m, host, ref));
    throwScriptError(sections, label, host);
    paneId = section(sections, 'pane')?.args[0] ?? '';
  }
  await attachPane(ctx, host, paneId);
}
