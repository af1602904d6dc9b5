import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Ref } from '../../src/core/agents/target.js';
import { TrimtabError } from '../../src/core/errors.js';
import { homeExpr as dirExpr, type Host, resolveConfig } from '../../src/core/hosts/config.js';
import type { Survey } from '../../src/core/hosts/host-survey.js';
import { planPrepare } from '../../src/core/hosts/prepare.js';
import { parseSections } from '../../src/core/protocol.js';
import { shQuote } from '../../src/core/quote.js';
import { checkPasteable, paneFormat } from '../../src/core/script.js';
import {
  broadcastScript,
  keysScript,
  LIBRARIES,
  listScript,
  peekScript,
  prepareScript,
  projectsScript,
  resolveScript,
  sendScript,
  spawnScript,
  surveyScript,
  syncProbeScript,
} from '../../src/remote/scripts.js';
import { SHELLS, syntaxErrors, wordsOf } from '../core/shells.js';
import { callsOf, parts, varsOf } from './script-parts.js';

const M = '@@trimtab-abc123@@';
const hostWith = (extra: Partial<Host> = {}): Host => ({ ...resolveConfig({}, {}, 'thor').hosts[0]!, ...extra });
const HOST = hostWith();
const LAB = hostWith({ tmuxSocket: 'lab-1', projectsDir: '~/my projects', agentCommand: 'claude --model opus' });
const WIN: Ref = { kind: 'window', session: 'agents', window: 'gridplay' };
const PANE: Ref = { kind: 'pane', paneId: '%3' };

// Every hostile text carries PWNED: once its quoted form is cut out, PWNED must not be left anywhere.
const HOSTILE = [
  "'; touch PWNED; echo '",
  '$(touch PWNED)',
  '`touch PWNED`',
  'PWNED\n; rm -rf ~',
  '-PWNED',
  '--PWNED',
  'PWNED;',
  'Enter PWNED',
  '"$PWNED"',
  '${PWNED:-x}',
  'PWNED\\',
  "PWNED'",
  'a\r\nPWNED',
  '\tPWNED',
  '🦀 PWNED 日本',
  '%1 PWNED',
  '~/PWNED',
  '*PWNED*',
  'PWNED\x1b[A',
  "it's PWNED\n\nsecond paragraph 'quoted'",
];
const unquotedRest = (script: string, ...data: string[]) =>
  data.reduce((s, d) => s.replaceAll(shQuote(d), '<DATA>'), script);

const SCRIPTS: Array<[string, string]> = [
  ['list', listScript(M, HOST, 'agents')],
  ['list on a socket', listScript(M, LAB, 'agents')],
  ['send window', sendScript(M, HOST, WIN, 'hello', true)],
  ['send pane, no enter', sendScript(M, LAB, PANE, 'hello', false)],
  ['send empty text', sendScript(M, HOST, WIN, '', true)],
  ['broadcast', broadcastScript(M, HOST, ['%1', '%22'], 'continue')],
  ['peek', peekScript(M, HOST, WIN, 40)],
  ['peek --watch', peekScript(M, LAB, PANE, 40, 2)],
  ['resolve', resolveScript(M, HOST, WIN)],
  ['spawn', spawnScript(M, HOST, 'agents', 'gridplay')],
  ['spawn with spaces', spawnScript(M, LAB, 'agents', 'gridplay')],
];

describe('generated scripts parse', () => {
  // They always run as `sh -s` (never the login shell), so the POSIX shells are the ones that matter.
  describe.each(SHELLS.filter((s) => s !== 'zsh'))('%s -n', (shell) => {
    it.each(SCRIPTS)('%s', (_name, script) => expect(syntaxErrors(shell, script)).toBe(''));
    it.each(HOSTILE.map((t) => [t]))('send %j', (text) => {
      expect(syntaxErrors(shell, sendScript(M, HOST, WIN, text, true))).toBe('');
      expect(syntaxErrors(shell, broadcastScript(M, HOST, ['%1'], text))).toBe('');
    });
  });
});

