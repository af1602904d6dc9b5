/**
 * What a call to a host came to (the transport's result union), and the one mapping from a result or a
 * script's `error` section to the TrimtabError a user sees, with what to do next. Pure.
 */

import { EXIT, TrimtabError, usageError } from './errors.js';
import type { Host } from './hosts/config.js';
import { type Section, section } from './protocol.js';
import type { ProbeProblem } from './sync/syncthing.js';

export type CallResult =
  /** The script ran and said something (it may still report an `error` section). */
  | { kind: 'answered'; sections: Section[] }
  /** Never answered: ssh failed (exit 255) or the connection timed out before the script said hello. */
  | { kind: 'unreachable'; stderr: string; timedOut: boolean }
  /** Said hello, then the connection or the shell went away before the script ended. */
  | { kind: 'lost'; sections: Section[]; timedOutAfter?: number | undefined }
  /** A shared ssh master that accepted the call and then said nothing, and failed its check: dropped. */
  | { kind: 'hung' }
  /** The program (sh or ssh) could not be started. */
  | { kind: 'nostart'; program: string; why: string }
  /** Reached, but no section came back (no POSIX sh there?). */
  | { kind: 'silent'; stderr: string; exitCode: number };

/** Why ssh (exit 255) failed, as one line with what to do next. */
export function unreachableError(host: Host, stderr: string, timeoutSeconds: number, timedOut: boolean): TrimtabError {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('@'));
  if (timedOut) {
    return new TrimtabError(`cannot reach ${host.name} (timed out after ${timeoutSeconds} s)`, {
      exitCode: EXIT.unreachable,
      hint: `is ${host.ssh} asleep or off the network? lists skip it`,
    });
  }
  if (/host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|no .* host key is known/i.test(stderr)) {
    return new TrimtabError(`cannot reach ${host.name}: its ssh host key is unknown or has changed`, {
      exitCode: EXIT.unreachable,
      hint: `run "ssh ${host.ssh}" once to check and accept the key (ssh-keygen -R to forget an old one); trimtab never turns host key checks off`,
    });
  }
  const reason = lines.filter((l) => !/^Warning: Permanently added/.test(l)).at(-1) ?? 'ssh failed';
  const timedOutBySsh = /timed out/i.test(reason);
  return new TrimtabError(
    timedOutBySsh
      ? `cannot reach ${host.name} (timed out after ${timeoutSeconds} s)`
      : `cannot reach ${host.name}: ${reason}`,
    { exitCode: EXIT.unreachable, hint: `check that "ssh ${host.ssh} true" works from here` },
  );
}

/** The host answered, then the connection (or the shell on it) went away before the script ended. */
export const lostPartWayError = (host: Host, timedOutAfter?: number, partial?: Section[]) =>
  new TrimtabError(
    timedOutAfter
      ? `${host.name} stopped answering part way (timed out after ${timedOutAfter} s)`
      : `lost the connection to ${host.name} part way`,
    { exitCode: EXIT.unreachable, hint: 'check with trimtab list before trying again', partial },
  );

/** Host key trouble is not "asleep": it must not hide the host from later runs. */
export const marksOffline = (host: Host, r: CallResult, timeoutSeconds: number) =>
  r.kind === 'unreachable' && !/host key/.test(unreachableError(host, r.stderr, timeoutSeconds, r.timedOut).message);

/** The error a result stands for; undefined when the script answered (its own sections may still say error). */
export function callError(host: Host, r: CallResult, timeoutSeconds: number): TrimtabError | undefined {
  switch (r.kind) {
    case 'answered':
      if (section(r.sections, 'notmux')) {
        return new TrimtabError(`tmux is not installed on ${host.name}`, {
          hint: 'install it (apt install tmux, dnf install tmux, or add pkgs.tmux on NixOS)',
        });
      }
      return undefined;
    case 'unreachable':
      return unreachableError(host, r.stderr, timeoutSeconds, r.timedOut);
    case 'lost':
      return lostPartWayError(host, r.timedOutAfter, r.sections);
    case 'hung':
      return new TrimtabError(`the ssh connection to ${host.name} hung, and was dropped`, {
        exitCode: EXIT.unreachable,
        hint: 'try again: the next call connects afresh',
      });
    case 'nostart':
      return new TrimtabError(`cannot run ${r.program}: ${r.why}`, {
        hint: host.local ? 'is a POSIX sh on PATH?' : 'is OpenSSH installed? set TRIMTAB_SSH or sshCommand to its path',
      });
    case 'silent': {
      const why = r.stderr.trim().split('\n').at(-1) || `exit ${r.exitCode}`;
      return new TrimtabError(`no answer from ${host.name}: ${why}`, { hint: 'is a POSIX sh available there?' });
    }
  }
}

/** spawn: no PROJECT directory on the host (its projects dir holds no such folder). */
export class NoProjectError extends TrimtabError {
  constructor(
    readonly host: Host,
    readonly project: string,
    readonly dir: string,
  ) {
    super(`no project directory ${dir} on ${host.name}`, {
      hint: `create it or clone the project there (projects dir: ${host.projectsDir})`,
    });
  }
}

/** spawn --continue: the agent ended at once, as Claude Code does with no conversation to continue. */
export const continueDiedError = (label: string, status: string) =>
  new TrimtabError(`the agent on ${label} exited at once (status ${status}) with --continue`, {
    hint: 'Claude Code ends at once when that folder has no conversation to continue ("No conversation found to continue"); start it without --continue',
  });

