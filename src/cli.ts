/** argv → command. The one place that prints errors and sets exit codes. */
import kleur from 'kleur';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Ctx } from './remote/context.js';
import { EXIT, TrimtabError, usageError } from './core/errors.js';

declare const __TRIMTAB_VERSION__: string;
export const VERSION = typeof __TRIMTAB_VERSION__ === 'string' ? __TRIMTAB_VERSION__ : '0.0.0-dev';

export const HELP = `trimtab ${VERSION} - Claude Code agents in tmux, across hosts

Usage: trimtab <command> [options]     (also: trimtab agent <command>)

  menu [--ascii]                  phone-sized menu (also: bare trimtab)
  login                           SSH login entry: menu, then your shell
  list [--json] [--host H]        agents on every host
  spawn [--on H] PROJECT          start the agent in agents:PROJECT
        [--attach|--no-attach]
  peek TARGET [-n N] [--follow]   last N lines of an agent's screen
       [--interval S]
  send TARGET TEXT... [--no-enter]  type TEXT into an agent, then Enter
  broadcast TEXT... [--host H]    send to many agents (asks first)
            [--status S] [--yes]
  attach TARGET                   open the agent's window (detach: C-b d)
  log [-n N] [--json]             what was sent to which agent, from where
  hosts list|add|set|remove       configured hosts
        add NAME --ssh DEST [--projects DIR] [--agent CMD] [--socket S]
        set NAME [--ssh DEST] [--projects DIR] [--agent CMD] [--socket S]
  doctor [HOST...] [--json]       is each host ready? (exit 1: fix it)
  prepare HOST [--projects a,b]   clone projects, copy ~/.claude files,
          [--dry-run]             make the session, check the agent
  sync status [--json] [--host H] Syncthing: is each project in sync?
  sync ignore [--on H] [PROJ...]  write each project's .stignore block
  sync setup HOST [PROJ...]       NixOS snippet or dnf steps;
       [--apply] [--os OS]        --apply adds folders via REST

TARGET: [HOST:]PROJECT, [HOST:]SESSION:WINDOW or [HOST:]%N
Text starting with "-": put -- before it (trimtab send thor:app -- -v).

Exit: 0 ok, 1 failed, 2 bad usage/config, 3 host unreachable, 130 cancelled
Config: $TRIMTAB_CONFIG_DIR/config.json or ~/.config/trimtab/config.json`;

type Options = NonNullable<ParseArgsConfig['options']>;

function parse<T extends Options>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true as const });
  } catch (error) {
    const msg = (error as Error).message.split('\n')[0]!;
    throw usageError(msg.replace(/\. To specify a positional argument.*$/, ''), `usage: trimtab ${usage}`);
  }
}

const need = (value: string | undefined, what: string, usage: string): string => {
  if (value === undefined || value === '') throw usageError(`missing ${what}`, `usage: trimtab ${usage}`);
  return value;
};

function positiveNumber(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw usageError(`${what} must be a positive number, not ${JSON.stringify(text)}`);
  return n;
}