describe('user data is always quoted', () => {
  it.each(HOSTILE.map((t) => [t]))('send text %j', (text) => {
    const script = sendScript(M, HOST, WIN, text, true);
    expect(parts(script).header).toContain(`X=${shQuote(text)}`);
    expect(varsOf(script).X).toBe(text);
    expect(unquotedRest(script, text)).not.toContain('PWNED');
  });

  it.each(HOSTILE.map((t) => [t]))('broadcast text %j', (text) => {
    expect(unquotedRest(broadcastScript(M, HOST, ['%1', '%2'], text), text)).not.toContain('PWNED');
  });

  it.each([
    [
      'window ref',
      (s: string) => sendScript(M, HOST, { kind: 'window', session: `S${s}`, window: `W${s}` }, 'x', true),
      (s: string) => [`S${s}`, `W${s}`],
    ],
    ['pane ref', (s: string) => peekScript(M, HOST, { kind: 'pane', paneId: s }, 10), (s: string) => [s]],
    ['list session', (s: string) => listScript(M, HOST, s), (s: string) => [s]],
    ['marker', (s: string) => resolveScript(s, HOST, WIN), (s: string) => [s]],
    ['spawn project', (s: string) => spawnScript(M, HOST, 'agents', s), (s: string) => [s]],
    ['spawn session', (s: string) => spawnScript(M, HOST, s, 'p'), (s: string) => [s]],
    [
      'agent command',
      (s: string) => spawnScript(M, hostWith({ agentCommand: `claude ${s}` }), 'agents', 'p'),
      (s: string) => [`claude ${s}`],
    ],
    [
      'projects dir',
      (s: string) => spawnScript(M, hostWith({ projectsDir: `/srv/${s}` }), 'agents', 'p'),
      (s: string) => [`/srv/${s}`],
    ],
  ] as const)('%s', (_name, build, data) => {
    for (const s of HOSTILE) expect(unquotedRest(build(s), ...data(s)), s).not.toContain('PWNED');
  });
});

describe('dirExpr', () => {
  it.each([
    ['~/x y', `"$HOME"/'x y'`],
    ['~/1-Projects', '"$HOME"/1-Projects'],
    ['~', '"$HOME"'],
    ['/home/mac/1-Projects', '/home/mac/1-Projects'],
    ["/srv/it's", `'/srv/it'\\''s'`],
    ['~root/x', `'~root/x'`],
  ])('%s -> %s', (dir, expr) => expect(dirExpr(dir)).toBe(expr));

  it.each(
    SHELLS.flatMap((sh) =>
      [
        ['~/x y', '/home/u/x y'],
        ['~/$(id)', '/home/u/$(id)'],
        ['/a b', '/a b'],
      ].map(([d, v]) => [sh, d!, v!]),
    ),
  )('%s expands %j to %j', (shell, dir, value) =>
    expect(wordsOf(shell, dirExpr(dir), { ...process.env, HOME: '/home/u' })).toEqual([value]),
  );
});

describe('spawnScript', () => {
  // spawn_agent SESSION PROJECT PROJECTS_DIR PROGRAM COMMAND (sh/spawn.sh): it starts in PROJECTS_DIR/PROJECT.
  const spawnCall = (host: Host, project = 'p') => callsOf(spawnScript(M, host, 'agents', project))[0]!;
  it('starts the agent in <projectsDir>/<project>', () => {
    const [, , project, dir] = spawnCall(LAB, 'grid.play');
    expect(`${dir}/${project}`).toEqual('/home/u/my projects/grid.play');
  });

  // DESIGN.md: thor's Claude Code lives in ~/.npm-global/bin, which ssh's PATH may lack. The check must
  // look where the agent's shell will look: tmux hands the command to `sh -c`, which expands the `~`.
  it.each([
    ['claude --model opus', 'claude'],
    ['/opt/claude/bin/claude', '/opt/claude/bin/claude'],
    ['~/.npm-global/bin/claude', '/home/u/.npm-global/bin/claude'],
    ["'/opt/my tools/claude' --model opus", '/opt/my tools/claude'],
  ])('checks that %j exists as %j', (cmd, checked) => {
    const call = spawnCall(hostWith({ agentCommand: cmd }));
    expect(call[4]).toBe(checked);
    expect(call[5]).toBe(cmd); // tmux hands the command, as written, to sh -c
  });
});

