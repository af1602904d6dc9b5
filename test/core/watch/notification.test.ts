import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPrompt } from '../../../src/core/status/prompt.js';
import type { WatchEvent } from '../../../src/core/watch/events.js';
import { describePrompt, GROUP_ABOVE, notificationsFor } from '../../../src/core/watch/notification.js';

const ev = (kind: WatchEvent['kind'], project: string, host = 'thor', subject = 'rm -rf build/'): WatchEvent => ({
  kind,
  host,
  target: `${host}:${project}`,
  project,
  prompt: kind === 'waiting' ? { kind: 'permission', title: 'Bash command', subject, options: [] } : null,
});

describe('describePrompt', () => {
  it.each([
    [{ kind: 'permission', title: 'Bash command', subject: 'rm -rf build/', options: [] }, 'Bash: rm -rf build/'],
    [{ kind: 'permission', title: 'Create file', subject: 'src/a.ts', options: [] }, 'Create file: src/a.ts'],
    [{ kind: 'question', title: '', subject: 'Which database?', options: [] }, 'Which database?'],
    [{ kind: 'plan', title: '', subject: '', options: [] }, 'a plan prompt'],
    [
      { kind: 'permission', title: 'Bash command', subject: 'cd app &&\n  make', options: [] },
      'Bash: cd app && ↵ make',
    ],
    [null, 'waiting for you (could not read the prompt)'],
  ] as const)('%j -> %s', (p, text) => expect(describePrompt(p ? { ...p, options: [] } : null)).toBe(text));
});

describe('describePrompt on what readPrompt reads from real Claude Code 2.1.328 screens', () => {
  const dir = path.resolve(import.meta.dirname, '../../fixtures/corpus/lab-2.1.328');
  const screen = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  it.each([
    ['waiting-bash-40.txt', 'Bash: echo "lab 40" > bash-out.txt && ls -la'],
    ['waiting-bash-120.txt', 'Bash: echo "lab 120" > bash-out.txt && ls -la'],
    ['waiting-write-80.txt', 'Create file: notes-from-the-lab-at-80-columns.txt'],
    ['waiting-ask-80.txt', 'Colour: Which colour should the lab use?'],
    ['waiting-automode-dialog-80.txt', 'Make auto mode your default permission mode?'],
  ])('%s -> %s', (file, text) => expect(describePrompt(readPrompt(screen(file)))).toBe(text));
  it('a command with quoted text (drawn with a "│ " gutter, captured from 2.1.328 in the lab): whole', () => {
    const quoted = readFileSync(path.resolve(import.meta.dirname, 'screens/waiting-bash-quoted-100.txt'), 'utf8');
    const line = describePrompt(readPrompt(quoted));
    expect(line).toMatch(/^Bash: /);
    expect(line).toBe('Bash: echo "$(touch /tmp/ttrwbvvja-a)" `touch /tmp/ttrwbvvja-b`; touch /tmp/ttrwbvvja-c');
  });
  it('the trust dialog: one colon, then the folder', () => {
    expect(describePrompt(readPrompt(screen('waiting-trust-80.txt')))).toMatch(
      /^Accessing workspace: \/.*untrusted80$/,
    );
  });
});

describe('notificationsFor', () => {
  it('names the host, the project and the command', () => {
    const [n] = notificationsFor([ev('waiting', 'api')], ['waiting']);
    expect(n).toMatchObject({
      event: 'waiting',
      host: 'thor',
      project: 'api',
      title: 'api on thor waits for you',
      priority: 'high',
      count: 1,
    });
    expect(n!.message).toContain('Bash: rm -rf build/');
  });

  it.each([
    ['waiting only (default)', ['waiting'], ['waiting']],
    ['finished and exited too', ['waiting', 'finished', 'exited'], ['waiting', 'finished', 'exited']],
    ['finished only', ['finished'], ['finished']],
  ] as const)('filters by the configured events: %s', (_n, wanted, kinds) => {
    const got = notificationsFor([ev('waiting', 'a'), ev('finished', 'b'), ev('exited', 'c')], wanted);
    expect(got.map((n) => n.event)).toEqual(kinds);
  });

  it('finished and exited are default priority', () => {
    expect(
      notificationsFor([ev('finished', 'a'), ev('exited', 'b')], ['finished', 'exited']).map((n) => n.priority),
    ).toEqual(['default', 'default']);
  });

  it(`up to ${GROUP_ABOVE} events go one by one`, () => {
    const events = Array.from({ length: GROUP_ABOVE }, (_, i) => ev('waiting', `p${i}`));
    expect(notificationsFor(events, ['waiting'])).toHaveLength(GROUP_ABOVE);
  });

  it('ten agents at once: one notification that lists all ten', () => {
    const events = Array.from({ length: 10 }, (_, i) => ev('waiting', `p${i}`, i % 2 ? 'thor' : 'fedora', `cmd${i}`));
    const got = notificationsFor(events, ['waiting']);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ title: '10 agents wait for you', priority: 'high', count: 10, host: 'fedora,thor' });
    for (let i = 0; i < 10; i++) expect(got[0]!.message).toContain(`p${i} waiting: Bash: cmd${i}`);
  });

  it('a mixed burst puts the waiting ones first and stays high priority', () => {
    const got = notificationsFor(
      [ev('finished', 'a'), ev('exited', 'b'), ev('waiting', 'c'), ev('finished', 'd')],
      ['waiting', 'finished', 'exited'],
    );
    expect(got).toHaveLength(1);
    expect(got[0]!.title).toBe('4 agent events (1 waiting)');
    expect(got[0]!.message.split('\n')[0]).toContain('thor:c waiting');
    expect(got[0]!.event).toBe('waiting');
  });
});
