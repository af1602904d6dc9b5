// What a waiting Claude Code agent asks, read from the bottom of its screen. Pure.
//
// Claude Code draws a prompt in place of its input box: a full-width `───` rule, a heading
// ("Bash command", "Edit file", "Create file", "Accessing workspace:", "☐ Header"), the subject
// (the command, the file path, the question), a question line, options, a footer. Options are
// numbered ("❯ 1. Yes") or, in 2.1.328's trust and start-up dialogs, not ("❯ No, exit": key
// null). Numbers and labels differ between prompts and releases: both are read, never assumed.
//
// Wrapped lines. A narrow pane (a phone: 40 columns) wraps long commands, paths and labels, and
// `capture-pane -p` gives each screen row as a line (Claude Code writes its own line breaks, so
// -J would not help). Claude Code breaks a row at a space when the next word does not fit, and
// inside a word only when the row is full. So a line break is read as a WRAP when the row above
// could not have held the next row's first word: its end column + 1 + that word's width passes
// the block's row limit; otherwise it is a real NEWLINE (a line of a multi-line command, or an
// option's description). The row limit is the pane width less the block's left indent (the
// right margin mirrors the left: measured on 2.1.222 at 22 columns), or the end of the block's
// longest row when one reaches further (option labels run to the edge). A wrap joins with one
// space, or with none when the row above fills the limit and its last word run into the next
// row's first word is longer than a row (a word, usually a path, broken in two). A real newline
// inside a command stays "\n". Rows under a numbered option are its label wrapped, except in a
// question (AskUserQuestion), where they may be its description and the rule decides. The
// pane width is the longest `─`/`╌` rule on screen (drawn full width), else the longest line.
// Known limit: a line of a multi-line command that ends within a word's width of the right
// edge reads as wrapped; from the text alone the two cannot be told apart.

import { classifyScreen, findInputBox, SCREEN, screenLines } from './status.js';

export type PromptKind = 'permission' | 'question' | 'plan' | 'trust' | 'other';

export interface PromptOption {
  /**
   * The number drawn before the label: what to type to choose it. null when the menu draws no
   * numbers (2.1.328 trust and start-up dialogs): move with the arrows from the "❯" and Enter.
   */
  key: string | null;
  label: string;
}

export interface Prompt {
  kind: PromptKind;
  /** The prompt's heading: "Bash command", "Edit file", "Create file", the question's header. */
  title: string;
  /** The command, file path or question, whole and unwrapped. */
  subject: string;
  options: PromptOption[];
}

/** Prompt layouts, by release (see the corpus in test/fixtures/corpus/). */
const PROMPT = {
  // "❯ 1. Yes", "   2. No", "│ ❯ 1. Yes │" (1.x), "↓ 5. ..." (scrolled menus).
  option: /^\s*(?:│\s*)?(?:[❯>↓↑]\s*)?(\d{1,2})\.\s+(\S.*?)\s*(?:│\s*)?$/u,
  // The selected row of a menu without numbers (2.1.328): " ❯ No, exit".
  cursor: /^(\s+❯\s+)(\S.*)$/u,
  // The dashed rules around a diff, a new file's content, or (2.1.328) the Bash command.
  dashed: /^\s*╌{3,}/u,
  trust: /Do you trust the files in this folder\?|Yes, I trust this folder|Accessing workspace:/,
  plan: /Would you like to proceed\?|Exit plan mode\?|ready to execute/,
  question: /[☐☒] |Enter to select · (?:↑\/↓|Tab\/Arrow keys) to navigate|Review your answers/u,
  permission:
    /Do you want to (?:proceed|make this edit|create )|requires confirmation for this command|tell Claude what to do differently/,
  // The question above the options: "Do you want to proceed?", "Would you like to proceed?".
  ask: /\?\s*$/,
  // A tool heading that carries the file on the same line (2.1.12): "Edit file hello.txt".
  fileHeading: /^((?:Edit|Create|Write|Read|Delete) file)\s+(\S.*)$/,
  fileTitle: /^(?:Edit|Create|Write|Read|Delete) file$/,
  // The question of a file prompt: "Do you want to create foo.ts?", "... make this edit to foo.ts?"
  fileQuestion: /^Do you want to (create|make this edit to) (.+)\?$/,
  // Right-aligned hints drawn on the heading line: "Bash command        ctrl+e to explain".
  hint: /\s{3,}\S.*$/,
  // AskUserQuestion's header chip, or its tab bar ("←  ☒ Colour  ☐ Size  ✔ Submit  →"): ☐ a
  // question not answered yet, ☒ one answered (2.1.328; with several answers allowed, once a box is ticked).
  chip: /[☐☒]\s+(.+?)(?:\s{2,}|$)/u,
  // With several answers allowed (2.1.328), a row with no number under the options: "Submit" (or
  // "❯    Submit" with the cursor on it), at the column of the options' labels. Enter on it opens the review.
  submit: /^(\s*)(❯\s+)?Submit\s*$/u,
  // The last step of AskUserQuestion (2.1.328): each question with its answer, then "1. Submit answers".
  review: /^Review your answers$/,
};

