import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../../src/core/status/status.js';
import {
  type AgentMemos,
  type AgentSnapshot,
  diffHost,
  type HostSnapshot,
  type Prompt,
} from '../../../src/core/watch/events.js';

const bash = (cmd: string): Prompt => ({
  kind: 'permission',
  title: 'Bash command',
  subject: cmd,
  options: [{ key: '1', label: 'Yes' }],
});
const agent = (target: string, status: AgentStatus, prompt: Prompt | null = null, host = 'thor'): AgentSnapshot => ({
  host,
  target,
  project: target.split(':').at(-1)!,
  status,
  prompt,
});
const snap = (agents: AgentSnapshot[], reachable = true, host = 'thor'): HostSnapshot => ({ host, reachable, agents });

/** Feed polls in order; return the event kinds of each poll as "kind target" strings. */
function run(polls: HostSnapshot[], start: AgentMemos = {}): string[][] {
  let memos = start;
  return polls.map((p) => {
    const r = diffHost(memos, p);
    memos = r.memos;
    return r.events.map((e) => `${e.kind} ${e.target}`);
  });
}

const A = 'thor:api';
describe('diffHost: one notification per waiting episode', () => {
  it.each<[string, HostSnapshot[], string[][]]>([
    ['first sight waiting', [snap([agent(A, 'waiting', bash('ls'))])], [[`waiting ${A}`]]],
    [
      'repeated polls never resend',
      [
        snap([agent(A, 'waiting', bash('ls'))]),
        snap([agent(A, 'waiting', bash('ls'))]),
        snap([agent(A, 'waiting', bash('ls'))]),
      ],
      [[`waiting ${A}`], [], []],
    ],
    [
      'answered then a new prompt',
      [snap([agent(A, 'waiting', bash('ls'))]), snap([agent(A, 'working')]), snap([agent(A, 'waiting', bash('ls'))])],
      [[`waiting ${A}`], [], [`waiting ${A}`]],
    ],
    [
      'a different prompt between two polls',
      [snap([agent(A, 'waiting', bash('ls'))]), snap([agent(A, 'waiting', bash('rm -rf build/'))])],
      [[`waiting ${A}`], [`waiting ${A}`]],
    ],
    [
      'an unreadable prompt keeps the episode',
      [
        snap([agent(A, 'waiting', bash('ls'))]),
        snap([agent(A, 'waiting', null)]),
        snap([agent(A, 'waiting', bash('ls'))]),
      ],
      [[`waiting ${A}`], [], []],
    ],
    [
      'a prompt not drawn yet: announced on the next poll, with it',
      [
        snap([agent(A, 'waiting', null)]),
        snap([agent(A, 'waiting', bash('ls'))]),
        snap([agent(A, 'waiting', bash('ls'))]),
      ],
      [[], [`waiting ${A}`], []],
    ],
    [
      'a prompt never readable: announced on the next poll, without it',
      [snap([agent(A, 'waiting', null)]), snap([agent(A, 'waiting', null)]), snap([agent(A, 'waiting', null)])],
      [[], [`waiting ${A}`], []],
    ],
    [
      'answered before its prompt could be read: nothing',
      [snap([agent(A, 'waiting', null)]), snap([agent(A, 'working')]), snap([agent(A, 'idle')])],
      [[], [], [`finished ${A}`]],
    ],
    [
      'unknown in between is no transition',
      [snap([agent(A, 'waiting', bash('ls'))]), snap([agent(A, 'unknown')]), snap([agent(A, 'waiting', bash('ls'))])],
      [[`waiting ${A}`], [], []],
    ],
    [
      'waiting again after idle',
      [snap([agent(A, 'waiting', bash('ls'))]), snap([agent(A, 'idle')]), snap([agent(A, 'waiting', bash('ls'))])],
      [[`waiting ${A}`], [], [`waiting ${A}`]],
    ],
  ])('%s', (_name, polls, expected) => expect(run(polls)).toEqual(expected));
});

describe('diffHost: finished and exited', () => {
  it.each<[string, HostSnapshot[], string[][]]>([
    ['working -> idle is finished', [snap([agent(A, 'working')]), snap([agent(A, 'idle')])], [[], [`finished ${A}`]]],
    [
      'working -> unknown -> idle is finished',
      [snap([agent(A, 'working')]), snap([agent(A, 'unknown')]), snap([agent(A, 'idle')])],
      [[], [], [`finished ${A}`]],
    ],
    ['idle -> idle is nothing', [snap([agent(A, 'idle')]), snap([agent(A, 'idle')])], [[], []]],
    ['first sight idle or working is nothing', [snap([agent(A, 'idle'), agent('thor:b', 'working')])], [[]]],
    [
      'waiting -> idle (rejected) is nothing',
      [snap([agent(A, 'waiting', bash('ls'))]), snap([agent(A, 'idle')])],
      [[`waiting ${A}`], []],
    ],
    [
      'working -> exited',
      [snap([agent(A, 'working')]), snap([agent(A, 'exited')]), snap([agent(A, 'exited')])],
      [[], [`exited ${A}`], []],
    ],
    ['first sight exited is nothing', [snap([agent(A, 'exited')])], [[]]],
    ['gone while the host answered', [snap([agent(A, 'idle')]), snap([])], [[], [`exited ${A}`]]],
    ['gone after it was exited says nothing more', [snap([agent(A, 'exited')]), snap([])], [[], []]],
    [
      'unreachable host: not all its agents exited',
      [snap([agent(A, 'working')]), snap([], false), snap([agent(A, 'idle')])],
      [[], [], [`finished ${A}`]],
    ],
  ])('%s', (_name, polls, expected) => expect(run(polls)).toEqual(expected));

  it('a poll of one host keeps the other hosts as they were', () => {
    const first = diffHost({}, snap([agent('fedora:x', 'working', null, 'fedora')], true, 'fedora'));
    const second = diffHost(first.memos, snap([agent(A, 'idle')]));
    expect(second.events).toEqual([]);
    expect(
      Object.values(second.memos)
        .map((m) => m.target)
        .sort(),
    ).toEqual(['fedora:x', A]);
  });

  it('carries the prompt on a waiting event', () => {
    const { events } = diffHost({}, snap([agent(A, 'waiting', bash('rm -rf build/'))]));
    expect(events[0]).toMatchObject({
      kind: 'waiting',
      host: 'thor',
      project: 'api',
      prompt: { subject: 'rm -rf build/' },
    });
  });

  it("ten agents waiting at once are ten events (grouping is the notifier's job)", () => {
    const many = Array.from({ length: 10 }, (_, i) => agent(`thor:p${i}`, 'waiting', bash(`make p${i}`)));
    expect(diffHost({}, snap(many)).events).toHaveLength(10);
  });
});