describe('every script', () => {
  const _thor = hostWith({ tmuxSocket: 'lab-1' });
  const survey = {
    projectsDirExists: true,
    session: true,
    git: 'git',
    projects: {},
    files: { 'CLAUDE.md': { present: false }, 'settings.json': { present: false } },
  } as unknown as Survey;
  const all: Array<[string, string]> = [
    ...SCRIPTS,
    ['keys', keysScript(M, HOST, WIN, ['Escape'])],
    ['projects', projectsScript(M, HOST)],
    ['survey', surveyScript(M, HOST, 'agents', ['a'])],
    [
      'prepare',
      prepareScript(
        M,
        HOST,
        planPrepare({ host: HOST, session: 'agents', survey, projects: [], files: {}, stamp: 's' }),
      ),
    ],
    ['sync probe', syncProbeScript(M, HOST)],
  ];

  // The transport tells a connection that answered from one that never did by this first word: a
  // script that does slow work (a clone, a REST call) before it would look like a hung connection.
  it.each(all)('%s says hello before anything else, even with no tools at all', (_name, script) => {
    const out = spawnSync('/bin/sh', ['-s'], {
      input: script,
      encoding: 'utf8',
      env: { PATH: '/nonexistent', HOME: '/nonexistent' },
    }).stdout;
    expect(parseSections(out, M)[0]?.tag).toBe('hello');
  });

  it.each(all)('%s is the constant libraries between one header line and one call line', (_name, script) => {
    const { header, call } = parts(script);
    expect(header).toMatch(/^M=\S+ TS=/);
    expect(script).toBe(
      `${header}\n${LIBRARIES['prelude.sh']}\n${script.slice(header.length + LIBRARIES['prelude.sh'].length + 2, script.length - call.length - 1)}\n${call}`,
    );
    for (const [lib, text] of Object.entries(LIBRARIES))
      if (lib !== 'prelude.sh' && script.includes(text)) expect(script.split(text)).toHaveLength(2);
  });

  it('list asks tmux for the fields core reads, in their order', () => {
    // tmux stood in for by a function that prints the format it is asked for.
    const script = `M=${M} TS=\n${LIBRARIES['prelude.sh']}\n${LIBRARIES['target.sh']}\n${LIBRARIES['list.sh']}\nt() { printf '%s' "$4"; }\nlist_panes agents`;
    const out = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' }).stdout;
    const panes = parseSections(out, M).find((x) => x.tag === 'panes');
    // The separator is made of the call's nonce.
    expect(panes?.args[0]).toBe('<abc123>');
    expect(panes?.lines[0]).toBe(paneFormat(panes!.args[0]!));
  });

  it('the tmux socket travels in the header, quoted', () => {
    expect(varsOf(listScript(M, hostWith({ tmuxSocket: "it's" }), 'agents')).TS).toBe("it's");
  });
});

describe('checkPasteable', () => {
  it.each(['', 'hello', 'multi\nline\ttext', '\x1b[200~', '\x1b[201', 'ESC[201~', '🦀'])('accepts %j', (t) => {
    expect(() => checkPasteable(t)).not.toThrow();
  });

  it.each(['\x1b[201~', 'a\x1b[201~b\r', 'a\0b', '\0'])('refuses %j with exit 2', (t) => {
    expect(() => checkPasteable(t)).toThrow(TrimtabError);
    try {
      checkPasteable(t);
    } catch (e) {
      expect((e as TrimtabError).exitCode).toBe(2);
    }
  });
});

describe('surveyScript', () => {
  it('is valid sh, quotes every datum, and keeps ~ for the host to expand', () => {
    const evil = hostWith({ projectsDir: "~/it's $(id)", agentCommand: "'/a b/cl`x`' -c", tmuxSocket: 'sock' });
    const script = surveyScript(M, evil, "ag'ents", ['alpha', 'b-2']);
    expect(syntaxErrors('sh', script)).toBe('');
    expect(parts(script).call).toContain(`"$HOME"/'it'\\''s $(id)'`);
    expect(callsOf(script)).toEqual([['survey', "ag'ents", "/home/u/it's $(id)", '/a b/cl`x`', 'alpha', 'b-2']]);
    expect(varsOf(script).TS).toBe('sock');
    expect(LIBRARIES['hosts.sh']).toContain(`CLAUDE_FILES='CLAUDE.md settings.json'`);
  });
});
