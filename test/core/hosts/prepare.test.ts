import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import type { Host } from '../../../src/core/hosts/config.js';
import type { Survey } from '../../../src/core/hosts/host-survey.js';
import {
  backupStamp,
  changeCount,
  type LocalFile,
  type LocalProject,
  normalizeRemote,
  type PlanInput,
  parseApply,
  pickRemote,
  planPrepare,
  sameRemote,
} from '../../../src/core/hosts/prepare.js';
import { prepareLines, renderReport } from '../../../src/core/hosts/prepare-report.js';
import { parseSections } from '../../../src/core/protocol.js';
import { width } from '../../../src/core/render/render.js';
// The plan's script is made in remote/ (from sh/hosts.sh); its tests sit here, next to the plans they use.
import { prepareScript as applyScript } from '../../../src/remote/scripts.js';
import { callsOf } from '../../remote/script-parts.js';

const thor: Host = {
  name: 'thor',
  ssh: 'mac@thor',
  projectsDir: '~/1-Projects',
  agentCommand: 'claude',
  tmuxSocket: '',
  aliases: [],
  local: false,
};
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

describe('normalizeRemote', () => {
  it.each([
    ['git@github.com:me/app.git', 'github.com/me/app'],
    ['ssh://git@github.com/me/app', 'github.com/me/app'],
    ['ssh://git@github.com:22/me/app.git', 'github.com/me/app'],
    ['https://github.com/me/app.git/', 'github.com/me/app'],
    ['https://GitHub.com/me/app', 'github.com/me/app'],
    ['/srv/git/app.git', '/srv/git/app'],
    ['/a/projects/../../srv/git/app.git', '/srv/git/app'],
    ['file:///srv/git/app.git', '/srv/git/app'],
    ['thor:repos/app', 'thor/repos/app'],
  ])('%s → %s', (url, out) => expect(normalizeRemote(url)).toBe(out));

  it.each([
    ['git@github.com:me/app.git', 'https://github.com/me/app', true],
    ['git@github.com:me/app.git', 'git@github.com:me/other.git', false],
    ['git@github.com:me/app.git', 'git@gitlab.com:me/app.git', false],
    ['/srv/a.git', '/srv/b.git', false],
  ])('%s vs %s: %s', (a, b, same) => expect(sameRemote(a, b)).toBe(same));
});

describe('pickRemote', () => {
  it.each([
    [['origin'], 'origin'],
    [['upstream', 'origin'], 'origin'],
    [['upstream', 'fork'], 'upstream'],
    [[], undefined],
  ])('%j → %s', (names, out) => expect(pickRemote(names)).toBe(out));
});

it('backupStamp is a file-name-safe local time', () => {
  expect(backupStamp(new Date(2025, 0, 31, 14, 5, 1))).toBe('20250131-140501');
});

const survey: Survey = {
  home: '/home/mac',
  path: '/usr/bin:/bin',
  tmux: 'tmux 3.4',
  git: 'git version 2.43.0',
  node: 'v20.11.1',
  agent: { kind: 'found', path: '/usr/bin/claude' },
  projectsDir: '/home/mac/1-Projects',
  projectsDirExists: true,
  projectCount: 3,
  session: true,
  files: { 'CLAUDE.md': { present: true, sha256: A }, 'settings.json': { present: true, sha256: B } },
  projects: {},
};
const file = (name: 'CLAUDE.md' | 'settings.json', sha256: string): LocalFile => ({
  name,
  sha256,
  base64: 'aGkK',
  mode: 0o600,
});
const url = (n: string) => `git@github.com:me/${n}.git`;
const remote = (name: string, u = url(name)): LocalProject => ({ name, kind: 'remote', remote: 'origin', url: u });
const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  host: thor,
  session: 'agents',
  survey,
  projects: [],
  files: { 'CLAUDE.md': file('CLAUDE.md', A), 'settings.json': file('settings.json', B) },
  stamp: '20250131-140501',
  ...over,
});