const COMMANDS: Record<string, (ctx: Ctx, args: string[]) => Promise<void> | void> = {
  async list(ctx, args) {
    const u = 'list [--json] [--host NAME]';
    const { values, positionals } = parse(args, { json: { type: 'boolean' }, host: { type: 'string' } }, u);
    if (positionals.length) throw usageError(`unexpected ${JSON.stringify(positionals[0])}`, `usage: trimtab ${u}`);
    await (await import('./commands/list.js')).listCommand(ctx, { json: values.json as boolean, host: values.host as string | undefined });
  },
  async spawn(ctx, args) {
    const u = 'spawn [--on HOST] PROJECT [--attach | --no-attach]';
    const { values, positionals } = parse(args, { on: { type: 'string' }, attach: { type: 'boolean' }, 'no-attach': { type: 'boolean' } }, u);
    if (values.attach && values['no-attach']) throw usageError('--attach and --no-attach together', `usage: trimtab ${u}`);
    if (positionals.length > 1) throw usageError(`one project at a time, got ${positionals.length}`, `usage: trimtab ${u}`);
    const attach = values.attach ? true : values['no-attach'] ? false : undefined;
    await (await import('./commands/spawn.js')).spawnCommand(ctx, need(positionals[0], 'PROJECT', u), { on: values.on as string | undefined, attach });
  },
  async peek(ctx, args) {
    const u = 'peek TARGET [-n LINES] [--follow [--interval SECS]]';
    const { values, positionals } = parse(args, { lines: { type: 'string', short: 'n' }, follow: { type: 'boolean', short: 'f' }, interval: { type: 'string' } }, u);
    const lines = Math.floor(positiveNumber(values.lines as string | undefined, 40, '-n'));
    const interval = positiveNumber(values.interval as string | undefined, 1, '--interval');
    await (await import('./commands/peek.js')).peekCommand(ctx, need(positionals[0], 'TARGET', u), { lines, follow: values.follow as boolean, interval });
  },
  async send(ctx, args) {
    const u = 'send TARGET TEXT... [--no-enter]';
    const { values, positionals } = parse(args, { 'no-enter': { type: 'boolean' } }, u);
    const [target, ...words] = positionals;
    if (words.length === 0) throw usageError('missing TEXT', `usage: trimtab ${u}`);
    await (await import('./commands/send.js')).sendCommand(ctx, need(target, 'TARGET', u), words.join(' '), { enter: !values['no-enter'] });
  },
  async broadcast(ctx, args) {
    const u = 'broadcast TEXT... [--host NAME] [--status STATUS] [--yes]';
    const { values, positionals } = parse(args, { host: { type: 'string' }, status: { type: 'string' }, yes: { type: 'boolean', short: 'y' } }, u);
    if (positionals.length === 0) throw usageError('missing TEXT', `usage: trimtab ${u}`);
    await (await import('./commands/broadcast.js')).broadcastCommand(ctx, positionals.join(' '), { host: values.host as string | undefined, status: values.status as string | undefined, yes: values.yes as boolean });
  },
  async menu(ctx, args) {
    const u = 'menu [--ascii]';
    const { values } = parse(args, { ascii: { type: 'boolean' } }, u);
    await (await import('./menu/menu.js')).menuCommand(ctx, { ascii: Boolean(values.ascii) });
  },
  async attach(ctx, args) {
    const u = 'attach TARGET';
    const { positionals } = parse(args, {}, u);
    await (await import('./commands/attach.js')).attachCommand(ctx, need(positionals[0], 'TARGET', u));
  },
  async log(ctx, args) {
    const u = 'log [-n N] [--json]';
    const { values, positionals } = parse(args, { lines: { type: 'string', short: 'n' }, json: { type: 'boolean' } }, u);
    if (positionals.length) throw usageError(`unexpected ${JSON.stringify(positionals[0])}`, `usage: trimtab ${u}`);
    const lines = Math.max(1, Math.floor(positiveNumber(values.lines as string | undefined, 20, '-n')));
    (await import('./commands/log.js')).logCommand(ctx, { lines, json: values.json as boolean });
  },
  async hosts(ctx, args) {
    const u = 'hosts list | add NAME --ssh DEST [--projects DIR] [--agent CMD] [--socket S] | set NAME [same options] | remove NAME';
    const [verb = 'list', ...rest] = args;
    const opts = { ssh: { type: 'string' }, projects: { type: 'string' }, agent: { type: 'string' }, socket: { type: 'string' }, json: { type: 'boolean' } } as const;
    const { values, positionals } = parse(rest, opts, u);
    if (verb === 'list') return (await import('./commands/hosts.js')).hostsList(ctx, { json: Boolean(values.json) });
    if (verb === 'add') return (await import('./commands/hosts.js')).hostsAdd(ctx, need(positionals[0], 'NAME', u), values as Record<string, string>);
    if (verb === 'set') return (await import('./commands/hosts.js')).hostsSet(ctx, need(positionals[0], 'NAME', u), values as Record<string, string>);
    if (verb === 'remove' || verb === 'rm') return (await import('./commands/hosts.js')).hostsRemove(ctx, need(positionals[0], 'NAME', u));
    throw usageError(`unknown hosts command "${verb}"`, `usage: trimtab ${u}`);
  },
  async doctor(ctx, args) {
    const u = 'doctor [HOST...] [--json]';
    const { values, positionals } = parse(args, { json: { type: 'boolean' } }, u);
    await (await import('./commands/doctor.js')).doctorCommand(ctx, positionals, { json: values.json as boolean });
  },
  async prepare(ctx, args) {
    const u = 'prepare HOST [--projects a,b,...] [--dry-run]';
    const { values, positionals } = parse(args, { projects: { type: 'string' }, 'dry-run': { type: 'boolean', short: 'n' } }, u);
    if (positionals.length > 1) throw usageError(`one host at a time, got ${positionals.length}`, `usage: trimtab ${u}`);
    const list = values.projects as string | undefined;
    const projects = list === undefined ? undefined : list.split(',').map((p) => p.trim()).filter(Boolean);
    if (projects?.length === 0) throw usageError('--projects needs at least one name', `usage: trimtab ${u}`);
    await (await import('./commands/prepare.js')).prepareCommand(ctx, need(positionals[0], 'HOST', u), { projects, dryRun: values['dry-run'] as boolean });
  },
  async sync(ctx, args) {
    const usage = {
      status: 'sync status [--json] [--host H]',
      ignore: 'sync ignore [--on H]... [PROJECT...]',
      setup: 'sync setup HOST [PROJECT...] [--apply] [--os OS] [--with H]...',
    };
    const u = 'sync status | ignore | setup';
    const [verb, ...rest] = args;
    if (verb === 'status') {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' }, host: { type: 'string' } }, usage.status);
      if (positionals.length) throw usageError(`unexpected ${JSON.stringify(positionals[0])}`, `usage: trimtab ${usage.status}`);
      return (await import('./commands/sync.js')).syncStatusCommand(ctx, { json: values.json as boolean, host: values.host as string | undefined });
    }
    if (verb === 'ignore') {
      const { values, positionals } = parse(rest, { on: { type: 'string', multiple: true } }, usage.ignore);
      return (await import('./commands/sync-ignore.js')).syncIgnoreCommand(ctx, positionals, { on: values.on as string[] | undefined });
    }
    if (verb === 'setup') {
      const opts = { apply: { type: 'boolean' }, os: { type: 'string' }, with: { type: 'string', multiple: true } } as const;
      const { values, positionals } = parse(rest, opts, usage.setup);
      const [host, ...projects] = positionals;
      return (await import('./commands/sync-setup.js')).syncSetupCommand(ctx, need(host, 'HOST', usage.setup), { apply: values.apply as boolean, os: values.os as string | undefined, with: values.with as string[] | undefined, projects });
    }
    throw usageError(verb === undefined ? 'missing sync command' : `unknown sync command "${verb}"`, `usage: trimtab ${u}`);
  },
};

