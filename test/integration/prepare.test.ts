/**
 * doctor and prepare end to end (issue #4): the built dist/trimtab.mjs against the lab, with real git
 * repos. Bare repos in the lab dir are the remotes (the lab hosts are one machine, so a path reaches
 * them from every host). The local side gets its own HOME, so this machine's ~/.claude is never read
 * or written; ~/.claude on a target is only written for a throwaway user.
 */

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, seedRepo } from '../lab/git.js';
import { FAKE_AGENT, type Lab, startLab } from '../lab/lab.js';

let lab: Lab;
/** This machine's HOME for trimtab: no ~/.claude files, so nothing is copied to the lab hosts' real homes. */
let bareHome: string;
let remotes: string;
const repo = (name: string) => path.join(remotes, `${name}.git`);

/** The real ~/.claude files: the suite must leave them exactly as they were. */
const realClaude = () =>
  ['CLAUDE.md', 'settings.json'].map((f) => {
    const p = path.join(os.homedir(), '.claude', f);
    return existsSync(p) ? readFileSync(p, 'utf8') : null;
  });
let realBefore: Array<string | null>;

beforeAll(async () => {
  realBefore = realClaude();
  lab = await startLab();
  bareHome = path.join(lab.dir, 'home-empty');
  mkdirSync(bareHome);
  remotes = path.join(lab.dir, 'remotes');
  const seed = path.join(lab.dir, 'seed');
  await seedRepo(seed, 'seed\n');
  for (const r of ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'other'])
    await git(lab.dir, 'clone', '-q', '--bare', seed, repo(r));

  // This machine (`here`): five projects with a remote, one repo without, one plain dir.
  const here = lab.projects('here');
  for (const r of ['alpha', 'beta', 'gamma', 'epsilon']) await git(here, 'clone', '-q', repo(r), r);
  await git(here, 'init', '-q', 'delta');
  await git(path.join(here, 'delta'), 'remote', 'add', 'upstream', repo('delta')); // no origin: the first remote counts
  await git(here, 'init', '-q', 'notes');
  lab.mkProject('here', 'plain');

  // thor: beta already cloned (the same remote, spelled as a file:// URL), gamma from another remote,
  // epsilon a plain dir with someone's work in it.
  const thor = lab.projects('thor');
  await git(thor, 'clone', '-q', `file://${repo('beta')}`, 'beta');
  await git(thor, 'clone', '-q', repo('other'), 'gamma');
  writeFileSync(path.join(lab.mkProject('thor', 'epsilon'), 'notes.txt'), 'mine\n');
});

afterAll(async () => {
  await lab?.stop();
  expect(realClaude()).toEqual(realBefore);
});

type Env = NodeJS.ProcessEnv;
const trimtab = (args: string[], env: Env = {}) =>
  lab.trimtab(args, { env: { HOME: bareHome, COLUMNS: '40', ...env }, timeoutMs: 120_000 });
const lines = (s: string) => s.trimEnd().split('\n');
const expectFits = (stdout: string, cols = 40) => {
  for (const l of lines(stdout)) expect([...l].length, l).toBeLessThanOrEqual(cols);
};
const doctorJson = async (host: string, env: Env = {}) => {
  const r = await trimtab(['doctor', host, '--json'], env);
  const report = JSON.parse(r.stdout).hosts[0] as {
    status: string;
    findings: Array<{ check: string; level: string; text: string; fix: string | null }>;
  };
  const by = Object.fromEntries(report.findings.map((f) => [f.check, f]));
  return { exitCode: r.exitCode, stderr: r.stderr, status: report.status, by };
};
const hasSession = async (host: 'thor' | 'fedora') =>
  (await lab.tmux(host, ['has-session', '-t', '=agents'])).exitCode === 0;
