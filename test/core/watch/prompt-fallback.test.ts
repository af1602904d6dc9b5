import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPrompt } from '../../../src/core/watch/prompt-fallback.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/panes/${name}`, import.meta.url)), 'utf8');

describe('readPrompt', () => {
  it('a Bash prompt: title, command, options', () => {
    const p = readPrompt(fixture('waiting-bash.txt'))!;
    expect(p).toMatchObject({ kind: 'permission', title: 'Bash command', subject: 'rm -rf dist && npm run build' });
    expect(p.options.map((o) => o.key)).toEqual(['1', '2', '3']);
    expect(p.options[0]!.label).toBe('Yes');
  });
  it.each(['waiting-create.txt', 'waiting-edit.txt', 'waiting-trust.txt'])('%s has a title and a subject', (f) => {
    const p = readPrompt(fixture(f))!;
    expect(p.title).not.toBe('');
    expect(p.subject).not.toBe('');
  });
  it('an idle screen: null', () => expect(readPrompt(fixture('idle-after-work.txt'))).toBeNull());
});
