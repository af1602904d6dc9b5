import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import {
  deviceLabel,
  failedResult,
  formatEntry,
  paneResult,
  parseLog,
  renderLog,
  type SentEntry,
  shortTime,
  showText,
} from '../../../src/core/agents/sent-log.js';

const entry = (over: Partial<SentEntry> = {}): SentEntry => ({
  time: '2026-11-24T14:02:09.123Z',
  host: 'thor',
  target: 'thor:agents:gridplay-v1',
  text: 'continue with the tests',
  result: 'delivered',
  from: 'fedora',
  ...over,
});
const UTC = () => 0;

describe('deviceLabel', () => {
  it.each([
    ['fedora', undefined, 'fedora'],
    ['thor.tail1234.ts.net', undefined, 'thor'],
    ['thor', '100.64.0.9 51234 22', 'thor (ssh 100.64.0.9)'],
    ['thor', 'fe80::1 51234 22', 'thor (ssh fe80::1)'],
    ['thor', '', 'thor'],
    ['', undefined, 'unknown'],
  ])('%s with SSH_CLIENT=%j -> %s', (host, client, label) => expect(deviceLabel(host, client)).toBe(label));
});

describe('formatEntry / parseLog', () => {
  it('writes one JSON line per entry, keys in order, and reads it back', () => {
    const e = entry({ text: 'two\nlines\tand "quotes" 日本 🚀' });
    const line = formatEntry(e);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(Object.keys(JSON.parse(line))).toEqual(['time', 'host', 'target', 'text', 'result', 'from']);
    expect(parseLog(line)).toEqual({ entries: [e], skipped: 0 });
  });

  it('keeps the keys flag only when set', () => {
    expect(JSON.parse(formatEntry(entry({ text: 'Escape', keys: true })))).toMatchObject({
      keys: true,
      text: 'Escape',
    });
    expect('keys' in JSON.parse(formatEntry(entry()))).toBe(false);
  });

  it('reads an entry glued onto a torn line (an append after a full disk, before appends started a fresh line)', () => {
    const torn = formatEntry(entry({ text: 'cut short' })).slice(0, 40);
    const { entries, skipped } = parseLog(
      `${formatEntry(entry({ text: 'a' }))}${torn}${formatEntry(entry({ text: 'b' }))}`,
    );
    expect(entries.map((e) => e.text)).toEqual(['a', 'b']);
    expect(skipped).toBe(1);
  });

  it('skips a half-written or foreign line and keeps the rest', () => {
    const text = `${formatEntry(entry({ text: 'a' }))}{"time":"2026-11-24T1\nnot json\n{"time":1}\n\n${formatEntry(entry({ text: 'b' }))}`;
    const { entries, skipped } = parseLog(text);
    expect(entries.map((e) => e.text)).toEqual(['a', 'b']);
    expect(skipped).toBe(3);
  });
});

describe('failedResult / paneResult', () => {
  it('is one line', () => expect(failedResult(new Error('cannot reach thor\nmore'))).toBe('failed: cannot reach thor'));
  it.each([
    [[], 'delivered'],
    [[{ tag: 'entered', args: ['%1'], lines: [] }], 'delivered'],
    [[{ tag: 'failed', args: ['%1', 'gone'], lines: [] }], 'failed: the agent has exited'],
    [[{ tag: 'failed', args: ['%1', 'paste'], lines: [] }], 'failed: tmux could not paste'],
    [[{ tag: 'failed', args: ['%2', 'gone'], lines: [] }], 'delivered'],
  ])('%j -> %s', (sections, result) => expect(paneResult(sections, '%1')).toBe(result));
});

describe('showText / shortTime', () => {
  it('shows control characters visibly', () => expect(showText('a\nb\r\nc\td\x01\x7f')).toBe('a⏎b⏎c⇥d^A^?'));
  it('never passes an escape sequence through', () =>
    expect(showText('\x1b]52;c;eA==\x07\u009b2J')).toBe('^[]52;c;eA==^G^[[2J'));
  it('formats in the given offset', () => {
    expect(shortTime('2026-11-24T23:30:00Z', UTC)).toBe('11-24 23:30');
    expect(shortTime('2026-11-24T23:30:00Z', () => 60)).toBe('11-25 00:30');
    expect(shortTime('garbage', UTC)).toBe('garbage');
  });
});

describe('renderLog', () => {
  it('three lines per delivered entry, a fourth for a failure', () => {
    const lines = renderLog(
      [entry(), entry({ from: 'thor (ssh 100.64.0.9)', text: '/status', result: 'failed: the agent has exited' })],
      80,
      UTC,
    );
    expect(lines).toEqual([
      '11-24 14:02 · fedora',
      '✔ thor:agents:gridplay-v1',
      '  continue with the tests',
      '11-24 14:02 · thor (ssh 100.64.0.9)',
      '✖ thor:agents:gridplay-v1',
      '  /status',
      '  failed: the agent has exited',
    ]);
  });

  it('shows keys and a bare Enter for what they are', () => {
    const lines = renderLog([entry({ text: 'Escape', keys: true }), entry({ text: '' })], 80, UTC);
    expect(lines[2]).toBe('  [keys] Escape');
    expect(lines[5]).toBe('  (just Enter)');
  });

  it('fits 40 columns, whatever the text', () => {
    const long = entry({
      target: 'fedora:agents:a-very-long-project-name-that-goes-on',
      text: `${'日本語 🚀 '.repeat(20)}\nsecond line`,
      from: 'a-long-hostname (ssh 2001:db8:85a3::8a2e:370:7334)',
      result: `failed: ${'x'.repeat(80)}`,
    });
    const lines = renderLog([long], 40, UTC);
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(40);
    expect(lines[2]).toMatch(/…$/);
  });

  it('a 1 MB entry renders a bounded preview, and hostile fields stay printable', () => {
    const huge = entry({
      text: `${'日本語 \x1b[2J\n'.repeat(100_000)}`,
      target: 'thor:agents:\x1b]52;c;eA==\x07',
      from: 'x'.repeat(1_000_000),
      result: `failed: ${'\x1b[31m'.repeat(100_000)}`,
    });
    const lines = renderLog([huge], 40, UTC);
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      expect(stringWidth(l), l).toBeLessThanOrEqual(40);
      expect(l).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    }
    expect(lines[2]).toMatch(/^ {2}日本語 \^\[\[2J⏎日本語 .*…$/);
  }, 60_000);

  it('paints marks and the time line', () => {
    const paint = { ok: (s: string) => `<${s}>`, bad: (s: string) => `[${s}]`, dim: (s: string) => `(${s})` };
    const lines = renderLog([entry(), entry({ result: 'failed: x' })], 80, UTC, paint);
    expect(lines[0]).toBe('(11-24 14:02 · fedora)');
    expect(lines[1]).toBe('<✔> thor:agents:gridplay-v1');
    expect(lines[4]).toBe('[✖] thor:agents:gridplay-v1');
    expect(lines[6]).toBe('[  failed: x]');
  });
});
