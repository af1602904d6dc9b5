import { describe, expect, it } from 'vitest';
import { type Command, lookup, verb } from '../../src/cli/command.js';
import { closest, editDistance } from '../../src/cli/suggest.js';
import { COMMANDS } from '../../src/cli/verbs.js';
import { helpText } from '../../src/cli.js';
import { EXIT, TrimtabError } from '../../src/core/errors.js';

/** The usage error `fn` throws. */
function usage(fn: () => unknown): TrimtabError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TrimtabError && error.exitCode === EXIT.usage) return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

const command = (path: string): Command => {
  const [name = '', sub] = path.split(' ');
  const found = lookup(COMMANDS, name);
  const target = sub === undefined ? found : lookup(found?.sub ?? [], sub);
  if (!target) throw new Error(`no command ${path}`);
  return target;
};
const invoke = (line: string) => {
  const [name = '', ...args] = line.split(' ').filter(Boolean);
  return command(name).invoke(args);
};

describe('editDistance', () => {
  it.each<[string, string, number]>([
    ['list', 'list', 0],
    ['lsit', 'list', 1],
    ['lst', 'list', 1],
    ['lisst', 'list', 1],
    ['peek', 'send', 3],
    ['', 'abc', 3],
    ['--jsno', '--json', 1],
  ])('%s → %s: %i', (a, b, d) => expect(editDistance(a, b)).toBe(d));
});

describe('closest', () => {
  const verbs = ['menu', 'login', 'list', 'spawn', 'peek', 'send', 'broadcast', 'attach', 'log', 'hosts'];
  it.each<[string, string | undefined]>([
    ['lsit', 'list'],
    ['atach', 'attach'],
    ['broad', 'broadcast'],
    ['host', 'hosts'],
    ['Send', 'send'],
    ['xyz', undefined],
    ['delete', undefined],
  ])('%s → %s', (typed, want) => expect(closest(typed, verbs)).toBe(want));
});

describe('the command table', () => {
  const all = COMMANDS.flatMap((c) => [c, ...(c.sub ?? [])]);

  it('has unique names and aliases, and every command has a summary and a usage line', () => {
    const names = COMMANDS.flatMap((c) => [c.name, ...c.aliases]);
    expect(new Set(names).size).toBe(names.length);
    for (const c of all) {
      expect(c.summary, c.name).not.toBe('');
      expect(c.usage.length, c.name).toBeGreaterThan(0);
    }
  });

  it.each(all.map((c) => [c.name, c] as const))('%s --help and -h give its help, before anything runs', (_n, c) => {
    for (const flag of ['--help', '-h']) {
      const outcome = c.invoke([flag]);
      expect(outcome.kind).toBe('help');
      if (outcome.kind === 'help') expect(outcome.text).toMatch(/^usage: trimtab /);
    }
  });

  it('help after other words and options still wins (nothing is parsed further)', () => {
    expect(invoke('send thor:app hello --help').kind).toBe('help');
    expect(invoke('peek -n 5 x -h').kind).toBe('help');
    expect(invoke('login --help').kind).toBe('help');
  });

  it('--help after -- is text, not a request for help', () => {
    expect(invoke('send thor:app -- --help').kind).toBe('run');
  });

  it('the top-level help lists every command and sub-command', () => {
    const text = helpText();
    for (const c of all) expect(text).toContain(`${c.name} `);
    expect(text).toContain('Exit: 0 ok, 1 failed, 2 bad usage/config, 3 host unreachable, 130 cancelled');
  });
});

describe('option checking', () => {
  it.each<[string, RegExp]>([
    ['hosts remove X --json', /unknown option --json for hosts remove$/],
    ['hosts list --ssh x', /unknown option --ssh for hosts list$/],
    ['list --jsn', /unknown option --jsn for list \(did you mean --json\?\)/],
    ['peek x --folow', /did you mean --follow\?/],
    ['sync status --on x', /unknown option --on for sync status/],
    ['log -x', /unknown option -x for log/],
  ])('%s is refused', (line, message) => {
    expect(usage(() => invoke(line)).message).toMatch(message);
  });

  it.each<[string, string]>([
    ['peek', 'missing TARGET'],
    ['send thor:app', 'missing TEXT'],
    ['spawn', 'missing PROJECT'],
    ['hosts add thor', 'hosts add needs --ssh DEST'],
    ['hosts remove', 'missing NAME'],
    ['list extra', 'unexpected "extra"'],
    ['attach a b', 'unexpected "b"'],
    ['peek x -n', "Option '-n, --lines <value>' argument missing"],
    ['list --json=yes', "Option '--json' does not take an argument"],
  ])('%s: %s', (line, message) => {
    const error = usage(() => invoke(line));
    expect(error.message).toBe(message);
    expect(error.hint).toMatch(/^usage: trimtab /);
  });

  it('an empty PROJECT is a missing one', () => {
    expect(usage(() => invoke('spawn')).message).toBe('missing PROJECT');
    expect(usage(() => command('spawn').invoke([''])).message).toBe('missing PROJECT');
  });

  it('unknown sub-commands get a did-you-mean; bare hosts lists, bare sync asks', () => {
    expect(usage(() => invoke('hosts ad x')).message).toBe('unknown hosts command "ad" (did you mean add?)');
    expect(invoke('hosts').kind).toBe('run');
    expect(invoke('hosts --json').kind).toBe('run');
    expect(invoke('hosts rm thor').kind).toBe('run');
    expect(usage(() => invoke('sync')).message).toBe('missing sync command');
  });

  it('the login tools run before any config is read', () => {
    expect(invoke('login --tool remove /x').kind).toBe('bare');
    expect(invoke('login').kind).toBe('bare');
  });
});

describe('verb', () => {
  it('derives the usage line and help from the spec, and hands typed values to run', async () => {
    const seen: unknown[] = [];
    const demo = verb({
      name: 'demo',
      summary: 'a demo',
      positionals: [{ name: 'A' }, { name: 'B', optional: true, many: true }],
      options: {
        count: { type: 'string', short: 'n', arg: 'N', help: 'how many' },
        on: { type: 'string', multiple: true, arg: 'HOST', help: 'where' },
        quiet: { type: 'boolean', help: 'say less' },
      },
      run: (_ctx, { values, positionals }) => {
        const count: string | undefined = values.count;
        const on: string[] | undefined = values.on;
        seen.push(count, on, values.quiet, positionals);
      },
    });
    expect(demo.usage).toEqual(['demo A [B...] [-n N] [--on HOST]... [--quiet]']);
    expect(demo.help()).toContain('  -n, --count N  how many');
    const outcome = demo.invoke(['a', '-n', '3', '--on', 'x', '--on', 'y', 'b', 'c']);
    if (outcome.kind !== 'run') throw new Error(outcome.kind);
    // The context is never touched by this run.
    await outcome.run(Object.create(null));
    expect(seen).toEqual(['3', ['x', 'y'], undefined, ['a', 'b', 'c']]);
  });
});
