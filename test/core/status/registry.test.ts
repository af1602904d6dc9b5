import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegistry, readRegistry, registryByPane } from '../../../src/core/status/registry.js';

// Real files written by Claude Code 2.1.328 in the lab (test/lab/capture-lab-corpus.ts).
const dir = path.resolve(import.meta.dirname, '../../fixtures/registry');
const real = (name: string) => readFileSync(path.join(dir, `${name}.json`), 'utf8').trim();
const pidOf = (name: string) => (JSON.parse(real(name)) as { pid: number }).pid;

/** The host script's wire format (remote/sh/list.sh, list_registry): ps once, then each file folded to one line. */
function wire(ps: Array<[number, number]>, files: Array<[string, string]>): string {
  return [
    '@@trimtab-registry v1',
    '@@ps',
    ...ps.map(([p, pp]) => `${String(p).padStart(7)} ${String(pp).padStart(7)}`),
    ...files.flatMap(([name, content]) => [`@@file /home/u/.claude/sessions/${name}`, content]),
    '@@end',
    '',
  ].join('\n');
}
/** A host where each real file's claude runs directly as its pane's process (%1, %2, ...). */
function _oneHost(names: string[]) {
  const pids = names.map(pidOf);
  const text = wire(
    pids.map((p) => [p, 900]),
    names.map((n, i) => [`${pids[i]}.json`, real(n)]),
  );
  const panes = pids.map((p, i) => ({ paneId: `%${i}`, panePid: p }));
  return { text, panes, pids };
}

