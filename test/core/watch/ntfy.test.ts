import { describe, expect, it } from 'vitest';
import type { Notification } from '../../../src/core/watch/notification.js';
import { commandEnv, headerValue, ntfyRequest } from '../../../src/core/watch/ntfy.js';

const n: Notification = {
  event: 'waiting',
  host: 'thor',
  target: 'thor:api',
  project: 'api',
  title: 'api on thor waits for you',
  message: 'Bash: rm -rf build/\nthor:api',
  priority: 'high',
  tags: ['hourglass_flowing_sand', 'thor'],
  count: 1,
};
const decode = (v: string) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(v)![1]!, 'base64').toString('utf8');

describe('headerValue', () => {
  it.each([
    ['plain ASCII', 'api on thor', 'api on thor'],
    ['CR/LF cannot split the request', 'a\r\nX-Evil: 1', 'a X-Evil: 1'],
    ['tabs and other controls', 'a\tb\u0007c\u001b[31m', 'a b c [31m'],
    ['leading/trailing space', '  x  ', 'x'],
  ])('%s', (_n, input, out) => expect(headerValue(input)).toBe(out));

  it.each(['Müller', 'projet été', '日本 🦀', 'line\u2028sep é'])(
    'non-ASCII %s goes as an RFC 2047 encoded word',
    (text) => {
      const v = headerValue(text);
      expect(v).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(decode(v)).toBe(text.replace('\u2028', ' '));
    },
  );

  it('caps the length', () => expect(headerValue('x'.repeat(1000))).toHaveLength(200));
});

describe('ntfyRequest', () => {
  it('POSTs the message as the body with Title, Priority and Tags', () => {
    expect(ntfyRequest({ url: 'https://ntfy.sh/t' }, n)).toEqual({
      url: 'https://ntfy.sh/t',
      method: 'POST',
      body: n.message,
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        Title: n.title,
        Priority: 'high',
        Tags: 'hourglass_flowing_sand,thor',
      },
    });
  });

  it('adds Click and a bearer token when configured', () => {
    const r = ntfyRequest(
      { url: 'http://127.0.0.1/t', token: 'tk_abc', click: 'ssh://thor' },
      { ...n, priority: 'default' },
    );
    expect(r.headers).toMatchObject({ Click: 'ssh://thor', Authorization: 'Bearer tk_abc', Priority: 'default' });
  });

  it('a hostile project name stays one header line', () => {
    const r = ntfyRequest({ url: 'http://x/t' }, { ...n, title: 'evil\r\nPriority: min', tags: ['a,b', 'thor'] });
    expect(Object.values(r.headers).every((v) => !/[\r\n]/.test(v))).toBe(true);
    expect(r.headers.Tags).toBe('a b,thor');
  });
});

describe('commandEnv', () => {
  it('passes every field, nothing interpreted', () => {
    const env = commandEnv({ ...n, project: '$(touch /tmp/x)`id`' });
    expect(env).toEqual({
      TRIMTAB_EVENT: 'waiting',
      TRIMTAB_HOST: 'thor',
      TRIMTAB_TARGET: 'thor:api',
      TRIMTAB_PROJECT: '$(touch /tmp/x)`id`',
      TRIMTAB_TITLE: n.title,
      TRIMTAB_MESSAGE: n.message,
    });
  });
});
