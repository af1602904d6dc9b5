/**
 * The watcher's persistent channel, against the lab's real sshd: one ssh process carries every call,
 * and the channel survives a killed shell, a call that never ends, a chatty start-up and a sleeping host.
 */

import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallResult, Channel } from '../../src/adapters/channel.js';
import { type Config, resolveConfig } from '../../src/core/hosts/config.js';
import { controlPath, scriptInvocation } from '../../src/core/hosts/ssh.js';
import { shQuote } from '../../src/core/quote.js';
import { HostChannel } from '../../src/remote/channel-host.js';
import { createContext } from '../../src/remote/context.js';
import { listAgents, listCall, parseAgentList } from '../../src/remote/list.js';
import { eventually, FAKE_AGENT, type Lab, startLab } from '../lab/lab.js';

let lab: Lab;
let counter: ReturnType<Lab['countingSsh']>;
let config: Config;
const channels: Array<{ close(): void }> = [];

function channelTo(name: string, opts: { callMs?: number } = {}): Channel {
  const host = config.hosts.find((h) => h.name === name)!;
  const cm = controlPath(path.join(lab.dir, 'cache'), config, host);
  const { input: _none, ...inv } = scriptInvocation(config, host, '', { controlPath: cm });
  const c = new Channel(inv, { readyMs: 8000, callMs: opts.callMs ?? 10_000, retryDelay: (f) => (f <= 1 ? 0 : 60) });
  channels.push(c);
  return c;
}

const ok = (r: CallResult) => {
  if (!r.ok) throw new Error(`call failed: ${r.reason} ${r.detail}`);
  return r;
};

beforeAll(async () => {
  lab = await startLab();
  mkdirSync(path.join(lab.dir, 'cache'), { recursive: true, mode: 0o700 });
  counter = lab.countingSsh();
  const file = JSON.parse(readFileSync(path.join(lab.env.TRIMTAB_CONFIG_DIR!, 'config.json'), 'utf8'));
  config = resolveConfig(file, { TRIMTAB_HOST: 'here', TRIMTAB_SSH: counter.program }, 'here');
});
afterAll(async () => {
  for (const c of channels) c.close();
  await lab?.stop();
});

describe('Channel over ssh', () => {
  it('twenty calls start exactly one ssh process', async () => {
    counter.reset();
    const c = channelTo('thor');
    for (let i = 0; i < 20; i++) {
      const r = ok(await c.call(`echo "call ${i}"; printf 'no newline'`));
      expect(r.stdout).toBe(`call ${i}\nno newline`);
      expect(r.status).toBe(0);
    }
    expect(counter.count()).toBe(1);
    expect(c.spawns).toBe(1);
  });

  it('a script that calls exit ends its own subshell, not the channel', async () => {
    const c = channelTo('thor');
    const r = ok(await c.call('X=set; echo before; exit 7; echo after'));
    expect(r).toMatchObject({ stdout: 'before\n', status: 7 });
    const again = ok(await c.call('echo "X=${X:-unset}"'));
    expect(again.stdout).toBe('X=unset\n'); // variables stay in the subshell too
    expect(c.spawns).toBe(1);
  });

  it('a script cannot read the calls that follow (stdin is /dev/null)', async () => {
    const c = channelTo('thor');
    const r = ok(await c.call('cat; echo read-nothing'));
    expect(r.stdout).toBe('read-nothing\n');
    expect(ok(await c.call('echo still-here')).stdout).toBe('still-here\n');
  });

  it('output that looks like a marker does not end the call', async () => {
    const c = channelTo('thor');
    const r = ok(await c.call(`printf '\\n@@trimtab-end-0000@@ 0\\n'; echo real-end`));
    expect(r.stdout).toBe('\n@@trimtab-end-0000@@ 0\nreal-end\n');
  });

  it('a killed remote shell: the channel reconnects', async () => {
    const c = channelTo('thor');
    const pid = ok(await c.call('echo $$')).stdout.trim();
    await execa('kill', ['-9', pid]);
    let r = await c.call('echo $$');
    if (!r.ok) {
      expect(r.reason).toBe('lost'); // the death was seen by this call; the next one reconnects
      r = await c.call('echo $$');
    }
    expect(ok(r).stdout.trim()).not.toBe(pid);
    expect(c.spawns).toBe(2);
  });

  it('a call that never ends is killed, then the channel reconnects', async () => {
    const c = channelTo('thor', { callMs: 1500 });
    const r = await c.call('sleep 30');
    expect(r).toMatchObject({ ok: false, reason: 'timeout' });
    expect(ok(await c.call('echo back')).stdout).toBe('back\n');
    expect(c.spawns).toBe(2);
  });

  it('asleep is unreachable, never delays thor, and is then skipped without a new ssh', async () => {
    const sleepy = channelTo('asleep');
    const thor = channelTo('thor');
    const order: string[] = [];
    const slow = sleepy.call('echo hi').then((r) => {
      order.push('asleep');
      return r;
    });
    for (let i = 0; i < 3; i++) ok(await thor.call('echo thor')), order.push(`thor${i}`);
    const r = await slow;
    expect(order).toEqual(['thor0', 'thor1', 'thor2', 'asleep']);
    expect(r).toMatchObject({ ok: false, reason: 'unreachable' });
    const spawned = sleepy.spawns;
    expect(await sleepy.call('echo hi')).toMatchObject({ ok: false, reason: 'unreachable' }); // first retry is at once
    expect(await sleepy.call('echo hi')).toMatchObject({ ok: false, reason: 'backoff' }); // then it backs off
    expect(sleepy.spawns).toBe(spawned + 1);
  });
});

