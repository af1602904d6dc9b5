import { describe, expect, it } from 'vitest';
import { TrimtabError } from '../../../src/core/errors.js';
import {
  BLOCK_BEGIN,
  BLOCK_END,
  DEFAULT_IGNORES,
  ignoreChange,
  ignorePatterns,
  mergeIgnoreBlock,
} from '../../../src/core/sync/stignore.js';

const P = ['(?d)node_modules', '(?d)_build'];
const block = (patterns = P) => [BLOCK_BEGIN, ...patterns, BLOCK_END].join('\n');

describe('ignorePatterns', () => {
  it('starts with the issue #7 defaults, (?d) and no trailing slash', () => {
    expect(ignorePatterns()).toEqual(['(?d)node_modules', '(?d)_build', '(?d)deps', '(?d).elixir_ls', '(?d)_deps']);
    for (const p of DEFAULT_IGNORES) expect(p).toMatch(/^\(\?d\)[^/]+$/);
  });
  it('appends sync.ignore from config, trimmed, without repeats', () => {
    expect(ignorePatterns([' (?d)*.log ', '(?d)node_modules', '(?d)*.log']).slice(5)).toEqual(['(?d)*.log']);
  });
  it.each(['', '  ', 'a\nb', 'a\rb'])('refuses %j (exit 2)', (bad) => {
    expect(() => ignorePatterns([bad])).toThrow(TrimtabError);
  });
});

describe('mergeIgnoreBlock', () => {
  it.each<[string, string, string]>([
    ['no file', '', `${block()}\n`],
    ['user lines: block goes after them, one blank line between', '// mine\n*.bak\n', `// mine\n*.bak\n\n${block()}\n`],
    ['user lines without a final newline', '*.bak', `*.bak\n\n${block()}\n`],
    ['trailing blank lines are not piled up', '*.bak\n\n\n', `*.bak\n\n${block()}\n`],
    ['an old block is replaced where it is', `!keep\n${block(['old'])}\n*.bak\n`, `!keep\n${block()}\n*.bak\n`],
    ['an unterminated block runs to the end', `*.bak\n${BLOCK_BEGIN}\nold\n`, `*.bak\n${block()}\n`],
    [
      'a second copy of the block is dropped',
      `${block(['a'])}\nmine\n${block(['b'])}\nlast\n`,
      `${block()}\nmine\nlast\n`,
    ],
    ['CRLF stays CRLF', '*.bak\r\n', `*.bak\r\n\r\n${block().replaceAll('\n', '\r\n')}\r\n`],
  ])('%s', (_name, before, after) => {
    expect(mergeIgnoreBlock(before, P)).toBe(after);
  });

  it('is idempotent', () => {
    for (const start of ['', '// mine\n*.bak\n', `x\n${block(['old'])}\ny`, 'a\r\nb\r\n']) {
      const once = mergeIgnoreBlock(start, P);
      expect(mergeIgnoreBlock(once, P)).toBe(once);
    }
  });

  it('keeps every user line byte for byte', () => {
    const user = ['// comment', '!important.log', '#include .stglobalignore', '(?i)*.TMP', '  spaced  ', '日本/**'];
    const merged = mergeIgnoreBlock(`${user.join('\n')}\n`, P);
    expect(merged.split('\n').slice(0, user.length)).toEqual(user);
  });
});

describe('ignoreChange', () => {
  it.each<[string | null, string, string]>([
    [null, 'x\n', 'created'],
    ['x\n', 'x\n', 'unchanged'],
    ['y\n', 'x\n', 'updated'],
  ])('%j -> %j: %s', (before, after, change) => expect(ignoreChange(before, after)).toBe(change));
});