/** Run trimtab with `argv` (without node and script); returns the exit code. Prints errors. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    let [name, ...args] = argv;
    if (name === 'agent') [name, ...args] = args;
    if (name === '--version' || name === '-V' || name === 'version') {
      process.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    }
    // Bare `trimtab` on a terminal opens the menu; anywhere else it prints help.
    if (name === undefined && process.stdin.isTTY && process.stdout.isTTY) name = 'menu';
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(`${HELP}\n`);
      return EXIT.ok;
    }
    // The login entry runs before config is read: a broken config must still end in a shell.
    if (name === 'login') {
      if (args[0] === '--tool' || args[0] === '--script') {
        (await import('./commands/login.js')).loginTool((l) => process.stdout.write(`${l}\n`), args[0] === '--script' ? ['script', ...args.slice(1)] : args.slice(1));
        return EXIT.ok;
      }
      return await (await import('./commands/login.js')).loginCommand();
    }
    const command = COMMANDS[name];
    if (!command) throw usageError(`unknown command "${name}"`, 'see trimtab --help');
    const ctx = await (await import('./remote/context.js')).createContext(env);
    kleur.enabled = ctx.term.color;
    await command(ctx, args);
    return EXIT.ok;
  } catch (error) {
    return report(error);
  }
}

export function report(error: unknown): number {
  if (error instanceof TrimtabError) {
    process.stderr.write(`${kleur.red('✖')} ${error.message}\n`);
    if (error.hint) process.stderr.write(`${kleur.dim(`  ${error.hint}`)}\n`);
    return error.exitCode;
  }
  // A bug: say so in one line, keep the stack behind TRIMTAB_DEBUG.
  process.stderr.write(`${kleur.red('✖')} internal error: ${(error as Error)?.message ?? String(error)}\n`);
  if (process.env.TRIMTAB_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
  else process.stderr.write(`${kleur.dim('  set TRIMTAB_DEBUG=1 for details, and please report it')}\n`);
  return EXIT.failed;
}
