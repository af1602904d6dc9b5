/**
 * Every table row and menu line the render layer builds is printable, whatever a host returns for
 * window, session, directory and host names: escape sequences are shown, never obeyed.
 */
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../src/core/agents/agents.js';
import {
  agentHeader,
  agentItems,
  cannedRows,
  hostRows,
  mainHeader,
  numbered,
  promptRows,
  reflow,
  UNICODE,
} from '../../../src/core/render/menu-layout.js';
import { renderAgentTable, width } from '../../../src/core/render/render.js';

const RAW = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = [
  '\x1b]52;c;cm0gLXJmIH4K\x07', // OSC 52: writes the phone's clipboard
  '\x1b[2J\x1b[Hpwned', // clear screen, cursor home
  'uncle\tx',
  'two\nlines',
  '\u009b31mred',
  'evil\u202egnp.exe',
  'bad\ud800utf',
  '\x1bP+q\x1b\\',
];

const agent = (name: string): Agent => ({
  host: name,
  target: `${name}:agents:${name}`,
  session: 'agents',
  window: name,
  paneId: '%1',
  project: name,
  path: `/p/${name}`,
  status: 'waiting',
  lastActivity: 0,
  windowId: '@1',
  active: true,
});

describe.each(HOSTILE)('a host that names things %j', (name) => {
  const agents = [agent(name), agent('ok')];

  it.each([40, 80])('list table at %i columns: printable, within width', (columns) => {
    for (const line of renderAgentTable(agents, 1_000, columns)) {
      expect(line).not.toMatch(RAW);
      expect(width(line)).toBeLessThanOrEqual(columns);
    }
  });

  it('menu header, agent rows, host rows, numbered lists, actions: printable', () => {
    const state = { here: name, agents, offline: [name], pending: [name] };
    const lines = [
      mainHeader(state, UNICODE, 40),
      ...hostRows(state, UNICODE, 40).map((i) => i.label),
      ...agentItems(agents, 40).map((i) => i.label),
      ...numbered([name, `${name}/project`], 40).map((i) => i.label),
      ...cannedRows([name], 40).map((i) => i.label),
      ...promptRows({ title: name, subject: `${name}\n${name}`, options: [{ key: '1', label: name }] }, 40).map(
        (i) => i.label,
      ),
      ...reflow([name, `${name} `.repeat(20)], 40),
      agentHeader(agents[0]!, UNICODE),
    ];
    for (const line of lines) expect(line).not.toMatch(RAW);
  });
});
