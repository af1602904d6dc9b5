/**
 * What trimtab remembers between runs about hosts that did not answer (issue #5): a sleeping laptop
 * costs one connect timeout, then nothing until the retry window has passed. Pure data in and out.
 */
export interface HostMemo {
  /** Unix seconds: when it first failed to answer, in the current outage. */
  offlineSince?: number;
  /** Unix seconds: the last time trimtab tried to reach it. */
  lastTried?: number;
  /** The agents it had when it last answered, as `list --json` shows them. */
  agents?: Array<Record<string, unknown>>;
  /** Unix seconds: when it last answered. */
  seenAt?: number;
}

export type HostCache = Record<string, HostMemo>;

export const DEFAULT_RETRY_SECONDS = 30;

/** Skip a host that failed within the retry window: nothing to gain from paying the timeout again. */
export const shouldSkip = (memo: HostMemo | undefined, now: number, retrySeconds: number): boolean =>
  Boolean(memo?.offlineSince && memo.lastTried !== undefined && now - memo.lastTried < retrySeconds);

export function markOffline(cache: HostCache, name: string, now: number): HostCache {
  const memo = cache[name] ?? {};
  return { ...cache, [name]: { ...memo, offlineSince: memo.offlineSince ?? now, lastTried: now } };
}

export function markOnline(
  cache: HostCache,
  name: string,
  now: number,
  agents: Array<Record<string, unknown>>,
): HostCache {
  return { ...cache, [name]: { agents, seenAt: now, lastTried: now } };
}

/** A host whose config changed (new address, new options): try it at once, not after the retry window. */
export function forgetOffline(cache: HostCache, name: string): HostCache {
  const memo = cache[name];
  if (!memo?.offlineSince && memo?.lastTried === undefined) return cache;
  const { offlineSince: _since, lastTried: _tried, ...rest } = memo;
  return { ...cache, [name]: rest };
}

/** `offline since 10:42` (local time of day), or with the date when it is not today. */
export function offlineSinceText(since: number, now: number): string {
  const d = new Date(since * 1000);
  const hhmm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return now - since < 86_400 ? `offline since ${hhmm}` : `offline since ${d.toISOString().slice(0, 10)} ${hhmm}`;
}

/** Parse `tailscale status --json`: the host names of peers Tailscale says are offline (Online === false). */
export function tailscaleOffline(json: string): Set<string> {
  const offline = new Set<string>();
  try {
    const status = JSON.parse(json) as {
      Peer?: Record<string, { HostName?: string; DNSName?: string; Online?: boolean }>;
    };
    for (const peer of Object.values(status.Peer ?? {})) {
      if (peer.Online !== false) continue; // true still needs the timeout; missing means unknown
      if (peer.HostName) offline.add(peer.HostName.toLowerCase());
      const dns = peer.DNSName?.split('.')[0];
      if (dns) offline.add(dns.toLowerCase());
    }
  } catch {
    // not JSON: know nothing
  }
  return offline;
}

/** The machine name in an ssh destination: `mac@thor.tail.ts.net` → `thor`. */
export const destHost = (ssh: string) => (ssh.split('@').pop() ?? ssh).split('.')[0]!.toLowerCase();
