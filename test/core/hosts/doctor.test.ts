import { describe, expect, it } from 'vitest';
import type { Host } from '../../../src/core/hosts/config.js';
import {
  doctorExitCode,
  doctorJson,
  type HostCheck,
  hostFindings,
  type LocalHashes,
  renderDoctor,
  tildify,
  unreachableCheck,
  wrap,
} from '../../../src/core/hosts/doctor.js';
import type { Survey } from '../../../src/core/hosts/host-survey.js';
import { width } from '../../../src/core/render/render.js';

const thor: Host = {
  name: 'thor',
  ssh: 'mac@thor',
  projectsDir: '/home/mac/1-Projects',
  agentCommand: 'claude',
  tmuxSocket: '',
  aliases: [],
  local: false,
};
const here: Host = { ...thor, name: 'fedora', ssh: 'fedora', local: true };
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

const ready: Survey = {
  home: '/home/mac',
  path: '/usr/bin:/bin',
  tmux: 'tmux 3.4',
  git: 'git version 2.43.0',
  node: 'v20.11.1',
  agent: { kind: 'found', path: '/usr/bin/claude' },
  projectsDir: '/home/mac/1-Projects',
  projectsDirExists: true,
  projectCount: 12,
  session: true,
  files: { 'CLAUDE.md': { present: true, sha256: A }, 'settings.json': { present: true, sha256: B } },
  projects: {},
};
const mine: LocalHashes = { 'CLAUDE.md': A, 'settings.json': B };

const find = (s: Partial<Survey>, check: string, host = thor, local = mine) =>
  hostFindings(host, { ...ready, ...s }, 'agents', local).find((f) => f.check === check);

describe('hostFindings', () => {
  it('a ready host: all ok, in a fixed order', () => {
    const fs = hostFindings(thor, ready, 'agents', mine);
    expect(fs.map((f) => [f.check, f.level, f.text])).toEqual([
      ['tmux', 'ok', 'tmux 3.4'],
      ['git', 'ok', 'git 2.43.0'],
      ['node', 'ok', 'node v20.11.1'],
      ['agent', 'ok', 'agent /usr/bin/claude'],
      ['projects', 'ok', '12 projects in ~/1-Projects'],
      ['session', 'ok', 'tmux session agents exists'],
      ['CLAUDE.md', 'ok', 'CLAUDE.md same as here'],
      ['settings.json', 'ok', 'settings.json same as here'],
    ]);
    expect(fs.every((f) => f.fix === null)).toBe(true);
  });

  it.each([
    ['no tmux', { tmux: null, session: null }, 'tmux', 'fail', 'tmux not found', /install tmux/],
    ['no git', { git: null }, 'git', 'fail', 'git not found', /install git/],
    ['no node', { node: null }, 'node', 'warn', 'node not in the ssh PATH', /Node\.js 20/],
    ['old node', { node: 'v16.20.0' }, 'node', 'warn', 'node v16.20.0 is old', /Node\.js 20/],
    [
      'agent only in ~/.npm-global/bin',
      { agent: { kind: 'elsewhere', path: '/home/mac/.npm-global/bin/claude' } },
      'agent',
      'fail',
      'claude not in the ssh PATH',
      /^trimtab hosts set thor --agent \/home\/mac\/\.npm-global\/bin\/claude$/,
    ],
    [
      'agent nowhere',
      { agent: { kind: 'missing' } },
      'agent',
      'fail',
      'claude not found',
      /install Claude Code on thor/,
    ],
    [
      'no projects dir',
      { projectsDirExists: false },
      'projects',
      'fail',
      'no projects dir ~/1-Projects',
      /^trimtab prepare thor$/,
    ],
    ['one project', { projectCount: 1 }, 'projects', 'ok', '1 project in ~/1-Projects', null],
    ['no session', { session: false }, 'session', 'warn', 'no tmux session agents', /^trimtab prepare thor$/],
    [
      'CLAUDE.md missing there',
      { files: { ...ready.files, 'CLAUDE.md': { present: false } } },
      'CLAUDE.md',
      'warn',
      'CLAUDE.md missing',
      /^trimtab prepare thor$/,
    ],
    [
      'settings.json differs',
      { files: { ...ready.files, 'settings.json': { present: true, sha256: A } } },
      'settings.json',
      'warn',
      'settings.json differs from here',
      /^trimtab prepare thor$/,
    ],
    [
      'no hash tool there',
      { files: { ...ready.files, 'settings.json': { present: true, sha256: null } } },
      'settings.json',
      'warn',
      'settings.json: cannot hash it there',
      /sha256sum/,
    ],
  ] as const)('%s', (_name, survey, check, level, text, fix) => {
    const f = find(survey as Partial<Survey>, check)!;
    expect([f.level, f.text]).toEqual([level, text]);
    if (fix) expect(f.fix).toMatch(fix);
    else expect(f.fix).toBeNull();
  });

  it('keeps the agent arguments in the suggested agentCommand', () => {
    const host = { ...thor, agentCommand: 'claude --model opus' };
    const f = find({ agent: { kind: 'elsewhere', path: '/home/mac/.local/bin/claude' } }, 'agent', host)!;
    expect(f.fix).toBe("trimtab hosts set thor --agent '/home/mac/.local/bin/claude --model opus'");
  });

  it.each([
    ['nothing here, nothing there', null, { present: false }, 'ok', 'no CLAUDE.md, none here either'],
    ['nothing here, one there', null, { present: true, sha256: A }, 'ok', 'CLAUDE.md (none here to compare)'],
  ] as const)('CLAUDE.md: %s', (_n, local, there, level, text) => {
    const f = find({ files: { ...ready.files, 'CLAUDE.md': there } }, 'CLAUDE.md', thor, {
      ...mine,
      'CLAUDE.md': local,
    })!;
    expect([f.level, f.text]).toEqual([level, text]);
  });

  it('does not compare this machine with itself', () => {
    const f = find({ files: { ...ready.files, 'CLAUDE.md': { present: false } } }, 'CLAUDE.md', here)!;
    expect([f.level, f.text]).toEqual(['ok', 'no CLAUDE.md']);
  });
});