describe('planPrepare: projects', () => {
  it.each([
    ['absent there: clone', remote('app'), {}, { kind: 'clone', name: 'app', url: url('app') }],
    [
      'same remote, other spelling: leave it',
      remote('app'),
      { app: { kind: 'git', remotes: ['https://github.com/me/app'] } },
      { kind: 'present', name: 'app' },
    ],
    [
      'same remote as a second remote: leave it',
      remote('app'),
      { app: { kind: 'git', remotes: ['/x/fork.git', url('app')] } },
      { kind: 'present' },
    ],
    [
      'other remote: conflict',
      remote('app'),
      { app: { kind: 'git', remotes: ['/x/fork.git'] } },
      { kind: 'conflict', why: 'other remote', detail: '/x/fork.git' },
    ],
    [
      'repo without remote: conflict',
      remote('app'),
      { app: { kind: 'git', remotes: [] } },
      { kind: 'conflict', why: 'git repo without a remote' },
    ],
    ['plain dir: conflict', remote('app'), { app: { kind: 'nogit' } }, { kind: 'conflict', why: 'not a git repo' }],
    ['a file: conflict', remote('app'), { app: { kind: 'notdir' } }, { kind: 'conflict', why: 'a file, not a dir' }],
    ['no remote here: skip', { name: 'notes', kind: 'noremote' }, {}, { kind: 'skip', why: 'no git remote' }],
    ['not git here: skip', { name: 'plain', kind: 'nogit' }, {}, { kind: 'skip', why: 'not a git repo' }],
    [
      'git error here: skip with it',
      { name: 'x', kind: 'error', message: 'detected dubious ownership' },
      {},
      { kind: 'skip', why: 'detected dubious ownership' },
    ],
    ['name tmux cannot take: skip', remote('my project'), {}, { kind: 'skip', why: 'name unusable as a tmux window' }],
  ] as const)('%s', (_n, project, there, step) => {
    const plan = planPrepare(
      input({ projects: [project as LocalProject], survey: { ...survey, projects: there as Survey['projects'] } }),
    );
    expect(plan.projects[0]).toMatchObject(step);
  });

  it('cannot clone without git there', () => {
    const plan = planPrepare(input({ projects: [remote('app')], survey: { ...survey, git: null } }));
    expect(plan.projects[0]).toMatchObject({ kind: 'blocked', why: 'git is not installed there' });
  });
});

describe('planPrepare: files, dir, session', () => {
  it.each([
    ['same', { present: true, sha256: A }, A, { kind: 'same' }],
    ['missing there', { present: false }, A, { kind: 'copy' }],
    [
      'different there',
      { present: true, sha256: C },
      A,
      { kind: 'replace', expect: C, backup: 'CLAUDE.md.bak-20250131-140501' },
    ],
    ['unhashable there', { present: true, sha256: null }, A, { kind: 'replace', expect: null }],
    ['none here', { present: true, sha256: C }, null, { kind: 'nolocal', name: 'CLAUDE.md' }],
  ] as const)('CLAUDE.md %s', (_n, there, mine, step) => {
    const files = mine ? { 'CLAUDE.md': file('CLAUDE.md', mine) } : {};
    const plan = planPrepare(input({ files, survey: { ...survey, files: { ...survey.files, 'CLAUDE.md': there } } }));
    expect(plan.files[0]).toMatchObject(step);
  });

  it('counts the changes', () => {
    const fresh = {
      ...survey,
      projectsDirExists: false,
      session: false,
      files: { 'CLAUDE.md': { present: false }, 'settings.json': { present: true, sha256: C } },
    } as Survey;
    const plan = planPrepare(
      input({ survey: fresh, projects: [remote('a'), remote('b'), { name: 'n', kind: 'noremote' }] }),
    );
    expect([plan.mkdir, plan.session, plan.projectsDir]).toEqual([true, 'create', '~/1-Projects']);
    expect(changeCount(plan)).toBe(6);
    expect(changeCount(planPrepare(input()))).toBe(0);
    expect(planPrepare(input({ survey: { ...survey, session: null } })).session).toBe('notmux');
  });
});

