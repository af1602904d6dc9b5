/**
 * What a host has, asked in one round trip: tools, the agent command in the PATH a non-interactive
 * ssh command gets, the projects dir, the agents session, `~/.claude` files (by hash) and, for
 * prepare, what sits at each project's place. Used by `doctor` and `prepare` (issue #4).
 *
 * The script has its own small prelude: unlike the agent scripts it must report a missing tmux, not stop.
 * Anything that might read stdin gets `</dev/null`: stdin is the script itself (`sh -s`).
 */
import type { Host } from './config.js';
import { parseSections, type Section } from '../protocol.js';
import { shQuote } from '../quote.js';
import { dirExpr } from '../script.js';

/** The `~/.claude` files prepare copies and doctor compares. */
export const CLAUDE_FILES = ['CLAUDE.md', 'settings.json'] as const;
export type ClaudeFile = (typeof CLAUDE_FILES)[number];

/** Where an npm, pipx-style or manual install puts a program that a non-interactive PATH often lacks (DESIGN.md, SSH). */
export const AGENT_DIRS = ['$HOME/.npm-global/bin', '$HOME/.local/bin', '/usr/local/bin'] as const;

export type AgentLookup =
  /** In the PATH of a non-interactive command, at `path`. */
  | { kind: 'found'; path: string }
  /** Not in that PATH, but installed at `path` (one of AGENT_DIRS). */
  | { kind: 'elsewhere'; path: string }
  | { kind: 'missing' };

/** A `~/.claude` file: absent, or present with its sha256 (null when the host has no hash tool). */
export type FileState = { present: false } | { present: true; sha256: string | null };

/** What is at `<projectsDir>/<name>` on the host. `remotes`: URLs, `origin` first. */
export type RemoteProject =
  | { kind: 'absent' }
  | { kind: 'notdir' }
  | { kind: 'nogit' }
  | { kind: 'git'; remotes: string[] };

export interface Survey {
  home: string;
  /** The PATH a non-interactive ssh command gets. */
  path: string;
  /** First line of `tmux -V`, `git --version`, `node --version`; null when not found. */
  tmux: string | null;
  git: string | null;
  node: string | null;
  agent: AgentLookup;
  /** Expanded on the host. */
  projectsDir: string;
  projectsDirExists: boolean;
  /** Directories (not hidden) in the projects dir. */
  projectCount: number;
  /** null: no tmux to ask. */
  session: boolean | null;
  files: Record<ClaudeFile, FileState>;
  projects: Record<string, RemoteProject>;
}

/**
 * The program an agent command runs: its first shell word, quotes removed (`'/opt/x y/claude' --flag`
 * gives `/opt/x y/claude`). The command itself is a shell command line: tmux runs it with `sh -c`.
 */
export function agentProgram(command: string): string {
  let word = '';
  let i = 0;
  const s = command.trimStart();
  while (i < s.length && !/\s/.test(s[i]!)) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      word += s.slice(i + 1, end < 0 ? s.length : end);
      i = end < 0 ? s.length : end + 1;
    } else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1]!)) i++;
        word += s[i++];
      }
      i++;
    } else if (c === '\\' && i + 1 < s.length) {
      word += s[i + 1];
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  return word;
}

/** What to do when the agent is not in the ssh PATH (found elsewhere, or not at all): a command to run. */
export function agentFix(hostName: string, agentCommand: string, lookup: AgentLookup): string {
  return lookup.kind === 'elsewhere'
    ? `trimtab hosts set ${hostName} --agent ${shQuote(withProgram(agentCommand, lookup.path))}`
    : `install Claude Code on ${hostName}, or give its full path: trimtab hosts set ${hostName} --agent PATH`;
}

