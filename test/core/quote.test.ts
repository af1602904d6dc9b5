import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { shJoin, shQuote } from '../../src/core/quote.js';
import { SHELLS, wordsOf } from './shells.js';

// biome-ignore format: a table of hostile words, read at a glance
const TRICKY = [
  '', ' ', 'plain', 'two words', "it's", "'", "''", `'\\''`, '"', '"$HOME"', '\\', '\\n', 'a\\',
  '$(touch /tmp/pwned)', '`id`', '${x:-y}', '$HOME', '$', '$1', '$@', '$*', "$'x'", 'a;b', ';', 'a|b', 'a&b',
  'a && b', '(sub)', '{a,b}', '[ab]', '*', '?', '~', '~/x', '~root', '%1', '%', '=ls', 'a=b', '-n', '-e',
  '--', '-', '#comment', 'a#b', '!', '!!', '^x', 'tab\there', 'new\nline', 'cr\rlf', '\n', 'trailing\n\n',
  'ünïcödé', '日本語', '🦀 crab', 'e\u0301', '\u200b', '\x1b[201~', '\x7f', 'a\x01b', '>out', '<in', '2>&1',
  'Enter', 'C-c', 'x;', 'a b\tc\nd',
];

/** One command line per word, `printf '%s\0' WORD`: a NUL ends each word's output (no case holds one). */
const roundTripScript = (words: readonly string[]) => words.map((w) => `printf '%s\\0' ${shQuote(w)}`).join('\n');

/** A shell's output cut at each NUL, as bytes: one Buffer per word. */
function splitNul(out: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let end = out.indexOf(0); end >= 0; end = out.indexOf(0, start)) {
    parts.push(out.subarray(start, end));
    start = end + 1;
  }
  return parts;
}

describe('shQuote', () => {
  it.each([
    ['plain', 'plain'],
    ['a-b_c.d/e', 'a-b_c.d/e'],
    ['-n', '-n'],
    ['', "''"],
    ['two words', "'two words'"],
    ["it's", `'it'\\''s'`],
    ['%3', "'%3'"],
    ['=ls', "'=ls'"],
    ['~', "'~'"],
    ['a=b', "'a=b'"],
  ])('%j -> %s', (word, quoted) => expect(shQuote(word)).toBe(quoted));

  it('refuses a NUL byte', () => expect(() => shQuote('a\0b')).toThrow(/NUL/));

  // The property that matters: every shell reads the quoted word back as exactly the original bytes.
  // One shell per table, not one per case: each case is its own command line of one script.
  describe.each(SHELLS)('round trip through %s', (shell) => {
    let words: Buffer[] = [];
    beforeAll(() => {
      words = splitNul(execFileSync(shell, ['-c', roundTripScript(TRICKY)]));
    });

    it('prints one word per case', () => expect(words).toHaveLength(TRICKY.length));

    it.each(TRICKY.map((s, i) => [s, i] as const))('%j', (s, i) => {
      expect(words[i]?.equals(Buffer.from(s, 'utf8'))).toBe(true);
    });

    it('survives a C locale too', () => {
      const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
      expect(wordsOf(shell, TRICKY.map(shQuote).join(' '), env)).toEqual(TRICKY);
    });
  });

  it('tests against at least sh and bash', () => expect(SHELLS).toEqual(expect.arrayContaining(['sh', 'bash'])));
});

describe('shJoin', () => {
  it.each([
    [['tmux', 'attach', '-t', '%3'], "tmux attach -t '%3'"],
    [['printf', '%s', 'a b'], "printf '%s' 'a b'"],
    [[], ''],
  ])('%j -> %s', (words, line) => expect(shJoin(words)).toBe(line));

  it.each(SHELLS)('keeps every word apart in %s', (shell) => {
    expect(wordsOf(shell, shJoin(TRICKY))).toEqual(TRICKY);
  });
});
