/**
 * The phone key's authorized_keys line (`trimtab login --tool add-key`, what install.sh --login-key
 * writes) against the lab's real sshd, as a throwaway user whose login script sits in a directory
 * named with a space and both quote characters. It must let that key in (commands, a pty, scp,
 * sftp) and refuse what `restrict` turns off: port forwarding, here a `ssh -W` tunnel.
 *
 * Needs root (useradd, and sshd logging in as another user); CI runs as root.
 */

import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type Lab, startLab } from '../lab/lab.js';
import { writePhoneSshConfig } from '../lab/shell-user.js';

const isRoot = process.getuid?.() === 0;
if (process.env.CI && !isRoot) throw new Error('CI must run the login key tests as root');

let lab: Lab;
let user: { name: string; home: string };
let phoneConfig = '';
const AWKWARD = `it's "my" apps`; // a space, a single and a double quote

const ssh = (args: string[], input = '') =>
  execa('ssh', ['-F', phoneConfig, ...args], { input, reject: false, timeout: 30_000 });

describe.skipIf(!isRoot)('the phone key (root: throwaway user)', () => {
  beforeAll(async () => {
    lab = await startLab();
    user = lab.addUser({ shell: '/bin/bash' });
    const uid = Number((await execa('id', ['-u', user.name])).stdout);
    const gid = Number((await execa('id', ['-g', user.name])).stdout);
    const own = (p: string) => chownSync(p, uid, gid);
    const apps = path.join(user.home, AWKWARD);
    mkdirSync(apps);
    own(apps);
    const loginSh = path.join(apps, 'login.sh');
    writeFileSync(
      loginSh,
      `${(await execa(process.execPath, [CLI, 'login', '--script', '/nonexistent/trimtab'])).stdout}\n`,
    );
    chmodSync(loginSh, 0o755);
    own(loginSh);
    const key = path.join(lab.dir, 'phonekey');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'phone', '-f', key]);
    const sshDir = path.join(user.home, '.ssh');
    mkdirSync(sshDir, { mode: 0o700 });
    own(sshDir);
    const auth = path.join(sshDir, 'authorized_keys');
    const added = await execa(process.execPath, [CLI, 'login', '--tool', 'add-key', auth, loginSh, `${key}.pub`], {
      reject: false,
    });
    expect(added.exitCode, added.stderr).toBe(0);
    own(auth);
    phoneConfig = writePhoneSshConfig(lab, user.name, key);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('writes restrict,pty and a quoted command= for that key', () => {
    const line = readFileSync(path.join(user.home, '.ssh/authorized_keys'), 'utf8').split('\n')[1]!;
    expect(line).toMatch(/^restrict,pty,command="'.*\/login\.sh'" ssh-ed25519 \S+ phone$/);
  });

  it('a command runs through the login script (the quoted path with a space works)', async () => {
    const r = await ssh(['phone', 'echo "ok $((40+2))"']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok 42');
    expect(r.exitCode).toBe(0);
  });

  it('a terminal is still given (pty)', async () => {
    const r = await ssh(['-tt', 'phone', 'tty']);
    expect(r.stdout.trim()).toMatch(/^\/dev\/pts\/\d+$/);
  });

  it('scp and sftp still work', async () => {
    const local = path.join(lab.dir, 'payload.txt');
    writeFileSync(local, 'payload\n');
    const scp = await execa('scp', ['-F', phoneConfig, local, 'phone:payload.txt'], { reject: false });
    expect(scp.exitCode, scp.stderr).toBe(0);
    expect(readFileSync(path.join(user.home, 'payload.txt'), 'utf8')).toBe('payload\n');
    const sftp = await execa('sftp', ['-F', phoneConfig, '-b', '-', 'phone'], {
      input: 'ls payload.txt\n',
      reject: false,
    });
    expect(sftp.exitCode, sftp.stderr).toBe(0);
    expect(sftp.stdout).toContain('payload.txt');
  });

  it('port forwarding is refused: no tunnel to the sshd port behind it', async () => {
    const r = await ssh(['-W', `127.0.0.1:${lab.port}`, 'phone']);
    expect(r.stdout).not.toContain('SSH-2.0'); // the banner would come through an open tunnel
    expect(r.exitCode).not.toBe(0);
    const remote = await ssh(['-o', 'ExitOnForwardFailure=yes', '-R', '0:127.0.0.1:9', 'phone', 'echo tunnel-up']);
    expect(remote.stdout).not.toContain('tunnel-up');
    expect(remote.exitCode).toBe(255);
  });
});