/**
 * spawn without --on, for a project that is not here: where it is instead, as the command to run there.
 * `unchecked`: hosts that did not answer the search.
 */
export function projectElsewhereError(
  e: NoProjectError,
  found: string[],
  unchecked: string[],
  extra = '',
): TrimtabError {
  const notChecked = unchecked.length ? ` (not checked: ${unchecked.join(', ')}, unreachable)` : '';
  const first = found[0];
  if (!first) return new TrimtabError(`${e.message}${notChecked}`, { hint: e.hint });
  return new TrimtabError(`no project "${e.project}" here; it is on ${found.join(', ')}${notChecked}`, {
    hint: `trimtab spawn --on ${first} ${e.project}${extra}`,
  });
}

/** Was the host reached at all (it answered, or answered and was then lost)? */
export const reached = (r: CallResult) => r.kind === 'answered' || r.kind === 'lost' || r.kind === 'silent';

/** A host's word (a process name) as it may be printed: no control characters, bounded. */
const printable = (s: string) => s.replace(/[^\x21-\x7e]/g, '?').slice(0, 40) || '?';

/**
 * Why a delivery guard refused a pane (sh/deliver.sh: deliver, press_keys; sh/answer.sh: answer_prompt), as one line with what to do
 * next; undefined for a reason that is not a refusal. Nothing was typed into the pane.
 */
export function refusalError(label: string, why: string, detail = ''): TrimtabError | undefined {
  switch (why) {
    case 'notagent':
      return new TrimtabError(`${label} runs ${printable(detail)}, not an agent: nothing sent`, {
        hint: 'text there would run as a command; see trimtab list, or start the agent with trimtab spawn',
      });
    case 'waiting':
      return new TrimtabError(`${label} is waiting on a prompt: answer it first, or --force`, {
        hint: `see the prompt with trimtab peek ${label}`,
      });
    case 'busy':
      return new TrimtabError(`${label} is still taking another delivery: nothing sent`, {
        hint: 'try again in a moment',
      });
    default:
      return undefined;
  }
}

/** Turn an `error` section from a script into the message a user should see. */
export function scriptError(sections: Section[], label: string, host: Host): TrimtabError | undefined {
  const e = section(sections, 'error');
  if (!e) return undefined;
  const [what = '', ...rest] = e.args;
  const detail = rest.join(' ');
  switch (what) {
    case 'notfound':
      return new TrimtabError(`no agent at ${label}`, { hint: 'see trimtab list' });
    case 'ambiguous':
      return usageError(`${label} names more than one window`, 'use the pane id from trimtab list --json (HOST:%N)');
    case 'noserver':
      return new TrimtabError(`no tmux server on ${host.name}, so no agent at ${label}`, {
        hint: 'start one with trimtab spawn PROJECT',
      });
    case 'nodir':
      return new TrimtabError(`no project directory ${detail} on ${host.name}`, {
        hint: `create it or clone the project there (projects dir: ${host.projectsDir})`,
      });
    case 'noagent':
      return new TrimtabError(`agent command "${host.agentCommand}" not found on ${host.name}`, {
        hint: `give its full path: trimtab hosts set ${host.name} --agent PATH (ssh sessions get PATH=${detail})`,
      });
    case 'died':
      return new TrimtabError(`the agent on ${label} exited at once (status ${detail})`, {
        hint: `try running "${host.agentCommand}" by hand on ${host.name}`,
      });
    case 'gone':
      return new TrimtabError(`${label} went away`);
    case 'notagent':
    case 'busy':
      return refusalError(label, what, detail);
    default:
      return new TrimtabError(`tmux failed on ${host.name} (${what})`, { exitCode: EXIT.failed });
  }
}

/** What a probe problem means, and what to do about it. */
export function problemError(host: Host, p: ProbeProblem): TrimtabError {
  switch (p.kind) {
    case 'noconfig':
      return new TrimtabError(`no Syncthing on ${host.name} (no config.xml)`, {
        hint: `looked in ${p.looked.join(', ')}; see: trimtab sync setup ${host.name} (or set syncthingHome for ${host.name} in config.json)`,
      });
    case 'nogui':
      return new TrimtabError(`cannot ask Syncthing on ${host.name}: ${p.detail}`, {
        hint: 'trimtab needs the REST API on a TCP address (the default 127.0.0.1:8384)',
      });
    case 'nohttp':
      return new TrimtabError(`no curl or wget on ${host.name} to ask Syncthing`, { hint: 'install curl there' });
    case 'api': {
      // curl 7 / wget 4 / fetch ECONNREFUSED: nothing listens. curl 22 / wget 8 / HTTP 403: wrong key.
      const refused =
        p.code === 7 || p.code === 4 || /ECONNREFUSED|Connection refused|Failed to connect/i.test(p.detail);
      if (refused) {
        return new TrimtabError(`Syncthing is not running on ${host.name}`, {
          hint: `nothing answers at ${p.url}; start it: systemctl --user enable --now syncthing (NixOS: systemctl status syncthing)`,
        });
      }
      if (/403|CSRF/.test(p.detail) || p.code === 403) {
        return new TrimtabError(`Syncthing on ${host.name} refused the API key`, {
          hint: `the key is from its config.xml; is another program listening on ${p.url}?`,
        });
      }
      const why = p.detail.trim().split('\n').at(-1) || `exit ${p.code}`;
      return new TrimtabError(`Syncthing on ${host.name} did not answer at ${p.url}: ${why}`);
    }
  }
}
