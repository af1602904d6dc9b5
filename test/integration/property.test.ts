/**
 * Property tests (issue #6): generated hostile texts, sent with the built trimtab to agents on the local
 * host and on remote hosts over the real lab sshd, must arrive byte for byte and run nothing; hostile
 * project names and targets must be refused (exit 2) before anything runs.
 *
 * The seed is printed; replay a failure with TRIMTAB_SEED=<seed>. Every failure message names it.
 *
 * As root (CI), the remote agents belong to three throwaway users whose login shells are bash, dash and
 * zsh, so every login shell gets a third of the texts; without root they are the lab's `thor` (the
 * current user). The 1,000 generated texts go through the bundle's own `main()` in one process
 * (test/fixtures/run-many.mjs): a Node start per text would cost more than the sends. The hand-picked
 * texts go through real `trimtab send` processes, so argv carries hostile bytes too.
 */

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXED_NAMES,
  FIXED_TEXTS,
  hostileName,
  hostileTexts,
  prng,
  seedFromEnv,
  VALID_NAME,
  validTarget,
} from '../lab/hostile.js';
import { eventually, type Lab, startLab, which } from '../lab/lab.js';
import { type Job, runMany as runJobs } from '../lab/run-many.js';
import { addShellUser, hereEntry, isRoot, type ShellUser, thorEntry, writeConfig } from '../lab/shell-user.js';

if (process.env.CI && !isRoot)
  throw new Error('CI must run the property tests as root (remote login shells are throwaway users)');

const SEED = seedFromEnv();
console.log(`property tests: seed ${SEED} (replay with TRIMTAB_SEED=${SEED})`);
/** Fixed in CI; TRIMTAB_PROPERTY_CASES only shortens a local run while working on this file. */
const CASES = process.env.CI ? 1000 : Number(process.env.TRIMTAB_PROPERTY_CASES || 1000);
const NAMES = 100;
const LOCAL_AGENTS = 6;
const AGENTS_PER_REMOTE = isRoot ? 3 : 6;

let lab: Lab;
let env: NodeJS.ProcessEnv;
let canaryDir = '';
let canary = '';
const users: ShellUser[] = [];

interface Agent {
  host: string;
  project: string;
  /** Its `.fake-agent.log`. */
  log: () => Array<Record<string, string>>;
}
const agents: Agent[] = [];
const sent = new Map<string, string[]>(); // target -> texts, in order
const targetOf = (a: Agent) => `${a.host}:${a.project}`;
const label = (a: Agent) => `${a.host}:agents:${a.project}`;

const trimtab = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  lab.trimtab(args, { env: { ...env, ...extra }, timeoutMs: 120_000 });

/** Run jobs through the bundle's main() in one process; lanes run in parallel, jobs in a lane in order. */
async function runMany(jobs: Job[], extra: NodeJS.ProcessEnv = {}) {
  try {
    return await runJobs(lab, { ...env, ...extra }, jobs);
  } catch (error) {
    throw new Error(`seed ${SEED}: ${(error as Error).message}`);
  }
}

