// The pure parts of answering a prompt, on Claude Code 2.1.328's own screens (the lab corpus): which
// lines answer_prompt compares, where the cursor is, and which keys choose an option.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { optionKeys } from '../../src/core/status/prompt.js';
import { keysFor, promptPanel, shownPrompt, typedAnswerKeys } from '../../src/remote/answer.js';

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/corpus/lab-2.1.328');
const lines = (file: string) => readFileSync(path.join(CORPUS, file), 'utf8').replace(/\n+$/, '').split('\n');

describe('promptPanel', () => {
  it.each([
    'waiting-bash-40.txt',
    'waiting-bash-80.txt',
    'waiting-write-40.txt',
    'waiting-ask-40.txt',
    'waiting-plan-80.txt',
  ])('%s: from the rule that opens the prompt to the bottom, blank lines and trailing blanks out', (file) => {
    const panel = promptPanel(lines(file));
    expect(panel[0]).toMatch(/^\s*─{8,}\s*$/u);
    // Exactly the bottom of the screen's non-blank lines: what answer_prompt captures and compares.
    const nonBlank = lines(file)
      .map((l) => l.trimEnd())
      .filter(Boolean);
    expect(nonBlank.slice(-panel.length)).toEqual(panel);
    for (const l of panel) {
      expect(l).not.toBe('');
      expect(l).toBe(l.trimEnd());
    }
  });

  it('a question keeps its last option under the rule that parts it from the others', () => {
    const panel = promptPanel(lines('waiting-ask-40.txt'));
    expect(panel.some((l) => l.includes('☐ Colour'))).toBe(true);
    expect(panel.some((l) => l.includes('1. Red'))).toBe(true);
    expect(panel.some((l) => l.includes('5. Chat about this'))).toBe(true);
  });

  it('the Bash prompt holds the command and every option as drawn', () => {
    const panel = promptPanel(lines('waiting-bash-40.txt'));
    expect(panel).toContain(' echo "lab 40" > bash-out.txt && ls -la');
    expect(panel).toContain(' ❯ 1. Yes');
    expect(panel).toContain('   4. No');
  });
});