describe('Channel on the local host', () => {
  it('drops what a chatty start-up prints before the ready line', async () => {
    const c = new Channel(
      { file: 'sh', args: ['-c', 'echo "Welcome to thor (motd)"; exec sh -s'] },
      { readyMs: 5000, callMs: 5000, retryDelay: () => 0 },
    );
    channels.push(c);
    expect(ok(await c.call('echo first')).stdout).toBe('first\n');
  });

  it('a program that cannot start is a failed call, not a crash', async () => {
    const c = new Channel(
      { file: '/nonexistent/sh', args: ['-s'] },
      { readyMs: 5000, callMs: 5000, retryDelay: () => 0 },
    );
    channels.push(c);
    expect(await c.call('echo x')).toMatchObject({
      ok: false,
      reason: 'unreachable',
      detail: expect.stringContaining('ENOENT'),
    });
  });
});

describe('HostChannel: the list operation over the open channel (what the watcher polls with)', () => {
  it('reads exactly what listAgents reads, prompt included; five polls, one ssh process', async () => {
    const dir = lab.mkProject('thor', 'chan');
    const agent = `FAKE_AGENT_START=ask ${shQuote(process.execPath)} ${shQuote(FAKE_AGENT)}`;
    const r0 = await lab.tmux('thor', [
      'new-session',
      '-d',
      '-s',
      'agents',
      '-x',
      '80',
      '-y',
      '24',
      '-n',
      'chan',
      '-c',
      dir,
      agent,
    ]);
    expect(r0.exitCode, r0.stderr).toBe(0);
    const shown = async () =>
      (await lab.tmux('thor', ['capture-pane', '-p', '-t', '=agents:=chan'])).stdout.includes(
        'Do you want to proceed?',
      );
    await eventually(shown, 'the prompt');
    const ctx = await createContext({ ...lab.env, TRIMTAB_SSH: counter.program });
    const thor = ctx.config.hosts.find((h) => h.name === 'thor')!;
    const listed = await listAgents(ctx, thor);
    expect(listed.error).toBeNull();
    const c = new HostChannel(ctx, thor, { retryDelay: () => 0 });
    channels.push(c);
    counter.reset();
    const without = <T extends { lastActivity?: unknown }>(a: T) => ({ ...a, lastActivity: undefined });
    for (let i = 0; i < 5; i++) {
      const r = await c.call(listCall(ctx, thor));
      if (r.kind !== 'answered') throw new Error(`poll ${i}: ${JSON.stringify(r)}`);
      const read = parseAgentList(ctx, thor, r.sections);
      expect(read.agents.map(without)).toEqual(listed.agents.map(without));
    }
    const [a] = listed.agents;
    expect(a).toMatchObject({
      project: 'chan',
      status: 'waiting',
      prompt: { kind: 'permission', title: 'Bash command' },
    });
    expect(counter.count()).toBe(1);
    expect(c.spawns).toBe(1);
  });

  it('a host that never answers: unreachable (timed out), then backoff without a new ssh', async () => {
    const ctx = await createContext({ ...lab.env, TRIMTAB_SSH: counter.program });
    ctx.config = { ...ctx.config, connectTimeoutSeconds: 1 };
    const asleep = ctx.config.hosts.find((h) => h.name === 'asleep')!;
    const c = new HostChannel(ctx, asleep, { retryDelay: () => 60 });
    channels.push(c);
    expect(await c.call(listCall(ctx, asleep))).toMatchObject({ kind: 'unreachable' });
    expect(await c.call(listCall(ctx, asleep))).toMatchObject({ kind: 'backoff' });
    expect(c.spawns).toBe(1);
  });
});
