/**
 * Starting agents, and listing the projects they may start in.
 */

import { formatTarget, validateProject } from '../core/agents/target.js';
import { EXIT, TrimtabError } from '../core/errors.js';
import { type Host, isValidName } from '../core/hosts/config.js';
import { section } from '../core/protocol.js';
import { continueDiedError, NoProjectError, scriptError } from '../core/remote-errors.js';
import { checkPasteable } from '../core/script.js';
import type { Ctx } from './context.js';
import { projectsScript, spawnScript } from './scripts.js';
import { onHost } from './transport.js';

export interface Started {
  paneId: string;
  label: string;
  /** The agent was running: nothing was started (and a task was not given to it). */
  existed: boolean;
  /** Its window was there with the agent exited: started again in that same window and pane. */
  restarted: boolean;
}

export interface SpawnOptions {
  /** The agent's first message, passed as its own prompt argument, byte for byte. */
  task?: string | undefined;
  /**
   * `new` and `restart` both start the agent, in the window an exited agent left if there is one;
   * `continue` does so with Claude Code's `--continue` (its last conversation in that folder).
   */
  mode?: 'new' | 'restart' | 'continue' | undefined;
}

/**
 * The words added to the agent command: `--continue`, then `--` and the task. After `--` Claude Code's
 * parser takes the task as its prompt even when it starts with `-` or names a subcommand (`claude --
 * logs` starts a session with the prompt "logs"; `claude logs` runs the subcommand), checked on 2.1.328.
 */
export function agentArgs(opts: SpawnOptions): string[] {
  const args = opts.mode === 'continue' ? ['--continue'] : [];
  if (opts.task) {
    checkPasteable(opts.task);
    args.push('--', opts.task);
  }
  return args;
}

/**
 * Start the agent for PROJECT in window `agents:PROJECT` on a host, or again in the window an exited
 * agent left (same window, same pane); a running agent is left alone. One round trip.
 */
export async function spawnAgent(ctx: Ctx, host: Host, projectText: string, opts: SpawnOptions = {}): Promise<Started> {
  const project = validateProject(projectText);
  const args = agentArgs(opts);
  const label = formatTarget(host.name, { kind: 'window', session: ctx.config.session, window: project });
  const sections = await onHost(ctx, host, (m) => spawnScript(m, host, ctx.config.session, project, args));
  const err = section(sections, 'error');
  if (err?.args[0] === 'nodir') throw new NoProjectError(host, project, err.args.slice(1).join(' '));
  if (err?.args[0] === 'died' && opts.mode === 'continue') throw continueDiedError(label, err.args.slice(1).join(' '));
  const failed = scriptError(sections, label, host);
  if (failed) throw failed;
  const exists = section(sections, 'exists');
  const restarted = section(sections, 'restarted');
  const paneId = (section(sections, 'spawned') ?? restarted ?? exists)?.args[0] ?? '';
  if (!paneId) throw new TrimtabError(`could not start the agent on ${label}`, { hint: 'see trimtab doctor' });
  return { paneId, label, existed: Boolean(exists), restarted: Boolean(restarted) };
}

/** The project directories on a host whose names spawn accepts (the menu's spawn screen). */
export async function listProjects(ctx: Ctx, host: Host): Promise<string[]> {
  const sections = await onHost(ctx, host, (m) => projectsScript(m, host));
  const err = section(sections, 'error');
  if (err) throw new TrimtabError(`no projects dir ${err.args.slice(1).join(' ')} on ${host.name}`);
  // A directory named so that it cannot be a tmux window (`a.b` reads as a pane, `-x` as an option).
  return (section(sections, 'projects')?.lines ?? []).filter(isValidName);
}

/** Which of `hosts` have PROJECT, asked in parallel (one round trip each); the ones that did not answer apart. */
export async function hostsWithProject(
  ctx: Ctx,
  hosts: Host[],
  project: string,
): Promise<{ found: Host[]; unchecked: Host[] }> {
  const answers = await Promise.all(
    hosts.map((h) =>
      listProjects(ctx, h).then(
        (names) => names.includes(project),
        // No projects dir there: not there. Not reached: unknown.
        (error: unknown) => (error instanceof TrimtabError && error.exitCode === EXIT.unreachable ? undefined : false),
      ),
    ),
  );
  return {
    found: hosts.filter((_, i) => answers[i] === true),
    unchecked: hosts.filter((_, i) => answers[i] === undefined),
  };
}
