/**
 * A command is data: its name, one-line summary, options (node:util parseArgs configs plus a
 * help text) and positionals, and the function that runs it. Parsing, option checking,
 * "did you mean", `--help` and the usage lines are all derived from that data, so a new verb is
 * one `verb({...})` entry in verbs.ts and nothing else.
 */
import { parseArgs } from 'node:util';
import { usageError } from '../core/errors.js';
import type { Ctx } from '../remote/context.js';
import { didYouMean } from './suggest.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's name in help and usage, e.g. `N` for `-n N`. */
  readonly arg?: string;
  /** Shown without brackets in the usage line and checked before the command runs. */
  readonly required?: boolean;
  readonly help: string;
}
export type Options = Readonly<Record<string, OptionSpec>>;

export interface Positional {
  readonly name: string;
  readonly optional?: boolean;
  /** Takes every remaining word (e.g. `TEXT...`). */
  readonly many?: boolean;
}

/** What parseArgs gives for these options: typed values (`string | undefined`, `boolean | undefined`, ...). */
export type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

export interface VerbSpec<O extends Options> {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly positionals?: readonly Positional[];
  readonly options: O;
  /** Extra help lines (what a positional looks like, how to pass text starting with `-`). */
  readonly notes?: readonly string[];
  /** Runs with the config read and the terminal set up. */
  readonly run?: (ctx: Ctx, parsed: Parsed<O>) => unknown;
  /** Runs before the config is read (the login entry: a broken config must still end in a shell); returns the exit code. */
  readonly runBare?: (parsed: Parsed<O>) => Promise<number>;
}

/** What `invoke` decided: print help, or run (with or without a context). */
export type Outcome =
  | { kind: 'help'; text: string }
  | { kind: 'run'; run: (ctx: Ctx) => unknown }
  | { kind: 'bare'; run: () => Promise<number> };

export interface Command {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  /** Usage lines without the leading `trimtab `. */
  readonly usage: readonly string[];
  readonly help: () => string;
  /** Sub-commands (`hosts add`), when this is a group. */
  readonly sub?: readonly Command[];
  /** `args` are the words after the command's name. */
  readonly invoke: (args: string[]) => Outcome;
}

const HELP_OPTION = { name: 'help', short: 'h', arg: undefined, help: 'show this help' };

const optionLabel = (name: string, o: Pick<OptionSpec, 'short' | 'arg' | 'type'>) => {
  const value = o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : '';
  return `${o.short ? `-${o.short}, ` : '    '}--${name}${value}`;
};

function usageLine(path: string, positionals: readonly Positional[], options: Options): string {
  const words = [path];
  for (const p of positionals) {
    const word = p.many ? `${p.name}...` : p.name;
    words.push(p.optional ? `[${word}]` : word);
  }
  for (const [name, o] of Object.entries(options)) {
    const flag = `${o.short ? `-${o.short}` : `--${name}`}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`;
    words.push(o.required ? flag : `[${flag}]${o.multiple ? '...' : ''}`);
  }
  return words.join(' ');
}

/** Two columns: labels padded to the widest, then the text. */
export const columns = (rows: readonly (readonly [string, string])[], indent = '  '): string[] => {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  return rows.map(([label, text]) => `${indent}${label.padEnd(width)}  ${text}`.trimEnd());
};

/** Option names and help words seen before `--`, for help and "did you mean". */
function scan(args: string[], options: Options): { help: boolean; unknown: string | undefined } {
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  let help = false;
  let unknown: string | undefined;
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name in options) continue;
    if (t.name === 'help' || t.name === 'h') help = true;
    else unknown ??= t.rawName;
  }
  return { help, unknown };
}

const firstLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error))
    .split('\n')[0]
    ?.replace(/\. To specify a positional argument.*$/, '') ?? '';

