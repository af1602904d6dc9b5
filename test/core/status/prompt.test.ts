// readPrompt on constructed screens that pin one rule each (real captures are in corpus.test.ts).
import { describe, expect, it } from 'vitest';
import {
  choiceText,
  isCheckbox,
  optionKeys,
  type Prompt,
  readPrompt,
  yesOption,
} from '../../../src/core/status/prompt.js';

const rule = (w: number) => '─'.repeat(w);
const dash = (w: number) => '╌'.repeat(w);
const box = (w: number) => `${rule(w)}\n❯ \n${rule(w)}\n  ? for shortcuts\n`;
const screen = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('readPrompt', () => {
  it.each<[string, string, Partial<Prompt> | null]>([
    ['an idle screen', `● Done.\n\n${box(40)}`, null],
    ['a working screen', `✢ Sprouting… (2s · ↓ 12 tokens)\n\n${box(40)}`, null],
    [
      'a prompt above the input box (answered long ago)',
      screen(' Do you want to proceed?', ' ❯ 1. Yes', '   2. No', '', box(40)),
      null,
    ],
    [
      'the /model picker (the user opened it)',
      screen(rule(40), ' Select model', ' ❯ 1. Default', '   2. Opus', ' Enter to confirm · Esc to exit'),
      null,
    ],
    [
      'a Bash prompt, command between dashed rules (2.1.328 layout)',
      screen(
        rule(80),
        ' Bash command',
        '',
        dash(80),
        '   npm test -- --run',
        dash(80),
        '',
        ' Do you want to proceed?',
        ' ❯ 1. Yes',
        '   2. Yes, and always allow access to src/ from this project',
        '   3. No',
        '',
        ' Esc to cancel · Tab to amend',
      ),
      { kind: 'permission', title: 'Bash command', subject: 'npm test -- --run' },
    ],
    [
      'a multi-line command keeps its newlines',
      screen(
        rule(80),
        ' Bash command',
        '',
        dash(80),
        '   cd /srv/app',
        '   git pull',
        '   npm ci',
        dash(80),
        '',
        ' Do you want to proceed?',
        ' ❯ 1. Yes',
        '   2. No',
      ),
      { subject: 'cd /srv/app\ngit pull\nnpm ci' },
    ],
    [
      'a command wrapped at a space on a 40-column pane',
      screen(
        rule(40),
        ' Bash command',
        '',
        dash(40),
        '   git commit -m "fix the parser for',
        '   good"',
        dash(40),
        '',
        ' Do you want to proceed?',
        ' ❯ 1. Yes',
        '   2. No',
      ),
      { subject: 'git commit -m "fix the parser for good"' },
    ],
    [
      'a word broken in two on a 40-column pane',
      screen(
        rule(40),
        ' Create file',
        ' /home/mac/projects/trimtab/src/core/sta',
        ' tus/prompt-reader.ts',
        dash(40),
        '  1 hello',
        dash(40),
        ' Do you want to create',
        ' prompt-reader.ts?',
        ' ❯ 1. Yes',
        '   2. Yes, allow all edits during this',
        '      session (shift+tab)',
        '   3. No',
      ),
      { title: 'Create file', subject: '/home/mac/projects/trimtab/src/core/status/prompt-reader.ts' },
    ],
    [
      'a file on the heading line (2.1.12 layout) wrapped on a 40-column pane',
      screen(
        rule(40),
        ' Edit file /home/mac/projects/trimtab/sr',
        ' c/core/status/status.ts',
        dash(40),
        ' 1 -a',
        ' 1 +b',
        dash(40),
        ' Do you want to make this edit to',
        ' status.ts?',
        ' ❯ 1. Yes',
        '   2. No',
      ),
      { kind: 'permission', title: 'Edit file', subject: '/home/mac/projects/trimtab/src/core/status/status.ts' },
    ],
    [
      'options read by their own numbers and labels',
      screen(
        rule(40),
        ' Bash command',
        '',
        '   rm -rf build',
        '   Remove the build folder',
        '',
        ' Do you want to proceed?',
        '   1. No',
        ' ❯ 2. Yes',
        '   3. Yes, and always allow access to',
        '      build/ from this project',
      ),
      {
        subject: 'rm -rf build',
        options: [
          { key: '1', label: 'No' },
          { key: '2', label: 'Yes' },
          { key: '3', label: 'Yes, and always allow access to build/ from this project' },
        ],
      },
    ],
    [
      'a question with descriptions under its options',
      screen(
        rule(60),
        ' ☐ Database',
        '',
        ' Which database should the service use?',
        '',
        ' ❯ 1. Postgres',
        '      Relational, already in the stack',
        '   2. SQLite',
        '      One file, no server',
        '   3. Type something.',
        '',
        ' Enter to select · ↑/↓ to navigate · Esc to cancel',
      ),
      {
        kind: 'question',
        title: 'Database',
        subject: 'Which database should the service use?',
        options: [
          { key: '1', label: 'Postgres' },
          { key: '2', label: 'SQLite' },
          { key: '3', label: 'Type something.' },
        ],
      },
    ],
    [
      'a question wrapped on a 40-column pane',
      screen(
        rule(40),
        ' ☐ Database',
        '',
        ' Which database should the new billing',
        ' service use in production?',
        '',
        ' ❯ 1. Postgres',
        '   2. SQLite',
        '',
        ' Enter to select · ↑/↓ to navigate · Esc',
        ' to cancel',
      ),
      { subject: 'Which database should the new billing service use in production?' },
    ],
    [
      'the trust dialog',
      screen(
        rule(80),
        ' Accessing workspace:',
        '',
        ' /home/mac/projects/new',
        '',
        ' Quick safety check: Is this a project you created or one you trust?',
        '',
        ' ❯ 1. Yes, I trust this folder',
        '   2. No, exit',
        '',
        ' Enter to confirm · Esc to cancel',
      ),
      {
        kind: 'trust',
        title: 'Accessing workspace:',
        subject: '/home/mac/projects/new',
        options: [
          { key: '1', label: 'Yes, I trust this folder' },
          { key: '2', label: 'No, exit' },
        ],
      },
    ],
    [
      'a plan approval',
      screen(
        rule(80),
        ' Ready to code?',
        '',
        " Here is Claude's plan:",
        ' 1 Add the reader',
        dash(80),
        ' Would you like to proceed?',
        ' ❯ 1. Yes, and use auto mode',
        '   2. Yes, manually approve edits',
        '   3. Tell Claude what to change',
      ),
      { kind: 'plan', title: 'Ready to code?' },
    ],
    [
      'a numbered prompt the table does not know',
      screen(rule(80), ' Claude wants to open a browser', '', ' Shall I go ahead?', ' ❯ 1. Allow', '   2. Deny (esc)'),
      {
        kind: 'other',
        title: 'Claude wants to open a browser',
        subject: 'Shall I go ahead?',
        options: [
          { key: '1', label: 'Allow' },
          { key: '2', label: 'Deny (esc)' },
        ],
      },
    ],
  ])('%s', (_name, text, want) => {
    const got = readPrompt(text);
    if (want === null) expect(got).toBeNull();
    else expect(got).toMatchObject(want);
  });

  it('reads a menu without numbers (2.1.328 dialogs), wrapped rows joined', () => {
    const text = screen(
      rule(40),
      ' Pick a mode?',
      '',
      ' ❯ Yes, set auto mode as my default',
      '   permission mode',
      '   No, keep manual mode',
      '',
      '',
      '',
    );
    expect(readPrompt(text)).toEqual({
      kind: 'other',
      title: 'Pick a mode?',
      subject: 'Pick a mode?',
      options: [
        { key: null, label: 'Yes, set auto mode as my default permission mode' },
        { key: null, label: 'No, keep manual mode' },
      ],
    });
  });

  it('reads the 1.x boxed layout', () => {
    const w = 50;
    const row = (s: string) => `│ ${s.padEnd(w - 4)} │`;
    const text = screen(
      `╭${rule(w - 2)}╮`,
      row('Bash command'),
      row(''),
      row('  ls -la'),
      row('  List files'),
      row(''),
      row('Do you want to proceed?'),
      row('❯ 1. Yes'),
      row('  2. No, and tell Claude what to do differently'),
      `╰${rule(w - 2)}╯`,
    );
    expect(readPrompt(text)).toEqual({
      kind: 'permission',
      title: 'Bash command',
      subject: 'ls -la',
      options: [
        { key: '1', label: 'Yes' },
        { key: '2', label: 'No, and tell Claude what to do differently' },
      ],
    });
  });
});

