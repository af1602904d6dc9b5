/**
 * `trimtab prepare HOST` (issue #4) as pure data: what this machine has and what the host reports go
 * in, a plan comes out; the plan becomes one script, and the script's answer becomes results.
 */
import { posix } from 'node:path';
import type { Host } from './config.js';
import { isValidName } from './config.js';
import { SHELL_WINDOW } from '../agents/agents.js';
import { tildify } from './doctor.js';
import type { Section } from '../protocol.js';
import { shQuote } from '../quote.js';
import { agentLookupLines, parseAgentLookup, projectsDirLine, surveyPrelude, type AgentLookup, type ClaudeFile, type Survey } from './host-survey.js';

/** A project on this machine, as git sees it. */
export type LocalProject =
  | { name: string; kind: 'remote'; remote: string; url: string }
  | { name: string; kind: 'noremote' }
  | { name: string; kind: 'nogit' }
  | { name: string; kind: 'error'; message: string };

/** A `~/.claude` file of this machine. */
export interface LocalFile {
  name: ClaudeFile;
  sha256: string;
  base64: string;
  /** Permission bits, kept on the copy (settings.json may hold tokens). */
  mode: number;
}

export type ProjectStep =
  | { kind: 'clone'; name: string; url: string }
  | { kind: 'present'; name: string; url: string }
  /** Something else is there: reported, never touched. */
  | { kind: 'conflict'; name: string; why: string; detail?: string }
  /** Nothing to clone from. */
  | { kind: 'skip'; name: string; why: string }
  /** Would clone, but cannot (no git there). */
  | { kind: 'blocked'; name: string; why: string };

export type FileStep =
  | { kind: 'copy'; file: LocalFile }
  /** Replace a different file; `expect` is its hash as surveyed, `backup` its new name. */
  | { kind: 'replace'; file: LocalFile; expect: string | null; backup: string }
  | { kind: 'same'; name: ClaudeFile }
  | { kind: 'nolocal'; name: ClaudeFile };

export interface Plan {
  host: string;
  /** For display: `~/1-Projects`. */
  projectsDir: string;
  /** The host's HOME, to show paths as `~/...`. */
  home: string;
  mkdir: boolean;
  projects: ProjectStep[];
  files: FileStep[];
  session: 'create' | 'exists' | 'notmux';
  sessionName: string;
  agent: AgentLookup;
  agentCommand: string;
}

/** The remote a clone elsewhere should come from: `origin`, else the first (issue #4). */
export const pickRemote = (names: string[]): string | undefined => (names.includes('origin') ? 'origin' : names[0]);

/**
 * A remote URL reduced to what names the repository, so the forms of one repo compare equal:
 * `git@github.com:me/app.git`, `ssh://git@github.com/me/app`, `https://github.com/me/app.git/`.
 */
export function normalizeRemote(url: string): string {
  let u = url.trim().replace(/\/+$/, '').replace(/\.git$/, '').replace(/\/+$/, '');
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:]+)(?::\d+)?(\/.*)?$/i.exec(u);
  if (scheme && !u.startsWith('file://')) return `${scheme[1]!.toLowerCase()}${scheme[2] ?? ''}`;
  if (u.startsWith('file://')) u = u.slice('file://'.length);
  // A path: `/a/projects/../remotes/x` and `/a/remotes/x` are one repo.
  if (u.startsWith('/')) return posix.normalize(u);
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)(.*)$/.exec(u);
  if (scp) u = `${scp[1]!.toLowerCase()}/${scp[2]!.replace(/^\/+/, '')}`;
  return u;
}

export const sameRemote = (a: string, b: string) => normalizeRemote(a) === normalizeRemote(b);

/** `20250131-142501`: a file-name-safe local time stamp for backups. */
export function backupStamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

function projectStep(p: LocalProject, survey: Survey): ProjectStep {
  if (!isValidName(p.name)) return { kind: 'skip', name: p.name, why: 'name unusable as a tmux window' };
  if (p.kind === 'noremote') return { kind: 'skip', name: p.name, why: 'no git remote' };
  if (p.kind === 'nogit') return { kind: 'skip', name: p.name, why: 'not a git repo' };
  if (p.kind === 'error') return { kind: 'skip', name: p.name, why: p.message };
  const there = survey.projects[p.name] ?? { kind: 'absent' };
  switch (there.kind) {
    case 'absent':
      return survey.git ? { kind: 'clone', name: p.name, url: p.url } : { kind: 'blocked', name: p.name, why: 'git is not installed there' };
    case 'notdir':
      return { kind: 'conflict', name: p.name, why: 'a file, not a dir' };
    case 'nogit':
      return { kind: 'conflict', name: p.name, why: 'not a git repo' };
    case 'git':
      if (there.remotes.some((u) => sameRemote(u, p.url))) return { kind: 'present', name: p.name, url: p.url };
      return there.remotes.length
        ? { kind: 'conflict', name: p.name, why: 'other remote', detail: there.remotes[0] }
        : { kind: 'conflict', name: p.name, why: 'git repo without a remote' };
  }
}