/**
 * The question a chip line or tab bar names: the first not answered yet (the one on screen when
 * they are answered in order), else the first; "Size (2 of 2)" when the bar has several.
 */
function chipTitle(line: string): string {
  const chips = [...line.matchAll(/([☐☒])\s+(.+?)(?=\s{2,}|\s*$)/gu)];
  const at = Math.max(
    0,
    chips.findIndex((c) => c[1] === '☐'),
  );
  const name = (chips[at]?.[2] ?? '').trim();
  return chips.length > 1 ? `${name} (${at + 1} of ${chips.length})` : name;
}

/**
 * What the user types to choose each option: its number as drawn; in a menu with no numbers at all,
 * its place counted from 1; the "Submit" row among numbered options, `s`; any other row without a
 * number among numbered ones, the numbers after the last drawn one.
 */
export function optionKeys(prompt: Pick<Prompt, 'options'>): string[] {
  const numbered = prompt.options.filter((o) => o.key !== null);
  if (numbered.length === 0) return prompt.options.map((_, i) => String(i + 1));
  let next = Math.max(...numbered.map((o) => Number(o.key)));
  return prompt.options.map((o) => o.key ?? (o.label === 'Submit' ? 's' : String(++next)));
}

const BOX = /^\[([ ✔✓xX])\]\s*(.*)$/u;

/** An option that ticks or clears a box (a question with several answers): it answers nothing yet. */
export const isCheckbox = (label: string) => BOX.test(label);

/** What choosing an option does, in words: a box ticked or cleared ("tick Red"), else "KEY. LABEL". */
export function choiceText(key: string, label: string): string {
  const box = BOX.exec(label);
  if (box) return `${box[1] === ' ' ? 'tick' : 'clear'} ${box[2]}`;
  return `${key}. ${label}`;
}

type Line = { text: string; indent: number; end: number };
type Menu = { first: number; last: number; items: { key: string | null; lines: Line[] }[] };

