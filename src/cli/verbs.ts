/**
 * Every verb trimtab knows: the one table from which parsing, option checks and all help text
 * come. Each `run` is the single call site of its command module (loaded on demand, so a run
 * only pays for the code it uses).
 */
import { EXIT, usageError } from '../core/errors.js';
import { DOCTOR, HOSTS, PREPARE, SYNC } from './admin-verbs.js';
import { type Command, verb } from './command.js';
import { DASH_NOTE, hostFilter, json, positiveNumber, TARGET_NOTE } from './shared-options.js';

/*
 * Adding a verb is one entry: `verb({ name, summary, positionals, options, run })`, where `run`
 * gets typed option values and calls its command module through a dynamic import. Help, usage,
 * option checking and "did you mean" follow from the entry.
 */
export const COMMANDS: readonly Command[] = [
  verb({
    name: 'menu',
    summary: 'phone-sized menu (also: bare trimtab on a terminal)',
    options: {
      ascii: { type: 'boolean', help: 'draw with ASCII only' },
      refresh: { type: 'string', arg: 'SECS', help: "seconds between the screens' own refreshes (default 5)" },
    },
    run: async (ctx, { values }) => {
      const refreshSeconds = positiveNumber(values.refresh, 5, '--refresh');
      return (await import('../menu/menu.js')).menuCommand(ctx, { ascii: values.ascii === true, refreshSeconds });
    },
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
        return EXIT.ok;
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
    summary: 'start the agent in agents:PROJECT (TASK: its first message)',
    positionals: [{ name: 'PROJECT' }, { name: 'TASK', optional: true, many: true }],
    notes: [DASH_NOTE],
    options: {
      on: { type: 'string', arg: 'HOST', help: 'host to start it on (default: this one)' },
      continue: { type: 'boolean', short: 'c', help: 'continue its last conversation (claude --continue)' },
      attach: { type: 'boolean', help: 'open its window afterwards' },
      'no-attach': { type: 'boolean', help: 'do not open its window' },
    },
    run: async (ctx, { values, positionals: [project = '', ...task] }) => {
      if (values.attach && values['no-attach']) throw usageError('--attach and --no-attach together');
      const attach = values.attach ? true : values['no-attach'] ? false : undefined;
      return (await import('../commands/spawn.js')).spawnCommand(ctx, project, {
        on: values.on,
        attach,
        task: task.join(' '),
        continue: values.continue === true,
      });
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
    options: {
      'no-enter': { type: 'boolean', help: 'type the text without pressing Enter' },
      force: { type: 'boolean', help: 'send even to an agent waiting on a prompt (the text answers it)' },
    },
    run: async (ctx, { values, positionals: [target = '', ...words] }) =>
      (await import('../commands/send.js')).sendCommand(ctx, target, words.join(' '), {
        enter: !values['no-enter'],
        force: values.force === true,
      }),
  }),
  verb({
    name: 'approve',
    summary: "answer an agent's prompt (default: its plain Yes)",
    positionals: [{ name: 'TARGET' }, { name: 'OPTION', optional: true }],
    notes: [
      TARGET_NOTE,
      'OPTION: a number as drawn on the prompt, or its label; pressed only while that prompt is still pending',
      'With --text, a question is answered with TEXT on its own-answer row ("Type something.")',
    ],
    options: {
      text: { type: 'string', arg: 'TEXT', help: 'answer a question with text of your own (one line)' },
    },
    run: async (ctx, { values, positionals: [target = '', option] }) =>
      (await import('../commands/approve.js')).approveCommand(ctx, target, option, values.text),
  }),
  verb({
    name: 'reject',
    summary: "decline an agent's prompt (Esc)",
    positionals: [{ name: 'TARGET' }],
    notes: [TARGET_NOTE],
    options: {},
    run: async (ctx, { positionals: [target = ''] }) =>
      (await import('../commands/approve.js')).rejectCommand(ctx, target),
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
      force: { type: 'boolean', help: 'include agents waiting on a prompt (the text answers it)' },
    },
    run: async (ctx, { values, positionals }) =>
      (await import('../commands/broadcast.js')).broadcastCommand(ctx, positionals.join(' '), {
        host: values.host,
        status: values.status,
        yes: values.yes === true,
        force: values.force === true,
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
  verb({
    name: 'watch',
    summary: 'push to the phone when an agent waits (runs until stopped)',
    options: {
      once: { type: 'boolean', help: 'one pass against the saved state, then exit (cron, tests)' },
      interval: { type: 'string', arg: 'SECS', help: 'seconds between polls (default: notify.intervalSeconds or 3)' },
    },
    run: async (ctx, { values }) => {
      const interval = values.interval === undefined ? undefined : positiveNumber(values.interval, 3, '--interval');
      return (await import('../commands/watch.js')).watchCommand(ctx, { once: values.once === true, interval });
    },
  }),
  HOSTS,
  DOCTOR,
  PREPARE,
  SYNC,
];