function fileStep(name: ClaudeFile, mine: LocalFile | undefined, survey: Survey, stamp: string): FileStep {
  if (!mine) return { kind: 'nolocal', name };
  const there = survey.files[name];
  if (!there.present) return { kind: 'copy', file: mine };
  if (there.sha256 === mine.sha256) return { kind: 'same', name };
  return { kind: 'replace', file: mine, expect: there.sha256, backup: `${name}.bak-${stamp}` };
}

export interface PlanInput {
  host: Host;
  session: string;
  survey: Survey;
  projects: LocalProject[];
  files: Partial<Record<ClaudeFile, LocalFile>>;
  /** From backupStamp(). */
  stamp: string;
}

export function planPrepare({ host, session, survey, projects, files, stamp }: PlanInput): Plan {
  return {
    host: host.name,
    projectsDir: tildify(survey.projectsDir, survey.home),
    home: survey.home,
    mkdir: !survey.projectsDirExists,
    projects: projects.map((p) => projectStep(p, survey)),
    files: (['CLAUDE.md', 'settings.json'] as const).map((f) => fileStep(f, files[f], survey, stamp)),
    session: survey.session === null ? 'notmux' : survey.session ? 'exists' : 'create',
    sessionName: session,
    agent: survey.agent,
    agentCommand: host.agentCommand,
  };
}

/** How many steps change something on the host. */
export const changeCount = (plan: Plan) =>
  Number(plan.mkdir) +
  plan.projects.filter((p) => p.kind === 'clone').length +
  plan.files.filter((f) => f.kind === 'copy' || f.kind === 'replace').length +
  Number(plan.session === 'create');

/** Seconds the agent gets to answer `--version` before it is stopped. */
export const AGENT_VERSION_TIMEOUT = 20;

/**
 * The plan as one script: mkdir, clones, file copies, the session, then `<agentCommand> --version`.
 * Every step re-checks what it found in the survey and leaves anything that changed since alone.
 */
