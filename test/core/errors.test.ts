import { describe, expect, it } from 'vitest';
import { EXIT, TrimtabError, usageError } from '../../src/core/errors.js';

describe('EXIT', () => {
  it('is the contract: 0 ok, 1 failed, 2 usage, 3 unreachable, 130 cancelled', () => {
    expect(EXIT).toEqual({ ok: 0, failed: 1, usage: 2, unreachable: 3, cancelled: 130 });
  });
});

describe('TrimtabError', () => {
  it('fails with exit 1 and no hint unless told otherwise', () => {
    const e = new TrimtabError('cannot reach fedora');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('TrimtabError');
    expect(e.message).toBe('cannot reach fedora');
    expect(e.exitCode).toBe(EXIT.failed);
    expect(e.hint).toBeUndefined();
    expect(e.partial).toBeUndefined();
  });

  it('keeps its exit code, hint, cause and the sections that did arrive', () => {
    const cause = new Error('ssh exit 255');
    const partial = [{ tag: 'pasted', args: [], lines: ['ok'] }];
    const e = new TrimtabError('cannot reach fedora', {
      exitCode: EXIT.unreachable,
      hint: 'is it asleep?',
      cause,
      partial,
    });
    expect(e.exitCode).toBe(3);
    expect(e.hint).toBe('is it asleep?');
    expect(e.cause).toBe(cause);
    expect(e.partial).toBe(partial);
  });
});

describe('usageError', () => {
  it('is a TrimtabError with exit 2 and the hint given', () => {
    const e = usageError('missing TARGET', 'usage: trimtab peek TARGET');
    expect(e).toBeInstanceOf(TrimtabError);
    expect(e.exitCode).toBe(EXIT.usage);
    expect(e.message).toBe('missing TARGET');
    expect(e.hint).toBe('usage: trimtab peek TARGET');
    expect(usageError('bad').hint).toBeUndefined();
  });
});
