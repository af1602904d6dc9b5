import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../src/core/agents/agents.js';
import {
  ASCII,
  agentActions,
  agentHeader,
  agentItems,
  hostRows,
  type MainState,
  mainHeader,
  menuOrder,
  numbered,
  promptRows,
  reflow,
  stableOrder,
  toAscii,
  UNICODE,
  wrap,
} from '../../../src/core/render/menu-layout.js';
import { width } from '../../../src/core/render/render.js';
import type { AgentStatus } from '../../../src/core/status/status.js';

const agent = (project: string, status: AgentStatus, host = 'thor', extra: Partial<Agent> = {}): Agent => ({
  host,
  target: `${host}:${project}`,
  session: 'agents',
  window: project,
  paneId: '%1',
  project,
  path: `/p/${project}`,
  status,
  lastActivity: 0,
  windowId: '@1',
  active: true,
  ...extra,
});
const state = (agents: Agent[], offline: string[] = [], pending: string[] = []): MainState => ({
  here: 'thor',
  agents,
  offline,
  pending,
});

describe('mainHeader', () => {
  const three = [agent('a', 'waiting'), agent('b', 'idle'), agent('c', 'working')];
  it.each<[string, MainState, number, string]>([
    ['everything fits', state(three, ['fedora']), 80, 'trimtab · thor · 3 agents · 1 needs you · fedora offline'],
    ['the leading trimtab goes first', state(three, ['fedora']), 50, 'thor · 3 agents · 1 needs you · fedora offline'],
    ['then the hosts (their rows show them)', state(three, ['fedora']), 40, 'trimtab · thor · 3 agents · 1 needs you'],
    ['then both', state(three, ['fedora']), 32, 'thor · 3 agents · 1 needs you'],
    ['one agent, none waiting', state([agent('a', 'idle')]), 40, 'trimtab · thor · 1 agent'],
    [
      'two waiting',
      state([agent('a', 'waiting'), agent('b', 'waiting')]),
      40,
      'trimtab · thor · 2 agents · 2 need you',
    ],
    ['no agents', state([]), 40, 'trimtab · thor · 0 agents'],
    ['narrower than the core: cut', state(three), 12, 'thor · 3 ag…'],
  ])('%s', (_name, s, columns, want) => {
    const header = mainHeader(s, UNICODE, columns);
    expect(header).toBe(want);
    expect(width(header)).toBeLessThanOrEqual(columns);
  });

  it('ASCII glyphs', () => {
    expect(mainHeader(state([agent('a', 'idle')]), ASCII, 40)).toBe('trimtab - thor - 1 agent');
  });
});

describe('hostRows', () => {
  it('one unselectable row per offline, then per pending host, cut to the width', () => {
    expect(hostRows(state([], ['fedora'], ['mars']), UNICODE, 40)).toEqual([
      { key: '', label: '·  fedora offline' },
      { key: '', label: '·  mars …' },
    ]);
    expect(hostRows(state([], ['a-very-long-host-name']), UNICODE, 12)).toEqual([{ key: '', label: '·  a-very…' }]);
  });
});

describe('menuOrder', () => {
  it('the ones waiting first, then configured host order, then name; never status otherwise; input untouched', () => {
    const input = [
      agent('zeta', 'idle', 'fedora'),
      agent('x', 'exited', 'thor'),
      agent('w1', 'working', 'thor'),
      agent('q2', 'waiting', 'fedora'),
      agent('alpha', 'idle', 'thor'),
      agent('q1', 'waiting', 'thor'),
    ];
    expect(menuOrder(input, ['thor', 'fedora']).map((a) => a.project)).toEqual([
      'q1',
      'q2',
      'alpha',
      'w1',
      'x',
      'zeta',
    ]);
    expect(input[0]?.project).toBe('zeta');
  });
});

describe('stableOrder', () => {
  const hosts = ['thor'];
  const withPane = (name: string, status: AgentStatus, pane: string) => agent(name, status, 'thor', { paneId: pane });
  it('rows keep their numbers as statuses change; new agents come after; a vanished one stays as gone', () => {
    const first = stableOrder([], [withPane('a', 'idle', '%1'), withPane('b', 'idle', '%2')], hosts);
    expect(first.map((r) => r.agent.project)).toEqual(['a', 'b']);
    const next = stableOrder(first, [withPane('b', 'waiting', '%2'), withPane('c', 'waiting', '%3')], hosts);
    expect(next.map((r) => [r.agent.project, r.agent.status, r.gone])).toEqual([
      ['a', 'idle', true],
      ['b', 'waiting', false],
      ['c', 'waiting', false],
    ]);
  });
});

describe('agentItems', () => {
  const agents = [
    agent('gridplay-v1', 'waiting'),
    agent('api', 'idle', 'fedora'),
    agent('old', 'idle', 'thor', { stale: true }),
  ];

  it('numbered rows with aligned project, host and status columns', () => {
    expect(agentItems(agents, 40)).toEqual([
      { key: '1', label: '1  gridplay-v1         thor    waiting' },
      { key: '2', label: '2  api                 fedora  idle' },
      { key: '3', label: '3  old                 thor    stale' },
    ]);
  });

  it.each([20, 29, 30, 40, 80])('every row fits %i columns (with the 2 the menu pointer takes)', (columns) => {
    for (const item of agentItems(
      [...agents, agent('a-project-with-a-very-long-name', 'working', 'a-long-host')],
      columns,
    )) {
      expect(width(item.label)).toBeLessThanOrEqual(columns - 2);
    }
  });

  it('below 30 columns the host column goes, the status stays', () => {
    const [row] = agentItems([agent('api', 'waiting', 'fedora')], 29);
    expect(row?.label).not.toContain('fedora');
    expect(row?.label).toMatch(/waiting$/);
  });

  it('numbers are padded to one width when there are ten or more', () => {
    const many = Array.from({ length: 10 }, (_, i) => agent(`p${i}`, 'idle'));
    const items = agentItems(many, 40);
    expect(items[0]?.label.startsWith('1   p0')).toBe(true);
    expect(items[9]?.label.startsWith('10  p9')).toBe(true);
  });
});

