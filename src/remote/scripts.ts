/**
 * The scripts trimtab sends, as `sh -s` on stdin (the remote login shell only ever sees those constant
 * words, so bash, zsh, fish and dash all run the same POSIX script: ssh joins its arguments into one
 * string for the login shell to re-parse, see ssh(1), COMMAND). Each script is
 * one header line of single-quoted variables, the constant libraries in sh/ (prelude first, which
 * says hello), and one line that calls a function with single-quoted arguments. Nothing else is
 * generated. `TRIMTAB_PRINT_SCRIPT=1 trimtab ...` prints a script instead of running it.
 */

import { SHELL_WINDOW } from '../core/agents/agents.js';
import type { Ref } from '../core/agents/target.js';
import { agentProgram, commandWords, type Host, homeExpr } from '../core/hosts/config.js';
import { AGENT_VERSION_TIMEOUT, type Plan } from '../core/hosts/prepare.js';
import { shQuote } from '../core/quote.js';
import { isShell, screenEres } from '../core/status/status.js';
import type { ApiRequest } from '../core/sync/sync-script.js';
import ANSWER from './sh/answer.sh?raw';
import DELIVER from './sh/deliver.sh?raw';
import HOSTS from './sh/hosts.sh?raw';
import LIST from './sh/list.sh?raw';
import PRELUDE from './sh/prelude.sh?raw';
import SPAWN from './sh/spawn.sh?raw';
import SYNC from './sh/sync.sh?raw';
import TARGET from './sh/target.sh?raw';

/** Every library, by name: tests shellcheck and run them. */
export const LIBRARIES = {
  'prelude.sh': PRELUDE,
  'target.sh': TARGET,
  'list.sh': LIST,
  'deliver.sh': DELIVER,
  'spawn.sh': SPAWN,
  'hosts.sh': HOSTS,
  'sync.sh': SYNC,
  'answer.sh': ANSWER,
} as const;

/** One word of a call line: a quoted datum, or a `~/x` path the host expands (`"$HOME"/'x'`). */
export type Word = string | { path: string };
const word = (w: Word) => (typeof w === 'string' ? shQuote(w) : homeExpr(w.path));

/**
 * `vars` become the header line (M, the marker, and TS, the tmux socket, always come first); `calls`
 * are `[function, ...arguments]`, joined with `;` on the last line.
 */
function remoteScript(
  marker: string,
  host: Host,
  libs: string[],
  calls: Word[][],
  vars: Record<string, string> = {},
): string {
  const header = Object.entries({ M: marker, TS: host.tmuxSocket, ...vars })
    .map(([k, v]) => `${k}=${shQuote(v)}`)
    .join(' ');
  return [header, PRELUDE, ...libs, calls.map((c) => c.map(word).join(' ')).join('; ')].join('\n');
}

const refWords = (ref: Ref): string[] =>
  ref.kind === 'pane' ? ['pane', ref.paneId, ''] : ['window', ref.session, ref.window];

/** Every pane, Claude Code's registry, then the screens of those that may be agents: one round trip. */
export const listScript = (marker: string, host: Host, session: string) =>
  remoteScript(
    marker,
    host,
    [TARGET, LIST],
    [['list_agents', session, host.claudeConfigDir ? { path: host.claudeConfigDir } : '']],
  );

/** Programs that run the agent rather than being it: their name alone proves nothing (a `node` REPL). */
const RUNNERS = new Set(['node', 'nodejs', 'env']);
const baseName = (w: string) => w.split('/').at(-1) ?? '';

/**
 * The delivery guard's data (sh/deliver.sh, agent_in and waiting): which foreground programs are the
 * agent, and Claude Code's waiting markers. By name: `claude` and the configured program, unless that
 * is a shell or a runner. Under `node`: Claude Code's own files, or the configured command's script
 * (`node /x/agent.mjs` gives `agent.mjs`); `env K=V prog` counts as `prog`.
 */
export function agentGuard(host: Host, force = false): Record<string, string> {
  let words = commandWords(host.agentCommand);
  if (baseName(words[0] ?? '') === 'env') words = words.slice(1).filter((w) => !w.includes('=') && !w.startsWith('-'));
  const program = baseName(words[0] ?? '');
  const names = [
    'claude',
    ...(program && program !== 'claude' && !isShell(program) && !RUNNERS.has(program) ? [program] : []),
  ];
  const script = RUNNERS.has(program) ? words.slice(1).find((w) => !w.startsWith('-')) : undefined;
  const screen = screenEres();
  return {
    AN: names.join('\n'),
    AA: script ? baseName(script) : '',
    WP: screen.waiting,
    WU: screen.panels,
    WO: screen.option,
    WW: screen.working,
    F: force ? '1' : '0',
  };
}

/** Resolve one target and paste `text` into it (then Enter), in one round trip, if the agent runs there. */
export const sendScript = (marker: string, host: Host, ref: Ref, text: string, enter: boolean, force = false) =>
  remoteScript(marker, host, [TARGET, DELIVER], [['send_text', ...refWords(ref), enter ? '1' : '0']], {
    X: text,
    ...agentGuard(host, force),
  });

/** Paste `text` into panes already resolved by a list, and press Enter in each (pane order: low ids first). */
export const broadcastScript = (marker: string, host: Host, paneIds: string[], text: string, force = false) =>
  remoteScript(marker, host, [TARGET, DELIVER], [['broadcast', ...paneIds]], { X: text, ...agentGuard(host, force) });

/** The last `lines` lines of a pane; with `intervalSeconds`, frames until the pane goes. */
export const peekScript = (marker: string, host: Host, ref: Ref, lines: number, intervalSeconds?: number) =>
  remoteScript(
    marker,
    host,
    [TARGET],
    [
      [
        'capture',
        ...refWords(ref),
        String(Math.max(1, Math.floor(lines))),
        intervalSeconds === undefined ? '' : String(intervalSeconds),
      ],
    ],
  );

