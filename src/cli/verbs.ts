/**
 * Every verb trimtab knows: the one table from which parsing, option checks and all help text
 * come. Each `run` is the single call site of its command module (loaded on demand, so a run
 * only pays for the code it uses).
 */
import { usageError } from '../core/errors.js';
import { type Command, group, verb } from './command.js';

/** `-n 5`, `--interval 0.5`: a positive number, or the default when not given. */
function positiveNumber(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw usageError(`${what} must be a positive number, not ${JSON.stringify(text)}`);
  return n;
}

const TARGET_NOTE = 'TARGET: [HOST:]PROJECT, [HOST:]SESSION:WINDOW or [HOST:]%N';
const DASH_NOTE = 'Text starting with "-": put -- before it (trimtab send thor:app -- -v).';

const json = { type: 'boolean', help: 'print JSON for scripts' } as const;
const hostFilter = { type: 'string', arg: 'HOST', help: 'only this host' } as const;
const hostEntry = {
  ssh: { type: 'string', arg: 'DEST', help: 'ssh destination: USER@HOST or an ssh_config alias' },
  projects: { type: 'string', arg: 'DIR', help: 'projects directory on that host (default ~/1-Projects)' },
  agent: { type: 'string', arg: 'CMD', help: 'agent command (default claude)' },
  socket: { type: 'string', arg: 'S', help: 'tmux socket name (tmux -L S)' },
} as const;

export const COMMANDS: readonly Command[] = [
  verb({
    name: 'menu',
    summary: 'phone-sized menu (also: bare trimtab on a terminal)',
    options: { ascii: { type: 'boolean', help: 'draw with ASCII only' } },
    run: async (ctx, { values }) =>
      (await import('../commands/menu.js')).menuCommand(ctx, { ascii: values.ascii === true }),
  }),
  verb({
    name: 'login',
    summary: 'SSH login entry: menu, then your shell',
    positionals: [{ name: 'ARGS', optional: true, many: true }],
    options: {
      tool: { type: 'boolean', help: "install.sh's helper: add-profile|add-key|remove FILE [LOGIN_SH [KEY.pub]]" },
      script: { type: 'boolean', help: 'print the login script (for the bundle at ARGS, default this one)' },
    },
    runBare: async ({ values, positionals }) => {
      const login = await import('../commands/login.js');
      if (values.tool || values.script) {
        const args = values.script ? ['script', ...positionals] : positionals;
        login.loginTool((l) => process.stdout.write(`${l}\n`), args);
        return 0;
      }
      if (positionals.length) throw usageError(`unexpected ${JSON.stringify(positionals[0])}`, 'usage: trimtab login');
      return login.loginCommand();
    },
  }),
  verb({
    name: 'list',
    summary: 'agents on every host',
    options: { json, host: hostFilter },
    run: async (ctx, { values }) =>
      (await import('../commands/list.js')).listCommand(ctx, { json: values.json === true, host: values.host }),
  }),
  verb({
    name: 'spawn',
    summary: 'start the agent in agents:PROJECT',
    positionals: [{ name: 'PROJECT' }],
    options: {
      on: { type: 'string', arg: 'HOST', help: 'host to start it on (default: this one)' },
      attach: { type: 'boolean', help: 'open its window afterwards' },
      'no-attach': { type: 'boolean', help: 'do not open its window' },
    },
    run: async (ctx, { values, positionals: [project = ''] }) => {
      if (values.attach && values['no-attach']) throw usageError('--attach and --no-attach together');
      const attach = values.attach ? true : values['no-attach'] ? false : undefined;
      return (await import('../commands/spawn.js')).spawnCommand(ctx, project, { on: values.on, attach });
    },
  }),
  verb({
    name: 'peek',
    summary: "last N lines of an agent's screen",
    positionals: [{ name: 'TARGET' }],
    notes: [TARGET_NOTE],
    options: {
      lines: { type: 'string', short: 'n', arg: 'N', help: 'lines to show (default 40)' },
      follow: { type: 'boolean', short: 'f', help: 'keep showing the screen as it changes' },
      interval: { type: 'string', arg: 'SECS', help: 'seconds between looks with --follow (default 1)' },
    },
    run: async (ctx, { values, positionals: [target = ''] }) => {
      const lines = Math.floor(positiveNumber(values.lines, 40, '-n'));
      const interval = positiveNumber(values.interval, 1, '--interval');
      const follow = values.follow === true;
      return (await import('../commands/peek.js')).peekCommand(ctx, target, { lines, follow, interval });
    },
  }),
  verb({
    name: 'send',
    summary: 'type TEXT into an agent, then Enter',
    positionals: [{ name: 'TARGET' }, { name: 'TEXT', many: true }],
    notes: [TARGET_NOTE, DASH_NOTE],
    options: { 'no-enter': { type: 'boolean', help: 'type the text without pressing Enter' } },
    run: async (ctx, { values, positionals: [target = '', ...words] }) =>
      (await import('../commands/send.js')).sendCommand(ctx, target, words.join(' '), {
        enter: !values['no-enter'],
      }),
  }),
  verb({
    name: 'broadcast',
    summary: 'send TEXT to many agents (asks first)',
    positionals: [{ name: 'TEXT', many: true }],
    notes: [DASH_NOTE],
    options: {
      host: hostFilter,
      status: { type: 'string', arg: 'STATUS', help: 'only agents in this state (e.g. idle, waiting)' },
      yes: { type: 'boolean', short: 'y', help: 'do not ask' },
    },
    run: async (ctx, { values, positionals }) =>
      (await import('../commands/broadcast.js')).broadcastCommand(ctx, positionals.join(' '), {
        host: values.host,
        status: values.status,
        yes: values.yes === true,
      }),
  }),
  verb({
    name: 'attach',
    summary: "open the agent's window (detach: C-b d)",
    positionals: [{ name: 'TARGET' }],
    notes: [TARGET_NOTE],
    options: {},
    run: async (ctx, { positionals: [target = ''] }) =>
      (await import('../commands/attach.js')).attachCommand(ctx, target),
  }),
  verb({
    name: 'log',
    summary: 'what was sent to which agent, from where',
    options: { lines: { type: 'string', short: 'n', arg: 'N', help: 'entries to show (default 20)' }, json },
    run: async (ctx, { values }) => {
      const lines = Math.max(1, Math.floor(positiveNumber(values.lines, 20, '-n')));
      return (await import('../commands/log.js')).logCommand(ctx, { lines, json: values.json === true });
    },
  }),
  group({
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
  }),
  verb({
    name: 'doctor',
    summary: 'is each host ready? (exit 1: fix it)',
    positionals: [{ name: 'HOST', optional: true, many: true }],
    options: { json },
    run: async (ctx, { values, positionals }) =>
      (await import('../commands/doctor.js')).doctorCommand(ctx, positionals, { json: values.json === true }),
  }),
  verb({
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
  }),
  group({
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
  }),
];
