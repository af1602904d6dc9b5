import { describe, expect, it } from 'vitest';
import { parseNotifyConfig, requireDestination } from '../../../src/core/watch/notify-config.js';

const err = (v: unknown) => {
  try {
    parseNotifyConfig(v);
  } catch (e) {
    return (e as Error & { exitCode: number }).exitCode === 2
      ? (e as Error).message
      : `exit ${(e as { exitCode: number }).exitCode}`;
  }
  return 'accepted';
};

describe('parseNotifyConfig', () => {
  it('absent: undefined', () => expect(parseNotifyConfig(undefined)).toBeUndefined());
  it('defaults: waiting only, every 3 s', () => {
    expect(parseNotifyConfig({ ntfy: 'https://ntfy.sh/t' })).toEqual({
      ntfy: 'https://ntfy.sh/t',
      events: ['waiting'],
      intervalSeconds: 3,
    });
  });
  it('everything set', () => {
    const v = {
      ntfy: 'http://127.0.0.1:8080/t',
      token: 'tk_x',
      click: 'ssh://thor',
      command: ['/bin/notify', '-u'],
      events: ['finished', 'waiting', 'waiting'],
      intervalSeconds: 10,
    };
    expect(parseNotifyConfig(v)).toEqual({ ...v, events: ['finished', 'waiting'] });
  });
  it.each<[string, unknown, RegExp]>([
    ['not an object', 'https://ntfy.sh/t', /notify must be an object/],
    ['an array', [], /notify must be an object/],
    ['unknown key', { ntfy: 'https://x/t', topic: 'x' }, /notify\.topic is not a known key/],
    ['ntfy not a URL', { ntfy: 'ntfy.sh/t' }, /notify\.ntfy must be an http\(s\) URL/],
    ['ntfy other scheme', { ntfy: 'file:///etc/passwd' }, /notify\.ntfy must be an http\(s\) URL/],
    ['ntfy with a newline', { ntfy: 'https://x/t\nHost: y' }, /notify\.ntfy must be/],
    ['click not a URL', { click: 'thor' }, /notify\.click must be a URL/],
    ['empty token', { token: '' }, /notify\.token must be a non-empty string/],
    ['token with a newline', { token: 'a\nb' }, /notify\.token must be/],
    ['command as a string', { command: 'notify-send "$TRIMTAB_TITLE"' }, /notify\.command must be a list of words/],
    ['empty command', { command: [] }, /notify\.command must be a list/],
    ['command with a number', { command: ['x', 1] }, /notify\.command must be a list/],
    [
      'unknown event',
      { events: ['waiting', 'started'] },
      /notify\.events must be a list of "waiting", "finished", "exited"/,
    ],
    ['events not a list', { events: 'waiting' }, /notify\.events must be/],
    [
      'interval too small',
      { intervalSeconds: 0 },
      /notify\.intervalSeconds must be a number of seconds from 0\.5 to 3600/,
    ],
    ['interval a string', { intervalSeconds: '3' }, /notify\.intervalSeconds must be/],
  ])('%s', (_n, v, re) => expect(err(v)).toMatch(re));
});

describe('requireDestination', () => {
  it.each([[undefined], [{ events: ['waiting'], intervalSeconds: 3 }]])('none: a clear error', (c) => {
    expect(() => requireDestination(c as never)).toThrow(/notify has no destination/);
  });
  it('ntfy or a command is enough', () => {
    expect(requireDestination({ command: ['x'], events: ['waiting'], intervalSeconds: 3 }).command).toEqual(['x']);
  });
});