/** The prompt a waiting agent shows, or null when the screen does not show one. */
export function readPrompt(screen: string): Prompt | null {
  if (classifyScreen(screen) !== 'waiting') return null;
  const raw = screenLines(screen);
  const box = findInputBox(raw);
  const all = raw.map(unbox);
  const region = box ? all.slice(box.bottom + 1) : all;
  const width = paneWidth(all);

  // The lowest menu on screen, numbered or not: one higher up was answered before.
  const numbered = findOptions(region);
  const plain = findMenu(region, width);
  const opts = numbered && (!plain || numbered.last >= plain.last) ? numbered : plain;
  if (!opts) return null;

  // The panel: from the last full-width rule above the options down to them (the rule may have
  // scrolled off a short pane: then from the top of the region).
  let top = opts.first - 1;
  while (top >= 0 && !isRule(region[top] ?? '')) top--;
  const panel = region.slice(top + 1, opts.first);
  // Phrases are matched on the panel's text with its rows joined, so a wrapped phrase still reads.
  const text = region
    .slice(top + 1)
    .map((l) => l.trim())
    .join(' ');
  const kind: PromptKind = PROMPT.trust.test(text)
    ? 'trust'
    : PROMPT.question.test(text)
      ? 'question'
      : PROMPT.plan.test(text)
        ? 'plan'
        : PROMPT.permission.test(text)
          ? 'permission'
          : 'other';

  // Every option shares one row width: labels may run to the pane's edge. Only a question's
  // options have descriptions under them; under any other option a further row is its label
  // wrapped (even where the wrap rule cannot tell, as on screens whose paths were shortened).
  const optionLimit = rowLimit(
    opts.items.flatMap((o) => o.lines),
    width,
  );
  const options = opts.items.map(({ key, lines }) => ({
    key,
    label: unwrap(lines, width, optionLimit, kind !== 'question').split('\n')[0] ?? '',
  }));

  const blocks = paragraphs(panel);
  // The heading's first logical line (it may wrap on a narrow pane), without right-aligned hints.
  const head = unwrap(
    (blocks[0] ?? []).map((l) => ({ ...l, text: l.text.replace(PROMPT.hint, '') })),
    width,
  ).split('\n');
  const heading = top >= 0 ? (head[0] ?? '') : '';
  const question = unwrap(blocks.at(-1) ?? [], width);

  if (kind === 'question') {
    const chipAt = blocks.findIndex((b) => PROMPT.chip.test(b[0]?.text ?? ''));
    const rest = chipAt >= 0 ? blocks.slice(chipAt + 1) : blocks;
    // The review: "Review your answers", then each question (● ...) with its answer (→ ...).
    const review = rest[0]?.length === 1 && PROMPT.review.test(rest[0][0]?.text ?? '');
    const title = review ? 'Review your answers' : chipAt >= 0 ? chipTitle(blocks[chipAt]?.[0]?.text ?? '') : heading;
    const subject = (review ? rest.slice(1) : rest).map((b) => unwrap(b, width)).join('\n');
    return { kind, title: title.trim(), subject, options };
  }
  if (kind === 'trust') return { kind, title: heading || question, subject: unwrap(blocks[1] ?? [], width), options };
  if (kind === 'plan')
    return {
      kind,
      title: heading || question,
      subject: heading && heading !== question ? unwrap(blocks[1] ?? [], width) || question : question,
      options,
    };
  if (kind === 'other') {
    // The question: the panel's first line that asks one (often the heading itself), else the last block.
    const asking = blocks.flatMap((b) => unwrap(b, width).split('\n')).find((l) => PROMPT.ask.test(l));
    return { kind, title: heading || question, subject: asking ?? question, options };
  }

  // A permission: the heading names the tool, the block under it is the subject. When the
  // heading scrolled off, the question still names a file prompt's file.
  const same = PROMPT.fileHeading.exec(heading);
  if (same) return { kind, title: same[1] ?? '', subject: same[2] ?? '', options };
  if (PROMPT.fileTitle.test(heading)) {
    const path = head.length > 1 ? head.slice(1).join('') : unwrap(blocks[1] ?? [], width);
    return { kind, title: heading, subject: path, options };
  }
  const asked = PROMPT.fileQuestion.exec(question);
  if (!heading && asked)
    return { kind, title: asked[1] === 'create' ? 'Create file' : 'Edit file', subject: asked[2] ?? '', options };
  return { kind, title: heading || question, subject: commandOf(panel.slice(1), blocks.slice(1, -1), width), options };
}

/**
 * The option labelled plainly "Yes" (case and spaces aside), for a default approve: its key to
 * type, and its index in `options` for a menu without numbers; null when there is none.
 */
export function yesOption(prompt: Prompt | null): { key: string | null; index: number } | null {
  const index = prompt?.options.findIndex((o) => o.label.trim().toLowerCase() === 'yes') ?? -1;
  return prompt && index >= 0 ? { key: prompt.options[index]?.key ?? null, index } : null;
}

/**
 * The command of a Bash-like prompt: between the dashed rules when the release draws them,
 * else the first block under the heading, whose last line is the tool's description (drawn
 * dim, which a plain capture loses) when the block has more than one line.
 */