/** Press tmux keys (`Escape`, `1`) in a pane, leaving copy mode first. */
export const keysScript = (marker: string, host: Host, ref: Ref, keys: string[]) =>
  remoteScript(marker, host, [TARGET, DELIVER], [['press_keys', ...refWords(ref), ...keys]], agentGuard(host));

/** The directories in a host's projects dir (the menu's spawn screen). */
export const projectsScript = (marker: string, host: Host) =>
  remoteScript(marker, host, [TARGET, SPAWN], [['list_projects', { path: host.projectsDir }]]);

/** Resolve a target to a pane id (attach). */
export const resolveScript = (marker: string, host: Host, ref: Ref) =>
  remoteScript(marker, host, [TARGET], [['resolve_pane', ...refWords(ref)]]);

/**
 * Start the agent in window PROJECT of the session, in `<projectsDir>/PROJECT`, or again in the window
 * its last run left. The program checked is the command's first word as sh reads it, `~/` expanded on
 * the host. `args` (a first task, `--continue`) are added to the agent's argv as quoted data: no shell
 * parses them (sh/spawn.sh, spawn_agent).
 */
export const spawnScript = (
  marker: string,
  host: Host,
  session: string,
  project: string,
  args: readonly string[] = [],
) =>
  remoteScript(
    marker,
    host,
    [TARGET, SPAWN],
    [
      [
        'spawn_agent',
        session,
        project,
        { path: host.projectsDir },
        { path: agentProgram(host.agentCommand) },
        host.agentCommand,
        ...args,
      ],
    ],
  );

/** One round trip that tells doctor and prepare everything about a host. `projects`: names to look at. */
export const surveyScript = (marker: string, host: Host, session: string, projects: string[] = []) =>
  remoteScript(
    marker,
    host,
    [HOSTS],
    [['survey', session, { path: host.projectsDir }, { path: agentProgram(host.agentCommand) }, ...projects]],
  );

/**
 * A prepare plan as one script: mkdir, clones, file copies, the session, then `<agentCommand> --version`.
 * Every step re-checks what the survey found and leaves anything that changed since alone.
 */
export function prepareScript(marker: string, host: Host, plan: Plan): string {
  const calls: Word[][] = [['use_dir', { path: host.projectsDir }]];
  if (plan.mkdir) calls.push(['prepare_mkdir']);
  for (const p of plan.projects) if (p.kind === 'clone') calls.push(['prepare_clone', p.name, p.url]);
  for (const step of plan.files) {
    if (step.kind !== 'copy' && step.kind !== 'replace') continue;
    const { file } = step;
    const expect = step.kind === 'replace' ? (step.expect ?? '') : 'missing';
    const backup = step.kind === 'replace' ? step.backup : '';
    calls.push(['prepare_file', file.name, file.sha256, expect, backup, (file.mode & 0o777).toString(8), file.base64]);
  }
  if (plan.session === 'create') calls.push(['prepare_session', plan.sessionName, SHELL_WINDOW]);
  calls.push(
    ['prepare_version', { path: agentProgram(plan.agentCommand) }, plan.agentCommand, String(AGENT_VERSION_TIMEOUT)],
    ['say', 'end'],
  );
  return remoteScript(marker, host, [HOSTS], calls);
}

const syncthingHome = (host: Host): Word => (host.syncthingHome ? { path: host.syncthingHome } : '');

/** Syncthing status and setup: facts, projects, the REST answers (core/sync/sync-script.ts parses them). */
export const syncProbeScript = (marker: string, host: Host) =>
  remoteScript(marker, host, [SYNC], [['sync_probe', { path: host.projectsDir }, syncthingHome(host)]]);

/** Send each REST change with the host's own key; `sent I` or `fail I CODE` per request. */
export const syncApplyScript = (marker: string, host: Host, requests: ApiRequest[]) =>
  remoteScript(
    marker,
    host,
    [SYNC],
    [
      ['sync_api', syncthingHome(host)],
      ...requests.map((r, i): Word[] => ['sync_send', String(i), r.method, r.path, JSON.stringify(r.body)]),
      ['say', 'end'],
    ],
  );

/** `.stignore` of each project (or of all), as hex bytes. */
export const readIgnoresScript = (marker: string, host: Host, projects: string[] | 'all') =>
  remoteScript(
    marker,
    host,
    [SYNC],
    [['read_ignores', { path: host.projectsDir }, ...(projects === 'all' ? ['all'] : ['named', ...projects])]],
  );

/** Replace each project's `.stignore`. */
export const writeIgnoresScript = (marker: string, host: Host, files: Array<{ project: string; text: string }>) =>
  remoteScript(
    marker,
    host,
    [SYNC],
    [...files.map((f): Word[] => ['write_ignore', { path: host.projectsDir }, f.project, f.text]), ['say', 'end']],
  );

/** One pane's facts and visible screen (the menu's agent screen, approve and reject read a prompt with it). */
export const readPaneScript = (marker: string, host: Host, ref: Ref) =>
  remoteScript(marker, host, [TARGET, ANSWER], [['read_pane', ...refWords(ref)]]);

/** Press `keys` only if the pane's last non-blank lines are still `drawn` (the prompt the user saw), and only into the agent (the delivery guard, as keysScript). */
export const answerScript = (marker: string, host: Host, ref: Ref, drawn: string[], keys: string[]) =>
  remoteScript(
    marker,
    host,
    [TARGET, DELIVER, ANSWER],
    [['answer_prompt', ...refWords(ref), String(drawn.length), ...keys]],
    { E: drawn.join('\n'), ...agentGuard(host) },
  );
