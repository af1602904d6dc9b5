import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../../src/core/watch/events.js';
import { describePrompt, GROUP_ABOVE, notificationsFor } from '../../../src/core/watch/notification.js';

const ev = (kind: WatchEvent['kind'], project: string, host = 'thor', subject = 'rm -rf build/'): WatchEvent => ({
  kind, host, target: `${host}:${project}`, project,
  prompt: kind === 'waiting' ? { kind: 'permission', title: 'Bash command', subject, options: [] } : null,
});

describe('describePrompt', () => {
  it.each([
    [{ kind: 'permission', title: 'Bash command', subject: 'rm -rf build/', options: [] }, 'Bash: rm -rf build/'],
    [{ kind: 'permission', title: 'Create file', subject: 'src/a.ts', options: [] }, 'Create file: src/a.ts'],
    [{ kind: 'question', title: '', subject: 'Which database?', options: [] }, 'Which database?'],
    [{ kind: 'plan', title: '', subject: '', options: [] }, 'a plan prompt'],
    [null, 'waiting for you (could not read the prompt)'],
  ] as const)('%j -> %s', (p, text) => expect(describePrompt(p ? { ...p, options: [] } : null)).toBe(text));
});

describe('notificationsFor', () => {
  it('names the host, the project and the command', () => {
    const [n] = notificationsFor([ev('waiting', 'api')], ['waiting']);
    expect(n).toMatchObject({ event: 'waiting', host: 'thor', project: 'api', title: 'api on thor waits for you', priority: 'high', count: 1 });
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
    expect(notificationsFor([ev('finished', 'a'), ev('exited', 'b')], ['finished', 'exited']).map((n) => n.priority)).toEqual(['default', 'default']);
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
    const got = notificationsFor([ev('finished', 'a'), ev('exited', 'b'), ev('waiting', 'c'), ev('finished', 'd')], ['waiting', 'finished', 'exited']);
    expect(got).toHaveLength(1);
    expect(got[0]!.title).toBe('4 agent events (1 waiting)');
    expect(got[0]!.message.split('\n')[0]).toContain('thor:c waiting');
    expect(got[0]!.event).toBe('waiting');
  });
});