describe('registry files Claude Code 2.1.328 wrote, per state', () => {
  const cases: Array<[string, string, string | null]> = [
    ['idle', 'idle', null],
    ['busy', 'busy', null],
    ['waiting-permission', 'waiting', 'permission prompt'],
    ['waiting-write', 'waiting', 'permission prompt'],
    ['waiting-question', 'waiting', 'input needed'],
    ['waiting-dialog', 'waiting', 'dialog open'],
    ['model-picker', 'waiting', 'dialog open'],
    ['idle-after-reject', 'idle', null],
    ['waiting-plan', 'waiting', 'permission prompt'],
    ['busy-tool', 'busy', null],
  ];
  it.each(cases)('%s -> %s (%s)', (name, status, waitingFor) => {
    const pid = pidOf(name);
    // The file's `tmux` field names the pane it ran in (`agents:@0.%0`): the lab pane, given its pid.
    const paneId = /\.(%\d+)$/.exec(String((JSON.parse(real(name)) as { tmux?: string }).tmux))?.[1] ?? '%0';
    const got = readRegistry(wire([[pid, 1]], [[`${pid}.json`, real(name)]]), [{ paneId, panePid: pid }]).get(paneId);
    expect(got).toMatchObject({ status, waitingFor, pid });
    expect(got?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(got?.updatedAt).toBeGreaterThan(1.7e12);
  });

  it('the file a kill -9 left behind counts for nothing once its pid is gone', () => {
    const pid = pidOf('stale-killed');
    const text = wire([[1, 0]], [[`${pid}.json`, real('stale-killed')]]);
    expect(parseRegistry(text).entries).toHaveLength(1); // a well-formed file...
    expect(readRegistry(text, [{ paneId: '%0', panePid: pid }]).size).toBe(0); // ...of a dead process
  });
});

describe('matching entries to panes', () => {
  const file = (pid: number, extra: Record<string, unknown> = {}) =>
    [
      `${pid}.json`,
      JSON.stringify({ pid, sessionId: `s-${pid}`, status: 'idle', updatedAt: 1_800_000_000_000, ...extra }),
    ] as [string, string];

  it('finds an agent that is a child or grandchild of the pane shell', () => {
    const text = wire(
      [
        [100, 1],
        [200, 100],
        [300, 200],
        [400, 1],
      ],
      [file(300, { status: 'busy' })],
    );
    const got = readRegistry(text, [
      { paneId: '%1', panePid: 100 },
      { paneId: '%2', panePid: 400 },
    ]);
    expect([...got.keys()]).toEqual(['%1']);
    expect(got.get('%1')).toMatchObject({ status: 'busy', sessionId: 's-300', pid: 300 });
  });

  it('accepts a tmux field that agrees, drops one that names another pane', () => {
    const text = wire(
      [
        [100, 1],
        [101, 1],
      ],
      [file(100, { tmux: 'agents:@0.%1' }), file(101, { tmux: 'agents:@3.%9' })],
    );
    const got = readRegistry(text, [
      { paneId: '%1', panePid: 100 },
      { paneId: '%2', panePid: 101 },
    ]);
    expect(got.get('%1')?.status).toBe('idle');
    expect(got.has('%2')).toBe(false);
  });

  it('never matches by the tmux field alone (every tmux server has a %0)', () => {
    const text = wire([[100, 1]], [file(100, { tmux: 'agents:@0.%0' })]);
    expect(readRegistry(text, [{ paneId: '%0', panePid: 555 }]).size).toBe(0);
  });

  it('ignores a stale file whose pid is dead (kill -9 leaves it behind)', () => {
    const text = wire([[100, 1]], [file(100), file(4242, { status: 'waiting', waitingFor: 'permission prompt' })]);
    const got = readRegistry(text, [
      { paneId: '%1', panePid: 100 },
      { paneId: '%2', panePid: 4242 - 1 },
    ]);
    expect([...got.keys()]).toEqual(['%1']);
  });

  it('a zombie is not alive (kill -9, before tmux reaps it)', () => {
    const text = wire([[100, 1]], [file(100)]).replace(/^( +100 +1)$/m, '$1 Zs');
    expect(text).toContain(' Zs');
    expect(readRegistry(text, [{ paneId: '%1', panePid: 100 }]).size).toBe(0);
    expect(readRegistry(text.replace(' Zs', ' Ssl+'), [{ paneId: '%1', panePid: 100 }]).size).toBe(1);
  });

  it('with two agents in one pane, the nearest one wins', () => {
    const text = wire(
      [
        [100, 1],
        [200, 100],
        [300, 200],
      ],
      [file(300, { status: 'busy' }), file(200, { status: 'waiting', waitingFor: 'input needed' })],
    );
    expect(readRegistry(text, [{ paneId: '%1', panePid: 100 }]).get('%1')).toMatchObject({
      pid: 200,
      status: 'waiting',
      waitingFor: 'input needed',
    });
  });

  it('without a process list nothing counts (liveness cannot be checked)', () => {
    const text = [
      '@@trimtab-registry v1',
      '@@file /x/100.json',
      JSON.stringify({ pid: 100, status: 'idle' }),
      '@@end',
    ].join('\n');
    expect(parseRegistry(text).processes).toBeNull();
    expect(readRegistry(text, [{ paneId: '%1', panePid: 100 }]).size).toBe(0);
  });

  it('a process cycle in bad input ends', () => {
    const text = wire(
      [
        [100, 200],
        [200, 100],
      ],
      [file(100)],
    );
    expect(readRegistry(text, [{ paneId: '%1', panePid: 999 }]).size).toBe(0);
  });
});

describe('bad input falls back to the screen, never throws', () => {
  const ps: Array<[number, number]> = [[100, 1]];
  const panes = [{ paneId: '%1', panePid: 100 }];
  const one = (content: string, name = '100.json') => readRegistry(wire(ps, [[name, content]]), panes).get('%1');
  const good = JSON.stringify({ pid: 100, status: 'busy', sessionId: 'abc', updatedAt: 5 });

  it.each([
    ['truncated JSON', good.slice(0, 30)],
    ['not JSON', 'hello world'],
    ['empty', ''],
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['status of the wrong type', JSON.stringify({ pid: 100, status: 3 })],
    ['an unknown status', JSON.stringify({ pid: 100, status: 'sleeping' })],
    ['pid disagreeing with the file name', JSON.stringify({ pid: 101, status: 'idle' })],
    ['huge', JSON.stringify({ pid: 100, status: 'idle', pad: 'x'.repeat(200_000) })],
  ])('%s', (_what, content) => {
    expect(one(content)).toBeUndefined();
  });

  it('a file name that is not <pid>.json', () => {
    expect(one(good, '100.abc.key')).toBeUndefined();
    expect(one(good, '../100.json.bak')).toBeUndefined();
  });

  it('wrong types in optional fields become null', () => {
    const got = one(
      JSON.stringify({ pid: 100, status: 'waiting', waitingFor: 7, sessionId: { a: 1 }, updatedAt: 'now' }),
    );
    expect(got).toEqual({ status: 'waiting', waitingFor: null, sessionId: null, updatedAt: null, pid: 100 });
  });

  it('control characters never come through waitingFor', () => {
    const got = one(
      JSON.stringify({ pid: 100, status: 'waiting', waitingFor: 'perm\u001b[31mission\u0007 \u202eprompt\r\n' }),
    );
    expect(got?.waitingFor).toBe('perm [31mission prompt');
  });

  it('a file cannot forge a marker: the line after @@file is content', () => {
    const text = `${wire(ps, [['100.json', '@@file /x/100.json']])}\n${good}\n`;
    expect(readRegistry(text, panes).size).toBe(0);
  });

  it('not the wire format at all', () => {
    for (const junk of ['', 'ssh: connect to host', '\u0000\u0001', '@@ps\nabc def\n@@file'])
      expect(readRegistry(junk, panes).size).toBe(0);
    expect(registryByPane(parseRegistry(undefined as unknown as string), panes).size).toBe(0);
  });
});