describe('applyScript', () => {
  const busy = (host = thor) => {
    const fresh = {
      ...survey,
      projectsDirExists: false,
      session: false,
      files: { 'CLAUDE.md': { present: false }, 'settings.json': { present: true, sha256: C } },
    } as Survey;
    return planPrepare(input({ host, survey: fresh, projects: [remote('a'), remote("it's", "/srv/it's $(id).git")] }));
  };

  it('is valid sh and quotes every datum', () => {
    const host = { ...thor, agentCommand: "'/a b/claude' --x" };
    const script = applyScript('@@m@@', host, busy(host));
    expect(execaSync('sh', ['-n'], { input: script, reject: false }).exitCode).toBe(0);
    const calls = callsOf(script);
    expect(calls).toContainEqual(['prepare_clone', 'a', 'git@github.com:me/a.git']);
    expect(calls).toContainEqual(['prepare_version', '/a b/claude', "'/a b/claude' --x", '20']);
    // NAME SHA256 EXPECT BACKUP MODE BASE64
    expect(calls).toContainEqual([
      'prepare_file',
      'settings.json',
      B,
      C,
      'settings.json.bak-20250131-140501',
      '600',
      'aGkK',
    ]);
    expect(calls).toContainEqual(['prepare_file', 'CLAUDE.md', A, 'missing', '', '600', 'aGkK']);
  });

  it('passes shellcheck', () => {
    const r = execaSync('shellcheck', ['-s', 'sh', '-'], { input: applyScript('@@m@@', thor, busy()), reject: false });
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('does only the version check when nothing changes', () => {
    const calls = callsOf(applyScript('@@m@@', thor, planPrepare(input()))).map((c) => c[0]);
    expect(calls).toEqual(['use_dir', 'prepare_version', 'say']);
  });
});

const M = '@@m@@';
const answer = (...lines: string[]) => parseSections(lines.join('\n'), M);

describe('parseApply', () => {
  it('reads each step', () => {
    const r = parseApply(
      answer(
        `${M} mkdir ok`,
        `${M} clone a ok`,
        `${M} clone b fail`,
        "Cloning into 'b'...",
        "fatal: repository '/x' does not exist",
        'Please make sure you have the correct access rights',
        `${M} clone c exists`,
        `${M} file CLAUDE.md ok `,
        `${M} file settings.json ok settings.json.bak-20250131-140501-1`,
        `${M} session ok`,
        `${M} agent found`,
        '/usr/bin/claude',
        `${M} version 0`,
        '2.1.34 (Claude Code)',
        `${M} end`,
      ),
    );
    expect(r).toEqual({
      complete: true,
      mkdir: { ok: true, detail: '' },
      clones: {
        a: { ok: true, detail: '' },
        b: { ok: false, detail: "repository '/x' does not exist" },
        c: { ok: false, detail: 'something appeared there meanwhile' },
      },
      files: {
        'CLAUDE.md': { ok: true, detail: '', backup: null },
        'settings.json': { ok: true, detail: '', backup: 'settings.json.bak-20250131-140501-1' },
      },
      session: { ok: true, detail: '' },
      version: { status: 0, line: '2.1.34 (Claude Code)' },
      agent: { kind: 'found', path: '/usr/bin/claude' },
    });
  });

  it.each([
    ['changed', `${M} file CLAUDE.md changed`, 'changed there meanwhile; left alone'],
    ['corrupt', `${M} file CLAUDE.md fail corrupt`, 'copy arrived damaged'],
    ['backup', `${M} file CLAUDE.md fail backup`, 'could not back up the old one'],
  ])('file %s', (_n, line, detail) =>
    expect(parseApply(answer(line)).files['CLAUDE.md']).toMatchObject({ ok: false, detail }),
  );
});

describe('prepare report', () => {
  const fresh = {
    ...survey,
    projectsDirExists: false,
    session: false,
    files: { 'CLAUDE.md': { present: false }, 'settings.json': { present: true, sha256: C } },
  } as Survey;
  const plan = planPrepare(
    input({
      survey: {
        ...fresh,
        projects: {
          b: { kind: 'git', remotes: [url('b')] },
          c: { kind: 'git', remotes: ['git@github.com:someone/else-entirely.git'] },
        },
      },
      projects: [remote('a'), remote('b'), remote('c'), { name: 'notes', kind: 'noremote' }],
    }),
  );

  it('dry run: the plan', () => {
    expect(renderReport(prepareLines(plan, null), 40)).toMatchInlineSnapshot(`
      [
        "+ create ~/1-Projects",
        "+ clone a",
        "  git@github.com:me/a.git",
        "· b already cloned",
        "⚠ c: other remote, left alone",
        "git@github.com:someone/else-entirely.git",
        "- notes skipped: no git remote",
        "+ copy ~/.claude/CLAUDE.md",
        "+ replace ~/.claude/settings.json",
        "  old one kept as",
        "  settings.json.bak-20250131-140501",
        "+ create session agents",
        "· agent found: /usr/bin/claude",
      ]
    `);
  });

  it('after running it', () => {
    const result = parseApply(
      answer(
        `${M} mkdir ok`,
        `${M} clone a ok`,
        `${M} file CLAUDE.md ok `,
        `${M} file settings.json ok settings.json.bak-20250131-140501`,
        `${M} session ok`,
        `${M} agent elsewhere`,
        '/home/mac/.npm-global/bin/claude',
        `${M} version 127`,
        'sh: 1: claude: not found',
        `${M} end`,
      ),
    );
    const lines = renderReport(prepareLines(plan, result), 40);
    expect(lines).toMatchInlineSnapshot(`
      [
        "✔ created ~/1-Projects",
        "✔ cloned a",
        "· b already cloned",
        "⚠ c: other remote, left alone",
        "git@github.com:someone/else-entirely.git",
        "- notes skipped: no git remote",
        "✔ copied ~/.claude/CLAUDE.md",
        "✔ replaced ~/.claude/settings.json",
        "  old one kept as",
        "  settings.json.bak-20250131-140501",
        "✔ created session agents",
        "✖ agent does not start (not found)",
        "  sh: 1: claude: not found",
        "  → trimtab hosts set thor --agent",
        "    /home/mac/.npm-global/bin/claude",
      ]
    `);
    for (const l of lines) expect(width(l), l).toBeLessThanOrEqual(40);
  });

  it('a step with no answer (connection lost) is a failure', () => {
    const lines = prepareLines(plan, parseApply(answer(`${M} mkdir ok`)));
    expect(lines.find((l) => l.text.startsWith('clone a'))).toMatchObject({
      mark: 'fail',
      detail: 'no answer (connection lost?)',
    });
  });
});
