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
  scrollWindow,
  toAscii,
  UNICODE,
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
  it('waiting, then working, then idle, then the rest; stable within a rank; input untouched', () => {
    const input = [
      agent('i1', 'idle'),
      agent('x', 'exited'),
      agent('w1', 'working'),
      agent('q1', 'waiting'),
      agent('i2', 'idle'),
      agent('q2', 'waiting'),
    ];
    expect(menuOrder(input).map((a) => a.project)).toEqual(['q1', 'q2', 'w1', 'i1', 'i2', 'x']);
    expect(input[0]?.project).toBe('i1');
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
  const labels = (a: Agent, canned = ['/compact', '/status']) => agentActions(a, canned, 40).map((r) => r.label);

  it('a waiting agent: approve and reject first, /status first among the canned commands', () => {
    expect(labels(agent('a', 'waiting'))).toEqual([
      '1  approve (1)',
      '2  reject (Esc)',
      '3  attach',
      '4  peek',
      '5  send /status',
      '6  send /compact',
      '7  type a message',
      '8  back',
    ]);
  });

  it('a working agent can be interrupted', () => {
    const rows = agentActions(agent('a', 'working'), [], 40);
    expect(rows.map((r) => r.action.kind)).toEqual(['attach', 'peek', 'type', 'interrupt', 'back']);
    expect(rows.map((r) => r.key)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('an exited agent takes no text', () => {
    expect(agentActions(agent('a', 'exited'), ['/status'], 40).map((r) => r.action.kind)).toEqual([
      'attach',
      'peek',
      'back',
    ]);
  });

  it('a canned command carries its text, and labels are cut to the width', () => {
    const rows = agentActions(agent('a', 'idle'), ['continue with the next step of the plan please'], 24);
    const canned = rows.find((r) => r.action.kind === 'canned');
    expect(canned?.action).toEqual({ kind: 'canned', text: 'continue with the next step of the plan please' });
    for (const r of rows) expect(width(r.label)).toBeLessThanOrEqual(22);
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

describe('scrollWindow', () => {
  it.each<[string, number, number, number, number, number]>([
    ['everything fits', 5, 4, 10, 3, 0],
    ['cursor inside the window: no move', 20, 5, 10, 2, 2],
    ['cursor below: move just enough', 20, 15, 10, 2, 6],
    ['cursor above: move to it', 20, 1, 10, 5, 1],
    ['previous past the end is pulled back', 20, 19, 10, 50, 10],
    ['negative previous', 20, 0, 10, -3, 0],
  ])('%s', (_name, count, cursor, height, previous, top) => {
    expect(scrollWindow(count, cursor, height, previous)).toBe(top);
  });
});
