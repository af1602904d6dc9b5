/**
 * Remote operations over a host's persistent channel (adapters/channel.ts) instead of one process
 * per call: for the watcher, which asks every host the same question every few seconds. A call sends
 * the same script an operation sends through the transport and comes back as the transport's
 * CallResult, so the operation's own reader (e.g. parseAgentList) reads it: the watcher gets
 * exactly what `trimtab list` gets. The ssh master is the transport's (muxPath): one ControlPath
 * decision for every call trimtab makes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Channel } from '../adapters/channel.js';
import type { Host } from '../core/hosts/config.js';
import { scriptInvocation } from '../core/hosts/ssh.js';
import { markerFor, parseSections } from '../core/protocol.js';
import type { CallResult } from '../core/remote-errors.js';
import type { Ctx } from './context.js';
import { dropMaster, muxPath } from './transport.js';

/** A CallResult, or `backoff`: not tried, the host failed lately and its next try is not due. */
export type ChannelCallResult = CallResult | { kind: 'backoff'; detail: string };

export interface HostChannelOptions {
  /** Seconds to wait before reconnecting after `failures` failures in a row. */
  retryDelay: (failures: number) => number;
}

export class HostChannel {
  private readonly channel: Channel;

  constructor(
    private readonly ctx: Ctx,
    readonly host: Host,
    opts: HostChannelOptions,
  ) {
    const cp = muxPath(ctx, host);
    // The constant `sh -s` (through the master elsewhere), without a script: the channel writes calls.
    const { input: _none, ...inv } = scriptInvocation(ctx.config, host, '', { controlPath: cp });
    const timeout = ctx.config.connectTimeoutSeconds;
    this.channel = new Channel(inv, {
      readyMs: (timeout + 3) * 1000,
      callMs: (timeout + 15) * 1000,
      retryDelay: opts.retryDelay,
      // A master that hangs accepts sessions and says nothing (ConnectTimeout does not apply to it):
      // drop it, so the next try connects afresh.
      onUnready: async () => {
        if (!cp || !existsSync(cp)) return;
        await dropMaster(ctx, host, cp);
      },
    });
  }

  /** Processes started so far: one for the whole run unless the host dropped it. */
  get spawns(): number {
    return this.channel.spawns;
  }

  /** Run `build(marker)` on the host over the open channel. Never throws. */
  async call(build: (marker: string) => string): Promise<ChannelCallResult> {
    const marker = markerFor(randomBytes(6).toString('hex'));
    const r = await this.channel.call(build(marker));
    if (!r.ok) {
      switch (r.reason) {
        case 'backoff':
          return { kind: 'backoff', detail: r.detail };
        case 'unreachable':
          return { kind: 'unreachable', stderr: r.detail, timedOut: /timed out/.test(r.detail) };
        case 'timeout':
          return { kind: 'lost', sections: [], timedOutAfter: this.ctx.config.connectTimeoutSeconds + 15 };
        case 'lost':
          return { kind: 'lost', sections: [] };
      }
    }
    const sections = parseSections(r.stdout, marker);
    const said = (tag: string) => sections.some((s) => s.tag === tag);
    if (sections.length === 0) return { kind: 'silent', stderr: '', exitCode: r.status };
    // The subshell ended before the script did (killed on the host): an answer cut off.
    if (!said('end') && !said('error') && !said('notmux') && !said('noserver')) return { kind: 'lost', sections };
    return { kind: 'answered', sections };
  }

  close(): void {
    this.channel.close();
  }
}
