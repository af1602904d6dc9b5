import { describe, expect, it } from 'vitest';
import { mergeNamed, parseConfig } from '../../src/adapters/config-store.js';
import { TrimtabError } from '../../src/core/errors.js';

describe('parseConfig', () => {
  const error = (text: string) => {
    try {
      parseConfig(text, '/x/config.json');
    } catch (e) {
      if (e instanceof TrimtabError) return e;
    }
    throw new Error('expected a TrimtabError');
  };

  it('returns a valid file as it is', () => {
    expect(parseConfig('{"hosts": [{"name": "thor", "ssh": "mac@thor"}]}', 'f')).toEqual({
      hosts: [{ name: 'thor', ssh: 'mac@thor' }],
    });
  });

  it('a broken file names the file, the key path and what was expected (exit 2)', () => {
    const e = error('{"hosts": [{"name": "a"}, {"name": "b", "aliases": ["ok", "no way"]}]}');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^broken config \/x\/config\.json: hosts\[1\]\.aliases\[1\]: expected a name of letters/);
    expect(e.message).toContain('got "no way"');
    expect(error('{"a": 1').message).toMatch(/^broken config \/x\/config\.json: not valid JSON at line 1 column 8/);
  });
});

describe('mergeNamed', () => {
  const h = (name: string, ssh = name) => ({ name, ssh });
  it.each<[string, { name: string }[], { name: string }[], { name: string }[], { name: string }[] | undefined]>([
    ['nothing changed meanwhile', [h('a')], [h('a'), h('b')], [h('a')], [h('a'), h('b')]],
    ['both added', [h('a')], [h('a'), h('b')], [h('a'), h('c')], [h('a'), h('c'), h('b')]],
    ['we removed, they added', [h('a'), h('b')], [h('a')], [h('a'), h('b'), h('c')], [h('a'), h('c')]],
    ['we changed, they removed another', [h('a'), h('b')], [h('a', 'x'), h('b')], [h('a')], [h('a', 'x')]],
    ['both added the same entry', [], [h('a')], [h('a')], [h('a')]],
    ['both added one name differently', [], [h('a', 'x')], [h('a', 'y')], undefined],
    ['we changed what they changed', [h('a')], [h('a', 'x')], [h('a', 'y')], undefined],
    ['we removed what they changed', [h('a')], [], [h('a', 'y')], undefined],
    ['we changed what they removed', [h('a')], [h('a', 'x')], [], [h('a', 'x')]],
  ])('%s', (_name, base, ours, theirs, want) => expect(mergeNamed(base, ours, theirs)).toEqual(want));
});
