/** argv → command. The one place that prints errors and sets exit codes. */
import kleur from 'kleur';
import { type Command, columns, lookup, names } from './cli/command.js';
import { didYouMean } from './cli/suggest.js';
import { COMMANDS } from './cli/verbs.js';
import { EXIT, TrimtabError, usageError } from './core/errors.js';
import { printable } from './core/render/printable.js';

declare const __TRIMTAB_VERSION__: string;
const VERSION = typeof __TRIMTAB_VERSION__ === 'string' ? __TRIMTAB_VERSION__ : '0.0.0-dev';

const EXIT_LINE = `Exit: ${EXIT.ok} ok, ${EXIT.failed} failed, ${EXIT.usage} bad usage/config, ${EXIT.unreachable} host unreachable, ${EXIT.cancelled} cancelled`;

/** `trimtab --help`: every command with its summary, from the command table. */
export function helpText(commands: readonly Command[] = COMMANDS): string {
  const rows = commands.flatMap((c): [string, string][] =>
    c.sub
      ? [[c.name, c.summary], ...c.sub.map((s): [string, string] => [`  ${s.name}`, s.summary])]
      : [[c.name, c.summary]],
  );
  return [
    `trimtab ${VERSION} - Claude Code agents in tmux, across hosts`,
    '',
    'Usage: trimtab <command> [options]     (also: trimtab agent <command>)',
    '',
    ...columns(rows),
    '',
    'Run trimtab help COMMAND (or trimtab COMMAND --help) for its options.',
    'TARGET: [HOST:]PROJECT, [HOST:]SESSION:WINDOW or [HOST:]%N',
    'Text starting with "-": put -- before it (trimtab send thor:app -- -v).',
    '',
    EXIT_LINE,
    'Config: $TRIMTAB_CONFIG_DIR/config.json or ~/.config/trimtab/config.json',
  ].join('\n');
}

const find = (commands: readonly Command[], name: string, what = 'command'): Command => {
  const command = lookup(commands, name);
  if (command) return command;
  throw usageError(`unknown ${what} "${name}"${didYouMean(name, names(commands))}`, 'see trimtab --help');
};

/** `trimtab help [COMMAND [SUB]]`. */
function helpFor(words: string[]): string {
  const [name, subName] = words;
  if (name === undefined) return helpText();
  const command = find(COMMANDS, name);
  if (subName === undefined || !command.sub) return command.help();
  return find(command.sub, subName, `${command.name} command`).help();
}

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
      process.stdout.write(`${helpFor(args)}\n`);
      return EXIT.ok;
    }
    if (name.startsWith('-'))
      throw usageError(`unknown option ${name}`, 'options go after the command: see trimtab --help');
    // Parsing (and --help) happen before anything is read or started.
    const outcome = find(COMMANDS, name).invoke(args);
    if (outcome.kind === 'help') {
      process.stdout.write(`${outcome.text}\n`);
      return EXIT.ok;
    }
    if (outcome.kind === 'bare') return await outcome.run();
    const ctx = await (await import('./remote/context.js')).createContext(env);
    kleur.enabled = ctx.term.color;
    await outcome.run(ctx);
    return EXIT.ok;
  } catch (error) {
    return report(error);
  }
}

export function report(error: unknown): number {
  if (error instanceof TrimtabError) {
    // Messages quote names and stderr that came from hosts: nothing raw reaches the terminal.
    process.stderr.write(`${kleur.red('✖')} ${printable(error.message)}\n`);
    if (error.hint) process.stderr.write(`${kleur.dim(`  ${printable(error.hint)}`)}\n`);
    return error.exitCode;
  }
  // A bug: say so in one line, keep the stack behind TRIMTAB_DEBUG.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${kleur.red('✖')} internal error: ${printable(message)}\n`);
  if (process.env.TRIMTAB_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
  else process.stderr.write(`${kleur.dim('  set TRIMTAB_DEBUG=1 for details, and please report it')}\n`);
  return EXIT.failed;
}
