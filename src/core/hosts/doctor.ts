/**
 * `trimtab doctor` (issue #4): a host survey turned into findings, each problem with a one-line fix,
 * rendered for a phone's 40 columns. Pure: the survey and this machine's file hashes come in as data.
 */

import { fit, width } from '../render/render.js';
import type { Host } from './config.js';
import { agentProgram } from './config.js';
import { agentFix, CLAUDE_FILES, type ClaudeFile, type Survey } from './host-survey.js';

/**
 * ok: fine. warn: worth a look, nothing breaks (exit stays 0). fail: trimtab or the agent will not
 * work there until fixed (exit 1).
 */
export type Level = 'ok' | 'warn' | 'fail';

export interface Finding {
  /** Stable name for scripts: ssh, tmux, git, node, agent, projects, session, CLAUDE.md, settings.json. */
  check: string;
  level: Level;
  text: string;
  /** One line saying what to do; null when ok. */
  fix: string | null;
}

export interface HostCheck {
  host: Host;
  reachable: boolean;
  /** Wall time of the round trip (ssh, or sh for this machine); null when unreachable. */
  ms: number | null;
  findings: Finding[];
}

/** sha256 of this machine's `~/.claude` files; null when a file is absent here. */
export type LocalHashes = Record<ClaudeFile, string | null>;

const ok = (check: string, text: string): Finding => ({ check, level: 'ok', text, fix: null });
const warn = (check: string, text: string, fix: string): Finding => ({ check, level: 'warn', text, fix });
const fail = (check: string, text: string, fix: string): Finding => ({ check, level: 'fail', text, fix });

/** `/home/mac/1-Projects` as `~/1-Projects`: shorter on a phone. */
export const tildify = (p: string, home: string) =>
  home && home !== '/' && (p === home || p.startsWith(`${home}/`)) ? `~${p.slice(home.length)}` : p;

/** Major version of `v20.11.1`; NaN when unreadable. */
const nodeMajor = (v: string) => Number(/^v?(\d+)\./.exec(v)?.[1]);

/** Claude Code needs Node 18+ (its npm package's engines); trimtab itself needs 20 (package.json). */
const NODE_MIN = 18;

export function hostFindings(host: Host, survey: Survey, session: string, local: LocalHashes): Finding[] {
  const prepare = `trimtab prepare ${host.name}`;
  const out: Finding[] = [];
  out.push(
    survey.tmux
      ? ok('tmux', survey.tmux)
      : fail('tmux', 'tmux not found', 'install tmux (apt/dnf install tmux; NixOS: pkgs.tmux)'),
  );
  out.push(
    survey.git ? ok('git', survey.git.replace(/^git version /, 'git ')) : fail('git', 'git not found', 'install git'),
  );
  if (!survey.node) {
    out.push(warn('node', 'node not in the ssh PATH', 'install Node.js 20+: npm-installed Claude Code needs it'));
  } else if (nodeMajor(survey.node) < NODE_MIN) {
    out.push(warn('node', `node ${survey.node} is old`, `install Node.js 20+ (Claude Code needs ${NODE_MIN}+)`));
  } else {
    out.push(ok('node', `node ${survey.node}`));
  }

  const program = agentProgram(host.agentCommand) || host.agentCommand;
  const short = program.split('/').at(-1) || program;
  const a = survey.agent;
  if (a.kind === 'found') out.push(ok('agent', `agent ${tildify(a.path, survey.home)}`));
  // Elsewhere: non-interactive ssh never reads ~/.bash_profile, so ~/.npm-global/bin is missing from PATH (DESIGN.md, SSH).
  else
    out.push(
      fail(
        'agent',
        a.kind === 'elsewhere' ? `${short} not in the ssh PATH` : `${short} not found`,
        agentFix(host.name, host.agentCommand, a),
      ),
    );

  const dir = tildify(survey.projectsDir, survey.home);
  if (survey.projectsDirExists) {
    const n = survey.projectCount;
    out.push(ok('projects', `${n} project${n === 1 ? '' : 's'} in ${dir}`));
  } else {
    out.push(fail('projects', `no projects dir ${dir}`, prepare));
  }

  // An absent session only means no agent runs yet; spawn creates it too.
  if (survey.session === true) out.push(ok('session', `tmux session ${session} exists`));
  else if (survey.session === false) out.push(warn('session', `no tmux session ${session}`, prepare));

  for (const f of CLAUDE_FILES) out.push(fileFinding(f, host, survey, local[f], prepare));
  return out;
}

/**
 * Each machine may keep its own ~/.claude (DESIGN.md): a missing or different file is a warning, and
 * prepare copies this machine's (keeping a backup).
 */