const show = (text: string) =>
  JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…(${text.length} chars)` : text);

/** Every file named like the canary anywhere an injected command could have written it. */
function canaryHits(): string[] {
  const hits = readdirSync(canaryDir).map((f) => path.join(canaryDir, f));
  for (const root of [lab.dir, ...users.map((u) => u.home)]) {
    const r = execaSync('find', [root, '-name', 'CANARY*'], { reject: false });
    hits.push(...r.stdout.split('\n').filter(Boolean));
  }
  return [...new Set(hits)];
}

beforeAll(async () => {
  lab = await startLab();
  // Anyone may write here (injected commands would run as the lab users): the canary must be creatable.
  canaryDir = path.join(lab.dir, 'canary');
  mkdirSync(canaryDir);
  chmodSync(canaryDir, 0o1777);
  canary = path.join(canaryDir, 'CANARY');

  const remotes: Array<Record<string, unknown>> = [];
  const remoteAgents: Agent[] = [];
  if (isRoot) {
    for (const shell of ['bash', 'dash', 'zsh']) {
      const program = which(shell);
      if (!program)
        throw new Error(`${shell} is not installed: .ci/run installs dash and zsh (apt-get install -y dash zsh)`);
      const u = await addShellUser(lab, shell, program);
      users.push(u);
      remotes.push(u.entry);
      for (let k = 0; k < AGENTS_PER_REMOTE; k++) {
        u.mkProject(`r${k}`);
        remoteAgents.push({ host: shell, project: `r${k}`, log: () => u.agentLog(`r${k}`) });
      }
    }
  } else {
    remotes.push(thorEntry(lab));
    for (let k = 0; k < AGENTS_PER_REMOTE; k++) {
      lab.mkProject('thor', `r${k}`);
      remoteAgents.push({ host: 'thor', project: `r${k}`, log: () => lab.agentLog('thor', `r${k}`) });
    }
  }
  for (let k = 0; k < LOCAL_AGENTS; k++) {
    lab.mkProject('here', `l${k}`);
    agents.push({ host: 'here', project: `l${k}`, log: () => lab.agentLog('here', `l${k}`) });
  }
  agents.push(...remoteAgents);
  env = writeConfig(lab, 'property-config', [hereEntry(lab), ...remotes]);

  const spawned = await runMany(
    agents.map((a) => ({ lane: a.host, argv: ['spawn', '--on', a.host, a.project, '--no-attach'] })),
  );
  spawned.forEach((r, i) => expect(r.code, `spawn ${targetOf(agents[i]!)}: ${r.stderr}`).toBe(0));
  for (const a of agents)
    await eventually(() => a.log().some((l) => l.event === 'start'), `${targetOf(a)} to start`, 20_000);
}, 180_000);

afterAll(async () => {
  await lab?.stop();
});

/** Wait until each agent has logged as many submits as texts sent to it, then compare byte for byte. */
async function expectArrived() {
  for (const a of agents) {
    const want = sent.get(targetOf(a)) ?? [];
    const submits = () =>
      a
        .log()
        .filter((l) => l.event === 'submit')
        .map((l) => l.text);
    await eventually(
      () => submits().length >= want.length,
      `${targetOf(a)} to get ${want.length} texts (seed ${SEED})`,
      30_000,
    ).catch(() => undefined);
    const got = submits();
    const first = want.findIndex((t, i) => got[i] !== t);
    if (first >= 0 || got.length !== want.length) {
      const i = first >= 0 ? first : Math.min(got.length, want.length);
      throw new Error(
        `seed ${SEED}: ${targetOf(a)} text #${i} differs: sent ${show(want[i] ?? '(nothing)')}, the agent got ${show(got[i] ?? '(nothing)')} ` +
          `(${got.length} of ${want.length} arrived)`,
      );
    }
    const odd = a.log().filter((l) => l.event === 'ignored' || l.event === 'error' || l.event === 'exit');
    expect(odd, `seed ${SEED}: ${targetOf(a)} logged input it did not take`).toEqual([]);
  }
  expect(canaryHits(), `seed ${SEED}: an injected command ran`).toEqual([]);
}

const record = (a: Agent, text: string) => sent.set(targetOf(a), [...(sent.get(targetOf(a)) ?? []), text]);

