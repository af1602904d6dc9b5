import { describe, expect, it } from 'vitest';
import { formatTarget, parseTarget, type Ref, validateProject } from '../../../src/core/agents/target.js';
import { TrimtabError } from '../../../src/core/errors.js';
import { isValidName } from '../../../src/core/hosts/config.js';

const HOSTS = new Set(['thor', 'fedora']);
const parse = (text: string) => parseTarget(text, 'agents', (h) => HOSTS.has(h));
const win = (session: string, window: string): Ref => ({ kind: 'window', session, window });
const pane = (paneId: string): Ref => ({ kind: 'pane', paneId });

/** A usage error (exit 2) thrown by `fn`. */
function usage(fn: () => unknown): TrimtabError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrimtabError);
    expect((e as TrimtabError).exitCode).toBe(2);
    return e as TrimtabError;
  }
  throw new Error('expected a usage error');
}

describe('parseTarget', () => {
  it.each<[string, string | undefined, Ref]>([
    ['gridplay', undefined, win('agents', 'gridplay')],
    ['thor:gridplay', 'thor', win('agents', 'gridplay')],
    ['fedora:my.proj_2-x', 'fedora', win('agents', 'my.proj_2-x')],
    ['work:vim', undefined, win('work', 'vim')], // not a host: SESSION:WINDOW
    ['agents:x', undefined, win('agents', 'x')],
    ['thor:work:vim', 'thor', win('work', 'vim')],
    ['thor:thor:x', 'thor', win('thor', 'x')],
    ['thor', undefined, win('agents', 'thor')], // a host name alone is a project
    ['%12', undefined, pane('%12')],
    ['thor:%3', 'thor', pane('%3')],
    ['_x', undefined, win('agents', '_x')],
  ])('%s', (text, host, ref) => expect(parse(text)).toEqual({ host, ref, text }));

  it.each([
    '',
    ' ',
    'a b',
    '$(x)',
    '`x`',
    'a;b',
    "a'b",
    'a/b',
    '~x',
    'a:b:c:d',
    'thor:a:b:c',
    '-x',
    '.x',
    'thor:',
    ':x',
    ':',
    'thor:-x',
    'thor:.x',
    'work:',
    'a:%3',
    '%3:x',
    '%',
    '%1a',
    '%-1',
    'x\n',
    'x\ny',
    'é',
    'x'.repeat(101),
    'thor:%3:x',
  ])('refuses %j with exit 2', (text) => {
    expect(usage(() => parse(text)).hint).toMatch(/HOST/);
  });

  it('names the target in the message', () => {
    expect(usage(() => parse('$(x)')).message).toContain('"$(x)"');
  });

  it('uses the session it is given for a bare PROJECT', () => {
    expect(parseTarget('p', 'work', () => false).ref).toEqual(win('work', 'p'));
  });
});

describe('formatTarget', () => {
  it.each<[string, Ref, string]>([
    ['thor', win('agents', 'gridplay-v1'), 'thor:agents:gridplay-v1'],
    ['fedora', pane('%7'), 'fedora:%7'],
  ])('%s %j -> %s', (host, ref, text) => expect(formatTarget(host, ref)).toBe(text));

  it.each<[string, Ref]>([
    ['thor', win('agents', 'gridplay')],
    ['fedora', win('work', 'vim')],
    ['thor', pane('%3')],
  ])('%s %j parses back', (host, ref) => expect(parse(formatTarget(host, ref)).ref).toEqual(ref));
});

describe('validateProject', () => {
  it.each(['gridplay', 'trimtab', 'a.b', 'A_1-x', '9'])('accepts %j', (p) => expect(validateProject(p)).toBe(p));

  it.each(['', '-rf', '.git', '..', 'a b', 'a:b', 'a/b', '../x', '$(x)', 'x;', 'x\n'])('refuses %j', (p) => {
    expect(usage(() => validateProject(p)).hint).toMatch(/letters, digits/);
  });
});

describe('isValidName', () => {
  it.each([
    ['a', true],
    ['A_b-1.2', true],
    ['_x', true],
    ['1', true],
    ['x'.repeat(100), true],
    ['x'.repeat(101), false],
    ['', false],
    ['-x', false],
    ['.x', false],
    ['a:b', false],
    ['a b', false],
    ['a\tb', false],
    ['a\n', false],
    ['a/b', false],
    ['a%b', false],
    ['é', false],
    ['日本', false],
  ])('%j -> %s', (name, ok) => expect(isValidName(name)).toBe(ok));
});
