import { describe, expect, it } from 'vitest';
import { agentProgram, commandWords, withProgram } from '../../../src/core/hosts/config.js';
import { parseSurvey } from '../../../src/core/hosts/host-survey.js';

const M = '@@trimtab-abc@@';

describe('agentProgram', () => {
  it.each([
    ['claude', 'claude'],
    ['  claude --dangerously-skip-permissions', 'claude'],
    ['/home/mac/.npm-global/bin/claude', '/home/mac/.npm-global/bin/claude'],
    ["'/usr/bin/node' '/x/fake-agent.mjs'", '/usr/bin/node'],
    ["'/opt/my tools/claude' --flag", '/opt/my tools/claude'],
    ['"/opt/my tools/claude"', '/opt/my tools/claude'],
    ['/opt/my\\ tools/claude -c', '/opt/my tools/claude'],
    ['~/.npm-global/bin/claude', '~/.npm-global/bin/claude'],
    ["it'\\''s", 'it\\s'],
    ['', ''],
  ])('%s → %s', (cmd, program) => expect(agentProgram(cmd)).toBe(program));
});

describe('commandWords', () => {
  it.each([
    ["'/opt/my tools/claude' --model opus", ['/opt/my tools/claude', '--model', 'opus']],
    ['  claude   -c  ', ['claude', '-c']],
    ['a"b c"\\ d e', ['ab c d', 'e']],
    ["x 'it'\\''s'", ['x', "it's"]],
    ['', []],
  ])('%s → %j', (cmd, words) => expect(commandWords(cmd)).toEqual(words));
});

describe('withProgram', () => {
  it.each([
    ['claude', '/home/mac/.npm-global/bin/claude', '/home/mac/.npm-global/bin/claude'],
    ['claude --model opus', '/a/claude', '/a/claude --model opus'],
    ["'my claude' -c", '/a b/claude', "'/a b/claude' -c"],
    ['"x y" -c', '/c', '/c -c'],
  ])('%s with %s', (cmd, path, expected) => expect(withProgram(cmd, path)).toBe(expected));
});

const out = (...lines: string[]) => lines.join('\n');
const full = out(
  'Welcome to thor! (motd noise before the first marker)',
  `${M} home`,
  '/home/mac',
  `${M} path`,
  '/usr/bin:/bin',
  `${M} tmux`,
  'tmux 3.4',
  `${M} git`,
  'git version 2.43.0',
  `${M} node`,
  'v20.11.1',
  `${M} agent elsewhere`,
  '/home/mac/.npm-global/bin/claude',
  `${M} projectsdir`,
  '/home/mac/1-Projects',
  `${M} projects yes 12`,
  `${M} session no`,
  `${M} file CLAUDE.md present ${'a'.repeat(64)}`,
  `${M} file settings.json missing`,
  `${M} project alpha absent`,
  `${M} project beta git`,
  'git@github.com:me/beta.git',
  'git@github.com:me/beta.git',
  'https://mirror/beta',
  `${M} project gamma nogit`,
  `${M} project delta notdir`,
  `${M} end`,
  '',
);

describe('parseSurvey', () => {
  it('reads every section', () => {
    expect(parseSurvey(full, M)).toEqual({
      home: '/home/mac',
      path: '/usr/bin:/bin',
      tmux: 'tmux 3.4',
      git: 'git version 2.43.0',
      node: 'v20.11.1',
      agent: { kind: 'elsewhere', path: '/home/mac/.npm-global/bin/claude' },
      projectsDir: '/home/mac/1-Projects',
      projectsDirExists: true,
      projectCount: 12,
      session: false,
      files: { 'CLAUDE.md': { present: true, sha256: 'a'.repeat(64) }, 'settings.json': { present: false } },
      projects: {
        alpha: { kind: 'absent' },
        beta: { kind: 'git', remotes: ['git@github.com:me/beta.git', 'https://mirror/beta'] },
        gamma: { kind: 'nogit' },
        delta: { kind: 'notdir' },
      },
    });
  });

  it.each([
    [
      'missing tools',
      out(`${M} tmux`, `${M} git`, `${M} node`, `${M} agent missing`, `${M} session notmux`, `${M} end`),
      { tmux: null, git: null, node: null, agent: { kind: 'missing' }, session: null },
    ],
    [
      'agent in PATH',
      out(`${M} agent found`, '/usr/bin/claude', `${M} session yes`, `${M} end`),
      { agent: { kind: 'found', path: '/usr/bin/claude' }, session: true },
    ],
    [
      'a file but no hash tool',
      out(`${M} file settings.json present `, `${M} end`),
      { files: { 'CLAUDE.md': { present: false }, 'settings.json': { present: true, sha256: null } } },
    ],
    [
      'no projects dir',
      out(`${M} projectsdir`, '/x', `${M} projects no 0`, `${M} end`),
      { projectsDirExists: false, projectCount: 0 },
    ],
  ])('%s', (_name, stdout, expected) => {
    expect(parseSurvey(stdout, M)).toMatchObject(expected);
  });

  it('is null when the answer stops before its end', () => {
    expect(parseSurvey(full.replace(`${M} end`, ''), M)).toBeNull();
  });

  it('ignores a marker with another nonce', () => {
    const faked = full.replace(`${M} session no`, `${M} session no\n@@trimtab-xyz@@ session yes`);
    expect(parseSurvey(faked, M)?.session).toBe(false);
  });
});
