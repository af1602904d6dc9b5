import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../src/core/agents/agents.js';
import { fit, formatAge, pad, renderAgentTable, width } from '../../../src/core/render/render.js';
import type { AgentStatus } from '../../../src/core/status/status.js';

const NOW = 1_700_000_000;
const agent = (host: string, target: string, status: AgentStatus, age?: number): Agent => ({
  host,
  target,
  status,
  session: 'agents',
  window: 'w',
  paneId: '%1',
  project: 'p',
  path: '/p',
  lastActivity: age === undefined ? 0 : NOW - age,
  windowId: '@1',
  active: true,
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [1.9, '1s'],
    [59, '59s'],
    [59.99, '59s'],
    [60, '1m'],
    [119, '1m'],
    [3599, '59m'],
    [3600, '1h'],
    [86399, '23h'],
    [86400, '1d'],
    [86400 * 400, '400d'],
    [-1, '-'],
    [NaN, '-'],
    [Infinity, '-'],
    [-Infinity, '-'],
  ])('%s s -> %s', (seconds, text) => expect(formatAge(seconds)).toBe(text));
});

describe('width', () => {
  it.each([
    ['abc', 3],
    ['日本', 4],
    ['🦀', 2],
    ['e\u0301', 1],
    ['…', 1],
    ['', 0],
  ])('%j is %i columns', (s, n) => expect(width(s)).toBe(n));
});

describe('fit', () => {
  it.each([
    ['hello', 10, 'hello'],
    ['hello', 5, 'hello'],
    ['hello world', 5, 'hell…'],
    ['hello', 1, '…'],
    ['hello', 0, ''],
    ['hello', -3, ''],
    ['', 3, ''],
    ['日本語テキスト', 5, '日本…'],
    ['日本語テキスト', 4, '日…'],
    ['🦀🦀🦀', 4, '🦀…'],
  ])('fit(%j, %i) -> %j', (s, max, out) => expect(fit(s, max)).toBe(out));

  const SAMPLES = [
    'thor:agents:gridplay-v1',
    '日本語のプロジェクト名',
    '🦀🚀👍🏽👨‍👩‍👧 emoji',
    'mixed 日本 ab 🦀 cd',
    'ｆｕｌｌｗｉｄｔｈ',
    'e\u0301e\u0301e\u0301',
  ];
  it.each(SAMPLES)('%j never exceeds max, for every max', (s) => {
    for (let max = 0; max <= width(s) + 2; max++) {
      const out = fit(s, max);
      expect(width(out), `${JSON.stringify(out)} at ${max}`).toBeLessThanOrEqual(max);
      if (width(s) <= max) expect(out).toBe(s);
      else if (max > 0) expect(out.endsWith('…')).toBe(true);
    }
  });
});

describe('pad', () => {
  it.each([
    ['ab', 4, 'ab  '],
    ['日本', 5, '日本 '],
    ['abcdef', 3, 'abcdef'],
  ])('pad(%j, %i) -> %j', (s, n, out) => expect(pad(s, n)).toBe(out));
});

describe('renderAgentTable', () => {
  const SHORT = [
    agent('thor', 'thor:agents:gridplay', 'waiting', 42),
    agent('fedora', 'fedora:agents:api', 'idle', 7200),
  ];
  const LONG = [
    agent('thor', 'thor:agents:a-very-long-project-name-for-the-phone', 'working', 300),
    agent('fedora', 'fedora:work:日本語のプロジェクト名です', 'exited', 86400 * 12),
    agent('thor', 'thor:%12', 'unknown'),
  ];

  it('lays out the full table at 80 columns', () => {
    expect(renderAgentTable(SHORT, NOW, 80)).toEqual([
      'HOST    TARGET                STATUS   AGE',
      'thor    thor:agents:gridplay  waiting  42s',
      'fedora  fedora:agents:api     idle     2h',
    ]);
  });

  it.each([
    ['short, 80', SHORT, 80, true],
    ['short, 40', SHORT, 40, false],
    ['long, 80', LONG, 80, true],
    ['long, 40', LONG, 40, false],
    ['long, 60', LONG, 60, false],
  ] as const)('%s: HOST shown only when it fits, no line too wide', (_name, list, columns, host) => {
    const lines = renderAgentTable([...list], NOW, columns);
    expect(lines).toHaveLength(list.length + 1);
    expect(lines[0]!.startsWith('HOST')).toBe(host);
    for (const l of lines) expect(width(l), l).toBeLessThanOrEqual(columns);
    lines.slice(1).forEach((l, i) => expect(l).toContain(list[i]!.status));
  });

  it.each([24, 30, 32, 36, 40, 41, 45, 50, 64, 79, 80, 100, 120])('no line wider than %i columns', (columns) => {
    for (const l of renderAgentTable([...SHORT, ...LONG], NOW, columns))
      expect(width(l), l).toBeLessThanOrEqual(columns);
  });

  it('marks a cut target with … and keeps status and age whole', () => {
    const row = renderAgentTable(LONG, NOW, 40)[1]!;
    expect(row).toMatch(/^thor:agents:a-very-\S*… +working +5m$/);
  });

  it('paints only the status cell, and no trailing spaces', () => {
    const lines = renderAgentTable(SHORT, NOW, 80, (s, t) => `<${s}>${t}</>`);
    expect(lines[1]).toBe('thor    thor:agents:gridplay  <waiting>waiting</>  42s');
    expect(lines.map((l) => l.replace(/<[^>]*>/g, ''))).toEqual(renderAgentTable(SHORT, NOW, 80));
    expect(lines[0]).not.toContain('<');
    for (const l of renderAgentTable(LONG, NOW, 40)) expect(l).toBe(l.trimEnd());
  });

  it('shows only the header when there are no agents', () => {
    expect(renderAgentTable([], NOW, 40)).toEqual(['HOST  TARGET  STATUS  AGE']);
  });
});

describe('width against string-width', () => {
  it('agrees with string-width: the ASCII shortcut and everything else', async () => {
    const { default: stringWidth } = await import('string-width');
    const samples = [
      '',
      'plain',
      ' ~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./',
      'tab\there',
      'esc\x1b[1mbold\x1b[0m',
      'del\x7f',
      'héllo',
      '日本語',
      '🦀 crab',
      'e\u0301',
      'a\u200bb',
      '…',
      '→ thor:p1',
      'Ａ全角',
      '👨‍👩‍👧 family',
      '\u00a0nbsp',
    ];
    for (let i = 0; i < 200; i++)
      samples.push(String.fromCharCode(...Array.from({ length: i % 30 }, (_, k) => 32 + ((i * 7 + k * 13) % 95))));
    for (const s of samples) expect(width(s), JSON.stringify(s)).toBe(stringWidth(s));
  });
});
