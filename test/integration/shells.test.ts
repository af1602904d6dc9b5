/**
 * The remote login shell may be bash, dash or zsh (issue #6): spawn, list, peek, send and broadcast
 * against throwaway lab users whose login shell is each, reached as USER@thor over the real sshd.
 * Each user also has a chatty start-up file, as real accounts do: output before trimtab's first marker
 * must be ignored.
 *
 * Needs root (useradd, and sshd logging in as another user). CI runs as root, so there it always runs;
 * a developer without root sees these skipped with this reason.
 */

import { chownSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXED_TEXTS } from '../lab/hostile.js';
import { eventually, type Lab, startLab, which } from '../lab/lab.js';
import { runMany } from '../lab/run-many.js';
import { addShellUser, isRoot, type ShellUser, writeConfig } from '../lab/shell-user.js';

if (process.env.CI && !isRoot) throw new Error('CI must run the login shell tests as root (throwaway users)');

const SHELLS = ['bash', 'dash', 'zsh'] as const;
let lab: Lab;
let env: NodeJS.ProcessEnv;
const users = new Map<string, ShellUser>();

const trimtab = (args: string[]) => lab.trimtab(args, { env });

/** Start-up files each shell reads for `ssh host cmd`, made to print something. */
const CHATTY: Record<string, string[]> = {
  bash: ['.bashrc'], // bash reads it when sshd runs it, even non-interactive
  dash: ['.profile'], // read only by login shells: harmless here, present as on a real account
  zsh: ['.zshenv'], // zsh reads it for every invocation
};

describe.skipIf(!isRoot)('remote login shells (root: throwaway users)', () => {
  beforeAll(async () => {
    lab = await startLab();
    for (const shell of SHELLS) {
      const program = which(shell);
      if (!program)
        throw new Error(`${shell} is not installed: .ci/run installs dash and zsh (apt-get install -y dash zsh)`);
      const u = await addShellUser(lab, shell, program);
      for (const file of CHATTY[shell]!) {
        const p = path.join(u.home, file);
        writeFileSync(p, `echo "hello from ${file}; @@trimtab-fake@@ end"\n`);
        chownSync(p, u.uid, u.gid);
      }
      users.set(shell, u);
    }
    env = writeConfig(
      lab,
      'shells-config',
      [...users.values()].map((u) => u.entry),
    );
  });
  afterAll(async () => {
    await lab?.stop();
  });

  for (const shell of SHELLS) {
    describe(`login shell ${shell}`, () => {
      const u = () => users.get(shell)!;

      it(`ssh runs commands through ${shell}`, async () => {
        const r = await execa('ssh', ['-F', lab.sshConfig, `${u().user}@thor`, 'echo "shell=$0"'], { reject: false });
        expect(r.exitCode, r.stderr).toBe(0);
        expect(r.stdout.split('\n').at(-1)).toBe(`shell=${shell}`);
      });

      it('spawn starts the agent, prints how to attach, and a second spawn makes no second window', async () => {
        u().mkProject('alpha');
        const r = await trimtab(['spawn', '--on', shell, 'alpha']);
        expect(r.exitCode, r.stderr).toBe(0);
        expect(r.stdout.trim()).toBe(`${shell}:agents:alpha`);
        expect(r.stderr).toContain(`attach with: ssh -t ${u().user}@thor "tmux -u attach -t '=agents:=alpha'"`);
        await eventually(
          () =>
            u()
              .agentLog('alpha')
              .some((l) => l.event === 'start'),
          `the agent to start under ${shell}`,
        );
        const again = await trimtab(['spawn', '--on', shell, 'alpha']);
        expect(again.exitCode, again.stderr).toBe(0);
        expect(again.stderr).toContain('is already running');
        const windows = await u().tmux(['list-windows', '-t', '=agents', '-F', '#{window_name}']);
        expect(windows.stdout.split('\n').filter((w) => w === 'alpha')).toHaveLength(1);
      });

      it('spawn explains a missing project dir (exit 1)', async () => {
        const r = await trimtab(['spawn', '--on', shell, 'nope']);
        expect(r.exitCode).toBe(1);
        expect(r.stderr).toContain(`no project directory ${u().projectsDir}/nope on ${shell}`);
      });

      it('list shows the agent idle, with its path', async () => {
        const agent = await eventually(async () => {
          const r = await trimtab(['list', '--json', '--host', shell]);
          expect(r.exitCode, r.stderr).toBe(0);
          const out = JSON.parse(r.stdout);
          expect(out.hosts).toEqual([{ name: shell, local: false, reachable: true, error: null }]);
          return out.agents.find(
            (a: Record<string, string>) => a.target === `${shell}:agents:alpha` && a.status === 'idle',
          );
        }, `${shell}:agents:alpha to be idle`);
        expect(agent).toMatchObject({ project: 'alpha', path: path.join(u().projectsDir, 'alpha') });
      });

      it('peek shows the screen and broadcast reaches the agent', async () => {
        const peek = await trimtab(['peek', `${shell}:alpha`, '-n', '5']);
        expect(peek.exitCode, peek.stderr).toBe(0);
        expect(peek.stdout).toContain('───');
        const b = await trimtab(['broadcast', '--host', shell, '--yes', `all hands on ${shell}`]);
        expect(b.exitCode, b.stderr).toBe(0);
        expect(b.stdout.trim()).toBe(`✔ ${shell}:agents:alpha  delivered`);
        await eventually(
          () =>
            u()
              .agentLog('alpha')
              .some((l) => l.text === `all hands on ${shell}`),
          'the broadcast to arrive',
        );
      });
    });
  }

  it('send delivers the hand-picked hostile texts byte for byte under bash, dash and zsh', async () => {
    // One lane per shell, all at once, in one process (the property tests send them as separate
    // processes too, and 1,000 generated texts spread over the three shells).
    const texts = (u: ShellUser) => FIXED_TEXTS(path.join(u.home, 'CANARY'));
    const jobs = SHELLS.flatMap((shell) =>
      texts(users.get(shell)!).map((text) => ({ lane: shell, argv: ['send', `${shell}:alpha`, '--', text] })),
    );
    const results = await runMany(lab, env, jobs);
    results.forEach((r, i) =>
      expect(r.code, `${jobs[i]!.lane}: ${JSON.stringify(jobs[i]!.argv[3]!.slice(0, 60))}: ${r.stderr}`).toBe(0),
    );
    for (const shell of SHELLS) {
      const u = users.get(shell)!;
      const submits = () =>
        u
          .agentLog('alpha')
          .filter((l) => l.event === 'submit')
          .map((l) => l.text);
      const want = JSON.stringify(texts(u));
      await eventually(
        () => JSON.stringify(submits().slice(-texts(u).length)) === want,
        `every text to arrive under ${shell}`,
      ).catch(() => undefined);
      expect(submits().slice(-texts(u).length), shell).toEqual(texts(u));
      expect(existsSync(path.join(u.home, 'CANARY')), shell).toBe(false);
    }
  });
});