describe('shownPrompt and keysFor', () => {
  it('a numbered prompt: the cursor on option 1, each option chosen by its own number', () => {
    const p = shownPrompt(lines('waiting-bash-40.txt'))!;
    expect(p.title).toBe('Bash command');
    expect(p.cursor).toBe(0);
    expect(p.options.map((_, i) => keysFor(p, i))).toEqual([['1'], ['2'], ['3'], ['4']]);
  });

  it('a menu without numbers (the trust dialog): arrows from the ❯ row, then Enter', () => {
    const p = shownPrompt(lines('waiting-trust-40.txt'))!;
    expect(p.options.every((o) => o.key === null)).toBe(true);
    expect(p.cursor).not.toBeNull();
    const at = p.cursor!;
    expect(keysFor(p, at)).toEqual(['Enter']);
    const other = at === 0 ? 1 : 0;
    expect(keysFor(p, other)).toEqual([other > at ? 'Down' : 'Up', 'Enter']);
  });

  it('several answers allowed: digits tick boxes, Submit is reached with arrows from the ❯ row', () => {
    const p = shownPrompt(lines('waiting-ask-multi-40.txt'))!;
    expect(optionKeys(p)).toEqual(['1', '2', '3', '4', 's', '5']);
    expect(p.cursor).toBe(0);
    expect(keysFor(p, 0)).toEqual(['1']);
    expect(keysFor(p, 4)).toEqual(['Down', 'Down', 'Down', 'Down', 'Enter']);
    // With the ❯ on Submit, Enter alone.
    const on = shownPrompt(lines('waiting-ask-multi-on-submit-40.txt'))!;
    expect(on.cursor).toBe(4);
    expect(keysFor(on, 4)).toEqual(['Enter']);
  });

  it("a question's text row is never pressed from here; a number typed there would be text", () => {
    const single = shownPrompt(lines('waiting-ask-40.txt'))!;
    expect(single.textRow).toBe(3);
    expect(() => keysFor(single, 3)).toThrow(/takes an answer of your own/);
    expect(keysFor(single, 1)).toEqual(['2']);
    // The ❯ on the text row, with text typed into it: numbers would be typed, so arrows and Enter.
    const typed = lines('waiting-ask-multi-40.txt').map((l) =>
      l.replace('❯ 1. [ ] Red', '  1. [ ] Red').replace('  4. [ ] Type something', '❯ 4. [✔] my own idea'),
    );
    const p = shownPrompt(typed)!;
    expect(p.cursor).toBe(3);
    expect(p.textRow).toBe(3);
    expect(keysFor(p, 1)).toEqual(['Up', 'Up', 'Enter']);
    expect(keysFor(p, 4)).toEqual(['Down', 'Enter']);
  });

  it('an answer of your own: arrows to the text row, the text as it is, Enter; refused when it cannot travel', () => {
    const p = shownPrompt(lines('waiting-ask-40.txt'))!;
    expect(typedAnswerKeys(p, `teal; it's "x" $(y)`)).toEqual([
      'Down',
      'Down',
      'Down',
      `=teal; it's "x" $(y)`,
      'Enter',
    ]);
    expect(() => typedAnswerKeys(p, '  ')).toThrow(/empty/);
    expect(() => typedAnswerKeys(p, 'a\nb')).toThrow(/one line of printable text/);
    expect(() => typedAnswerKeys(p, 'a\x1b[201~b')).toThrow(/one line of printable text/);
    expect(() => typedAnswerKeys(p, 'x'.repeat(2001))).toThrow(/longer than 2000/);
    const typed = shownPrompt(
      lines('waiting-ask-40.txt').map((l) => l.replace('4. Type something.', '4. half typed')),
    )!;
    expect(typed.textRow).toBe(3);
    expect(() => typedAnswerKeys(typed, 'more')).toThrow(/already holds text/);
    expect(() => typedAnswerKeys(shownPrompt(lines('waiting-bash-40.txt'))!, 'x')).toThrow(/no row for an answer/);
  });

  it('the ❯ row is found by its number, not by a shorter label that starts it', () => {
    const p = shownPrompt(
      lines('waiting-ask-two-second-80.txt').map((l) =>
        l.replace(/^(\s*)❯ 1\. Small/u, '$1  1. Small').replace(/^(\s*) {2}2\. Large/u, '$1❯ 2. Small hosts'),
      ),
    )!;
    expect(p.options[1]?.label).toBe('Small hosts');
    expect(p.cursor).toBe(1);
  });

  it('the ❯ on Submit: a number does nothing there, so options are reached with arrows', () => {
    const p = shownPrompt(lines('waiting-ask-multi-on-submit-40.txt'))!;
    expect(keysFor(p, 0)).toEqual(['Up', 'Up', 'Up', 'Up', 'Enter']);
    expect(keysFor(p, 5)).toEqual(['Down', 'Enter']);
  });

  it('a permission prompt: numbers choose wherever the ❯ is (2.1.328: 1 with the ❯ on "No" ran the command)', () => {
    const moved = lines('waiting-bash-40.txt').map((l) =>
      l.replace(/^(\s*)❯ 1\./u, '$1  1.').replace(/^(\s*) {2}4\./u, '$1❯ 4.'),
    );
    const p = shownPrompt(moved)!;
    expect(p.cursor).toBe(3);
    expect(keysFor(p, 0)).toEqual(['1']);
  });

  it('the review after Submit shows each question with its answer', () => {
    const p = shownPrompt(lines('waiting-ask-two-review-40.txt'))!;
    expect(p.title).toBe('Review your answers');
    expect(p.subject.split('\n')).toEqual([
      '● Which colour should the lab use?',
      '→ Green',
      '● How big should the lab be?',
      '→ Small',
    ]);
    expect(optionKeys(p)).toEqual(['1', '2']);
  });

  it('no prompt on an idle or working screen', () => {
    expect(shownPrompt(lines('idle-fresh-40.txt'))).toBeNull();
    expect(shownPrompt(lines('working-slow-40.txt'))).toBeNull();
  });

  it('an option that is not there is an error, not a key', () => {
    const p = shownPrompt(lines('waiting-bash-40.txt'))!;
    expect(() => keysFor(p, 9)).toThrow(/no option 10/);
  });
});
