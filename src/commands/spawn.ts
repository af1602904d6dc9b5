import { findHost, localHost, type Host } from '../core/hosts/config.js';
import { TrimtabError } from '../core/errors.js';
import { section } from '../core/protocol.js';
import { spawnScript } from '../core/script.js';
import { attachHint } from '../core/hosts/ssh.js';
import { formatTarget, validateProject } from '../core/agents/target.js';
import { attachPane } from './attach.js';
import { onHost, type Ctx } from './context.js';
import { throwScriptError } from './resolve.js';

export interface SpawnOptions {
  on?: string;
  /** true: attach; false: never; undefined: attach when local and on a terminal. */
  attach?: boolean;
}

export interface Started {
  paneId: string;
  label: string;
  /** The window was already there: nothing was started. */
  existed: boolean;
}

/** Start the agent for PROJECT in window `agents:PROJECT` on a host; one round trip. */
export async function startAgent(ctx: Ctx, host: Host, projectText: string): Promise<Started> {
  const project = validateProject(projectText);
  const session = ctx.config.session;
  const label = formatTarget(host.name, { kind: 'window', session, window: project });
  const sections = await onHost(ctx, host, (m) => spawnScript(m, host, session, project));
  throwScriptError(sections, label, host);
  const exists = section(sections, 'exists');
  const paneId = section(sections, 'spawned')?.args[0] ?? exists?.args[0] ?? '';
  if (!paneId) throw new TrimtabError(`could not start the agent on ${label}`, { hint: 'see trimtab doctor' });
  return { paneId, label, existed: Boolean(exists) };
}

export async function spawnCommand(ctx: Ctx, projectText: string, opts: SpawnOptions): Promise<{ paneId: string }> {
  const project = validateProject(projectText);
  const host = opts.on ? findHost(ctx.config, opts.on) : localHost(ctx.config);
  const session = ctx.config.session;
  const { paneId, label, existed } = await startAgent(ctx, host, project);
  if (existed) ctx.err(`${label} is already running; no second window made`);
  ctx.out(label);
  const tty = ctx.term.stdinTTY && ctx.term.stdoutTTY;
  const wantAttach = opts.attach ?? host.local;
  if (wantAttach && tty) {
    await attachPane(ctx, host, paneId);
  } else {
    ctx.err(`attach with: ${attachHint(host, session, project, paneId)}`);
  }
  return { paneId };
}
