import { describe, expect, it } from 'vitest';
import { TrimtabError } from '../../../src/core/errors.js';
import {
  type ConfigFile,
  configProblem,
  DEFAULTS,
  type Environment,
  findHost,
  isConfigFile,
  isKnownHost,
  localHost,
  resolveConfig,
} from '../../../src/core/hosts/config.js';

const TWO: ConfigFile = {
  hosts: [
    { name: 'thor', ssh: 'mac@thor' },
    { name: 'fedora', ssh: 'mchughson@fedora', aliases: ['laptop'] },
  ],
};
const localName = (file: ConfigFile, env: Environment, hostname: string) =>
  localHost(resolveConfig(file, env, hostname)).name;

function usage(fn: () => unknown): TrimtabError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrimtabError);
    expect((e as TrimtabError).exitCode).toBe(2);
    return e as TrimtabError;
  }
  throw new Error('expected a usage error');
}

describe('resolveConfig', () => {
  it('fills every default from an empty file', () => {
    expect(resolveConfig({}, {}, 'box')).toEqual({
      session: 'agents',
      hosts: [
        {
          name: 'box',
          ssh: 'box',
          projectsDir: '~/1-Projects',
          agentCommand: 'claude',
          tmuxSocket: '',
          aliases: [],
          local: true,
        },
      ],
      sshOptions: [],
      sshCommand: 'ssh',
      connectTimeoutSeconds: 3,
      offlineRetrySeconds: 30,
      cannedCommands: ['/status', '/compact', 'continue'],
    });
  });

  it('does not share the default canned commands', () => {
    resolveConfig({}, {}, 'box').cannedCommands.push('x');
    expect(resolveConfig({}, {}, 'box').cannedCommands).toEqual([...DEFAULTS.cannedCommands]);
  });

  it.each<[string, Environment, string, string]>([
    ['TRIMTAB_HOST wins over the hostname', { TRIMTAB_HOST: 'fedora' }, 'thor', 'fedora'],
    ['an empty TRIMTAB_HOST is unset', { TRIMTAB_HOST: '' }, 'thor', 'thor'],
    ['short hostname', {}, 'thor.tailnet.ts.net', 'thor'],
    ['exact hostname', {}, 'fedora', 'fedora'],
    ['alias', {}, 'laptop.local', 'fedora'],
    ['no match: implicit host named after the hostname', {}, 'phone.lan', 'phone'],
    ['unconfigured TRIMTAB_HOST: implicit host of that name', { TRIMTAB_HOST: 'lab' }, 'thor', 'lab'],
    ['no hostname at all', {}, '', 'localhost'],
  ])('local host: %s', (_name, env, hostname, local) => expect(localName(TWO, env, hostname)).toBe(local));

  it('marks exactly one host local and keeps the others remote', () => {
    const { hosts } = resolveConfig(TWO, {}, 'phone');
    expect(hosts.map((h) => [h.name, h.local])).toEqual([
      ['phone', true],
      ['thor', false],
      ['fedora', false],
    ]);
    expect(resolveConfig(TWO, {}, 'thor').hosts.map((h) => h.local)).toEqual([true, false]);
  });

  it('fills host defaults: ssh is the name, projects in ~/1-Projects', () => {
    const thor = resolveConfig({ hosts: [{ name: 'thor' }] }, {}, 'fedora').hosts[1];
    expect(thor).toEqual({
      name: 'thor',
      ssh: 'thor',
      projectsDir: '~/1-Projects',
      agentCommand: 'claude',
      tmuxSocket: '',
      aliases: [],
      local: false,
    });
  });

  it.each<[string, ConfigFile, Environment, string]>([
    ['default', {}, {}, 'ssh'],
    ['config sshCommand', { sshCommand: '/opt/ssh' }, {}, '/opt/ssh'],
    ['TRIMTAB_SSH over config', { sshCommand: '/opt/ssh' }, { TRIMTAB_SSH: '/lab/ssh' }, '/lab/ssh'],
    ['empty TRIMTAB_SSH is unset', { sshCommand: '/opt/ssh' }, { TRIMTAB_SSH: '' }, '/opt/ssh'],
  ])('sshCommand: %s', (_name, file, env, cmd) => expect(resolveConfig(file, env, 'x').sshCommand).toBe(cmd));

  it('refuses a host configured twice (exit 2)', () => {
    const e = usage(() => resolveConfig({ hosts: [{ name: 'thor' }, { name: 'thor', ssh: 'x' }] }, {}, 'fedora'));
    expect(e.message).toContain('thor');
  });
});

