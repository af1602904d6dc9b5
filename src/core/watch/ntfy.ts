/**
 * A notification as an ntfy publish request (https://docs.ntfy.sh/publish/): POST to the topic URL,
 * the message as the body, `Title`, `Priority`, `Tags`, `Click` headers. Pure: the adapter sends it.
 */
import type { Notification } from './notification.js';

export interface HttpRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/** Longer titles are cut by the phone anyway; a header has to end somewhere. */
const MAX_HEADER = 200;

/**
 * A header value that is always legal on the wire. CR/LF (and every other control character) would
 * split or corrupt the request: they become spaces. Non-ASCII text: ntfy documents RFC 2047
 * encoded words for any header ("=?UTF-8?B?...?="; docs.ntfy.sh/publish, "Message title"), and
 * Node's fetch refuses characters above U+00FF and sends U+0080..U+00FF as Latin-1, which ntfy would
 * read as broken UTF-8. So non-ASCII values go out base64-encoded as one encoded word.
 */
export function headerValue(text: string): string {
  const clean = [
    ...text
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  ]
    .slice(0, MAX_HEADER)
    .join('');
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  return `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

export interface NtfyTarget {
  url: string;
  token?: string | undefined;
  click?: string | undefined;
}

export function ntfyRequest(target: NtfyTarget, n: Notification): HttpRequest {
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    Title: headerValue(n.title),
    Priority: n.priority,
    // Tags are comma-separated: a comma inside one would split it.
    Tags: headerValue(n.tags.map((t) => t.replace(/,/g, ' ')).join(',')),
  };
  if (target.click) headers.Click = headerValue(target.click);
  if (target.token) headers.Authorization = `Bearer ${headerValue(target.token)}`;
  return { url: target.url, method: 'POST', headers, body: n.message };
}

/** What the user command gets: the event in environment variables only, never in its argv. */
export function commandEnv(n: Notification): Record<string, string> {
  // NUL cannot live in an environment variable; nothing else needs changing (no shell reads these).
  const v = (s: string) => s.replace(/\u0000/g, '');
  return {
    TRIMTAB_EVENT: n.event,
    TRIMTAB_HOST: v(n.host),
    TRIMTAB_TARGET: v(n.target),
    TRIMTAB_PROJECT: v(n.project),
    TRIMTAB_TITLE: v(n.title),
    TRIMTAB_MESSAGE: v(n.message),
  };
}