describe('agentActions', () => {
  const keys = (status: AgentStatus, prompt = false) => agentActions(status, prompt).map((r) => r.label);

  it('each action has one key whatever the state; a waiting agent takes no text', () => {
    expect(keys('waiting', true)).toEqual(['x  reject (Esc)', 'p  peek', 'a  attach', 'r  refresh']);
    expect(keys('working')).toEqual([
      'x  interrupt (Esc)',
      'p  peek',
      't  type a message',
      'c  send a command…',
      'a  attach',
      'r  refresh',
    ]);
    expect(keys('idle')).toEqual(['p  peek', 't  type a message', 'c  send a command…', 'a  attach', 'r  refresh']);
    expect(keys('exited')).toEqual([
      'n  restart (new session)',
      'o  continue (last session)',
      'p  peek',
      'a  attach',
      'r  refresh',
    ]);
  });

  it('no key is two actions, and no action key is a digit or a back key', () => {
    for (const status of ['waiting', 'working', 'idle', 'exited', 'unknown'] as const) {
      const rows = agentActions(status, true);
      expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
      for (const r of rows) expect(r.key).toMatch(/^[ac-z]$/);
    }
  });
});

describe('wrap and reflow', () => {
  it.each<[string, number, string[]]>([
    ['one two three four', 9, ['one two', 'three', 'four']],
    ['short', 40, ['short']],
    ['/a/very/long/path/that/does/not/fit', 10, ['/a/very/lo', 'ng/path/th', 'at/does/no', 't/fit']],
    ['line one\nline two', 40, ['line one', 'line two']],
    ['  indented text goes on', 12, ['  indented', '  text goes', '  on']],
  ])('wrap(%j, %i)', (text, columns, want) => {
    expect(wrap(text, columns)).toEqual(want);
    for (const l of wrap(text, columns)) expect(width(l)).toBeLessThanOrEqual(columns);
  });

  it('reflow keeps every word of an 80-column line at 40 columns', () => {
    const line = 'The lab ran the command and wrote approved into bash-out.txt; nothing else changed.';
    const out = reflow([line, 'short'], 40);
    for (const l of out) expect(width(l)).toBeLessThanOrEqual(40);
    expect(out.join(' ').split(/\s+/)).toEqual([...line.split(' '), 'short']);
  });

  it('a full-width rule is drawn once at the new width', () => {
    expect(reflow(['─'.repeat(80)], 40)).toEqual(['─'.repeat(40)]);
  });
});

describe('promptRows', () => {
  it('title, the subject wrapped, then each option by its own number, long labels wrapped under it', () => {
    const rows = promptRows(
      {
        title: 'Bash command',
        subject: 'echo "a rather long command" > somewhere.txt',
        options: [
          { key: '1', label: 'Yes' },
          { key: '2', label: 'Yes, and always allow access to tmp/ from this project' },
          { key: '4', label: 'No' },
        ],
      },
      40,
    );
    expect(rows.map((r) => [r.key, r.label])).toEqual([
      ['', 'Bash command'],
      ['', '  echo "a rather long command" >'],
      ['', '  somewhere.txt'],
      ['1', '1  Yes'],
      ['2', '2  Yes, and always allow access to'],
      ['', '   tmp/ from this project'],
      ['4', '4  No'],
    ]);
    for (const r of rows) expect(width(r.label)).toBeLessThanOrEqual(38);
  });

  it('a menu without numbers is numbered from 1', () => {
    const rows = promptRows(
      {
        title: 'trust?',
        subject: '',
        options: [
          { key: null, label: 'Yes, I trust' },
          { key: null, label: 'No, exit' },
        ],
      },
      40,
    );
    expect(rows.filter((r) => r.key).map((r) => r.label)).toEqual(['1  Yes, I trust', '2  No, exit']);
  });
});

describe('small helpers', () => {
  it('agentHeader', () => {
    expect(agentHeader(agent('api', 'idle', 'fedora'), UNICODE)).toBe('api · fedora · idle');
    expect(agentHeader(agent('api', 'idle', 'fedora'), ASCII)).toBe('api - fedora - idle');
  });

  it('numbered', () => {
    expect(numbered(['thor', 'fedora'], 40)).toEqual([
      { key: '1', label: '1  thor' },
      { key: '2', label: '2  fedora' },
    ]);
  });

  it.each<[string, string]>([
    ['plain text', 'plain text'],
    ['a … b · c ❯ d', 'a ~ b - c > d'],
    ['✔ ok ✖ no ⚠ hm → x', '+ ok x no ! hm > x'],
    ['line⏎tab⇥', 'line|tab>'],
    ['日本 e\u0301', '?? e?'],
    ['\u001b[31mred', '?[31mred'],
  ])('toAscii(%j) = %j', (input, want) => expect(toAscii(input)).toBe(want));
});
