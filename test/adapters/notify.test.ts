/** The two destinations against real processes and a real HTTP server on 127.0.0.1. */
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushNtfy, runNotifyCommand } from '../../src/adapters/notify.js';
import type { Notification } from '../../src/core/watch/notification.js';

const n: Notification = {
  event: 'waiting',
  host: 'thor',
  target: 'thor:café',
  project: 'café',
  title: 'café on thor waits for you',
  message: 'Bash: echo "ünïcödé" 🦀',
  priority: 'high',
  tags: ['hourglass_flowing_sand', 'thor'],
  count: 1,
};

let server: http.Server;
let url = '';
let mode: 'ok' | 'hang' | '404' = 'ok';
const got: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      if (mode === 'hang') return; // never answers
      res.writeHead(mode === '404' ? 404 : 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/secret-topic`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const decode = (v: string) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(v)![1]!, 'base64').toString('utf8');

describe('pushNtfy', () => {
  it('non-ASCII: the body as UTF-8, the title as an RFC 2047 word that decodes back', async () => {
    mode = 'ok';
    expect(await pushNtfy({ url, token: 'tk_1' }, n)).toEqual({ ok: true });
    const last = got.at(-1)!;
    expect(last.body).toBe(n.message);
    expect(decode(String(last.headers.title))).toBe(n.title);
    expect(last.headers.authorization).toBe('Bearer tk_1');
  });

  it('an HTTP error is a failed result that does not print the topic', async () => {
    mode = '404';
    const r = await pushNtfy({ url }, n);
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^HTTP 404 from http:\/\/127\.0\.0\.1:\d+$/) });
  });

  it('a server that never answers times out', async () => {
    mode = 'hang';
    expect(await pushNtfy({ url }, n, 300)).toEqual({
      ok: false,
      error: expect.stringContaining('did not answer within 0.3 s'),
    });
  });

  it('nobody listening: a failed result, not a throw', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await pushNtfy({ url: `http://127.0.0.1:${port}/t` }, n)).toEqual({
      ok: false,
      error: expect.stringContaining('ECONNREFUSED'),
    });
  });
});

describe('runNotifyCommand', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trimtab-notify-'));
  it('exit 0 is sent; the env carries the event', async () => {
    const out = path.join(dir, 'env.txt');
    expect(
      await runNotifyCommand(['sh', '-c', 'printf "%s\\n" "$TRIMTAB_PROJECT" "$TRIMTAB_MESSAGE" > "$0"', out], n),
    ).toEqual({ ok: true });
    expect(readFileSync(out, 'utf8')).toBe(`café\n${n.message}\n`);
  });
  it('a non-zero exit is a failure with its last stderr line', async () => {
    expect(await runNotifyCommand(['sh', '-c', 'echo "quota exceeded" >&2; exit 4'], n)).toEqual({
      ok: false,
      error: 'sh exited 4: quota exceeded',
    });
  });
  it('a missing program', async () => {
    expect(await runNotifyCommand(['/nonexistent/notify'], n)).toEqual({
      ok: false,
      error: 'cannot run /nonexistent/notify: ENOENT',
    });
  });
  it('a command that hangs is killed', async () => {
    expect(await runNotifyCommand(['sleep', '30'], n, 300)).toEqual({ ok: false, error: 'sleep was killed (SIGKILL)' });
  });
});
