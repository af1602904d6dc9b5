import { describe, expect, it } from 'vitest';
import { isNoServer, markerFor, parseSections, type Section, section, trimScreen } from '../../src/core/protocol.js';

const M = markerFor('n0nce');
const sec = (tag: string, args: string[], lines: string[]): Section => ({ tag, args, lines });

describe('markerFor', () => {
  it('wraps the nonce', () => expect(markerFor('abc')).toBe('@@trimtab-abc@@'));
  it('differs per nonce', () => expect(markerFor('a')).not.toBe(markerFor('b')));
});

describe('parseSections', () => {
  it.each<[string, string, Section[]]>([
    ['nothing', '', []],
    ['only chatter', 'Welcome to thor\nLast login: today\n', []],
    [
      'chatter before the first marker is dropped',
      `motd line\n${M} now 1700000000\n`,
      [sec('now', ['1700000000'], [''])],
    ],
    [
      'sections split at markers',
      `${M} panes\n%1\tx\n%2\ty\n${M} end\n`,
      [sec('panes', [], ['%1\tx', '%2\ty']), sec('end', [], [''])],
    ],
    ['args split on spaces', `${M} error died 127\n`, [sec('error', ['died', '127'], [''])]],
    ['no trailing newline', `${M} end`, [sec('end', [], [])]],
    [
      'screen lines kept verbatim',
      `${M} screen %3\n  ❯ 1. Yes\n\n  ?\t \n`,
      [sec('screen', ['%3'], ['  ❯ 1. Yes', '', '  ?\t ', ''])],
    ],
    ['marker without a tag', `${M} \n`, [sec('', [], [''])]],
  ])('%s', (_name, stdout, sections) => expect(parseSections(stdout, M)).toEqual(sections));

  // Pane text can print anything: only the nonce the caller chose opens a section.
  it.each([
    ['another nonce', `${markerFor('other')} end`],
    ['the bare prefix', '@@trimtab-@@ end'],
    ['marker not at line start', ` ${M} end`],
    ['marker glued to the tag', `${M}end`],
    ['marker alone', M],
    ['marker with a tab', `${M}\tend`],
  ])('a screen line with %s stays screen text', (_name, fake) => {
    const out = parseSections(`${M} screen %1\n${fake}\n${M} end\n`, M);
    expect(out.map((s) => s.tag)).toEqual(['screen', 'end']);
    expect(out[0]!.lines).toEqual([fake]);
  });

  it('finds a section by tag', () => {
    const out = parseSections(`${M} now 5\n${M} panes\nx\n${M} end\n`, M);
    expect(section(out, 'panes')?.lines).toEqual(['x']);
    expect(section(out, 'screen')).toBeUndefined();
  });
});

describe('trimScreen', () => {
  it.each<[string[], string[]]>([
    [[], []],
    [['', '', ''], []],
    [
      ['a', 'b', '', '  ', '\t'],
      ['a', 'b'],
    ],
    [
      ['', 'a', '', 'b'],
      ['', 'a', '', 'b'],
    ],
    [['  ❯ ', ''], ['  ❯ ']],
  ])('%j -> %j', (lines, trimmed) => expect(trimScreen(lines)).toEqual(trimmed));

  it('does not change its input', () => {
    const lines = ['a', ''];
    trimScreen(lines);
    expect(lines).toEqual(['a', '']);
  });
});

describe('isNoServer', () => {
  it.each([
    ['no server running on /tmp/tmux-0/x', true],
    ['no server running on /tmp/tmux-1000/default\n', true],
    ['error connecting to /tmp/tmux-0/x (No such file or directory)', true],
    ['error connecting to /tmp/tmux-1000/lab (Connection refused)', true],
    ['no sessions', true],
    ["can't find session: agents", false],
    ['', false],
    ['%1\tagents\tclaude', false],
    ['sh: 1: tmux: not found', false],
  ])('%j -> %s', (text, none) => expect(isNoServer(text)).toBe(none));
});