function commandOf(under: string[], body: Line[][], width: number): string {
  const rules = under.flatMap((l, i) => (PROMPT.dashed.test(l) ? [i] : []));
  if (rules.length >= 2) {
    // 2.1.328 draws a "│ " gutter before a command whose quoted text it cannot check: not the command's.
    let rows = under.slice((rules[0] ?? 0) + 1, rules[1]);
    if (rows.every((l) => l.trim() === '' || /^\s*│ /u.test(l))) rows = rows.map((l) => l.replace(/^(\s*)│ /u, '$1'));
    return unwrap(toLines(rows), width);
  }
  const logical = unwrap(body[0] ?? [], width).split('\n');
  return (logical.length > 1 ? logical.slice(0, -1) : logical).join('\n');
}

/**
 * A menu without numbers: the "❯" row and the rows beside it at its label's column. A row
 * starts a new option unless the row above was too full to hold its first word (a wrap).
 */
function findMenu(region: string[], paneWidth: number): Menu | undefined {
  let at = region.length - 1;
  while (at >= 0 && !PROMPT.cursor.test(region[at] ?? '')) at--;
  const m = PROMPT.cursor.exec(region[at] ?? '');
  if (!m) return undefined;
  const col = (m[1] ?? '').length;
  const isRow = (l: string) => l.trim() !== '' && l.length - l.trimStart().length === col;
  let first = at;
  while (first > 0 && isRow(region[first - 1] ?? '')) first--;
  let end = at + 1;
  while (end < region.length && isRow(region[end] ?? '')) end++;
  const rows = region.slice(first, end).map((l, i) => (first + i === at ? ' '.repeat(col) + (m[2] ?? '') : l));
  const lines = toLines(rows);
  const limit = rowLimit(lines, paneWidth);
  const items: Menu['items'] = [];
  lines.forEach((line, i) => {
    const prev = lines[i - 1];
    const wrapped = prev && first + i !== at && prev.end + 1 + width(line.text.split(' ')[0] ?? '') > limit;
    if (wrapped) items.at(-1)?.lines.push(line);
    else items.push({ key: null, lines: [line] });
  });
  return { first, last: end - 1, items };
}

/** The numbered options at the bottom of the region, with their continuation lines. */
function findOptions(region: string[]): Menu | undefined {
  let last = region.length - 1;
  while (last >= 0 && !PROMPT.option.test(region[last] ?? '')) last--;
  if (last < 0) return undefined;
  // Walk up through smaller numbers to 1 (a rule may part the last options, 2.1.21x: "6. Chat
  // about this"); lines between two options belong to the upper one.
  const starts: number[] = [last];
  let below = Number(PROMPT.option.exec(region[last] ?? '')?.[1]);
  for (let i = last - 1; i >= 0 && below > 1; i--) {
    const l = region[i] ?? '';
    const m = PROMPT.option.exec(l);
    if (m && Number(m[1]) < below) {
      starts.unshift(i);
      below = Number(m[1]);
    } else if (PROMPT.dashed.test(l) || PROMPT.chip.test(l) || PROMPT.ask.test(l)) break;
  }
  let end = last + 1;
  while (end < region.length && region[end]?.trim() !== '' && !isRule(region[end] ?? '')) end++;
  const items = starts.flatMap((s, k) => {
    const m = PROMPT.option.exec(region[s] ?? '');
    const first = region[s] ?? '';
    const lead = first.length - first.trimStart().length + first.trimStart().indexOf(m?.[2] ?? '');
    const head: Line = { text: m?.[2] ?? '', indent: lead, end: width(first.trimEnd()) };
    // A row of this option is indented past its number; the footer ("Esc to cancel") is not.
    const numberAt = first.length - first.trimStart().length;
    const below = region.slice(s + 1, starts[k + 1] ?? end);
    // The Submit row of a question with several answers: an option of its own, with no number.
    const submitAt = below.findIndex((l) => {
      const sm = PROMPT.submit.exec(l);
      return sm !== null && (sm[2] !== undefined || (sm[1] ?? '').length === lead);
    });
    const more = (submitAt >= 0 ? below.slice(0, submitAt) : below).filter(
      (l) => l.trim() !== '' && !isRule(l) && l.length - l.trimStart().length > numberAt,
    );
    const item = { key: m?.[1] ?? '', lines: [head, ...toLines(more)] };
    if (submitAt < 0) return [item];
    return [item, { key: null, lines: [{ text: 'Submit', indent: lead, end: lead + 'Submit'.length }] }];
  });
  return { first: starts[0] ?? last, last, items };
}

