/**
 * The `notify` key of config.json, checked by hand so each mistake names `notify.<key>` and what was
 * expected:
 *   { "ntfy"?: URL, "token"?: string, "click"?: URL, "command"?: [program, ...args],
 *     "events"?: ["waiting", "finished", "exited"], "intervalSeconds"?: number }
 */
import { usageError } from '../errors.js';
import { EVENT_KINDS, type EventKind } from './events.js';

export interface NotifyConfig {
  ntfy?: string | undefined;
  token?: string | undefined;
  click?: string | undefined;
  /** argv, run without a shell. */
  command?: string[] | undefined;
  events: EventKind[];
  intervalSeconds: number;
}

const NOTIFY_DEFAULTS = { events: ['waiting'] as EventKind[], intervalSeconds: 3 };
const KEYS = ['ntfy', 'token', 'click', 'command', 'events', 'intervalSeconds'];

const bad = (key: string, expected: string, got: unknown) =>
  usageError(
    `config: notify.${key} must be ${expected}, not ${JSON.stringify(got)}`,
    'fix config.json (see README, "Notifications")',
  );

const oneLine = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);

function url(key: string, value: unknown, schemes: RegExp, expected: string): string {
  if (typeof value !== 'string' || !oneLine(value)) throw bad(key, expected, value);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw bad(key, expected, value);
  }
  if (!schemes.test(parsed.protocol)) throw bad(key, expected, value);
  return value;
}

/** `undefined` when there is no `notify` key; throws a usage error (exit 2) naming the bad key. */
export function parseNotifyConfig(value: unknown): NotifyConfig | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw usageError(
      `config: notify must be an object, not ${JSON.stringify(value)}`,
      'e.g. "notify": { "ntfy": "https://ntfy.sh/my-topic" }',
    );
  }
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) {
    if (!KEYS.includes(k)) throw usageError(`config: notify.${k} is not a known key`, `known keys: ${KEYS.join(', ')}`);
  }
  const out: NotifyConfig = { ...NOTIFY_DEFAULTS, events: [...NOTIFY_DEFAULTS.events] };
  if (v.ntfy !== undefined)
    out.ntfy = url('ntfy', v.ntfy, /^https?:$/, 'an http(s) URL of an ntfy topic, e.g. "https://ntfy.sh/my-topic"');
  if (v.click !== undefined) out.click = url('click', v.click, /^[a-z][a-z0-9+.-]*:$/, 'a URL, e.g. "ssh://thor"');
  if (v.token !== undefined) {
    if (typeof v.token !== 'string' || v.token === '' || !/^[\x21-\x7e]+$/.test(v.token))
      throw bad('token', 'a non-empty string of printable ASCII', v.token);
    out.token = v.token;
  }
  if (v.command !== undefined) {
    const c = v.command;
    if (
      !Array.isArray(c) ||
      c.length === 0 ||
      !c.every((w) => typeof w === 'string' && !w.includes('\u0000')) ||
      c[0] === ''
    ) {
      throw bad(
        'command',
        'a list of words, program first, e.g. ["/usr/local/bin/notify-me", "--urgent"] (run without a shell)',
        c,
      );
    }
    out.command = [...(c as string[])];
  }
  if (v.events !== undefined) {
    const e = v.events;
    if (!Array.isArray(e) || !e.every((x) => typeof x === 'string' && (EVENT_KINDS as string[]).includes(x))) {
      throw bad('events', `a list of ${EVENT_KINDS.map((k) => `"${k}"`).join(', ')}`, e);
    }
    out.events = [...new Set(e as EventKind[])];
  }
  if (v.intervalSeconds !== undefined) {
    const n = v.intervalSeconds;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0.5 || n > 3600)
      throw bad('intervalSeconds', 'a number of seconds from 0.5 to 3600', n);
    out.intervalSeconds = n;
  }
  return out;
}

/** A watcher needs somewhere to send to. */
export function requireDestination(config: NotifyConfig | undefined): NotifyConfig {
  if (!config || (!config.ntfy && !config.command)) {
    throw usageError(
      'config: notify has no destination',
      'set notify.ntfy (e.g. "https://ntfy.sh/my-topic") or notify.command in config.json',
    );
  }
  return config;
}