/** The agent command with its program replaced by `path`, keeping its arguments. */
export function withProgram(command: string, path: string): string {
  const rest = command.trimStart();
  // Skip the first word exactly as agentProgram reads it, then keep the rest verbatim.
  let i = 0;
  let quote: string | null = null;
  for (; i < rest.length; i++) {
    const c = rest[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (quote === '"' && c === '\\') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (/\s/.test(c)) break;
  }
  return shQuote(path) + rest.slice(i);
}

/** Shell prelude: `say TAG args` opens a section; `t` is tmux on the host's socket; `h` hashes stdin. */
export function surveyPrelude(marker: string, host: Host): string {
  const socket = host.tmuxSocket ? ` -L ${shQuote(host.tmuxSocket)}` : '';
  return [
    `M=${shQuote(marker)}`,
    'say() { printf "%s %s\\n" "$M" "$*"; }',
    `t() { tmux -u${socket} "$@"; }`,
    // sha256sum (GNU, busybox), shasum (macOS), openssl as a last resort; prints nothing without any.
    'h() { if command -v sha256sum >/dev/null 2>&1; then sha256sum; elif command -v shasum >/dev/null 2>&1; then shasum -a 256;',
    '  elif command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r; else cat >/dev/null; fi | cut -d " " -f 1; }',
  ].join('\n');
}

/** `~/rest` as an expression the host's shell expands: `"$HOME"/'rest'`. */
const pathExpr = (p: string) => (p === '~' || p.startsWith('~/') ? dirExpr(p) : shQuote(p));

/** Finds the agent program: in PATH, else in AGENT_DIRS. Opens section `agent found|elsewhere|missing` (path on the next line). */
export function agentLookupLines(agentCommand: string): string[] {
  const program = agentProgram(agentCommand);
  return [
    `a=${pathExpr(program)}`,
    // dash's command -v prints a path that exists even when it is not executable: check.
    'p=$(command -v "$a" 2>/dev/null); case "$p" in /*) { [ -x "$p" ] && [ ! -d "$p" ]; } || p= ;; esac',
    'if [ -n "$a" ] && [ -n "$p" ]; then say agent found; printf "%s\\n" "$p"; else',
    '  f=; b=${a##*/}',
    `  for d in ${AGENT_DIRS.map((d) => `"${d}"`).join(' ')}; do`,
    '    if [ -n "$b" ] && [ -x "$d/$b" ] && [ ! -d "$d/$b" ]; then f="$d/$b"; break; fi',
    '  done',
    '  if [ -n "$f" ]; then say agent elsewhere; printf "%s\\n" "$f"; else say agent missing; fi',
    'fi',
  ];
}

/** The projects dir, in `$P` (expanded on the host). */
export const projectsDirLine = (host: Host) => `P=${dirExpr(host.projectsDir)}`;

/** One round trip that tells doctor and prepare everything about a host. `projects`: names to look at. */
export function surveyScript(marker: string, host: Host, session: string, projects: string[] = []): string {
  const lines = [
    surveyPrelude(marker, host),
    'say home; printf "%s\\n" "$HOME"',
    'say path; printf "%s\\n" "$PATH"',
    'say tmux; tmux -V 2>/dev/null </dev/null | head -n 1',
    'say git; git --version 2>/dev/null </dev/null | head -n 1',
    'say node; node --version 2>/dev/null </dev/null | head -n 1',
    ...agentLookupLines(host.agentCommand),
    projectsDirLine(host),
    'say projectsdir; printf "%s\\n" "$P"',
    'if [ -d "$P" ]; then n=0; for d in "$P"/*/; do [ -d "$d" ] && n=$((n + 1)); done; say projects yes "$n"; else say projects no 0; fi',
    'if command -v tmux >/dev/null 2>&1; then',
    `  if t has-session -t "="${shQuote(session)} 2>/dev/null; then say session yes; else say session no; fi`,
    'else say session notmux; fi',
  ];
  for (const f of CLAUDE_FILES) {
    lines.push(`f="$HOME/.claude/"${shQuote(f)}; if [ -f "$f" ]; then say file ${shQuote(f)} present "$(h < "$f")"; else say file ${shQuote(f)} missing; fi`);
  }
  for (const name of projects) {
    // A dir is a clone only when it is the top of a work tree: a plain dir inside another repo is not.
    lines.push(
      `d="$P"/${shQuote(name)}`,
      `if [ ! -e "$d" ] && [ ! -L "$d" ]; then say project ${shQuote(name)} absent`,
      `elif [ ! -d "$d" ]; then say project ${shQuote(name)} notdir`,
      'elif top=$(git -C "$d" rev-parse --show-toplevel 2>/dev/null </dev/null) && [ "$top" = "$(cd "$d" && pwd -P)" ]; then',
      `  say project ${shQuote(name)} git`,
      '  git -C "$d" remote get-url origin 2>/dev/null </dev/null',
      '  for r in $(git -C "$d" remote </dev/null); do git -C "$d" remote get-url "$r" </dev/null; done 2>/dev/null',
      `else say project ${shQuote(name)} nogit; fi`,
    );
  }
  lines.push('say end');
  return lines.join('\n');
}

const text = (sections: Section[], tag: string): string | null => {
  const line = sections.find((s) => s.tag === tag)?.lines.find((l) => l.trim() !== '');
  return line === undefined ? null : line.trim();
};

const SHA256 = /^[0-9a-f]{64}$/;

/** The agent lookup section (also used by prepare's apply script). */
export function parseAgentLookup(sections: Section[]): AgentLookup {
  const s = sections.find((x) => x.tag === 'agent');
  const path = s?.lines.find((l) => l.trim() !== '')?.trim();
  if (s?.args[0] === 'found' && path) return { kind: 'found', path };
  if (s?.args[0] === 'elsewhere' && path) return { kind: 'elsewhere', path };
  return { kind: 'missing' };
}

/** Parse the survey's output. Returns null when the answer stopped before its end (killed, cut off). */
export function parseSurvey(stdout: string, marker: string): Survey | null {
  return surveyFromSections(parseSections(stdout, marker));
}

export function surveyFromSections(sections: Section[]): Survey | null {
  if (!sections.some((s) => s.tag === 'end')) return null;
  const projectsSection = sections.find((s) => s.tag === 'projects');
  const sessionArg = sections.find((s) => s.tag === 'session')?.args[0];
  const files = {} as Record<ClaudeFile, FileState>;
  for (const f of CLAUDE_FILES) {
    const s = sections.find((x) => x.tag === 'file' && x.args[0] === f);
    const hash = s?.args[2] ?? '';
    files[f] = s?.args[1] === 'present' ? { present: true, sha256: SHA256.test(hash) ? hash : null } : { present: false };
  }
  const projects: Record<string, RemoteProject> = {};
  for (const s of sections.filter((x) => x.tag === 'project')) {
    const [name = '', kind] = s.args;
    if (kind === 'git') {
      const remotes = [...new Set(s.lines.map((l) => l.trim()).filter(Boolean))];
      projects[name] = { kind: 'git', remotes };
    } else if (kind === 'absent' || kind === 'notdir' || kind === 'nogit') {
      projects[name] = { kind };
    }
  }
  return {
    home: text(sections, 'home') ?? '',
    path: text(sections, 'path') ?? '',
    tmux: text(sections, 'tmux'),
    git: text(sections, 'git'),
    node: text(sections, 'node'),
    agent: parseAgentLookup(sections),
    projectsDir: text(sections, 'projectsdir') ?? '',
    projectsDirExists: projectsSection?.args[0] === 'yes',
    projectCount: Number(projectsSection?.args[1]) || 0,
    session: sessionArg === 'yes' ? true : sessionArg === 'no' ? false : null,
    files,
    projects,
  };
}