function fileFinding(f: ClaudeFile, host: Host, survey: Survey, mine: string | null, prepare: string): Finding {
  const there = survey.files[f];
  if (host.local) return ok(f, there.present ? `${f} present` : `no ${f}`);
  if (mine === null) return ok(f, there.present ? `${f} (none here to compare)` : `no ${f}, none here either`);
  if (!there.present) return warn(f, `${f} missing`, prepare);
  if (there.sha256 === null) return warn(f, `${f}: cannot hash it there`, 'install sha256sum (coreutils)');
  if (there.sha256 === mine) return ok(f, `${f} same as here`);
  return warn(f, `${f} differs from here`, prepare); // prepare keeps the old one as a .bak
}

/** A host that did not answer: one failing "ssh" finding carrying the reason and the hint. */
export function unreachableCheck(host: Host, message: string, hint: string | undefined): HostCheck {
  // The heading already names the host and says "unreachable": keep just the reason.
  const prefix = `cannot reach ${host.name}`;
  let reason = message;
  if (message.startsWith(`${prefix}: `)) reason = message.slice(prefix.length + 2);
  else if (message.startsWith(`${prefix} (`) && message.endsWith(')')) reason = message.slice(prefix.length + 2, -1);
  return {
    host,
    reachable: false,
    ms: null,
    findings: [fail('ssh', reason, hint ?? `check that "ssh ${host.ssh} true" works`)],
  };
}

const worst = (findings: Finding[]): Level =>
  findings.some((f) => f.level === 'fail') ? 'fail' : findings.some((f) => f.level === 'warn') ? 'warn' : 'ok';

/** 3 when a host is unreachable, else 1 when something needs fixing, else 0 (issue #4). */
export function doctorExitCode(checks: HostCheck[]): 0 | 1 | 3 {
  if (checks.some((c) => !c.reachable)) return 3;
  return checks.some((c) => worst(c.findings) === 'fail') ? 1 : 0;
}

export function doctorJson(checks: HostCheck[]) {
  return {
    hosts: checks.map((c) => ({
      name: c.host.name,
      local: c.host.local,
      reachable: c.reachable,
      ms: c.ms,
      status: worst(c.findings),
      findings: c.findings,
    })),
  };
}

export type Paint = (level: Level | 'host', text: string) => string;
const plain: Paint = (_l, t) => t;
const MARK: Record<Level, string> = { ok: '✔', warn: '⚠', fail: '✖' };

/**
 * Word-wrap to `columns`: the first line starts with `indent`, the others with `hanging`. A word too
 * long for a line (a path) gets a line of its own with less indent; only a word wider than the whole
 * screen is broken. The user has to be able to copy all of it.
 */
export function wrap(text: string, columns: number, indent: string, hanging = indent): string[] {
  const out: string[] = [];
  let line = '';
  const lead = () => (out.length === 0 ? indent : hanging);
  const flush = () => {
    if (line) out.push(lead() + line);
    line = '';
  };
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && width(lead() + line) + 1 + width(word) <= columns) {
      line += ` ${word}`;
      continue;
    }
    flush();
    if (width(lead() + word) <= columns) {
      line = word;
      continue;
    }
    // Too long for the indent: shift it left; wider than the screen: break it.
    let rest = word;
    while (width(rest) > columns) {
      let head = '';
      for (const ch of rest) {
        if (width(head + ch) > columns) break;
        head += ch;
      }
      out.push(head);
      rest = rest.slice(head.length);
    }
    out.push(' '.repeat(Math.max(0, Math.min(width(lead()), columns - width(rest)))) + rest);
  }
  flush();
  return out;
}

/**
 * One block per host: a heading (`thor  mac@thor  14 ms`), one line per finding (cut to fit), and under
 * each problem its fix (wrapped, never cut). Every line is at most `columns` wide.
 */
export function renderDoctor(checks: HostCheck[], columns: number, paint: Paint = plain): string[] {
  const out: string[] = [];
  for (const c of checks) {
    const where = c.host.local ? 'this machine' : c.host.ssh === c.host.name ? '' : c.host.ssh;
    const time = c.reachable ? `${c.ms ?? 0} ms` : 'unreachable';
    const head = fit(where ? `${c.host.name}  ${where}` : c.host.name, Math.max(1, columns - time.length - 2));
    out.push(`${paint('host', head)}  ${time}`);
    for (const f of c.findings) {
      // string-width counts ✔ ✖ ⚠ as 2 columns, most terminals as 1: leave room for 2.
      out.push(`  ${paint(f.level, MARK[f.level])} ${fit(f.text, columns - 3 - width(MARK[f.level]))}`);
      if (f.fix) for (const l of wrap(`→ ${f.fix}`, columns, '    ', '      ')) out.push(l);
    }
  }
  return out;
}
