/**
 * `trimtab prepare HOST` as pure data: what this machine has and what the host reports go
 * in, a plan comes out; remote/ turns the plan into one script (sh/hosts.sh), and its answer becomes results.
 */
import { posix } from 'node:path';
import type { Section } from '../protocol.js';
import { type Host, isValidName } from './config.js';
import { tildify } from './doctor.js';
import { type AgentLookup, type ClaudeFile, parseAgentLookup, type Survey } from './host-survey.js';

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

/** The remote a clone elsewhere should come from: `origin`, else the first. */
export const pickRemote = (names: string[]): string | undefined => (names.includes('origin') ? 'origin' : names[0]);

/**
 * A remote URL reduced to what names the repository, so the forms of one repo compare equal:
 * `git@github.com:me/app.git`, `ssh://git@github.com/me/app`, `https://github.com/me/app.git/`.
 */
export function normalizeRemote(url: string): string {
  let u = url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
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
      return survey.git
        ? { kind: 'clone', name: p.name, url: p.url }
        : { kind: 'blocked', name: p.name, why: 'git is not installed there' };
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
  const r: ApplyResult = {
    complete: sections.some((s) => s.tag === 'end'),
    mkdir: null,
    clones: {},
    files: {},
    session: null,
    version: null,
    agent: parseAgentLookup(sections),
  };
  for (const s of sections) {
    const [a = '', b = '', c = ''] = s.args;
    if (s.tag === 'mkdir') r.mkdir = { ok: a === 'ok', detail: firstLine(s) };
    else if (s.tag === 'clone') {
      r.clones[a] =
        b === 'ok'
          ? { ok: true, detail: '' }
          : {
              ok: false,
              detail: b === 'exists' ? 'something appeared there meanwhile' : firstLine(s) || 'git clone failed',
            };
    } else if (s.tag === 'file') {
      const name = a as ClaudeFile;
      if (b === 'ok') r.files[name] = { ok: true, detail: '', backup: c || null };
      else
        r.files[name] = {
          ok: false,
          detail: b === 'changed' ? 'changed there meanwhile; left alone' : (FILE_FAIL[c] ?? 'failed'),
          backup: null,
        };
    } else if (s.tag === 'session') r.session = { ok: a !== 'fail', detail: firstLine(s) };
    else if (s.tag === 'version')
      r.version = { status: Number(a), line: s.lines.map((l) => l.trim()).find(Boolean) ?? '' };
  }
  return r;
}
