/**
 * The verbs that look after hosts rather than agents: hosts, doctor, prepare, sync. Part of the
 * command table in verbs.ts; each `run` is the single call site of its command module.
 */
import { usageError } from '../core/errors.js';
import { type Command, group, verb } from './command.js';
import { hostFilter, json } from './shared-options.js';

const hostEntry = {
  ssh: { type: 'string', arg: 'DEST', help: 'ssh destination: USER@HOST or an ssh_config alias' },
  projects: { type: 'string', arg: 'DIR', help: 'projects directory on that host (default ~/1-Projects)' },
  agent: { type: 'string', arg: 'CMD', help: 'agent command (default claude)' },
  socket: { type: 'string', arg: 'S', help: 'tmux socket name (tmux -L S)' },
} as const;

export const HOSTS: Command = group({
  name: 'hosts',
  summary: 'configured hosts: list, add, set, remove',
  fallback: 'list',
  verbs: [
    (g) =>
      verb(
        {
          name: 'list',
          summary: 'the configured hosts',
          options: { json },
          run: async (ctx, { values }) =>
            (await import('../commands/hosts.js')).hostsList(ctx, { json: values.json === true }),
        },
        g,
      ),
    (g) =>
      verb(
        {
          name: 'add',
          summary: 'add a host to config.json',
          positionals: [{ name: 'NAME' }],
          options: { ...hostEntry, ssh: { ...hostEntry.ssh, required: true } },
          run: async (ctx, { values, positionals: [name = ''] }) =>
            (await import('../commands/hosts.js')).hostsAdd(ctx, name, values),
        },
        g,
      ),
    (g) =>
      verb(
        {
          name: 'set',
          summary: "change a host's keys in config.json",
          positionals: [{ name: 'NAME' }],
          options: hostEntry,
          run: async (ctx, { values, positionals: [name = ''] }) =>
            (await import('../commands/hosts.js')).hostsSet(ctx, name, values),
        },
        g,
      ),
    (g) =>
      verb(
        {
          name: 'remove',
          aliases: ['rm'],
          summary: 'remove a host from config.json',
          positionals: [{ name: 'NAME' }],
          options: {},
          run: async (ctx, { positionals: [name = ''] }) =>
            (await import('../commands/hosts.js')).hostsRemove(ctx, name),
        },
        g,
      ),
  ],
});

export const DOCTOR: Command = verb({
  name: 'doctor',
  summary: 'is each host ready? (exit 1: fix it)',
  positionals: [{ name: 'HOST', optional: true, many: true }],
  options: { json },
  run: async (ctx, { values, positionals }) =>
    (await import('../commands/doctor.js')).doctorCommand(ctx, positionals, { json: values.json === true }),
});

export const PREPARE: Command = verb({
  name: 'prepare',
  summary: 'clone projects, copy ~/.claude files, make the session, check the agent',
  positionals: [{ name: 'HOST' }],
  options: {
    projects: { type: 'string', arg: 'a,b,...', help: 'only these projects' },
    'dry-run': { type: 'boolean', short: 'n', help: 'say what would be done, do nothing' },
  },
  run: async (ctx, { values, positionals: [host = ''] }) => {
    const list = values.projects;
    const projects = list
      ?.split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (projects?.length === 0) throw usageError('--projects needs at least one name');
    const dryRun = values['dry-run'] === true;
    return (await import('../commands/prepare.js')).prepareCommand(ctx, host, { projects, dryRun });
  },
});

export const SYNC: Command = group({
  name: 'sync',
  summary: 'Syncthing: status, ignore, setup',
  verbs: [
    (g) =>
      verb(
        {
          name: 'status',
          summary: 'is each project in sync?',
          options: { json, host: hostFilter },
          run: async (ctx, { values }) =>
            (await import('../commands/sync.js')).syncStatusCommand(ctx, {
              json: values.json === true,
              host: values.host,
            }),
        },
        g,
      ),
    (g) =>
      verb(
        {
          name: 'ignore',
          summary: "write each project's .stignore block",
          positionals: [{ name: 'PROJECT', optional: true, many: true }],
          options: { on: { type: 'string', multiple: true, arg: 'HOST', help: 'on this host (repeatable)' } },
          run: async (ctx, { values, positionals }) =>
            (await import('../commands/sync-ignore.js')).syncIgnoreCommand(ctx, positionals, { on: values.on }),
        },
        g,
      ),
    (g) =>
      verb(
        {
          name: 'setup',
          summary: 'NixOS snippet or dnf steps; --apply adds folders via REST',
          positionals: [{ name: 'HOST' }, { name: 'PROJECT', optional: true, many: true }],
          options: {
            apply: { type: 'boolean', help: "add the folders through Syncthing's REST API" },
            os: { type: 'string', arg: 'OS', help: 'the host OS (nixos, fedora), when not detected' },
            with: { type: 'string', multiple: true, arg: 'HOST', help: 'share with this host (repeatable)' },
          },
          run: async (ctx, { values, positionals: [host = '', ...projects] }) =>
            (await import('../commands/sync-setup.js')).syncSetupCommand(ctx, host, {
              apply: values.apply === true,
              os: values.os,
              with: values.with,
              projects,
            }),
        },
        g,
      ),
  ],
});
