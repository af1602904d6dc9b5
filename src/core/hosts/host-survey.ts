/**
 * What a host has, asked in one round trip (remote/sh/hosts.sh, survey): tools, the agent command in
 * the PATH a non-interactive ssh command gets, the projects dir, the agents session, `~/.claude` files
 * (by hash) and, for prepare, what sits at each project's place. Used by `doctor` and `prepare`.
 */

import { parseSections, type Section } from '../protocol.js';
import { shQuote } from '../quote.js';
import { withProgram } from './config.js';

/** The `~/.claude` files prepare copies and doctor compares. */
export const CLAUDE_FILES = ['CLAUDE.md', 'settings.json'] as const;
export type ClaudeFile = (typeof CLAUDE_FILES)[number];

export type AgentLookup =
  /** In the PATH of a non-interactive command, at `path`. */
  | { kind: 'found'; path: string }
  /** Not in that PATH, but installed at `path` (a directory remote/sh/hosts.sh agent_lookup searches). */
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

/** What to do when the agent is not in the ssh PATH (found elsewhere, or not at all): a command to run. */
export function agentFix(hostName: string, agentCommand: string, lookup: AgentLookup): string {
  return lookup.kind === 'elsewhere'
    ? `trimtab hosts set ${hostName} --agent ${shQuote(withProgram(agentCommand, lookup.path))}`
    : `install Claude Code on ${hostName}, or give its full path: trimtab hosts set ${hostName} --agent PATH`;
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
    files[f] =
      s?.args[1] === 'present' ? { present: true, sha256: SHA256.test(hash) ? hash : null } : { present: false };
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