/** A full-width rule: the top of a prompt panel, or the edge of a 1.x box. */
function isRule(line: string): boolean {
  return SCREEN.rule.test(line) || SCREEN.boxTop.test(line) || SCREEN.boxBottom.test(line);
}

/** Blocks of lines separated by blank lines or dashed rules; a header chip is a block of its own. */
function paragraphs(lines: string[]): Line[][] {
  const out: Line[][] = [];
  let cur: Line[] = [];
  for (const l of lines) {
    const chip = PROMPT.chip.test(l);
    if (l.trim() === '' || PROMPT.dashed.test(l) || chip) {
      if (cur.length) out.push(cur);
      cur = [];
    }
    if (chip) out.push(toLines([l]));
    else if (l.trim() !== '' && !PROMPT.dashed.test(l)) cur.push(...toLines([l]));
  }
  if (cur.length) out.push(cur);
  return out;
}

function toLines(lines: string[]): Line[] {
  return lines.map((l) => ({ text: l.trim(), indent: l.length - l.trimStart().length, end: width(l.trimEnd()) }));
}

/**
 * The column where a block's rows wrap: the pane width less the block's indent (the right
 * margin mirrors the left), or further if a row of the block reaches further.
 */
function rowLimit(lines: Line[], paneWidth: number): number {
  const indent = Math.min(...lines.map((l) => l.indent));
  return Math.max(paneWidth - indent, ...lines.map((l) => l.end));
}

/** Joins wrapped rows back into logical lines (the rule is at the top of this file). */
function unwrap(lines: Line[], widthOrLimit: number, given?: number, allWrapped = false): string {
  if (lines.length === 0) return '';
  const limit = given ?? rowLimit(lines, widthOrLimit);
  let out = '';
  lines.forEach((line, i) => {
    const prev = lines[i - 1];
    if (!prev) {
      out = line.text;
      return;
    }
    const firstWord = line.text.split(' ')[0] ?? '';
    if (!allWrapped && prev.end + 1 + width(firstWord) <= limit) out += `\n${line.text}`;
    else {
      const lastWord = prev.text.split(' ').at(-1) ?? '';
      const broken = prev.end >= limit && width(lastWord) + width(firstWord) > limit - prev.indent;
      out += (broken ? '' : ' ') + line.text;
    }
  });
  return out;
}

/** A 1.x boxed line "│ text │" without its borders. */
function unbox(line: string): string {
  const m = /^\s*│(.*)│\s*$/u.exec(line);
  return m ? (m[1] ?? '').trimEnd() : line;
}

/** Columns of the pane: its full-width rules, else its longest line. */
function paneWidth(lines: string[]): number {
  const rules = lines.filter((l) => /^\s*[─╌]{8,}/u.test(l)).map((l) => width(l.trimEnd()));
  return rules.length ? Math.max(...rules) : Math.max(0, ...lines.map((l) => width(l)));
}

/** Terminal columns of a string: wide (CJK, most emoji) characters take two. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    n +=
      c >= 0x1100 &&
      (c <= 0x115f ||
        (c >= 0x2e80 && c <= 0xa4cf) ||
        (c >= 0xac00 && c <= 0xd7a3) ||
        (c >= 0xf900 && c <= 0xfaff) ||
        (c >= 0xfe30 && c <= 0xfe4f) ||
        (c >= 0xff00 && c <= 0xff60) ||
        (c >= 0x1f300 && c <= 0x1faff) ||
        (c >= 0x20000 && c <= 0x3fffd))
        ? 2
        : 1;
  }
  return n;
}
