/**
 * Answering a waiting agent's prompt safely: read the prompt as drawn (readPane), then press an
 * option's key only if that same prompt is still on screen, checked by the same script that presses
 * (answerPrompt). A prompt answered from another device meanwhile, or replaced by the next one, gets
 * no key: a stray `1` would otherwise land in the agent's input box and ride along with the next message.
 */

import { recordSent } from '../adapters/sent-log.js';
import { failedResult } from '../core/agents/sent-log.js';
import { formatTarget, type Ref } from '../core/agents/target.js';
import { TrimtabError } from '../core/errors.js';
import type { Host } from '../core/hosts/config.js';
import { section, trimScreen } from '../core/protocol.js';
import { scriptError } from '../core/remote-errors.js';
import { type Prompt, readPrompt } from '../core/status/prompt.js';
import { type AgentStatus, classifyPane, SCREEN } from '../core/status/status.js';
import type { Ctx } from './context.js';
import { answerScript, readPaneScript } from './scripts.js';
import { onHost } from './transport.js';

/** A prompt as the user was shown it: what it asks, plus its lines exactly as drawn on the pane. */
export interface ShownPrompt extends Prompt {
  /** The prompt panel's non-blank lines, trailing blanks removed: what answer_prompt compares. */
  drawn: string[];
  /** Index in `options` of the row the `❯` is on (where arrows start from); null when not found. */
  cursor: number | null;
  /**
   * A question's row for an answer of one's own ("Type something."): on it, Claude Code (2.1.328) takes
   * keys as text, so a digit pressed there is typed, not chosen. null when the prompt has none.
   */
  textRow: number | null;
}

export interface PaneView {
  paneId: string;
  status: AgentStatus;
  /** The visible screen, trailing blank rows dropped. */
  lines: string[];
  prompt: ShownPrompt | null;
}

const OPTION_ROW = /^\s*(?:[❯>]\s*)?\d{1,2}\.\s+\S/u;

/**
 * The prompt panel of a screen: from the full-width `───` rule that opens it down to the bottom. A
 * rule directly followed by an option is inside the panel (2.1.328 parts "5. Chat about this" from
 * the other options with one), so it is passed over. No such rule on screen (a tall prompt on a short
 * pane): the whole screen.
 */
export function promptPanel(lines: string[]): string[] {
  const clean = lines.map((l) => l.replace(/[ \t]+$/, ''));
  let top = -1;
  for (let i = clean.length - 2; i >= 0; i--) {
    if (SCREEN.rule.test(clean[i] ?? '') && /─{8,}/u.test(clean[i] ?? '') && !OPTION_ROW.test(clean[i + 1] ?? '')) {
      top = i;
      break;
    }
  }
  return clean.slice(Math.max(0, top)).filter((l) => l !== '');
}

/** The prompt on a screen with its drawn lines and cursor row, or null when it shows none. */
export function shownPrompt(lines: string[]): ShownPrompt | null {
  const prompt = readPrompt(lines.join('\n'));
  if (!prompt || prompt.options.length === 0) return null;
  const drawn = promptPanel(lines);
  return { ...prompt, drawn, cursor: cursorOf(prompt, drawn), textRow: textRowOf(prompt) };
}

/**
 * The option the `❯` is on: by the number drawn on its row; else (a row without one) the option whose
 * label is the row's text, else the longest label the row starts with, or that starts the row's first
 * line (a label wrapped onto more rows). null when none fits.
 */
function cursorOf(prompt: Prompt, drawn: string[]): number | null {
  const line = drawn.find((l) => /^\s*❯\s/u.test(l));
  if (line === undefined) return null;
  const m = /^\s*❯\s*(?:(\d{1,2})\.\s+)?(.*)$/u.exec(line);
  const number = m?.[1];
  if (number !== undefined) {
    const at = prompt.options.findIndex((o) => o.key === number);
    return at >= 0 ? at : null;
  }
  const row = (m?.[2] ?? '').trim();
  if (row === '') return null;
  const exact = prompt.options.findIndex((o) => o.label === row);
  if (exact >= 0) return exact;
  let best: number | null = null;
  prompt.options.forEach((o, i) => {
    const fits = row.startsWith(o.label) || o.label.startsWith(row);
    if (fits && (best === null || o.label.length > (prompt.options[best]?.label.length ?? 0))) best = i;
  });
  return best;
}

/**
 * The row of a question where one types an answer of one's own: labelled "Type something." while
 * empty, then with what was typed. It is the last numbered choice: right above the Submit row (several
 * answers allowed), else right above "Chat about this".
 */
function textRowOf(prompt: Prompt): number | null {
  if (prompt.kind !== 'question') return null;
  const byLabel = prompt.options.findIndex((o) => /^(?:\[.\]\s*)?Type something\.?$/u.test(o.label));
  if (byLabel >= 0) return byLabel;
  const next = prompt.options.findIndex(
    (o, i) => i > 0 && (o.label === 'Submit' || (o.label === 'Chat about this' && i === prompt.options.length - 1)),
  );
  return next > 0 && prompt.options[next - 1]?.key !== null ? next - 1 : null;
}

/**
 * The keys that choose option `index`: its number; or arrows from the `❯` row and Enter, in a menu
 * without numbers and where a number would not choose (the `❯` on a question's text row, where it is
 * typed, or on its Submit row, where it does nothing: both seen on 2.1.328). A text row itself is
 * never chosen from here: what it needs is typing at the agent.
 */