describe('findHost / isKnownHost', () => {
  const config = resolveConfig(TWO, {}, 'phone');
  it.each([
    ['thor', 'thor'],
    ['fedora', 'fedora'],
    ['laptop', 'fedora'],
    ['phone', 'phone'],
  ])('%s -> %s', (name, host) => {
    expect(findHost(config, name).name).toBe(host);
    expect(isKnownHost(config, name)).toBe(true);
  });

  it.each(['mars', '', 'Thor', 'thor.tailnet.ts.net'])('unknown %j: exit 2, hint lists the hosts', (name) => {
    expect(isKnownHost(config, name)).toBe(false);
    const e = usage(() => findHost(config, name));
    expect(e.message).toContain(`"${name}"`);
    expect(e.hint).toContain('phone, thor, fedora');
  });
});

describe('CONFIG_SCHEMA', () => {
  // The schema as config-store checks it (configProblem walks CONFIG_SCHEMA, key by key).
  const validate = (config: unknown) => isConfigFile(config);
  const host = (extra: Record<string, unknown>) => ({ hosts: [{ name: 'thor', ...extra }] });

  it.each<[string, unknown]>([
    ['empty', {}],
    ['one bare host', { hosts: [{ name: 'thor' }] }],
    [
      'everything',
      {
        session: 'agents',
        hosts: [
          {
            name: 'thor',
            ssh: 'mac@thor',
            projectsDir: '~/1-Projects',
            agentCommand: '/home/mac/.npm-global/bin/claude',
            tmuxSocket: 'lab-1',
            aliases: ['thor-ts'],
          },
          { name: 'fedora', ssh: 'fedora.tailnet.ts.net' },
        ],
        sshOptions: ['-F', '/tmp/ssh_config'],
        sshCommand: 'ssh',
        connectTimeoutSeconds: 2.5,
        cannedCommands: ['/status'],
      },
    ],
    ['default tmux socket', host({ tmuxSocket: '' })],
  ])('accepts %s', (_name, config) => expect(validate(config), configProblem(config)).toBe(true));

  it.each<[string, unknown]>([
    ['ssh starting with -', host({ ssh: '-oProxyCommand=sh' })],
    ['ssh starting with a space', host({ ssh: ' thor' })],
    ['empty ssh', host({ ssh: '' })],
    ['name with ;', { hosts: [{ name: 'thor;rm' }] }],
    ['name with a space', { hosts: [{ name: 'my host' }] }],
    ['name starting with -', { hosts: [{ name: '-x' }] }],
    ['name with :', { hosts: [{ name: 'a:b' }] }],
    ['host without a name', { hosts: [{ ssh: 'thor' }] }],
    ['unknown host key', host({ sshh: 'thor' })],
    ['alias with $', host({ aliases: ['$(x)'] })],
    ['tmux socket with /', host({ tmuxSocket: '../x' })],
    ['empty agent command', host({ agentCommand: '' })],
    ['session with :', { session: 'a:b' }],
    ['session starting with .', { session: '.x' }],
    ['timeout 0', { connectTimeoutSeconds: 0 }],
    ['timeout over 120', { connectTimeoutSeconds: 121 }],
    ['timeout as text', { connectTimeoutSeconds: '3' }],
    ['sshOptions as a string', { sshOptions: '-v' }],
    ['hosts as an object', { hosts: { thor: {} } }],
  ])('refuses %s', (_name, config) => expect(validate(config)).toBe(false));
});
