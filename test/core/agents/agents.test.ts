import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type Agent,
  agentsFromList,
  byUrgency,
  type Pane,
  parsePanes,
  screensFrom,
  toJson,
} from '../../../src/core/agents/agents.js';
import { resolveConfig } from '../../../src/core/hosts/config.js';
import { markerFor, parseSections } from '../../../src/core/protocol.js';
import { PANE_FIXED, PANE_FREE } from '../../../src/core/script.js';
import { parseRegistry } from '../../../src/core/status/registry.js';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/panes/${name}`, import.meta.url)), 'utf8');
const CLAUDE_SCREEN = fixture('idle-after-work.txt');
const SHELL_SCREEN = fixture('unknown-shell.txt');
const HOST = resolveConfig({ hosts: [{ name: 'thor' }] }, {}, 'thor').hosts[0]!;

let nextId = 1;
function pane(over: Partial<Pane> = {}): Pane {
  const id = nextId++;
  return {
    pane_id: `%${id}`,
    session_name: 'agents',
    pane_current_command: 'claude',
    window_id: `@${id}`,
    window_index: '1',
    pane_index: '0',
    pane_active: '1',
    pane_dead: '0',
    pane_dead_status: '',
    window_activity: '1700000000',
    pane_in_mode: '0',
    pane_current_path: '/home/mac/1-Projects/x',
    pane_title: 'thor',
    pane_pid: String(10_000 + id),
    window_name: 'x',
    ...over,
  };
}
const SEP = '<0a1b2c3d>';
/** One record as list.sh prints it (core/script.ts, paneFormat). */
const line = (p: Pane) => PANE_FIXED.map((f) => p[f]).join('\t') + SEP + PANE_FREE.map((f) => `${p[f]}${SEP}`).join('');
const agents = (panes: Pane[], screens: Record<string, string> = {}) =>
  agentsFromList(HOST, 'agents', panes, new Map(Object.entries(screens)));

describe('parsePanes', () => {
  it.each([
    ['plain', 'gridplay'],
    ['a TAB in the window name', 'a\tb\tc'],
    ['a trailing TAB', 'w\t'],
    ['spaces and unicode', 'my 日本 🦀'],
    ['an empty window name', ''],
  ])('%s', (_name, window_name) => {
    const p = pane({ window_name, pane_title: 'title with spaces' });
    expect(parsePanes([line(p)], SEP)).toEqual([p]);
  });

  it.each(PANE_FREE)('TABs and newlines in %s move no field, and the next record is whole', (field) => {
    const hostile = '\ta\n%7\tb\t\n\n<0a1b2c3e>\t';
    const a = pane({ [field]: hostile });
    const b = pane({ pane_id: '%2', window_name: 'next' });
    expect(parsePanes(`${line(a)}\n${line(b)}\n`.split('\n'), SEP)).toEqual([a, b]);
  });

  it.each([
    ['blank lines', ['', '']],
    ['chatter before any pane', ['hello', 'world']],
    ['a record cut short', ['%9\tagents']],
  ])('ignores %s', (_name, lines) => expect(parsePanes(lines, SEP)).toEqual([]));

  it('skips chatter before a record and reads the record', () => {
    const p = pane();
    expect(parsePanes(['tmux: something', line(p)], SEP)).toEqual([p]);
  });

  it('reads nothing without a separator', () => expect(parsePanes([line(pane())], '')).toEqual([]));
});

describe('agentsFromList: which panes are agents', () => {
  it.each<[string, Partial<Pane>, string, boolean]>([
    ['bash in the agents session', { pane_current_command: 'bash' }, SHELL_SCREEN, true],
    ['claude elsewhere', { session_name: 'work', pane_current_command: 'claude' }, '', true],
    ['a version-named binary elsewhere', { session_name: 'work', pane_current_command: '2.1.34' }, '', true],
    [
      'node elsewhere with a Claude screen',
      { session_name: 'work', pane_current_command: 'node' },
      CLAUDE_SCREEN,
      true,
    ],
    [
      'node elsewhere titled Claude',
      { session_name: 'work', pane_current_command: 'node', pane_title: '✳ Claude Code' },
      '',
      true,
    ],
    [
      'node elsewhere running something else',
      { session_name: 'work', pane_current_command: 'node', pane_title: 'vite' },
      SHELL_SCREEN,
      false,
    ],
    ['bash elsewhere', { session_name: 'work', pane_current_command: 'bash' }, SHELL_SCREEN, false],
    ['vim elsewhere', { session_name: 'work', pane_current_command: 'vim' }, '', false],
  ])('%s -> %s', (_name, over, screen, included) => {
    const p = pane(over);
    expect(agents([p], { [p.pane_id]: screen }).length).toBe(included ? 1 : 0);
  });

  it('takes project, status and activity from the pane', () => {
    const inSession = pane({
      window_name: 'gridplay',
      pane_current_path: '/home/mac/1-Projects/gridplay/src',
      window_activity: '1700000123',
    });
    const elsewhere = pane({
      session_name: 'work',
      window_name: 'zsh',
      pane_current_path: '/home/mac/1-Projects/trimtab',
    });
    const dead = pane({ window_name: 'old', pane_dead: '1', pane_dead_status: '0', window_activity: '' });
    const [a, b, c] = agents([inSession, elsewhere, dead], { [inSession.pane_id]: CLAUDE_SCREEN });
    expect(a).toMatchObject({
      project: 'gridplay',
      status: 'idle',
      lastActivity: 1700000123,
      session: 'agents',
      window: 'gridplay',
    });
    expect(b).toMatchObject({
      project: 'trimtab',
      path: '/home/mac/1-Projects/trimtab',
      session: 'work',
      window: 'zsh',
    });
    expect(c).toMatchObject({ status: 'exited', lastActivity: 0 });
  });
});

describe('agentsFromList: targets', () => {
  it.each<[string, Partial<Pane>, string]>([
    ['a project window', { window_name: 'gridplay' }, 'thor:agents:gridplay'],
    ['another session', { session_name: 'work', window_name: 'api' }, 'thor:work:api'],
    ['a window name with a space', { window_name: 'my proj' }, 'thor:%ID'],
    ['a window name starting with -', { window_name: '-x' }, 'thor:%ID'],
    ['a window name with :', { window_name: 'a:b' }, 'thor:%ID'],
    ['a window name with a TAB', { window_name: 'a\tb' }, 'thor:%ID'],
    ['an empty window name', { window_name: '' }, 'thor:%ID'],
  ])('%s -> %s', (_name, over, target) => {
    const p = pane(over);
    expect(agents([p])[0]!.target).toBe(target.replace('%ID', p.pane_id));
  });

  it('two agent panes in one window: the active one by name, the other by pane id', () => {
    const active = pane({ window_id: '@7', window_name: 'duo', pane_active: '1' });
    const other = pane({ window_id: '@7', window_name: 'duo', pane_active: '0', pane_index: '1' });
    expect(agents([other, active]).map((a) => a.target)).toEqual([`thor:${other.pane_id}`, 'thor:agents:duo']);
  });

  it("leaves out the shell window prepare makes the session with, not an agent's window that fell back to a shell", () => {
    const prepared = pane({ window_id: '@1', window_name: 'shell', pane_current_command: 'bash' });
    const quit = pane({ window_id: '@2', window_name: 'api', pane_current_command: '-zsh' });
    const named = pane({ window_id: '@3', window_name: 'shell', pane_current_command: 'claude' });
    const elsewhere = pane({
      session_name: 'work',
      window_id: '@4',
      window_name: 'shell',
      pane_current_command: 'claude',
    });
    expect(agents([prepared, quit, named, elsewhere]).map((a) => `${a.target} ${a.status}`)).toEqual([
      'thor:agents:api exited',
      'thor:agents:shell unknown',
      'thor:work:shell unknown',
    ]);
  });

  it('a non-agent split does not push the agent off its name', () => {
    const agent = pane({ session_name: 'work', window_id: '@8', window_name: 'api', pane_active: '0' });
    const shell = pane({ session_name: 'work', window_id: '@8', window_name: 'api', pane_current_command: 'bash' });
    expect(agents([agent, shell]).map((a) => a.target)).toEqual(['thor:work:api']);
  });
});

/** A registry answer: `ps` rows [pid, ppid, stat?] and files [pid, content]. */
function registry(ps: Array<[number, number, string?]>, files: Array<[number, string]>) {
  const rows = ps.map(([p, pp, st]) => `${p} ${pp}${st ? ` ${st}` : ''}`);
  const text = [
    '@@trimtab-registry v1',
    '@@ps',
    ...rows,
    ...files.flatMap(([p, c]) => [`@@file /h/.claude/sessions/${p}.json`, c]),
    '@@end',
  ];
  return parseRegistry(text.join('\n'));
}
const entry = (pid: number, status: string, more: Record<string, unknown> = {}) =>
  JSON.stringify({ pid, sessionId: 'a1b2c3d4-0000-4000-8000-000000000001', status, updatedAt: 1.8e12, ...more });
const WAITING_SCREEN = fixture('waiting-bash.txt');

describe('agentsFromList with Claude Code registry', () => {
  const withReg = (panes: Pane[], screens: Record<string, string>, reg: ReturnType<typeof registry>) =>
    agentsFromList(HOST, 'agents', panes, new Map(Object.entries(screens)), reg);

  it.each([
    ['busy', 'working', null],
    ['idle', 'idle', null],
    ['waiting', 'waiting', 'permission prompt'],
  ])('registry %s -> %s, statusSource claude, whatever the screen shows', (st, status, waitingFor) => {
    const p = pane();
    const pid = Number(p.pane_pid);
    // The screen says idle; Claude Code's own word wins. It runs under the pane's shell (pid + 1).
    const reg = registry(
      [
        [pid, 1],
        [pid + 1, pid],
      ],
      [[pid + 1, entry(pid + 1, st, { waitingFor: 'permission prompt' })]],
    );
    const [a] = withReg([p], { [p.pane_id]: CLAUDE_SCREEN }, reg);
    expect(a).toMatchObject({
      status,
      statusSource: 'claude',
      waitingFor,
      sessionId: 'a1b2c3d4-0000-4000-8000-000000000001',
    });
  });

  it.each([
    ['the /model picker the user opened', 'idle-model-picker-80.txt', 'idle'],
    ['the auto-mode question Claude Code asks', 'waiting-automode-dialog-80.txt', 'waiting'],
  ])('"dialog open" (%s): the screen decides', (_what, file, status) => {
    const p = pane();
    const pid = Number(p.pane_pid);
    const screen = readFileSync(
      fileURLToPath(new URL(`../../fixtures/corpus/lab-2.1.328/${file}`, import.meta.url)),
      'utf8',
    );
    const reg = registry([[pid, 1]], [[pid, entry(pid, 'waiting', { waitingFor: 'dialog open' })]]);
    const [a] = withReg([p], { [p.pane_id]: screen }, reg);
    expect(a).toMatchObject({ status, statusSource: 'screen', waitingFor: 'dialog open' });
  });

  it('the prompt of a waiting agent is still read off its screen', () => {
    const p = pane();
    const pid = Number(p.pane_pid);
    const [a] = withReg(
      [p],
      { [p.pane_id]: WAITING_SCREEN },
      registry([[pid, 1]], [[pid, entry(pid, 'waiting', { waitingFor: 'permission prompt' })]]),
    );
    expect(a?.statusSource).toBe('claude');
    expect(a?.prompt).not.toBeNull();
    expect(a?.prompt?.kind).toBe('permission');
  });

  it.each([
    ['a dead pid (kill -9 left the file)', (pid: number) => registry([[1, 0]], [[pid, entry(pid, 'busy')]])],
    ['a zombie', (pid: number) => registry([[pid, 1, 'Z']], [[pid, entry(pid, 'busy')]])],
    ['a truncated file', (pid: number) => registry([[pid, 1]], [[pid, entry(pid, 'busy').slice(0, 30)]])],
    ['not JSON', (pid: number) => registry([[pid, 1]], [[pid, '\u001b]52;c;aGk=\u0007 busy']])],
    ['an unknown status', (pid: number) => registry([[pid, 1]], [[pid, entry(pid, '\u001b[2J')]])],
    ['a pid the file name does not match', (pid: number) => registry([[pid, 1]], [[pid, entry(pid + 7, 'busy')]])],
    ['a huge line', (pid: number) => registry([[pid, 1]], [[pid, entry(pid, 'busy', { pad: 'x'.repeat(80_000) })]])],
    [
      'another pane named in its tmux field',
      (pid: number) => registry([[pid, 1]], [[pid, entry(pid, 'busy', { tmux: 'agents:@9.%999' })]]),
    ],
    ['no process list', (pid: number) => parseRegistry(`@@file /x/${pid}.json\n${entry(pid, 'busy')}`)],
  ])('%s: falls back to the screen', (_name, reg) => {
    const p = pane();
    const [a] = withReg([p], { [p.pane_id]: CLAUDE_SCREEN }, reg(Number(p.pane_pid)));
    expect(a).toMatchObject({ status: 'idle', statusSource: 'screen', waitingFor: null, sessionId: null });
  });

  it('waitingFor is cleaned of control characters (never printed raw)', () => {
    const p = pane();
    const pid = Number(p.pane_pid);
    const [a] = withReg(
      [p],
      {},
      registry([[pid, 1]], [[pid, entry(pid, 'waiting', { waitingFor: 'x\u001b]52;c;aGk=\u0007y\u009b2J' })]]),
    );
    expect(a?.waitingFor).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(a?.waitingFor).toContain('x');
  });

  it('a pane outside the session, or the shell window, counts when a live entry says claude runs there', () => {
    const shell = pane({ window_name: 'shell', pane_current_command: 'bash' });
    const other = pane({ session_name: 'work', pane_current_command: 'bash' });
    const pids = [Number(shell.pane_pid), Number(other.pane_pid)];
    const child = (p: number) => p + 50_000;
    const reg = registry(
      pids.flatMap(
        (p): Array<[number, number]> => [
          [p, 1],
          [child(p), p],
        ],
      ),
      pids.map((p): [number, string] => [child(p), entry(child(p), 'idle')]),
    );
    expect(withReg([shell, other], {}, reg).map((a) => a.statusSource)).toEqual(['claude', 'claude']);
    expect(withReg([shell, other], {}, registry([], []))).toEqual([]);
  });
});

describe('screensFrom', () => {
  it('keys trimmed screens by pane id', () => {
    const M = markerFor('x');
    const out = `${M} panes\n%1\n${M} screen %1\n❯ hi\n\n\n${M} screen %2\n\n${M} screen\nlost\n${M} end\n`;
    expect(screensFrom(parseSections(out, M))).toEqual(
      new Map([
        ['%1', '❯ hi'],
        ['%2', ''],
      ]),
    );
  });
});

describe('toJson', () => {
  it('has exactly the documented keys, in order, and nothing internal', () => {
    const json = toJson(agents([pane({ window_name: 'gridplay' })])[0]!);
    expect(Object.keys(json)).toEqual([
      'host',
      'target',
      'session',
      'window',
      'paneId',
      'project',
      'path',
      'status',
      'lastActivity',
      'prompt',
      'statusSource',
      'waitingFor',
      'sessionId',
    ]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('byUrgency', () => {
  it('puts waiting first, exited last, and keeps order within a status', () => {
    const mk = (status: Agent['status'], target: string) => ({ status, target }) as Agent;
    const list = [
      mk('exited', 'e'),
      mk('idle', 'i1'),
      mk('working', 'w'),
      mk('unknown', 'u'),
      mk('waiting', 'q'),
      mk('idle', 'i2'),
    ];
    expect(list.sort(byUrgency).map((a) => a.target)).toEqual(['q', 'w', 'i1', 'i2', 'u', 'e']);
  });
});