export function applyScript(marker: string, host: Host, plan: Plan): string {
  const S = shQuote(plan.sessionName);
  const lines = [surveyPrelude(marker, host), projectsDirLine(host)];
  if (plan.mkdir) lines.push('if e=$(mkdir -p "$P" 2>&1); then say mkdir ok; else say mkdir fail; printf "%s\\n" "$e"; fi');
  for (const p of plan.projects) {
    if (p.kind !== 'clone') continue;
    const N = shQuote(p.name);
    lines.push(
      `d="$P"/${N}`,
      `if [ -e "$d" ] || [ -L "$d" ]; then say clone ${N} exists`,
      // No prompts: stdin is this script, and nobody is there to type a password.
      `elif e=$(GIT_TERMINAL_PROMPT=0 git clone --quiet -- ${shQuote(p.url)} "$d" 2>&1 </dev/null); then say clone ${N} ok`,
      `else say clone ${N} fail; printf "%s\\n" "$e"; fi`,
    );
  }
  const files = plan.files.filter((f) => f.kind === 'copy' || f.kind === 'replace');
  if (files.length) lines.push('mkdir -p "$HOME/.claude"');
  for (const step of files) {
    const { file } = step;
    const F = shQuote(file.name);
    const expect = step.kind === 'replace' ? (step.expect ?? '') : 'missing';
    lines.push(
      `f="$HOME/.claude/"${F}; tmp="$f.trimtab-$$"; b=`,
      `if [ -f "$f" ]; then cur=$(h < "$f"); else cur=missing; fi`,
      `if [ "$cur" != ${shQuote(expect)} ]; then say file ${F} changed`,
      'else',
    );
    if (step.kind === 'replace') {
      // Never overwrite an older backup: add -1, -2... when one of that name exists.
      lines.push(
        `  b="$HOME/.claude/"${shQuote(step.backup)}; base="$b"; n=1`,
        '  while [ -e "$b" ] || [ -L "$b" ]; do b="$base-$n"; n=$((n + 1)); done',
      );
    }
    lines.push(
      `  (umask 077; base64 -d > "$tmp" <<'TRIMTAB_EOF'`,
      ...(file.base64.match(/.{1,76}/g) ?? []),
      'TRIMTAB_EOF',
      '  )',
      `  got=$(h < "$tmp")`,
      `  if [ -n "$got" ] && [ "$got" != ${shQuote(file.sha256)} ]; then rm -f "$tmp"; say file ${F} fail corrupt`,
      `  elif [ -n "$b" ] && ! cp -p "$f" "$b"; then rm -f "$tmp"; say file ${F} fail backup`,
      `  elif chmod ${(file.mode & 0o777).toString(8)} "$tmp" && mv -f "$tmp" "$f"; then say file ${F} ok "\${b##*/}"`,
      `  else rm -f "$tmp"; say file ${F} fail write; fi`,
      'fi',
    );
  }
  if (plan.session === 'create') {
    lines.push(
      '[ -d "$P" ] && c="$P" || c="$HOME"',
      `if t has-session -t "="${S} 2>/dev/null; then say session exists`,
      // A session needs a window: a shell in the projects dir, which list leaves out (agents.ts, SHELL_WINDOW).
      `elif e=$(t new-session -d -s ${S} -n ${SHELL_WINDOW} -c "$c" 2>&1 </dev/null); then say session ok`,
      'else say session fail; printf "%s\\n" "$e"; fi',
    );
  }
  // `--version` with a kill timer (no `timeout` on macOS): an agent that ignores the flag must not hang prepare.
  lines.push(
    ...agentLookupLines(plan.agentCommand),
    `A=${shQuote(plan.agentCommand)}`,
    'o=$(mktemp 2>/dev/null || echo "/tmp/trimtab-agent-$$")',
    'sh -c "$A --version" </dev/null >"$o" 2>&1 & p=$!',
    `(sleep ${AGENT_VERSION_TIMEOUT}; kill "$p" 2>/dev/null) </dev/null >/dev/null 2>&1 & k=$!`,
    'wait "$p"; s=$?; kill "$k" 2>/dev/null',
    'say version "$s"; head -n 5 "$o"; rm -f "$o"',
    'say end',
  );
  return lines.join('\n');
}

export type StepResult = { ok: boolean; detail: string };

export interface ApplyResult {
  complete: boolean;
  mkdir: StepResult | null;
  clones: Record<string, StepResult>;
  files: Partial<Record<ClaudeFile, StepResult & { backup: string | null }>>;
  session: StepResult | null;
  /** `--version`: its exit status and first output line. */
  version: { status: number; line: string } | null;
  agent: AgentLookup;
}

/** The line that says what went wrong: git's first `fatal:`/`error:` (its last lines are generic advice). */
function firstLine(s: Section): string {
  const lines = s.lines.map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^(fatal|error): /.test(l))?.replace(/^(fatal|error): /, '') ?? lines[0] ?? '';
}

const FILE_FAIL: Record<string, string> = {
  corrupt: 'copy arrived damaged',
  backup: 'could not back up the old one',
  write: 'could not write it',
};

export function parseApply(sections: Section[]): ApplyResult {
  const r: ApplyResult = { complete: sections.some((s) => s.tag === 'end'), mkdir: null, clones: {}, files: {}, session: null, version: null, agent: parseAgentLookup(sections) };
  for (const s of sections) {
    const [a = '', b = '', c = ''] = s.args;
    if (s.tag === 'mkdir') r.mkdir = { ok: a === 'ok', detail: firstLine(s) };
    else if (s.tag === 'clone') {
      r.clones[a] = b === 'ok' ? { ok: true, detail: '' } : { ok: false, detail: b === 'exists' ? 'something appeared there meanwhile' : firstLine(s) || 'git clone failed' };
    } else if (s.tag === 'file') {
      const name = a as ClaudeFile;
      if (b === 'ok') r.files[name] = { ok: true, detail: '', backup: c || null };
      else r.files[name] = { ok: false, detail: b === 'changed' ? 'changed there meanwhile; left alone' : (FILE_FAIL[c] ?? 'failed'), backup: null };
    } else if (s.tag === 'session') r.session = { ok: a !== 'fail', detail: firstLine(s) };
    else if (s.tag === 'version') r.version = { status: Number(a), line: s.lines.map((l) => l.trim()).find(Boolean) ?? '' };
  }
  return r;
}

/** `~/x` on this machine. */
export const expandHome = (dir: string, home: string) => (dir === '~' ? home : dir.startsWith('~/') ? `${home}/${dir.slice(2)}` : dir);

