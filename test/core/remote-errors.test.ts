import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/core/errors.js';
import { type Host, resolveConfig } from '../../src/core/hosts/config.js';
import type { Section } from '../../src/core/protocol.js';
import {
  type CallResult,
  callError,
  marksOffline,
  problemError,
  reached,
  scriptError,
  unreachableError,
} from '../../src/core/remote-errors.js';
import type { ProbeProblem } from '../../src/core/sync/syncthing.js';

const thor: Host = {
  ...resolveConfig({}, {}, 'x').hosts[0]!,
  name: 'thor',
  ssh: 'mac@thor',
  local: false,
  agentCommand: 'claude',
};
const here: Host = { ...thor, name: 'here', local: true };
const s = (tag: string, ...args: string[]): Section => ({ tag, args, lines: [] });
const answered = (...sections: Section[]): CallResult => ({ kind: 'answered', sections });

describe('callError: what a transport result means to a user', () => {
  it.each<[string, Host, CallResult, string | undefined, number | undefined, RegExp | undefined]>([
    ['an answer', thor, answered(s('hello'), s('end')), undefined, undefined, undefined],
    [
      'an answer without tmux',
      thor,
      answered(s('hello'), s('notmux')),
      'tmux is not installed on thor',
      EXIT.failed,
      /apt install tmux/,
    ],
    [
      'never answered, timed out',
      thor,
      { kind: 'unreachable', stderr: '', timedOut: true },
      'cannot reach thor (timed out after 3 s)',
      EXIT.unreachable,
      /asleep or off the network/,
    ],
    [
      'ssh said why',
      thor,
      { kind: 'unreachable', stderr: 'ssh: connect to host thor port 22: Connection refused\n', timedOut: false },
      'cannot reach thor: ssh: connect to host thor port 22: Connection refused',
      EXIT.unreachable,
      /"ssh mac@thor true"/,
    ],
    [
      'ssh timed out itself',
      thor,
      { kind: 'unreachable', stderr: 'ssh: connect to host thor port 22: Connection timed out', timedOut: false },
      'cannot reach thor (timed out after 3 s)',
      EXIT.unreachable,
      undefined,
    ],
    [
      'a changed host key',
      thor,
      {
        kind: 'unreachable',
        stderr: '@@@@@@@\n@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @\nHost key verification failed.',
        timedOut: false,
      },
      'cannot reach thor: its ssh host key is unknown or has changed',
      EXIT.unreachable,
      /never turns host key checks off/,
    ],
    [
      'lost part way',
      thor,
      { kind: 'lost', sections: [s('hello')] },
      'lost the connection to thor part way',
      EXIT.unreachable,
      /trimtab list/,
    ],
    [
      'lost on the kill timer',
      thor,
      { kind: 'lost', sections: [s('hello')], timedOutAfter: 18 },
      'thor stopped answering part way (timed out after 18 s)',
      EXIT.unreachable,
      undefined,
    ],
    [
      'a hung master',
      thor,
      { kind: 'hung' },
      'the ssh connection to thor hung, and was dropped',
      EXIT.unreachable,
      /connects afresh/,
    ],
    [
      'no ssh program',
      thor,
      { kind: 'nostart', program: 'ssh', why: 'not found' },
      'cannot run ssh: not found',
      EXIT.failed,
      /TRIMTAB_SSH/,
    ],
    [
      'no sh here',
      here,
      { kind: 'nostart', program: 'sh', why: 'not found' },
      'cannot run sh: not found',
      EXIT.failed,
      /POSIX sh on PATH/,
    ],
    [
      'no sections',
      thor,
      { kind: 'silent', stderr: 'fish: Unknown command: sh\n', exitCode: 127 },
      'no answer from thor: fish: Unknown command: sh',
      EXIT.failed,
      /POSIX sh/,
    ],
    [
      'no sections, no stderr',
      thor,
      { kind: 'silent', stderr: '', exitCode: 2 },
      'no answer from thor: exit 2',
      EXIT.failed,
      undefined,
    ],
  ])('%s', (_name, host, result, message, exitCode, hint) => {
    const e = callError(host, result, 3);
    expect(e?.message).toBe(message);
    expect(e?.exitCode).toBe(exitCode);
    if (hint) expect(e?.hint).toMatch(hint);
  });

  it('keeps the sections that did arrive on a lost call (a send knows whether it pasted)', () => {
    expect(
      callError(thor, { kind: 'lost', sections: [s('hello'), s('pasted', '%1')] }, 3)?.partial?.map((x) => x.tag),
    ).toEqual(['hello', 'pasted']);
  });

  it.each<[CallResult, boolean, boolean]>([
    [answered(s('hello')), true, false],
    [{ kind: 'lost', sections: [] }, true, false],
    [{ kind: 'silent', stderr: '', exitCode: 1 }, true, false],
    [{ kind: 'unreachable', stderr: '', timedOut: true }, false, true],
    [{ kind: 'unreachable', stderr: 'Host key verification failed.', timedOut: false }, false, false],
    [{ kind: 'hung' }, false, false],
  ])('%j: reached %s, remembered offline %s', (result, wasReached, offline) => {
    expect(reached(result)).toBe(wasReached);
    expect(marksOffline(thor, result, 3)).toBe(offline);
  });

  it('unreachableError drops ssh banners and warnings for the reason', () => {
    expect(
      unreachableError(
        thor,
        "Warning: Permanently added 'thor' to the list of known hosts.\nPermission denied (publickey).\n",
        3,
        false,
      ).message,
    ).toBe('cannot reach thor: Permission denied (publickey).');
  });
});

