import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type AgentStatus,
  classifyPane,
  classifyScreen,
  isClaudeCommand,
  looksLikeClaude,
} from '../../../src/core/status/status.js';

// Captured screens, named `<expected status>-<what>.txt`.
const dir = fileURLToPath(new URL('../../fixtures/panes/', import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((file) => ({ file, expected: file.split('-')[0] as AgentStatus, screen: readFileSync(dir + file, 'utf8') }));
const screenOf = (file: string) => readFileSync(dir + file, 'utf8');

describe('classifyScreen', () => {
  it('has fixtures for every screen status', () => {
    expect(new Set(fixtures.map((f) => f.expected))).toEqual(new Set(['idle', 'working', 'waiting', 'unknown']));
  });

  it.each(fixtures)('$file', ({ expected, screen }) => {
    expect(classifyScreen(screen)).toBe(expected);
  });

  const box = (line: string) => `${'─'.repeat(40)}\n${line}\n${'─'.repeat(40)}\n  ? for shortcuts\n`;
  it.each([
    ['bare ❯ between rules', box('❯'), 'idle'],
    ['> with a space', box('> '), 'idle'],
    ['draft that looks like a menu option', box('❯ 1. Yes'), 'idle'],
    ['draft asking the question', box('> Do you want to proceed?'), 'idle'],
    ['CRLF line ends', box('❯ ').replace(/\n/g, '\r\n'), 'idle'],
    ['captured with colours (-e)', `\x1b[2m${'─'.repeat(40)}\x1b[0m\n\x1b[1m❯\x1b[0m \n${'─'.repeat(40)}\n`, 'idle'],
    ['prompt without the rule below', `${'─'.repeat(40)}\n❯ \n`, 'unknown'],
    ['spinner just above the box', `✳ Thinking…\n\n${box('❯ ')}`, 'working'],
    [
      'stale spinner above the last message',
      `✻ Thinking… (3s · esc to interrupt)\n\n● Done: tests pass.\n\n${box('❯ ')}`,
      'idle',
    ],
    [
      'prompt scrolled above the recent lines',
      ` Do you want to proceed?\n ❯ 1. Yes\n${'  log line\n'.repeat(30)}`,
      'unknown',
    ],
    ['finished summary above the box', `✻ Worked for 1m 52s\n\n${box('❯ ')}`, 'idle'],
    ['prose mentioning the hint', `● press esc to interrupt it\n\n${box('❯ ')}`, 'idle'],
    ['hint in the footer', `${'─'.repeat(40)}\n❯ \n${'─'.repeat(40)}\n  esc to interrupt\n`, 'working'],
    ['spinner without a box', '✶ Thinking… (3s · esc to interrupt)\n', 'working'],
    ['prompt with nothing below', ' Do you want to proceed?\n ❯ 1. Yes\n   2. No\n\n\n', 'waiting'],
    ['prompt above the box', ` Do you want to proceed?\n ❯ 1. Yes\n\n${box('❯ ')}`, 'idle'],
    ['only "? for shortcuts"', '  ? for shortcuts\n', 'unknown'],
    ['blank lines only', '\n\n   \n\n', 'unknown'],
    ['bare $ prompt', 'ls\nfoo bar\n$ \n', 'unknown'],
    // What the screen patterns got wrong before the corpus of real captures:
    [
      'a subagent offering ctrl+b, nothing else',
      `⏺ Explore(Find the parser)\n  ⎿  Search(pattern: "parse")\n     ctrl+b to run in background\n\n${box('❯ ')}`,
      'working',
    ],
    [
      'a Bash tool offering ctrl+b twice (inside tmux)',
      `⏺ Bash(npm ci)\n  ⎿  Running… (16s · timeout 2m)\n     ctrl+b ctrl+b (twice) to run in background\n\n${box('❯ ')}`,
      'working',
    ],
    ['prose about ctrl+b', `● You can press ctrl+b to run in background the long jobs.\n\n${box('❯ ')}`, 'idle'],
    ['a spinner with a counter and no …', `✻ Compacting conversation (12s · ↓ 1.2k tokens)\n\n${box('❯ ')}`, 'working'],
    [
      'a spinner on top of a long task list',
      `✶ Improvising… (3m 48s · ↑ 1.0k tokens)\n${'  ⎿  ◻ a task\n'.repeat(20)}\n${box('❯ ')}`,
      'working',
    ],
    ['a finished summary with a clock', `✻ Churned for 0s · done 11:35 AM\n\n${box('❯ ')}`, 'idle'],
    ['a compacted note', `✻ Conversation compacted (ctrl+o for history)\n\n${box('❯ ')}`, 'idle'],
    [
      'prose with the hint under the box',
      `${'─'.repeat(40)}\n❯ \n${'─'.repeat(40)}\n  Tip: press esc to interrupt a long run\n`,
      'idle',
    ],
    [
      'the hint after the mode in the footer',
      `${'─'.repeat(40)}\n❯ \n${'─'.repeat(40)}\n  ⏸ plan mode on (shift+tab to cycle) · esc to interrupt\n`,
      'working',
    ],
    ['prose with the hint and no box', '● I will stop when you press esc to interrupt me.\n', 'unknown'],
    [
      'the /model picker',
      `${'─'.repeat(40)}\n Select model\n   1. Default (recommended)\n ❯ 2. Opus\n Enter to confirm · Esc to exit\n`,
      'idle',
    ],
    [
      'the /hooks panel',
      `${'─'.repeat(40)}\n Hooks\n ❯ 1.  PreToolUse - Before tool execution\n Enter to confirm · Esc to cancel\n`,
      'idle',
    ],
    [
      'a numbered prompt no marker knows',
      `${'─'.repeat(40)}\n Open the browser?\n ❯ 1. Allow\n   2. Deny (esc)\n`,
      'waiting',
    ],
    [
      'a question picker',
      ` ☐ Database\n\n Which one?\n\n ❯ 1. Postgres\n   2. SQLite\n\n Enter to select · ↑/↓ to navigate · Esc to cancel\n`,
      'waiting',
    ],
    ['bash mode draft', box('! ls -la'), 'idle'],
  ] as const)('%s', (_name, screen, expected) => {
    expect(classifyScreen(screen)).toBe(expected);
  });
});

describe('classifyPane', () => {
  const idle = screenOf('idle-after-work.txt');
  const shell = screenOf('unknown-shell.txt');
  it.each([
    ['a dead pane', idle, { dead: true, command: 'claude' }, 'exited'],
    ['a dead pane with a shell screen', shell, { dead: true, command: 'bash' }, 'exited'],
    ['a shell and no Claude screen', shell, { dead: false, command: 'bash' }, 'exited'],
    ['a login shell', '', { dead: false, command: '-bash' }, 'exited'],
    ['zsh after Claude quit', screenOf('unknown-shell-after-exit.txt'), { dead: false, command: 'zsh' }, 'exited'],
    ['claude at its input box', idle, { dead: false, command: 'claude' }, 'idle'],
    ['a version-named binary working', screenOf('working-thinking.txt'), { dead: false, command: '2.1.34' }, 'working'],
    ['node waiting', screenOf('waiting-bash.txt'), { dead: false, command: 'node' }, 'waiting'],
    ['claude drawing nothing yet', '', { dead: false, command: 'claude' }, 'unknown'],
    ['vim', screenOf('unknown-vim.txt'), { dead: false, command: 'vim' }, 'unknown'],
    ['a wrapper script showing a Claude screen', idle, { dead: false, command: 'bash' }, 'idle'],
    [
      'tmux marked the pane dead after /exit',
      `${idle}\nPane is dead (status 0, Sun Nov 29 12:47:51 2026)\n`,
      { dead: false, command: 'claude' },
      'exited',
    ],
    [
      'tmux marked the pane dead after kill -9',
      `${idle}\nPane is dead (signal 9, Sun Nov 29 12:48:02 2026)\n`,
      { dead: false, command: 'claude' },
      'exited',
    ],
    [
      'prose about a dead pane',
      `● Pane is dead (status 0) means it exited.\n\n${idle}`,
      { dead: false, command: 'claude' },
      'idle',
    ],
  ] as const)('%s', (_name, screen, pane, expected) => {
    expect(classifyPane(screen, pane)).toBe(expected);
  });
});

describe('isClaudeCommand', () => {
  it.each([
    ['claude', true],
    ['node', true],
    ['2.1.34', true],
    ['10.0.1', true],
    ['2.1.34-beta.1', true],
    [' claude ', true],
    ['bash', false],
    ['-bash', false],
    ['vim', false],
    ['2.1', false],
    ['v2.1.34', false],
    ['nodemon', false],
    ['claude-squad', false],
    ['', false],
  ] as const)('%j -> %s', (command, expected) => {
    expect(isClaudeCommand(command)).toBe(expected);
  });
});

describe('looksLikeClaude', () => {
  it.each(fixtures)('$file', ({ expected, screen }) => {
    expect(looksLikeClaude(screen)).toBe(expected !== 'unknown');
  });
});