/** Output with its wrapping undone: a long path may be shifted or broken to fit 40 columns. */
const unwrapped = (s: string) => s.replace(/\n */g, '');
const ls = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('doctor', () => {
  it('checks every host in parallel, one ssh each, fits 40 columns, exit 3 for the sleeping one', async () => {
    const ssh = lab.countingSsh();
    const r = await trimtab(['doctor'], { TRIMTAB_SSH: ssh.program });
    expect(r.exitCode, r.stderr).toBe(3);
    expect(ssh.count()).toBe(3); // thor, fedora, asleep; here is plain sh
    expectFits(r.stdout);
    const out = lines(r.stdout);
    expect(out[0]).toMatch(/^here {2}this machine {2}\d+ ms$/);
    expect(out).toContain('asleep  unreachable');
    expect(out).toContain('  ✖ timed out after 2 s');
    expect(out).toContain('  ⚠ no tmux session agents');
    expect(r.stderr).toContain('cannot reach asleep');
  });

  it('reports thor before prepare: projects counted, no session yet (a warning, exit 0)', async () => {
    const d = await doctorJson('thor');
    expect(d.exitCode, d.stderr).toBe(0);
    expect(d.status).toBe('warn');
    expect(d.by.projects).toMatchObject({ level: 'ok', text: `3 projects in ${lab.projects('thor')}` });
    expect(d.by.session).toMatchObject({ level: 'warn', fix: 'trimtab prepare thor' });
    const node = process.execPath.startsWith(`${os.homedir()}/`)
      ? `~${process.execPath.slice(os.homedir().length)}`
      : process.execPath;
    expect(d.by.agent).toMatchObject({ level: 'ok', text: `agent ${node}` });
    for (const c of ['tmux', 'git', 'node']) expect(d.by[c]?.level, c).toBe('ok');
  });

  it('rejects an unknown host (exit 2)', async () => {
    const r = await trimtab(['doctor', 'mars']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown host "mars"');
  });
});

describe('prepare', () => {
  it('--dry-run prints the plan and changes nothing', async () => {
    const r = await trimtab(['prepare', 'thor', '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expectFits(r.stdout);
    const out = lines(r.stdout);
    expect(out[0]).toBe('plan for thor (from here), dry run:');
    for (const l of [
      '+ clone alpha',
      '· beta already cloned',
      '+ clone delta',
      '⚠ gamma: other remote, left alone',
      '⚠ epsilon: not a git repo, left alone',
      '- notes skipped: no git remote',
      '- plain skipped: not a git repo',
      '- CLAUDE.md: none on this machine',
      '- settings.json: none on this machine',
      '+ create session agents',
    ])
      expect(out, l).toContain(l);
    expect(unwrapped(r.stdout)).toContain(`+ clone alpha${repo('alpha')}`);
    expect(r.stderr).toContain('dry run: 3 changes to make, 2 left alone');
    expect(ls(lab.projects('thor'))).toEqual(['beta', 'epsilon', 'gamma']);
    expect(await hasSession('thor')).toBe(false);
  });

  it('clones what is missing, leaves the rest alone, makes the session and checks the agent', async () => {
    const r = await trimtab(['prepare', 'thor']);
    expect(r.exitCode, r.stderr).toBe(0);
    expectFits(r.stdout);
    const out = lines(r.stdout);
    for (const l of [
      '✔ cloned alpha',
      '✔ cloned delta',
      '· beta already cloned',
      '✔ created session agents',
      '✔ agent starts: 2.1.34 (Claude Code)',
    ]) {
      expect(out, l).toContain(l);
    }
    expect(r.stderr).toContain('thor prepared: 3 changes, 2 left alone');
    const thor = lab.projects('thor');
    expect(ls(thor)).toEqual(['alpha', 'beta', 'delta', 'epsilon', 'gamma']);
    expect(await git(path.join(thor, 'alpha'), 'remote', 'get-url', 'origin')).toBe(repo('alpha'));
    expect(await git(path.join(thor, 'delta'), 'remote', 'get-url', 'origin')).toBe(repo('delta'));
    expect(existsSync(path.join(thor, 'alpha', 'README.md'))).toBe(true);
    // The conflicts are untouched.
    expect(await git(path.join(thor, 'gamma'), 'remote', 'get-url', 'origin')).toBe(repo('other'));
    expect(ls(path.join(thor, 'epsilon'))).toEqual(['notes.txt']);
    expect(await hasSession('thor')).toBe(true);
    // The session's first window is a shell, not an agent: list does not show it.
    const list = await trimtab(['list', '--json', '--host', 'thor']);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).agents).toEqual([]);
  });

  it('a second run changes nothing and says so', async () => {
    const thor = lab.projects('thor');
    const before = ls(thor).map((p) => [p, statSync(path.join(thor, p)).mtimeMs]);
    const r = await trimtab(['prepare', 'thor']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^[+✔] (?!agent starts)/m);
    expect(lines(r.stdout)).toContain('· session agents exists');
    expect(r.stderr).toContain('nothing to change: thor is ready, 2 left alone');
    expect(ls(thor).map((p) => [p, statSync(path.join(thor, p)).mtimeMs])).toEqual(before);
    const windows = await lab.tmux('thor', ['list-windows', '-t', '=agents', '-F', '#{window_name}']);
    expect(windows.stdout.trim().split('\n')).toHaveLength(1);
    const dry = await trimtab(['prepare', 'thor', '--dry-run']);
    expect(dry.stderr).toContain('nothing to change: thor is ready');
  });

  it('doctor after prepare: the session is there and the new projects are counted', async () => {
    const d = await doctorJson('thor');
    expect(d.exitCode, d.stderr).toBe(0);
    expect(d.status).toBe('ok');
    expect(d.by.projects?.text).toBe(`5 projects in ${lab.projects('thor')}`);
    expect(d.by.session).toMatchObject({ level: 'ok', text: 'tmux session agents exists' });
  });

  it('--projects picks projects; an unknown one is bad usage (exit 2)', async () => {
    const r = await trimtab(['prepare', 'fedora', '--projects', 'alpha,notes', '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    const items = lines(r.stdout).filter((l) =>
      /^[+·⚠-] (alpha|beta|gamma|delta|epsilon|notes|plain)\b|^\+ clone/.test(l),
    );
    expect(items).toEqual(['+ clone alpha', '- notes skipped: no git remote']);
    const bad = await trimtab(['prepare', 'fedora', '--projects', 'alpha,nope']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('no project "nope"');
    expect(ls(lab.projects('fedora'))).toEqual([]);
  });

  it('works the other way round: from thor (local) to fedora, with their own dirs', async () => {
    const r = await trimtab(['prepare', 'fedora'], { TRIMTAB_HOST: 'thor' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(lines(r.stdout)[0]).toBe('prepare fedora (from thor):');
    expect(lines(r.stdout)).toContain('- epsilon skipped: not a git repo');
    const fedora = lab.projects('fedora');
    expect(ls(fedora)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    // thor's gamma came from the other remote: so does fedora's.
    expect(await git(path.join(fedora, 'gamma'), 'remote', 'get-url', 'origin')).toBe(repo('other'));
  });

  it('exits 3 for a sleeping host and 2 for an unknown one, before changing anything', async () => {
    expect((await trimtab(['prepare', 'asleep'])).exitCode).toBe(3);
    expect((await trimtab(['prepare', 'mars'])).exitCode).toBe(2);
    expect((await trimtab(['prepare'])).exitCode).toBe(2);
  });
});

// A second account on thor: its own HOME, ~/.claude and non-interactive PATH. Making one needs root
// (useradd), so without root these cases are skipped, except in CI (which runs as root), where they
// must run: there addUser fails loudly instead.
const isRoot = process.getuid?.() === 0;
const canMakeUsers = isRoot || Boolean(process.env.CI);
if (!canMakeUsers) console.log('skipping the throwaway-user cases of prepare.test.ts: they need root (useradd)');

describe('a fresh account whose agent is only in ~/.npm-global/bin', () => {
  let user: { name: string; home: string };
  let env: Env;
  let configFile: string;
  const mine = { 'CLAUDE.md': '# shared rules\nbe brief\n', 'settings.json': '{ "model": "opus" }\n' };
  const claudeDir = () => path.join(user.home, '.claude');
  const setAgent = (agentCommand?: string) => {
    const config = JSON.parse(readFileSync(path.join(lab.env.TRIMTAB_CONFIG_DIR!, 'config.json'), 'utf8'));
    const box: Record<string, string> = {
      name: 'box',
      ssh: `${user.name}@thor`,
      tmuxSocket: `${lab.socket('thor')}-box`,
    };
    if (agentCommand) box.agentCommand = agentCommand;
    config.hosts.push(box);
    writeFileSync(configFile, JSON.stringify(config));
  };

  beforeAll(async () => {
    if (!canMakeUsers) return;
    user = lab.addUser();
    // Claude Code installed by npm with a user prefix: not in the PATH of `ssh box cmd`.
    const bin = path.join(user.home, '.npm-global', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'claude'), `#!/bin/sh\nexec '${process.execPath}' '${FAKE_AGENT}' "$@"\n`);
    chmodSync(path.join(bin, 'claude'), 0o755);
    mkdirSync(path.join(user.home, '.claude'));
    writeFileSync(path.join(user.home, '.claude', 'settings.json'), '{ "theirs": true }\n');
    // The lab's bare repos belong to root, and git refuses to read a repository another user owns
    // ("dubious ownership"). Real remotes are on a server; here the user says it trusts them.
    writeFileSync(
      path.join(user.home, '.gitconfig'),
      `[safe]\n${['alpha', 'beta'].map((r) => `\tdirectory = ${repo(r)}\n`).join('')}`,
    );
    await execa('chown', ['-R', `${user.name}:`, user.home]);
    // This machine's HOME, with the files to share.
    const home = path.join(lab.dir, 'home-box');
    mkdirSync(path.join(home, '.claude'), { recursive: true });
    for (const [f, text] of Object.entries(mine)) writeFileSync(path.join(home, '.claude', f), text, { mode: 0o600 });
    const configDir = path.join(lab.dir, 'config-box');
    mkdirSync(configDir);
    configFile = path.join(configDir, 'config.json');
    setAgent();
    env = { HOME: home, TRIMTAB_CONFIG_DIR: configDir };
  });

  it.runIf(canMakeUsers)(
    'doctor finds the agent off the PATH and says which agentCommand to set (exit 1)',
    async () => {
      const d = await doctorJson('box', env);
      expect(d.exitCode, d.stderr).toBe(1);
      expect(d.by.agent).toEqual({
        check: 'agent',
        level: 'fail',
        text: 'claude not in the ssh PATH',
        fix: `trimtab hosts set box --agent ${user.home}/.npm-global/bin/claude`,
      });
      expect(d.by.projects).toMatchObject({
        level: 'fail',
        text: 'no projects dir ~/1-Projects',
        fix: 'trimtab prepare box',
      });
      expect(d.by.session?.level).toBe('warn');
      expect(d.by['CLAUDE.md']).toMatchObject({ level: 'warn', text: 'CLAUDE.md missing' });
      expect(d.by['settings.json']).toMatchObject({ level: 'warn', text: 'settings.json differs from here' });
      const text = await trimtab(['doctor', 'box'], env);
      expectFits(text.stdout);
      expect(unwrapped(text.stdout)).toContain(
        `✖ claude not in the ssh PATH→ trimtab hosts set box --agent${user.home}/.npm-global/bin/claude`,
      );
      expect(text.stderr).toContain('to fix: box');
    },
  );

  it.runIf(canMakeUsers)('--dry-run shows the copies and the agent problem, and writes nothing', async () => {
    const r = await trimtab(['prepare', 'box', '--projects', 'alpha,beta', '--dry-run'], env);
    expect(r.exitCode).toBe(1); // the agent will not start as configured
    for (const l of [
      '+ create ~/1-Projects',
      '+ clone alpha',
      '+ clone beta',
      '+ copy ~/.claude/CLAUDE.md',
      '+ replace ~/.claude/settings.json',
      '✖ claude not in the ssh PATH',
    ]) {
      expect(lines(r.stdout), l).toContain(l);
    }
    expect(existsSync(path.join(user.home, '1-Projects'))).toBe(false);
    expect(ls(claudeDir())).toEqual(['settings.json']);
  });

  it.runIf(canMakeUsers)(
    'prepare clones as that user, copies ~/.claude with a backup, and says to fix agentCommand',
    async () => {
      const r = await trimtab(['prepare', 'box', '--projects', 'alpha,beta'], env);
      expect(r.exitCode).toBe(1);
      const out = lines(r.stdout);
      for (const l of [
        '✔ created ~/1-Projects',
        '✔ cloned alpha',
        '✔ cloned beta',
        '✔ copied ~/.claude/CLAUDE.md',
        '✔ replaced ~/.claude/settings.json',
        '✔ created session agents',
        '✖ agent does not start (not found)',
      ]) {
        expect(out, l).toContain(l);
      }
      expect(unwrapped(r.stdout)).toContain(`→ trimtab hosts set box --agent${user.home}/.npm-global/bin/claude`);
      expect(r.stderr).toContain('1 problem on box');
      const projects = path.join(user.home, '1-Projects');
      expect(ls(projects)).toEqual(['alpha', 'beta']);
      expect(statSync(path.join(projects, 'alpha')).uid).toBe(statSync(user.home).uid);
      for (const [f, text] of Object.entries(mine)) {
        expect(readFileSync(path.join(claudeDir(), f), 'utf8')).toBe(text);
        expect(statSync(path.join(claudeDir(), f)).mode & 0o777).toBe(0o600);
      }
      const backups = ls(claudeDir()).filter((f) => f.startsWith('settings.json.bak-'));
      expect(backups).toHaveLength(1);
      expect(backups[0]).toMatch(/^settings\.json\.bak-\d{8}-\d{6}$/);
      expect(readFileSync(path.join(claudeDir(), backups[0]!), 'utf8')).toBe('{ "theirs": true }\n');
    },
  );

  it.runIf(canMakeUsers)(
    'after the fix doctor gives (run as given), a second run changes nothing and the agent starts',
    async () => {
      const fix = (await doctorJson('box', env)).by.agent!.fix!;
      expect(fix).toMatch(/^trimtab hosts set box --agent \S+$/);
      const set = await trimtab(fix.split(' ').slice(1), env);
      expect(set.exitCode, set.stderr).toBe(0);
      const r = await trimtab(['prepare', 'box', '--projects', 'alpha,beta'], env);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(lines(r.stdout)).toContain('✔ agent starts: 2.1.34 (Claude Code)');
      expect(lines(r.stdout)).toContain('· CLAUDE.md same as here');
      expect(r.stderr).toContain('nothing to change: box is ready');
      expect(ls(claudeDir()).filter((f) => f.includes('.bak-'))).toHaveLength(1);
    },
  );

  it.runIf(canMakeUsers)('doctor after: all good (exit 0)', async () => {
    const d = await doctorJson('box', env);
    expect(d.exitCode, JSON.stringify(d.by)).toBe(0);
    expect(d.status).toBe('ok');
    expect(d.by['settings.json']?.text).toBe('settings.json same as here');
    expect(d.by.projects?.text).toBe('2 projects in ~/1-Projects');
  });

  it.runIf(canMakeUsers)('then spawn starts the agent there', async () => {
    const r = await trimtab(['spawn', '--on', 'box', 'alpha', '--no-attach'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('box:agents:alpha');
  });

  it.runIf(canMakeUsers)('keeps every older backup: a changed file gets a new one', async () => {
    writeFileSync(path.join(claudeDir(), 'settings.json'), '{ "changed": "again" }\n');
    await execa('chown', [`${user.name}:`, path.join(claudeDir(), 'settings.json')]);
    for (let i = 0; i < 2; i++)
      expect((await trimtab(['prepare', 'box', '--projects', 'alpha'], env)).exitCode).toBe(0);
    const backups = ls(claudeDir()).filter((f) => f.startsWith('settings.json.bak-'));
    expect(backups).toHaveLength(2);
    expect(backups.map((b) => readFileSync(path.join(claudeDir(), b), 'utf8')).sort()).toEqual([
      '{ "changed": "again" }\n',
      '{ "theirs": true }\n',
    ]);
  });
});