describe("scriptError: a script's error section", () => {
  it.each([
    [['notfound'], 'no agent at thor:agents:x', EXIT.failed],
    [['ambiguous'], 'thor:agents:x names more than one window', EXIT.usage],
    [['noserver'], 'no tmux server on thor, so no agent at thor:agents:x', EXIT.failed],
    [['nodir', '/home/mac/1-Projects/x'], 'no project directory /home/mac/1-Projects/x on thor', EXIT.failed],
    [['noagent', '/usr/bin:/bin'], 'agent command "claude" not found on thor', EXIT.failed],
    [['died', '127'], 'the agent on thor:agents:x exited at once (status 127)', EXIT.failed],
    [['gone'], 'thor:agents:x went away', EXIT.failed],
    [['tmux'], 'tmux failed on thor (tmux)', EXIT.failed],
  ])('%j', (args, message, exitCode) => {
    const e = scriptError([s('hello'), s('error', ...args)], 'thor:agents:x', thor);
    expect(e?.message).toBe(message);
    expect(e?.exitCode).toBe(exitCode);
  });

  it('says the ssh PATH when the agent is missing', () => {
    expect(scriptError([s('error', 'noagent', '/usr/bin:/bin')], 'l', thor)?.hint).toContain('PATH=/usr/bin:/bin');
  });

  it('is undefined without an error section', () =>
    expect(scriptError([s('hello'), s('end')], 'l', thor)).toBeUndefined());
});

describe('problemError: what a Syncthing probe problem means', () => {
  it.each([
    [
      { kind: 'noconfig', looked: ['/a/config.xml'] } as ProbeProblem,
      'no Syncthing on thor (no config.xml)',
      /looked in \/a\/config.xml/,
    ],
    [
      { kind: 'nogui', detail: 'the GUI listens on a unix socket' } as ProbeProblem,
      'cannot ask Syncthing on thor: the GUI listens on a unix socket',
      /REST API/,
    ],
    [{ kind: 'nohttp' } as ProbeProblem, 'no curl or wget on thor to ask Syncthing', /install curl/],
    [
      { kind: 'api', url: 'http://127.0.0.1:8384', code: 7, detail: '' } as ProbeProblem,
      'Syncthing is not running on thor',
      /systemctl/,
    ],
    [
      {
        kind: 'api',
        url: 'http://127.0.0.1:8384',
        code: 22,
        detail: 'The requested URL returned error: 403',
      } as ProbeProblem,
      'Syncthing on thor refused the API key',
      /config.xml/,
    ],
    [
      { kind: 'api', url: 'http://x', code: 28, detail: 'curl: (28) Operation timed out\n' } as ProbeProblem,
      'Syncthing on thor did not answer at http://x: curl: (28) Operation timed out',
      undefined,
    ],
  ])('%j', (problem, message, hint) => {
    const e = problemError(thor, problem);
    expect(e.message).toBe(message);
    if (hint) expect(e.hint).toMatch(hint);
  });
});
