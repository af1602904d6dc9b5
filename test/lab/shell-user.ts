/**
 * A remote host that is a throwaway lab user with a given login shell (root only, as in CI): trimtab
 * reaches it as `USER@thor` through the lab's sshd, its agents run as that user in its own tmux server,
 * its projects live in its home. Used to run the agent commands under bash, dash and zsh (issue #6).
 */

import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { shQuote } from '../../src/core/quote.js';
import { FAKE_AGENT, type Lab, type RunResult } from './lab.js';

export const isRoot = process.getuid?.() === 0;

export interface ShellUser {
  /** Host name in the trimtab config. */
  host: string;
  user: string;
  home: string;
  uid: number;
  gid: number;
  projectsDir: string;
  /** The config entry for this host. */
  entry: Record<string, unknown>;
  mkProject(name: string): string;
  /** tmux as the user, on its default server. */
  tmux(args: string[]): Promise<RunResult>;
  agentLog(project: string): Array<Record<string, string>>;
}

/** The fake agent, run by `node` by absolute path: an ssh session's PATH may lack both. */
const agentCommand = () => `${shQuote(process.execPath)} ${shQuote(FAKE_AGENT)}`;

export async function addShellUser(lab: Lab, host: string, shell: string): Promise<ShellUser> {
  const { name, home } = lab.addUser({ shell });
  const uid = Number((await execa('id', ['-u', name])).stdout);
  const gid = Number((await execa('id', ['-g', name])).stdout);
  const projectsDir = path.join(home, 'projects');
  const own = (p: string) => chownSync(p, uid, gid);
  mkdirSync(projectsDir);
  own(projectsDir);
  const user: ShellUser = {
    host,
    user: name,
    home,
    uid,
    gid,
    projectsDir,
    entry: { name: host, ssh: `${name}@thor`, projectsDir, agentCommand: agentCommand() },
    mkProject(project) {
      const dir = path.join(projectsDir, project);
      mkdirSync(dir, { recursive: true });
      own(dir);
      return dir;
    },
    async tmux(args) {
      const r = await execa('tmux', args, {
        uid,
        gid,
        reject: false,
        env: { HOME: home, PATH: process.env.PATH, LANG: 'C.UTF-8' },
        extendEnv: false,
      });
      return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    agentLog(project) {
      const file = path.join(projectsDir, project, '.fake-agent.log');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    },
  };
  return user;
}

/**
 * A trimtab config dir with these hosts (plus the lab's ssh_config, so `USER@thor` reaches the lab sshd).
 * Returns the env to run trimtab with it.
 */
export function writeConfig(
  lab: Lab,
  dirName: string,
  hosts: Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {},
): NodeJS.ProcessEnv {
  const dir = path.join(lab.dir, dirName);
  mkdirSync(dir, { recursive: true });
  const config = { session: 'agents', hosts, sshOptions: ['-F', lab.sshConfig], connectTimeoutSeconds: 3, ...extra };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return {
    TRIMTAB_CONFIG_DIR: dir,
    TRIMTAB_CACHE_DIR: path.join(lab.dir, 'cache'), // lab.stop() ends the ssh masters it finds there
    TRIMTAB_STATE_DIR: path.join(dir, 'state'),
  };
}

/** `here`, the lab's local host, as a config entry. */
export const hereEntry = (lab: Lab) => ({
  name: 'here',
  projectsDir: lab.projects('here'),
  agentCommand: agentCommand(),
  tmuxSocket: lab.socket('here'),
});

/** The lab's `thor` (the current user over ssh), as a config entry. */
export const thorEntry = (lab: Lab) => ({
  name: 'thor',
  ssh: 'thor',
  projectsDir: lab.projects('thor'),
  agentCommand: agentCommand(),
  tmuxSocket: lab.socket('thor'),
});

/**
 * An ssh_config with one host, `phone`: the lab's sshd as USER with KEY only, the lab's known_hosts
 * strictly, as a phone's ssh client would reach it. Returns the file's path.
 */
export function writePhoneSshConfig(lab: Lab, user: string, key: string): string {
  const file = path.join(lab.dir, 'ssh_config_phone');
  writeFileSync(
    file,
    [
      'Host phone',
      '  HostName 127.0.0.1',
      `  Port ${lab.port}`,
      `  User ${user}`,
      `  IdentityFile ${key}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${lab.dir}/known_hosts`,
      '  StrictHostKeyChecking yes',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  return file;
}
