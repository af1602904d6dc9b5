import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, jsonErrorWhere } from '../../src/core/json-error.js';

const where = (text: string) => {
  try {
    JSON.parse(text);
  } catch (error) {
    return jsonErrorWhere(text, error);
  }
  throw new Error(`parsed: ${text}`);
};

describe('jsonErrorOffset', () => {
  it.each<[string, string]>([
    ['{}', ''],
    ['  [1, -2.5e3, "a\\n\\u00e9", true, false, null, {"k": []}]  \n', ''],
  ])('%j is valid', (text) => expect(jsonErrorOffset(text)).toBe(-1));

  it.each<[string, number]>([
    ['', 0],
    ['x', 0],
    ['{,}', 1],
    ['{"a": 1,}', 8],
    ['[1 2]', 3],
    ['{"a" 1}', 5],
    ['"tab\there"', 4],
    ['"\\q"', 2],
    ['[01]', 2],
    ['{"a": tru}', 6],
    ['{} x', 3],
    ['{"hosts": [', 11],
  ])('%j breaks at %i', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});

describe('jsonErrorWhere', () => {
  it.each<[string, string, RegExp]>([
    ['a trailing comma', '{\n  "hosts": [\n    {"name": "a",}\n  ]\n}', /^line 3 column 18: /],
    [
      'an unexpected word (V8 names no position)',
      '{\n  "session": agents\n}',
      /^line 2 column 14: Unexpected token 'a'$/,
    ],
    ['an empty file', '', /^line 1 column 1: Unexpected end of JSON input$/],
    ['a cut-off file', '{"hosts": [\n', /^line 2 column 1: /],
  ])('%s', (_name, text, want) => expect(where(text)).toMatch(want));

  it('names no character position and quotes no text', () => {
    expect(where('{,}')).not.toMatch(/position/);
    expect(where('{"a": x}')).not.toMatch(/not valid JSON/);
  });
});
