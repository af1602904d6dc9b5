/**
 * The SSH login entry, end to end: install.sh run as a throwaway user, then real `ssh -t`, `ssh host cmd`,
 * scp and sftp into the lab sshd as that user. Never touches the real user's profile or keys.
 *
 * Needs root (useradd, and sshd logging in as another user). CI runs as root, so there it always runs;
 * a developer without root sees these skipped with this reason.
 */

import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../lab/lab.js';
import { Pane } from '../lab/pane.js';
import { writePhoneSshConfig } from '../lab/shell-user.js';

const isRoot = process.getuid?.() === 0;
if (process.env.CI && !isRoot) throw new Error('CI must run the login tests as root');
const REPO = path.resolve(import.meta.dirname, '../..');

let lab: Lab;
let user: { name: string; home: string };
let uid = 0;
let gid = 0;

/** Run a shell command as the lab user, in the repo (install.sh). */
const asUser = (cmd: string) =>
  execa('su', [user.name, '-s', '/bin/sh', '-c', `cd ${REPO} && ${cmd}`], { reject: false });
const own = (file: string) => chownSync(file, uid, gid);
const sshArgs = (config: string, host: string) => ['-F', config, host];

/** A terminal (40x20) running ssh -t into the lab as the user. */
const terminal = (config: string, host: string) =>
  Pane.start(
    `ttlogin-${Math.random().toString(36).slice(2, 8)}`,
    `ssh -t ${sshArgs(config, host).join(' ')}; echo "ssh-exit=$?"; sleep 600`,
    {},
    { waitMs: 20_000 },
  );

/** Menu first, q gives a working shell, exit ends the session. */
async function menuThenShell(config: string, host: string) {
  const t = await terminal(config, host);
  try {
    const menu = await t.waitFor('q  quit to shell');
    for (const l of menu.split('\n')) expect(l.length).toBeLessThanOrEqual(40);
    await t.keys('q');
    await new Promise((r) => setTimeout(r, 500));
    await t.keys('echo "shell-$((40+2))"', 'Enter');
    await t.waitFor('shell-42');
    await t.keys('exit', 'Enter');
    await t.waitFor('ssh-exit=0');
  } finally {
    await t.stop();
  }
}

async function commandsStillWork(config: string, host: string) {
  const echo = await execa('ssh', [...sshArgs(config, host), 'echo ok'], { reject: false });
  expect(echo.stdout).toBe('ok');
  expect(echo.exitCode).toBe(0);
  const local = path.join(lab.dir, `payload-${host}.txt`);
  writeFileSync(local, 'payload\n');
  const scp = await execa('scp', ['-F', config, local, `${host}:payload.txt`], { reject: false });
  expect(scp.exitCode, scp.stderr).toBe(0);
  expect(readFileSync(path.join(user.home, 'payload.txt'), 'utf8')).toBe('payload\n');
  const sftp = await execa('sftp', ['-F', config, '-b', '-', host], { input: 'ls payload.txt\n', reject: false });
  expect(sftp.exitCode, sftp.stderr).toBe(0);
  expect(sftp.stdout).toContain('payload.txt');
}

