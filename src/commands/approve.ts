import { TrimtabError } from '../core/errors.js';
import { printable } from '../core/render/printable.js';
import { fit } from '../core/render/render.js';
import { choiceText, optionKeys, yesOption } from '../core/status/prompt.js';
import { answerPrompt, keysFor, type PaneView, readPane, type ShownPrompt, typedAnswerKeys } from '../remote/answer.js';
import type { Ctx } from '../remote/context.js';
import { resolveTarget } from '../remote/targets.js';

/** Labels and subjects come from the agent's screen: control characters are shown, never sent to the terminal. */
const visible = (s: string) => printable(s, { limit: 4096 });
/** Options as drawn: `1. Yes, 2. No` (a row without a number by its key from optionKeys). */
const listOptions = (p: ShownPrompt) => {
  const keys = optionKeys(p);
  return visible(p.options.map((o, i) => `${keys[i]}. ${o.label}`).join(', '));
};

/** The option OPTION names: its number as drawn, or its label (case aside); the plain "Yes" when not given. */
function pickOption(p: ShownPrompt, label: string, option: string | undefined): number {
  if (option === undefined) {
    const yes = yesOption(p);
    if (yes) return yes.index;
    throw new TrimtabError(`${label} asks without a plain "Yes": say which option`, {
      hint: `options: ${listOptions(p)}`,
    });
  }
  const want = option.trim().toLowerCase();
  const keys = optionKeys(p);
  const at = p.options.findIndex((o, i) => keys[i] === want || o.label.trim().toLowerCase() === want);
  if (at < 0) throw new TrimtabError(`${label} has no option "${option}"`, { hint: `options: ${listOptions(p)}` });
  return at;
}

async function pending(ctx: Ctx, targetText: string) {
  const { host, ref, label } = await resolveTarget(ctx, targetText);
  const view = await readPane(ctx, host, ref, label);
  if (!view.prompt)
    throw new TrimtabError(`nothing to answer: ${label} is ${view.status}, not waiting on a prompt`, {
      hint: `see trimtab peek ${label}`,
    });
  return { host, label, view, prompt: view.prompt };
}

/** The key went, but the prompt still showed ~1.5 s later (Claude Code may drop a key pressed the instant a prompt appears). */
const stillShown = (label: string, keys: string) =>
  new TrimtabError(`pressed ${keys} on ${label}, but its prompt still shows`, {
    hint: `look with trimtab peek ${label}; answer again if it is still pending`,
  });

function changed(label: string, now: PaneView): TrimtabError {
  const what = now.prompt ? `it now asks: ${visible(now.prompt.title)}` : `it is ${now.status} now`;
  return new TrimtabError(`nothing pressed: the prompt on ${label} changed before the answer (${what})`, {
    hint: `look again with trimtab peek ${label}`,
  });
}

const say = (ctx: Ctx, line: string) => ctx.out(fit(visible(line), Math.max(40, ctx.term.columns)));
const subjectLine = (p: ShownPrompt) => `${p.title}${p.subject ? `: ${p.subject.split('\n')[0]}` : ''}`;

/**
 * `trimtab approve TARGET [OPTION] [--text TEXT]`: press the option's key (or type TEXT on a question's
 * own-answer row), only while the prompt read is still on screen.
 */
export async function approveCommand(
  ctx: Ctx,
  targetText: string,
  option: string | undefined,
  text?: string,
): Promise<void> {
  const { host, label, view, prompt } = await pending(ctx, targetText);
  if (text !== undefined) {
    if (prompt.textRow === null)
      throw new TrimtabError(`${label} asks for no answer of your own`, { hint: `options: ${listOptions(prompt)}` });
    if (option !== undefined && pickOption(prompt, label, option) !== prompt.textRow)
      throw new TrimtabError(`--text goes with option ${optionKeys(prompt)[prompt.textRow]} only`);
    const keys = typedAnswerKeys(prompt, text);
    const answer = await answerPrompt(ctx, host, view.paneId, prompt, keys, label);
    if (answer.outcome === 'changed') throw changed(label, answer.now);
    if (!answer.closed) throw stillShown(label, 'the answer');
    // With several answers allowed, Enter ticked the typed answer; Submit still sends them.
    const submit = optionKeys(prompt)[prompt.options.findIndex((o) => o.key === null && o.label === 'Submit')];
    say(
      ctx,
      submit
        ? `✔ ${label}  ticked ${JSON.stringify(text)}: send the answers with trimtab approve ${label} ${submit}`
        : `✔ ${label}  answered ${JSON.stringify(text)}  (${subjectLine(prompt)})`,
    );
    return;
  }
  const index = pickOption(prompt, label, option);
  const keys = keysFor(prompt, index);
  const answer = await answerPrompt(ctx, host, view.paneId, prompt, keys, label);
  if (answer.outcome === 'changed') throw changed(label, answer.now);
  if (!answer.closed) throw stillShown(label, keys.join(' '));
  say(
    ctx,
    `✔ ${label}  ${choiceText(optionKeys(prompt)[index]!, prompt.options[index]!.label)}  (${subjectLine(prompt)})`,
  );
}

/** `trimtab reject TARGET`: Esc, only while the prompt read is still on screen. */
export async function rejectCommand(ctx: Ctx, targetText: string): Promise<void> {
  const { host, label, view, prompt } = await pending(ctx, targetText);
  const answer = await answerPrompt(ctx, host, view.paneId, prompt, ['Escape'], label);
  if (answer.outcome === 'changed') throw changed(label, answer.now);
  if (!answer.closed) throw stillShown(label, 'Escape');
  say(ctx, `✖ ${label}  rejected (Esc)  (${subjectLine(prompt)})`);
}
