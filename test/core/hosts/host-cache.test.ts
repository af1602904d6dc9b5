import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SECONDS,
  destHost,
  forgetOffline,
  type HostCache,
  markOffline,
  markOnline,
  offlineSinceText,
  shouldSkip,
  tailscaleOffline,
} from '../../../src/core/hosts/host-cache.js';

const peer = (fields: Record<string, unknown>) => fields;
const status = (...peers: Record<string, unknown>[]) =>
  JSON.stringify({
    Self: { HostName: 'thor', Online: true },
    Peer: Object.fromEntries(peers.map((p, i) => [`key${i}`, p])),
  });

describe('tailscaleOffline (tailscale status --json)', () => {
  it('names the peers whose Online is false, by HostName and by the first DNSName label, lower-cased', () => {
    const json = status(
      peer({ HostName: 'Fedora', DNSName: 'fedora-laptop.tail1234.ts.net.', Online: false }),
      peer({ HostName: 'phone', DNSName: 'phone.tail1234.ts.net.', Online: true }),
    );
    expect([...tailscaleOffline(json)].sort()).toEqual(['fedora', 'fedora-laptop']);
  });

  it('Online true still needs the timeout: not skipped', () => {
    expect(tailscaleOffline(status(peer({ HostName: 'thor2', Online: true })))).toEqual(new Set());
  });

  it('a missing Online field means unknown: not skipped', () => {
    expect(tailscaleOffline(status(peer({ HostName: 'old', DNSName: 'old.ts.net.' })))).toEqual(new Set());
  });

  it('Online that is not a boolean false (e.g. "false", 0, null) is unknown too', () => {
    const json = status(
      peer({ HostName: 'a', Online: 'false' }),
      peer({ HostName: 'b', Online: 0 }),
      peer({ HostName: 'c', Online: null }),
    );
    expect(tailscaleOffline(json)).toEqual(new Set());
  });

  it('an offline peer with only a DNSName, or only a HostName, is still named', () => {
    const json = status(peer({ DNSName: 'nas.tail.ts.net.', Online: false }), peer({ HostName: 'Pi', Online: false }));
    expect([...tailscaleOffline(json)].sort()).toEqual(['nas', 'pi']);
  });

  it.each<[string, string]>([
    ['not JSON', 'tailscale: command not found'],
    ['empty', ''],
    ['no Peer key (logged out)', JSON.stringify({ BackendState: 'NeedsLogin' })],
    ['Peer null', JSON.stringify({ Peer: null })],
    ['JSON null', 'null'],
    ['a cut-off answer', status(peer({ HostName: 'x', Online: false })).slice(0, 30)],
  ])('garbage (%s) means: know nothing', (_name, text) => {
    expect(tailscaleOffline(text)).toEqual(new Set());
  });
});

describe('destHost', () => {
  it.each<[string, string]>([
    ['thor', 'thor'],
    ['mac@thor', 'thor'],
    ['mac@Thor.tail1234.ts.net', 'thor'],
    ['user@host@weird', 'weird'],
  ])('%s → %s', (ssh, want) => expect(destHost(ssh)).toBe(want));
});

describe('host memo', () => {
  it('an offline host is skipped only within the retry window after the last try', () => {
    const cache = markOffline({}, 'fedora', 1000);
    expect(cache.fedora).toEqual({ offlineSince: 1000, lastTried: 1000 });
    expect(shouldSkip(cache.fedora, 1000 + DEFAULT_RETRY_SECONDS - 1, DEFAULT_RETRY_SECONDS)).toBe(true);
    expect(shouldSkip(cache.fedora, 1000 + DEFAULT_RETRY_SECONDS, DEFAULT_RETRY_SECONDS)).toBe(false);
    expect(shouldSkip(cache.fedora, 1005, 0)).toBe(false);
  });

  it('a host never seen, or online, is never skipped', () => {
    expect(shouldSkip(undefined, 5, 30)).toBe(false);
    expect(shouldSkip(markOnline({}, 'thor', 1, []).thor, 2, 30)).toBe(false);
  });

  it('failing again keeps when the outage began and moves the last try', () => {
    const once = markOffline({}, 'fedora', 1000);
    const twice = markOffline(once, 'fedora', 1100);
    expect(twice.fedora).toEqual({ offlineSince: 1000, lastTried: 1100 });
    expect(once.fedora).toEqual({ offlineSince: 1000, lastTried: 1000 });
  });

  it('answering clears the outage, keeps the agents it had, and leaves other hosts alone', () => {
    const agents = [{ project: 'api', status: 'idle' }];
    const cache: HostCache = { other: { seenAt: 1 }, fedora: { offlineSince: 900, lastTried: 1000 } };
    const next = markOnline(cache, 'fedora', 1200, agents);
    expect(next).toEqual({ other: { seenAt: 1 }, fedora: { agents, seenAt: 1200, lastTried: 1200 } });
    expect(cache.fedora).toEqual({ offlineSince: 900, lastTried: 1000 });
  });
});

describe('forgetOffline', () => {
  it('drops the outage of one host (its config changed), keeps what it last showed', () => {
    const cache = {
      fedora: { offlineSince: 900, lastTried: 1000, agents: [{ target: 'x' }], seenAt: 800 },
      thor: { offlineSince: 5, lastTried: 6 },
    };
    const next = forgetOffline(cache, 'fedora');
    expect(next.fedora).toEqual({ agents: [{ target: 'x' }], seenAt: 800 });
    expect(shouldSkip(next.fedora, 1001, 30)).toBe(false);
    expect(next.thor).toBe(cache.thor);
  });

  it('leaves a cache without that host as it is', () => {
    const cache = { thor: { seenAt: 1 } };
    expect(forgetOffline(cache, 'fedora')).toBe(cache);
  });
});

describe('offlineSinceText', () => {
  // Local time of day: build the expected text from the same Date the function sees.
  const since = Date.UTC(2026, 10, 29, 9, 5) / 1000;
  const d = new Date(since * 1000);
  const hhmm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

  it('the time of day within a day', () => {
    expect(offlineSinceText(since, since + 3600)).toBe(`offline since ${hhmm}`);
  });

  it('the date as well after a day', () => {
    expect(offlineSinceText(since, since + 86_400)).toBe(`offline since 2026-11-29 ${hhmm}`);
  });
});
