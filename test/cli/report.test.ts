// report() is the one place that prints errors: whatever a host put in a message or hint (its
// stderr, a window name) reaches the terminal with its control characters made visible.
import kleur from 'kleur';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { report } from '../../src/cli.js';
import { TrimtabError } from '../../src/core/errors.js';

const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('report', () => {
  beforeAll(() => {
    kleur.enabled = false; // colour is trimtab's own ESC; only what came from a host is checked here
  });
  afterEach(() => vi.restoreAllMocks());
  const printed = (error: unknown) => {
    const out: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation(
      (chunk: string | Uint8Array) => (out.push(String(chunk)), true),
    );
    const code = report(error);
    return { code, text: out.join('') };
  };

  it.each([
    ['an OSC 52 clipboard write', 'cannot reach thor: \u001b]52;c;cm0gLXJmIH4K\u0007'],
    ['a clear screen and a C1 CSI', 'no agent at thor:agents:\u001b[2J\u009b2Jx'],
    ['a bidi override', 'tmux failed on thor: \u202eelif.txt'],
  ])('%s in message and hint is drawn visibly, never raw', (_what, text) => {
    const { code, text: out } = printed(new TrimtabError(text, { hint: `hint: ${text}`, exitCode: 3 }));
    expect(code).toBe(3);
    expect(out.replace(/\n/g, '')).not.toMatch(RAW);
    expect(out).toContain('✖');
  });

  it('a bug (not a TrimtabError) is one line too, and just as clean', () => {
    const { code, text } = printed(new Error('boom \u001b]0;pwned\u0007'));
    expect(code).toBe(1);
    expect(text.replace(/\n/g, '')).not.toMatch(RAW);
    expect(text).toContain('internal error');
  });
});