/** A verb from its spec; `group` is the parent's name for sub-verbs (`hosts`). */
export function verb<const O extends Options>(spec: VerbSpec<O>, group?: string): Command {
  const path = group ? `${group} ${spec.name}` : spec.name;
  const positionals = spec.positionals ?? [];
  const usage = [usageLine(path, positionals, spec.options)];
  const hint = `usage: trimtab ${usage[0]}`;
  const help = () => {
    const rows = Object.entries(spec.options).map(([name, o]): [string, string] => [optionLabel(name, o), o.help]);
    rows.push([optionLabel(HELP_OPTION.name, { ...HELP_OPTION, type: 'boolean' }), HELP_OPTION.help]);
    return [
      `usage: trimtab ${usage[0]}`,
      '',
      spec.summary,
      ...(spec.notes ?? []),
      '',
      'options:',
      ...columns(rows),
    ].join('\n');
  };
  const check = (args: string[]): Parsed<O> => {
    let parsed: Parsed<O>;
    try {
      parsed = parseArgs({ args, options: spec.options, allowPositionals: true, strict: true });
    } catch (error) {
      throw usageError(firstLine(error), hint);
    }
    for (const [name, o] of Object.entries(spec.options)) {
      if (o.required && !(name in parsed.values)) throw usageError(`${path} needs --${name} ${o.arg ?? 'VALUE'}`, hint);
    }
    const words = parsed.positionals;
    positionals.forEach((p, i) => {
      const word = words[i];
      if (!p.optional && (word === undefined || (word === '' && !p.many))) throw usageError(`missing ${p.name}`, hint);
    });
    const last = positionals[positionals.length - 1];
    if (!last?.many && words.length > positionals.length) {
      throw usageError(`unexpected ${JSON.stringify(words[positionals.length])}`, hint);
    }
    return parsed;
  };
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    summary: spec.summary,
    usage,
    help,
    invoke(args) {
      const { help: wantsHelp, unknown } = scan(args, spec.options);
      if (wantsHelp) return { kind: 'help', text: help() };
      if (unknown !== undefined) {
        const known = Object.keys(spec.options).map((n) => `--${n}`);
        throw usageError(`unknown option ${unknown} for ${path}${didYouMean(unknown, known)}`, hint);
      }
      const parsed = check(args);
      const { run, runBare } = spec;
      if (runBare) return { kind: 'bare', run: () => runBare(parsed) };
      if (run) return { kind: 'run', run: (ctx) => run(ctx, parsed) };
      throw new Error(`${path} has nothing to run`);
    },
  };
}

/** Finds a command by name or alias. */
export const lookup = (commands: readonly Command[], name: string) =>
  commands.find((c) => c.name === name || c.aliases.includes(name));

export const names = (commands: readonly Command[]) => commands.flatMap((c) => [c.name, ...c.aliases]);

/** A command with sub-verbs (`hosts list|add|set|remove`); `fallback` runs when none is named. */
export function group(spec: {
  name: string;
  summary: string;
  verbs: ((group: string) => Command)[];
  fallback?: string;
}): Command {
  const sub = spec.verbs.map((make) => make(spec.name));
  const usage = sub.flatMap((c) => c.usage);
  const help = () => {
    const rows = sub.map((c): [string, string] => [c.name, c.summary]);
    return [
      `usage: trimtab ${spec.name} <command> [options]`,
      '',
      spec.summary,
      '',
      'commands:',
      ...columns(rows),
      '',
      ...usage.map((u) => `  trimtab ${u}`),
      '',
      `Run trimtab ${spec.name} COMMAND --help for one command's options.`,
    ].join('\n');
  };
  const hint = `usage: trimtab ${spec.name} ${sub.map((c) => c.name).join(' | ')}`;
  return {
    name: spec.name,
    aliases: [],
    summary: spec.summary,
    usage,
    help,
    sub,
    invoke(args) {
      const [first, ...rest] = args;
      if (first === '--help' || first === '-h') return { kind: 'help', text: help() };
      if (first === undefined || first.startsWith('-')) {
        const fallback = spec.fallback === undefined ? undefined : lookup(sub, spec.fallback);
        if (fallback) return fallback.invoke(args);
        throw usageError(first === undefined ? `missing ${spec.name} command` : `unexpected ${first}`, hint);
      }
      const command = lookup(sub, first);
      if (!command) {
        throw usageError(`unknown ${spec.name} command "${first}"${didYouMean(first, names(sub))}`, hint);
      }
      return command.invoke(rest);
    },
  };
}