describe.skipIf(!isRoot)('trimtab login (root: throwaway user)', () => {
  let userConfig = '';
  const profileBefore = '# the user own profile\nexport FOO=1'; // no final newline, on purpose

  beforeAll(async () => {
    lab = await startLab();
    user = lab.addUser({ shell: '/bin/bash' });
    uid = Number((await execa('id', ['-u', user.name])).stdout);
    gid = Number((await execa('id', ['-g', user.name])).stdout);
    writeFileSync(path.join(user.home, '.profile'), profileBefore);
    own(path.join(user.home, '.profile'));
    // ssh config whose `thor` logs in as the lab user.
    userConfig = path.join(lab.dir, 'ssh_config_user');
    writeFileSync(userConfig, readFileSync(lab.sshConfig, 'utf8').replace(/User \S+/, `User ${user.name}`));
  });
  afterAll(async () => {
    await lab?.stop();
  });

  describe('--login-menu (profile block)', () => {
    it('installs a marked block into the profile bash reads', async () => {
      const r = await asUser('./install.sh --no-build --login-menu');
      expect(r.exitCode, r.stderr + r.stdout).toBe(0);
      const profile = readFileSync(path.join(user.home, '.profile'), 'utf8');
      expect(profile.startsWith(`${profileBefore}\n# >>> trimtab login menu >>>`)).toBe(true);
      expect(existsSync(path.join(user.home, '.bash_profile'))).toBe(false); // would hide .profile
      // Idempotent: a second install adds nothing.
      expect((await asUser('./install.sh --no-build --login-menu')).exitCode).toBe(0);
      expect(readFileSync(path.join(user.home, '.profile'), 'utf8')).toBe(profile);
    });

    it('ssh -t lands in the menu; q gives a working shell', () => menuThenShell(userConfig, 'thor'));

    it('ssh host cmd, scp and sftp are untouched', () => commandsStillWork(userConfig, 'thor'));

    it('a broken config still ends in a shell', async () => {
      const dir = path.join(user.home, '.config', 'trimtab');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'config.json'), '{"hosts": [');
      try {
        const t = await terminal(userConfig, 'thor');
        try {
          await t.waitFor('broken config');
          await t.keys('echo "shell-$((40+2))"', 'Enter');
          await t.waitFor('shell-42');
        } finally {
          await t.stop();
        }
      } finally {
        writeFileSync(path.join(dir, 'config.json'), '{}');
      }
    });

    it('with trimtab gone (or Node missing), the login still gives a shell', async () => {
      const link = path.join(user.home, '.local/bin/trimtab');
      renameSync(link, `${link}.away`);
      try {
        const t = await terminal(userConfig, 'thor');
        try {
          await t.waitFor('trimtab menu failed (exit 127)');
          await t.keys('echo "shell-$((40+2))"', 'Enter');
          await t.waitFor('shell-42');
        } finally {
          await t.stop();
        }
      } finally {
        renameSync(`${link}.away`, link);
      }
    });

    it('--uninstall leaves the profile byte-identical', async () => {
      const cache = path.join(user.home, '.cache', 'trimtab');
      const codeCaches = () => (existsSync(cache) ? readdirSync(cache).filter((f) => f.startsWith('code-')) : []);
      expect(codeCaches().length).toBeGreaterThan(0); // the menu runs above wrote them
      const r = await asUser('./install.sh --uninstall');
      expect(r.exitCode, r.stderr).toBe(0);
      expect(codeCaches()).toEqual([]);
      expect(readFileSync(path.join(user.home, '.profile'), 'utf8')).toBe(profileBefore);
      expect(existsSync(path.join(user.home, '.local/bin/trimtab'))).toBe(false);
      expect(existsSync(path.join(user.home, '.local/share/trimtab/login.sh'))).toBe(false);
    });
  });

  describe('--login-key (authorized_keys command=)', () => {
    let phoneConfig = '';

    beforeAll(async () => {
      const key = path.join(lab.dir, 'phonekey');
      await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'phone', '-f', key]);
      chmodSync(`${key}.pub`, 0o644);
      phoneConfig = writePhoneSshConfig(lab, user.name, key);
      const r = await asUser(`./install.sh --no-build --login-key ${key}.pub`);
      expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    });

    it('puts a command= line for that key first in authorized_keys', () => {
      const keys = readFileSync(path.join(user.home, '.ssh/authorized_keys'), 'utf8');
      expect(keys).toMatch(
        /^# >>> trimtab login menu >>>.*\nrestrict,pty,command="[^"]+\/login\.sh" ssh-ed25519 \S+ phone\n/,
      );
    });

    it('the phone key lands in the menu; q gives a working shell', () => menuThenShell(phoneConfig, 'phone'));

    it('commands, scp and sftp (internal-sftp) still work with that key', () =>
      commandsStillWork(phoneConfig, 'phone'));

    it('--uninstall removes the key line, and the file it created', async () => {
      expect((await asUser('./install.sh --uninstall')).exitCode).toBe(0);
      expect(existsSync(path.join(user.home, '.ssh/authorized_keys'))).toBe(false);
      expect(readFileSync(path.join(user.home, '.profile'), 'utf8')).toBe(profileBefore);
    });
  });
});