describe(`the generated texts (seed ${SEED})`, () => {
  /** Every kind of text the issue names, so an edit to the generator cannot quietly drop one. */
  const KINDS: Record<string, (s: string) => boolean> = {
    "single quote '": (s) => s.includes("'"),
    'double quote "': (s) => s.includes('"'),
    '$( )': (s) => s.includes('$('),
    'backtick `': (s) => s.includes('`'),
    '; inside': (s) => s.slice(0, -1).includes(';'),
    'trailing ;': (s) => s.endsWith(';'),
    '&&': (s) => s.includes('&&'),
    '|': (s) => s.includes('|'),
    '>': (s) => s.includes('>'),
    'leading -': (s) => s.startsWith('-'),
    backslash: (s) => s.includes('\\'),
    '%': (s) => s.includes('%'),
    tab: (s) => s.includes('\t'),
    newline: (s) => s.includes('\n'),
    CJK: (s) => /[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]/.test(s),
    emoji: (s) => /\p{Extended_Pictographic}/u.test(s),
    'combining mark': (s) => /\p{M}/u.test(s),
    'very long line (4 KB+)': (s) => s.length >= 4096,
  };

  it(`${CASES} texts, each kind the issue names well represented, all valid UTF-8 and free of NUL`, () => {
    const texts = hostileTexts(SEED, CASES, '/x/CANARY');
    expect(texts).toHaveLength(CASES);
    const counts = Object.fromEntries(Object.entries(KINDS).map(([k, f]) => [k, texts.filter(f).length]));
    const least = CASES >= 1000 ? { long: 10, other: 20 } : { long: 0, other: 1 };
    for (const [k, n] of Object.entries(counts)) {
      expect(n, `seed ${SEED}: only ${n} texts with ${k}: ${JSON.stringify(counts)}`).toBeGreaterThanOrEqual(
        k.startsWith('very long') ? least.long : least.other,
      );
    }
    for (const t of texts) {
      expect(Buffer.from(t, 'utf8').toString('utf8'), `seed ${SEED}: ${show(t)} is not valid UTF-16/UTF-8`).toBe(t);
      expect(t.includes('\0')).toBe(false);
      expect(t.trim()).not.toBe('');
    }
  });
});