const check = (host: Host, s: Partial<Survey>): HostCheck => ({
  host,
  reachable: true,
  ms: 14,
  findings: hostFindings(host, { ...ready, ...s }, 'agents', mine),
});
const asleep: Host = { ...thor, name: 'asleep', ssh: 'asleep' };
const down = unreachableCheck(
  asleep,
  'cannot reach asleep (timed out after 3 s)',
  'is asleep asleep or off the network? lists skip it',
);

describe('doctorExitCode', () => {
  it.each([
    ['all good', [check(thor, {})], 0],
    ['warnings only', [check(thor, { session: false, node: null })], 0],
    ['something to fix', [check(thor, {}), check(here, { agent: { kind: 'missing' } })], 1],
    ['unreachable wins', [check(thor, { git: null }), down], 3],
  ] as const)('%s → %d', (_n, checks, code) => expect(doctorExitCode([...checks])).toBe(code));
});

describe('unreachableCheck', () => {
  it.each([
    ['cannot reach asleep (timed out after 3 s)', 'timed out after 3 s'],
    ['cannot reach asleep: Connection refused', 'Connection refused'],
    ['no answer from asleep: sh: not found', 'no answer from asleep: sh: not found'],
  ])('%s', (message, text) =>
    expect(unreachableCheck(asleep, message, undefined).findings[0]).toMatchObject({
      check: 'ssh',
      level: 'fail',
      text,
    }),
  );
});

describe('doctorJson', () => {
  it('has one entry per host with its findings', () => {
    const json = doctorJson([check(thor, { session: false }), down]);
    expect(json.hosts.map((h) => [h.name, h.local, h.reachable, h.ms, h.status])).toEqual([
      ['thor', false, true, 14, 'warn'],
      ['asleep', false, false, null, 'fail'],
    ]);
    expect(Object.keys(json.hosts[0]!.findings[0]!)).toEqual(['check', 'level', 'text', 'fix']);
  });
});

describe('wrap', () => {
  it.each([
    ['fits', 'trimtab prepare thor', 40, ['    trimtab prepare thor']],
    [
      'breaks between words',
      'set agentCommand of thor to /home/mac/.npm-global/bin/claude',
      40,
      ['    set agentCommand of thor to', '      /home/mac/.npm-global/bin/claude'],
    ],
    [
      'shifts a word too long for the indent left, whole',
      `to ${'p'.repeat(36)}`,
      40,
      ['    to', `    ${'p'.repeat(36)}`],
    ],
    [
      'breaks only a word wider than the screen',
      `x ${'p'.repeat(50)}`,
      30,
      ['    x', 'p'.repeat(30), `      ${'p'.repeat(20)}`],
    ],
  ])('%s', (_n, text, cols, lines) => expect(wrap(text, cols, '    ', '      ')).toEqual(lines));
});

describe('tildify', () => {
  it.each([
    ['/home/mac/1-Projects', '/home/mac', '~/1-Projects'],
    ['/home/mac', '/home/mac', '~'],
    ['/home/macx/p', '/home/mac', '/home/macx/p'],
    ['/srv/p', '/', '/srv/p'],
    ['/srv/p', '', '/srv/p'],
  ])('%s in %s', (p, home, out) => expect(tildify(p, home)).toBe(out));
});

describe('renderDoctor', () => {
  const checks = [
    check(here, {}),
    check(
      { ...thor, ssh: 'mac@thor.tail1234.ts.net' },
      {
        agent: { kind: 'elsewhere', path: '/home/mac/.npm-global/bin/claude' },
        projectsDir: '/home/mac/some/very/long/path/to/all/the/projects',
        session: false,
        files: { ...ready.files, 'settings.json': { present: true, sha256: A } },
      },
    ),
    down,
  ];

  it.each([40, 60, 80])('fits %d columns', (cols) => {
    for (const line of renderDoctor(checks, cols)) expect(width(line), line).toBeLessThanOrEqual(cols);
  });

  it('reads well at 40 columns', () => {
    expect(renderDoctor(checks, 40)).toMatchInlineSnapshot(`
      [
        "fedora  this machine  14 ms",
        "  ✔ tmux 3.4",
        "  ✔ git 2.43.0",
        "  ✔ node v20.11.1",
        "  ✔ agent /usr/bin/claude",
        "  ✔ 12 projects in ~/1-Projects",
        "  ✔ tmux session agents exists",
        "  ✔ CLAUDE.md present",
        "  ✔ settings.json present",
        "thor  mac@thor.tail1234.ts.net  14 ms",
        "  ✔ tmux 3.4",
        "  ✔ git 2.43.0",
        "  ✔ node v20.11.1",
        "  ✖ claude not in the ssh PATH",
        "    → trimtab hosts set thor --agent",
        "      /home/mac/.npm-global/bin/claude",
        "  ✔ 12 projects in ~/some/very/long/pa…",
        "  ⚠ no tmux session agents",
        "    → trimtab prepare thor",
        "  ✔ CLAUDE.md same as here",
        "  ⚠ settings.json differs from here",
        "    → trimtab prepare thor",
        "asleep  unreachable",
        "  ✖ timed out after 3 s",
        "    → is asleep asleep or off the",
        "      network? lists skip it",
      ]
    `);
  });
});
