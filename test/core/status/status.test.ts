import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyPane, classifyScreen, isClaudeCommand, looksLikeClaude, type AgentStatus } from '../../../src/core/status/status.js';

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
    ['stale spinner above the last message', `✻ Thinking… (3s · esc to interrupt)\n\n● Done: tests pass.\n\n${box('❯ ')}`, 'idle'],
    ['prompt scrolled above the recent lines', ` Do you want to proceed?\n ❯ 1. Yes\n${'  log line\n'.repeat(30)}`, 'unknown'],
    ['finished summary above the box', `✻ Worked for 1m 52s\n\n${box('❯ ')}`, 'idle'],
    ['prose mentioning the hint', `● press esc to interrupt it\n\n${box('❯ ')}`, 'idle'],
    ['hint in the footer', `${'─'.repeat(40)}\n❯ \n${'─'.repeat(40)}\n  esc to interrupt\n`, 'working'],
    ['spinner without a box', '✶ Thinking… (3s · esc to interrupt)\n', 'working'],
    ['prompt with nothing below', ' Do you want to proceed?\n ❯ 1. Yes\n   2. No\n\n\n', 'waiting'],
    ['prompt above the box', ` Do you want to proceed?\n ❯ 1. Yes\n\n${box('❯ ')}`, 'idle'],
    ['only "? for shortcuts"', '  ? for shortcuts\n', 'unknown'],
    ['blank lines only', '\n\n   \n\n', 'unknown'],
    ['bare $ prompt', 'ls\nfoo bar\n$ \n', 'unknown'],
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
