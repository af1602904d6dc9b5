import { findHost, localHost } from '../core/hosts/config.js';
import { attachHint } from '../core/hosts/ssh.js';
import { validateProject } from '../core/agents/target.js';
import { attachPane } from '../remote/attach.js';
import { spawnAgent } from '../remote/agents.js';
import type { Ctx } from '../remote/context.js';

export interface SpawnOptions {
  on?: string;
  /** true: attach; false: never; undefined: attach when local and on a terminal. */
  attach?: boolean;
}

export async function spawnCommand(ctx: Ctx, projectText: string, opts: SpawnOptions): Promise<{ paneId: string }> {
  const project = validateProject(projectText);
  const host = opts.on ? findHost(ctx.config, opts.on) : localHost(ctx.config);
  const { paneId, label, existed } = await spawnAgent(ctx, host, project);
  if (existed) ctx.err(`${label} is already running; no second window made`);
  ctx.out(label);
  const tty = ctx.term.stdinTTY && ctx.term.stdoutTTY;
  const wantAttach = opts.attach ?? host.local;
  if (wantAttach && tty) {
    await attachPane(ctx, host, paneId);
  } else {
    ctx.err(`attach with: ${attachHint(host, ctx.config.session, project, paneId)}`);
  }
  return { paneId };
}