describe('yesOption', () => {
  const p = (...labels: [string | null, string][]): Prompt => ({
    kind: 'permission',
    title: 'Bash command',
    subject: 'ls',
    options: labels.map(([key, label]) => ({ key, label })),
  });
  it.each<[string, Prompt | null, { key: string | null; index: number } | null]>([
    ['Yes first', p(['1', 'Yes'], ['2', 'No']), { key: '1', index: 0 }],
    ['Yes second', p(['1', 'No'], ['2', 'Yes']), { key: '2', index: 1 }],
    ['case and spaces', p(['1', ' YES ']), { key: '1', index: 0 }],
    ['a menu without numbers', p([null, 'No'], [null, 'Yes']), { key: null, index: 1 }],
    ['only a qualified yes', p(['1', 'Yes, and always allow access to tmp/ from this project'], ['2', 'No']), null],
    ['Yes, proceed is not plain', p(['1', 'Yes, proceed'], ['2', 'No, exit']), null],
    ['no prompt', null, null],
  ])('%s', (_name, prompt, want) => {
    expect(yesOption(prompt)).toEqual(want);
  });
});

describe('optionKeys', () => {
  const opts = (...keys: Array<string | null>) => ({
    options: keys.map((key, i) => ({ key, label: key === null && i === 4 ? 'Submit' : `o${i}` })),
  });
  it.each<[string, ReturnType<typeof opts>, string[]]>([
    ['numbers as drawn', opts('1', '2', '3'), ['1', '2', '3']],
    ['no numbers at all: counted from 1', opts(null, null, null), ['1', '2', '3']],
    ['Submit among numbered options: s', opts('1', '2', '3', '4', null, '5'), ['1', '2', '3', '4', 's', '5']],
    ['another row without a number among numbered ones: after the last number', opts('1', null, '2'), ['1', '3', '2']],
  ])('%s', (_name, prompt, keys) => expect(optionKeys(prompt)).toEqual(keys));
});

describe('choiceText and isCheckbox', () => {
  it.each([
    ['1', '[ ] Red', 'tick Red', true],
    ['3', '[✔] Blue', 'clear Blue', true],
    ['1', 'Yes', '1. Yes', false],
    ['s', 'Submit', 's. Submit', false],
    ['2', '[not a box] x', '2. [not a box] x', false],
  ])('%s %s: %s', (key, label, text, box) => {
    expect(choiceText(key, label)).toBe(text);
    expect(isCheckbox(label)).toBe(box);
  });
});
