import { describe, expect, it } from 'vitest';
import { agentArgs } from '../../src/remote/spawn.js';

// The words spawn adds to the agent command (each one argv word on the host, sh/spawn.sh spawn_agent).
describe('agentArgs', () => {
  it.each<[string, Parameters<typeof agentArgs>[0], string[]]>([
    ['nothing', {}, []],
    ['an empty task is none', { task: '' }, []],
    ['a task, after --', { task: 'fix the tests' }, ['--', 'fix the tests']],
    ['a task that looks like an option', { task: '-p --help' }, ['--', '-p --help']],
    ['restart is a plain start', { mode: 'restart', task: 'go' }, ['--', 'go']],
    ['continue', { mode: 'continue' }, ['--continue']],
    ['continue with a task', { mode: 'continue', task: 'line 1\nline 2' }, ['--continue', '--', 'line 1\nline 2']],
  ])('%s', (_name, opts, words) => expect(agentArgs(opts)).toEqual(words));

  it('refuses what cannot be an argument (exit 2)', () => {
    expect(() => agentArgs({ task: 'a\0b' })).toThrow(/NUL/);
  });
});
