import { validateProject } from '../core/agents/target.js';
import { findHost, localHost } from '../core/hosts/config.js';
import { attachHint } from '../core/hosts/ssh.js';
import { NoProjectError, projectElsewhereError } from '../core/remote-errors.js';
import { attachPane } from '../remote/attach.js';
import type { Ctx } from '../remote/context.js';
import { agentArgs, hostsWithProject, spawnAgent } from '../remote/spawn.js';

export interface SpawnOptions {
  on?: string | undefined;
  /** true: attach; false: never; undefined: attach when local and on a terminal. */
  attach?: boolean | undefined;
  /** The agent's first message. */
  task?: string | undefined;
  /** Continue the agent's last conversation (Claude Code's --continue). */
  continue?: boolean | undefined;
}

export async function spawnCommand(ctx: Ctx, projectText: string, opts: SpawnOptions): Promise<{ paneId: string }> {
  const project = validateProject(projectText);
  const spawnOpts = { task: opts.task, mode: opts.continue ? ('continue' as const) : ('new' as const) };
  agentArgs(spawnOpts); // a task that cannot travel is refused before any host is asked
  const host = opts.on ? findHost(ctx.config, opts.on) : localHost(ctx.config);
  const started = await spawnAgent(ctx, host, project, spawnOpts).catch(async (error: unknown) => {
    if (opts.on || !(error instanceof NoProjectError)) throw error;
    // Not here: say where it is (every other host asked at once, one round trip each).
    const { found, unchecked } = await hostsWithProject(
      ctx,
      ctx.config.hosts.filter((h) => h !== host),
      project,
    );
    const extra = `${opts.continue ? ' --continue' : ''}${opts.task ? ' TASK...' : ''}`;
    throw projectElsewhereError(
      error,
      found.map((h) => h.name),
      unchecked.map((h) => h.name),
      extra,
    );
  });
  const { paneId, label, existed, restarted } = started;
  if (existed) {
    const dropped = opts.task ? '; the task was not given to it (send it with trimtab send)' : '';
    ctx.err(`${label} is already running; no second window made${dropped}`);
  } else if (restarted) {
    ctx.err(
      `${label} had exited: started again in its window${opts.continue ? ', continuing its last conversation' : ''}`,
    );
  }
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