export function keysFor(prompt: ShownPrompt, index: number): string[] {
  const option = prompt.options[index];
  if (!option) throw new TrimtabError(`no option ${index + 1} in this prompt`);
  if (index === prompt.textRow)
    throw new TrimtabError(`"${option.label}" takes an answer of your own`, {
      hint: 'give it with --text TEXT (the menu asks for it when you choose the row)',
    });
  const cursorOn = prompt.cursor === null ? undefined : prompt.options[prompt.cursor];
  const numbersChoose =
    prompt.kind !== 'question' || prompt.cursor === null || (cursorOn?.key != null && prompt.cursor !== prompt.textRow);
  if (option.key !== null && numbersChoose) return [option.key];
  if (prompt.cursor === null)
    throw new TrimtabError('cannot tell which option the prompt has selected', {
      hint: 'answer it with trimtab attach',
    });
  const steps = index - prompt.cursor;
  return [...Array<string>(Math.abs(steps)).fill(steps > 0 ? 'Down' : 'Up'), 'Enter'];
}

/** A text row with nothing typed into it shows its placeholder. */
const isEmptyTextRow = (label: string) => /^(?:\[.\]\s*)?Type something\.?$/u.test(label);

/** The longest answer of one's own that is typed into a question's text row. */
const MAX_TYPED = 2000;

/**
 * The keys that type TEXT as the answer of a question's own-answer row: arrows from the `❯` to the
 * row, TEXT as it is, Enter. Only into an empty row (text already there would run into TEXT).
 */
export function typedAnswerKeys(prompt: ShownPrompt, text: string): string[] {
  const row = prompt.textRow;
  if (row === null) throw new TrimtabError('this prompt has no row for an answer of your own');
  if (text.trim() === '') throw new TrimtabError('the answer is empty');
  if (/\p{Cc}/u.test(text)) throw new TrimtabError('the answer must be one line of printable text');
  if (text.length > MAX_TYPED) throw new TrimtabError(`the answer is longer than ${MAX_TYPED} characters`);
  if (!isEmptyTextRow(prompt.options[row]?.label ?? ''))
    throw new TrimtabError('its answer row already holds text', { hint: 'answer it with trimtab attach' });
  if (prompt.cursor === null)
    throw new TrimtabError('cannot tell which option the prompt has selected', {
      hint: 'answer it with trimtab attach',
    });
  const steps = row - prompt.cursor;
  return [...Array<string>(Math.abs(steps)).fill(steps > 0 ? 'Down' : 'Up'), `=${text}`, 'Enter'];
}

function paneView(paneId: string, screen: string[], dead: boolean, command: string): PaneView {
  const lines = trimScreen(screen);
  const status = classifyPane(lines.join('\n'), { dead, command });
  return { paneId, status, lines, prompt: status === 'waiting' ? shownPrompt(lines) : null };
}

/** One agent's status, screen and prompt, read in one round trip. */
export async function readPane(ctx: Ctx, host: Host, ref: Ref, label: string): Promise<PaneView> {
  const sections = await onHost(ctx, host, (m) => readPaneScript(m, host, ref));
  const error = scriptError(sections, label, host);
  if (error) throw error;
  const pane = section(sections, 'pane');
  if (!pane) throw new TrimtabError(`no answer about ${label} from ${host.name}`);
  const [paneId = '', dead = '0', ...command] = pane.args;
  return paneView(paneId, pane.lines, dead === '1', command.join(' '));
}

/** `closed`: the prompt was gone from the screen within ~1.5 s of the press. */
export type Answer = { outcome: 'pressed'; closed: boolean } | { outcome: 'changed'; now: PaneView };

/**
 * Keys answer_prompt may press: option numbers, arrows, Enter, Escape, and `=TEXT`, an answer of one's
 * own typed as it is (printable text on one line: a control character could be a key).
 */
const KEY = /^(?:\d{1,2}|Up|Down|Enter|Escape|=[^\p{Cc}]+)$/u;

/**
 * Press `keys` in the pane only if `expected` is still the prompt on screen, in one round trip
 * (sh/answer.sh). Recorded in the sent log either way: delivered, or not pressed because it changed.
 */
export async function answerPrompt(
  ctx: Ctx,
  host: Host,
  paneId: string,
  expected: ShownPrompt,
  keys: string[],
  label = formatTarget(host.name, { kind: 'pane', paneId }),
): Promise<Answer> {
  const bad = keys.find((k) => !KEY.test(k));
  if (bad !== undefined || keys.length === 0)
    throw new TrimtabError(`not a key to answer a prompt with: ${JSON.stringify(bad ?? '')}`);
  const record = { host: host.name, target: label, text: keys.join(' '), keys: true as const };
  const time = new Date().toISOString();
  try {
    const sections = await onHost(ctx, host, (m) =>
      answerScript(m, host, { kind: 'pane', paneId }, expected.drawn, keys),
    );
    const error = scriptError(sections, label, host);
    if (error) throw error;
    const changed = section(sections, 'changed');
    if (changed) {
      recordSent(ctx, [{ ...record, time, result: 'not pressed: the prompt had changed' }]);
      return { outcome: 'changed', now: paneView(paneId, changed.lines, false, '') };
    }
    if (!section(sections, 'pressed')) throw new TrimtabError(`tmux could not press keys in ${label}`);
    recordSent(ctx, [{ ...record, time, result: 'delivered' }]);
    return { outcome: 'pressed', closed: Boolean(section(sections, 'closed')) };
  } catch (error) {
    recordSent(ctx, [{ ...record, time, result: failedResult(error) }]);
    throw error;
  }
}

/** Two prompts ask the same thing: same kind, title, subject and options. */
export const samePrompt = (a: Prompt | null, b: Prompt | null): boolean =>
  a !== null &&
  b !== null &&
  a.kind === b.kind &&
  a.title === b.title &&
  a.subject === b.subject &&
  JSON.stringify(a.options) === JSON.stringify(b.options);