describe(`send: hostile texts (seed ${SEED})`, () => {
  it('hand-picked texts, each a real `trimtab send` process, arrive byte for byte locally and remotely', async () => {
    const local = agents.find((a) => a.host === 'here')!;
    const remotes = agents.filter((a) => a.host !== 'here');
    const texts = FIXED_TEXTS(canary);
    // One lane per agent: the local one takes every text, the remote ones share them.
    const lanes = new Map<Agent, string[]>([[local, texts]]);
    texts.forEach((t, i) => {
      const r = remotes[i % remotes.length]!;
      lanes.set(r, [...(lanes.get(r) ?? []), t]);
    });
    await Promise.all(
      [...lanes].map(async ([a, list]) => {
        for (const text of list) {
          const r = await trimtab(['send', targetOf(a), '--', text]);
          expect(r.exitCode, `seed ${SEED}: send ${show(text)} to ${targetOf(a)}: ${r.stderr}`).toBe(0);
          expect(r.stdout.startsWith(`→ ${label(a)}  `)).toBe(true);
          record(a, text);
        }
      }),
    );
    await expectArrived();
  }, 300_000);

  it(`${CASES} generated texts arrive byte for byte at a local and a remote agent, and none runs`, async () => {
    const texts = hostileTexts(SEED, CASES, canary);
    const local = agents.filter((a) => a.host === 'here');
    const remote = agents.filter((a) => a.host !== 'here');
    const jobs: Array<{ lane: string; argv: string[]; agent: Agent; text: string }> = [];
    texts.forEach((text, i) => {
      for (const a of [local[i % local.length]!, remote[i % remote.length]!]) {
        jobs.push({ lane: targetOf(a), argv: ['send', targetOf(a), '--', text], agent: a, text });
      }
    });
    const results = await runMany(jobs.map(({ lane, argv }) => ({ lane, argv })));
    results.forEach((r, i) => {
      const { agent, text } = jobs[i]!;
      expect(r.code, `seed ${SEED}: send ${show(text)} to ${targetOf(agent)} exited ${r.code}: ${r.stderr}`).toBe(0);
      expect(r.stderr, `seed ${SEED}: send ${show(text)} to ${targetOf(agent)}`).toBe('');
      record(agent, text);
    });
    await expectArrived();
  }, 900_000);

  it('the sent log holds every text, delivered, in order, for each agent', () => {
    const lines = readFileSync(path.join(env.TRIMTAB_STATE_DIR!, 'sent.log'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const a of agents) {
      const mine = lines.filter((l) => l.target === label(a));
      expect(
        mine.map((l) => l.text),
        `seed ${SEED}: sent.log for ${targetOf(a)}`,
      ).toEqual(sent.get(targetOf(a)));
      for (const l of mine) {
        expect(l).toMatchObject({ host: a.host, result: 'delivered' });
        expect(Object.keys(l)).toEqual(['time', 'host', 'target', 'text', 'result', 'from']);
      }
    }
  });

  it('broadcast delivers generated texts to every agent at once', async () => {
    const texts = hostileTexts(SEED ^ 0x5bd1e995, 4, canary);
    const results = await runMany(texts.map((text) => ({ lane: 'all', argv: ['broadcast', '--yes', '--', text] })));
    results.forEach((r, i) => {
      expect(r.code, `seed ${SEED}: broadcast ${show(texts[i]!)}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim().split('\n'), `seed ${SEED}: broadcast ${show(texts[i]!)}`).toHaveLength(agents.length);
    });
    for (const text of texts) for (const a of agents) record(a, text);
    await expectArrived();
  }, 300_000);
});

describe(`hostile names and targets are refused before anything runs (seed ${SEED})`, () => {
  it('spawn, peek, attach and send: exit 2, no ssh, no tmux server, nothing logged', async () => {
    const rand = prng(SEED ^ 0x9e3779b9);
    const names = [...FIXED_NAMES, ...Array.from({ length: NAMES }, () => hostileName(rand, canary))];
    // A config whose hosts use tmux sockets no server listens on: any tmux run would start one... or fail to.
    const fresh = `${lab.socket('here')}-names`;
    const namesEnv = writeConfig(lab, 'names-config', [
      { ...hereEntry(lab), tmuxSocket: fresh },
      { ...thorEntry(lab), tmuxSocket: `${fresh}-thor` },
    ]);
    const hosts = ['here', 'thor'];
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
    const ssh = lab.countingSsh();
    const jobs: Array<{ lane: string; argv: string[]; expect: RegExp }> = [];
    const project = /invalid project name|missing PROJECT|unknown host/;
    const target = /invalid target|missing TARGET/;
    for (const n of names) {
      if (!VALID_NAME.test(n)) {
        jobs.push({ lane: 'x', argv: ['spawn', '--', n], expect: project });
        jobs.push({ lane: 'x', argv: ['spawn', '--on', 'thor', '--', n], expect: project });
      }
      if (n !== '') jobs.push({ lane: 'x', argv: ['spawn', `--on=${n}`, 'alpha'], expect: /unknown host/ });
      // Every shape for the hand-picked names, two random shapes for each generated one.
      const shapes = [
        n,
        `thor:${n}`,
        `here:${n}`,
        `thor:agents:${n}`,
        `thor:${n}:x`,
        `%${n}`,
        `thor:%${n}`,
        `${n}:${n}:${n}`,
      ];
      const some = FIXED_NAMES.includes(n) ? shapes : [pick(shapes), pick(shapes)];
      for (const t of some) {
        if (validTarget(t, hosts)) continue;
        for (const verb of ['peek', 'attach']) jobs.push({ lane: 'x', argv: [verb, '--', t], expect: target });
        jobs.push({ lane: 'x', argv: ['send', '--', t, 'hi'], expect: target });
      }
    }
    expect(jobs.length).toBeGreaterThan(500);
    const results = await runMany(jobs, { ...namesEnv, TRIMTAB_SSH: ssh.program });
    results.forEach((r, i) => {
      const job = jobs[i]!;
      const what = `seed ${SEED}: trimtab ${job.argv.map((a) => JSON.stringify(a)).join(' ')}`;
      expect(r.code, `${what}: ${r.stderr}`).toBe(2);
      expect(r.stderr, what).toMatch(job.expect);
      expect(r.stderr, what).not.toMatch(/^\s+at /m);
    });
    expect(ssh.count(), `seed ${SEED}: ssh calls`).toBe(0);
    for (const socket of [fresh, `${fresh}-thor`]) {
      const r = await execa('tmux', ['-L', socket, 'list-sessions'], { reject: false });
      expect(r.exitCode, `seed ${SEED}: a tmux server started on ${socket}`).not.toBe(0);
    }
    expect(existsSync(path.join(namesEnv.TRIMTAB_STATE_DIR!, 'sent.log'))).toBe(false);
    expect(canaryHits(), `seed ${SEED}: an injected command ran`).toEqual([]);
  }, 300_000);
});
