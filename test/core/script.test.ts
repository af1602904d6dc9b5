import { describe, expect, it } from 'vitest';
import { resolveConfig, type Host } from '../../src/core/hosts/config.js';
import { TrimtabError } from '../../src/core/errors.js';
import { shQuote } from '../../src/core/quote.js';
import {
  broadcastScript,
  checkPasteable,
  dirExpr,
  listScript,
  peekScript,
  resolveScript,
  sendScript,
  spawnScript,
} from '../../src/core/script.js';
import type { Ref } from '../../src/core/agents/target.js';
import { SHELLS, syntaxErrors, wordsOf } from './shells.js';

const M = '@@trimtab-abc123@@';
const hostWith = (extra: Partial<Host> = {}): Host => ({ ...resolveConfig({}, {}, 'thor').hosts[0]!, ...extra });
const HOST = hostWith();
const LAB = hostWith({ tmuxSocket: 'lab-1', projectsDir: '~/my projects', agentCommand: 'claude --model opus' });
const WIN: Ref = { kind: 'window', session: 'agents', window: 'gridplay' };
const PANE: Ref = { kind: 'pane', paneId: '%3' };

// Every hostile text carries PWNED: once its quoted form is cut out, PWNED must not be left anywhere.
const HOSTILE = [
  "'; touch PWNED; echo '", '$(touch PWNED)', '`touch PWNED`', 'PWNED\n; rm -rf ~', '-PWNED', '--PWNED', 'PWNED;',
  'Enter PWNED', '"$PWNED"', '${PWNED:-x}', 'PWNED\\', "PWNED'", 'a\r\nPWNED', '\tPWNED', '🦀 PWNED 日本', '%1 PWNED',
  '~/PWNED', '*PWNED*', 'PWNED\x1b[A', "it's PWNED\n\nsecond paragraph 'quoted'",
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
    expect(script).toContain(`printf '%s' ${shQuote(text)} | t load-buffer`);
    expect(unquotedRest(script, text)).not.toContain('PWNED');
  });

  it.each(HOSTILE.map((t) => [t]))('broadcast text %j', (text) => {
    expect(unquotedRest(broadcastScript(M, HOST, ['%1', '%2'], text), text)).not.toContain('PWNED');
  });

  it.each([
    ['window ref', (s: string) => sendScript(M, HOST, { kind: 'window', session: `S${s}`, window: `W${s}` }, 'x', true), (s: string) => [`S${s}`, `W${s}`]],
    ['pane ref', (s: string) => peekScript(M, HOST, { kind: 'pane', paneId: s }, 10), (s: string) => [s]],
    ['list session', (s: string) => listScript(M, HOST, s), (s: string) => [s]],
    ['marker', (s: string) => resolveScript(s, HOST, WIN), (s: string) => [s]],
    ['spawn project', (s: string) => spawnScript(M, HOST, 'agents', s), (s: string) => [s]],
    ['spawn session', (s: string) => spawnScript(M, HOST, s, 'p'), (s: string) => [s]],
    ['agent command', (s: string) => spawnScript(M, hostWith({ agentCommand: `claude ${s}` }), 'agents', 'p'), (s: string) => [`claude ${s}`]],
    ['projects dir', (s: string) => spawnScript(M, hostWith({ projectsDir: `/srv/${s}` }), 'agents', 'p'), (s: string) => [`/srv/${s}`]],
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

  it.each(SHELLS.flatMap((sh) => [['~/x y', '/home/u/x y'], ['~/$(id)', '/home/u/$(id)'], ['/a b', '/a b']].map(([d, v]) => [sh, d!, v!])))(
    '%s expands %j to %j',
    (shell, dir, value) => expect(wordsOf(shell, dirExpr(dir), { ...process.env, HOME: '/home/u' })).toEqual([value]),
  );
});

describe('spawnScript', () => {
  const words = (script: string, re: RegExp) => wordsOf('sh', re.exec(script)![1]!, { ...process.env, HOME: '/home/u' });
  it('starts the agent in <projectsDir>/<project>', () => {
    expect(words(spawnScript(M, LAB, 'agents', 'grid.play'), /^dir=(.*)$/m)).toEqual(['/home/u/my projects/grid.play']);
  });

  // DESIGN.md: thor's Claude Code lives in ~/.npm-global/bin, which ssh's PATH may lack. The check must
  // look where the agent's shell will look: tmux hands the command to `sh -c`, which expands the `~`.
  it.each([
    ['claude --model opus', 'claude'],
    ['/opt/claude/bin/claude', '/opt/claude/bin/claude'],
    ['~/.npm-global/bin/claude', '/home/u/.npm-global/bin/claude'],
  ])('checks that %j exists as %j', (cmd, checked) => {
    expect(words(spawnScript(M, hostWith({ agentCommand: cmd }), 'agents', 'p'), /^command -v (.*) >\/dev\/null .*noagent/m)).toEqual([checked]);
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
