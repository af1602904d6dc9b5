/**
 * One agent. A waiting agent's screen is its prompt first: the title, the subject (command, file or
 * question) wrapped to the width, then the options by their own numbers and labels; a number answers
 * with exactly that option's key, and only if the prompt is still the one shown (remote/answer.ts).
 * The cursor starts on no row, so Enter alone answers nothing. The screen reads the agent again
 * every few seconds; when the prompt changes under the user, the cursor and row keys reset.
 */
import type { Agent } from '../core/agents/agents.js';
import { showText } from '../core/agents/sent-log.js';
import { type AgentAction, agentActions, cannedRows, KEYS, promptRows, reflow } from '../core/render/menu-layout.js';
import { choiceText, isCheckbox, optionKeys } from '../core/status/prompt.js';
import {
  answerPrompt,
  keysFor,
  type PaneView,
  readPane,
  type ShownPrompt,
  samePrompt,
  typedAnswerKeys,
} from '../remote/answer.js';
import { attachPane } from '../remote/attach.js';
import { pressKeys, sendText } from '../remote/deliver.js';
import { capturePane } from '../remote/targets.js';
import { peekScreen } from './peek-screen.js';
import { BACK, CANCEL, type Row, Screen, type Spec } from './screen.js';
import { startAgain } from './spawn-screen.js';
import { age, ask, busy, errorScreen, hostOf, show, size, style, textScreen, type View, withTerminal } from './view.js';

/** Wait before looking at what an action did: Claude Code redraws within a few hundred ms. */
const SETTLE_MS = 700;
/** Row keys are ignored this long after a prompt first shows: a double tap meant for the screen before. */
const PROMPT_SETTLE_MS = 300;
/** An action after which this screen's pane may be gone (restart, continue). */
const LEAVE = 'leave';

/** The option keys for a footer: "1-5", "1-5, s", "1". */
function keyRange(keys: string[]): string {
  const digits = keys.filter((k) => /^\d+$/.test(k)).map(Number);
  const others = keys.filter((k) => !/^\d+$/.test(k));
  const lo = Math.min(...digits);
  const hi = Math.max(...digits);
  const range = digits.length === 0 ? [] : [lo === hi ? String(lo) : `${lo}-${hi}`];
  return [...range, ...others].join(', ');
}

function layout(v: View, agent: Agent, pane: PaneView, readAt: number, note: string): Spec {
  const { columns } = size();
  const p = pane.prompt;
  const rows: Row[] = [];
  if (note) rows.push({ key: '', text: note, tone: 'warn' });
  if (p) for (const r of promptRows(p, columns)) rows.push({ key: r.key, text: r.label, tone: r.tone ?? 'plain' });
  else if (pane.status === 'waiting')
    rows.push({ key: '', text: 'waiting, but its prompt could not be read: peek or attach' });
  if (rows.length) rows.push({ key: '', text: '' });
  const actions = agentActions(pane.status, p !== null);
  for (const a of actions) rows.push({ key: a.key, text: a.label, tone: 'dim' });
  const dot = ` ${v.glyphs.dot} `;
  const keys = p ? optionKeys(p) : [];
  return {
    header: [[agent.project, agent.host, pane.status, age(readAt)].join(dot)],
    rows,
    footer: p ? `${keyRange(keys)} answer${dot}x reject${dot}b back` : 'Esc/b back',
    // Never on an answering row: Enter alone must not answer a prompt.
    cursor: p ? null : KEYS.refresh,
    settleMs: p ? PROMPT_SETTLE_MS : undefined,
    guard: p ? [...keys, KEYS.escape] : undefined,
  };
}

/** After an action, a short look at the agent so the user sees what happened. */
async function afterAction(v: View, agent: Agent, done: string): Promise<string> {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  let body: string[];
  try {
    body = await capturePane(
      v.ctx,
      hostOf(v, agent),
      { kind: 'pane', paneId: agent.paneId },
      agent.target,
      size().rows,
    );
  } catch (error) {
    body = [`✖ ${(error as Error).message}`];
  }
  return textScreen(v, done, reflow(body, size().columns));
}

/** Nothing was pressed: the prompt had changed. What it shows now. */
function changedScreen(v: View, now: PaneView): Promise<string> {
  const what = now.prompt ? `it now asks: ${now.prompt.title}` : `it is ${now.status} now`;
  return textScreen(v, '✖ nothing pressed: the prompt changed', [what, '', ...reflow(now.lines, size().columns)]);
}

/**
 * Answer with `keys` if the prompt shown is still pending; say what came of it (`after`). A question's
 * answer often leads to more of it (a box ticked, the next question, the review after Submit): while
 * the agent still asks a question, stay on this screen, read again, with the line in `stay`.
 */
async function answer(
  v: View,
  agent: Agent,
  pane: PaneView,
  prompt: ShownPrompt,
  keys: string[],
  what: string,
): Promise<{ stay: string } | { after: string }> {
  busy(v, `${what} on ${agent.host}`);
  const r = await answerPrompt(v.ctx, hostOf(v, agent), pane.paneId, prompt, keys, agent.target);
  if (r.outcome === 'changed') return { after: await changedScreen(v, r.now) };
  if (prompt.kind === 'question') {
    const ref = { kind: 'pane', paneId: pane.paneId } as const;
    const next = await readPane(v.ctx, hostOf(v, agent), ref, agent.target).catch(() => null);
    if (next?.prompt?.kind === 'question')
      return { stay: r.closed ? `✔ ${what}` : `⚠ ${what}: the screen did not change` };
  }
  return { after: await afterAction(v, agent, r.closed ? `✔ ${what}` : `⚠ ${what}, but the prompt still shows`) };
}

async function act(v: View, agent: Agent, pane: PaneView, action: AgentAction): Promise<string | undefined> {
  const host = hostOf(v, agent);
  const ref = { kind: 'pane', paneId: pane.paneId } as const;
  switch (action) {
    case 'reject': {
      const r = await answer(v, agent, pane, pane.prompt!, ['Escape'], 'rejected (Esc)');
      return 'after' in r ? r.after : undefined;
    }
    case 'interrupt':
      busy(v, `interrupting on ${agent.host}`);
      await pressKeys(v.ctx, host, ref, agent.target, ['Escape']);
      return afterAction(v, agent, 'interrupted (Esc)');
    case 'peek':
      return peekScreen(v, agent);
    case 'attach':
      await withTerminal(v, () => attachPane(v.ctx, host, pane.paneId));
      return undefined;
    case 'type':
    case 'commands': {
      const text =
        action === 'type'
          ? await ask(v, `${agent.project} ${v.glyphs.dot} ${agent.host}`, 'message: ')
          : await pickCommand(v, agent);
      if (!text) return undefined;
      busy(v, `sending to ${agent.host}`);
      await sendText(v.ctx, host, ref, agent.target, text);
      return afterAction(v, agent, `→ ${showText(text)}`);
    }
    case 'restart':
    case 'resume':
      // The agent may come back in a new pane: its screen is found again from the list.
      await startAgain(v, host, agent, action === 'restart' ? 'restart' : 'continue');
      return LEAVE;
    case 'refresh':
      return undefined;
  }
}

async function pickCommand(v: View, agent: Agent): Promise<string | undefined> {
  const items = cannedRows(v.ctx.config.cannedCommands, size().columns);
  const key = await show(v, {
    header: [`send to ${agent.project}`],
    rows: items.map((i) => ({ key: i.key, text: i.label })),
    footer: 'Esc/b back',
  });
  const label = items.find((i) => i.key === key)?.label;
  return label?.replace(/^\d+\s+send /, '');
}

/** The agent screen until the user goes back. CANCEL (Ctrl-C) goes back too. */
export async function agentScreen(v: View, start: Agent): Promise<void> {
  const agent = start;
  if (agent.stale) {
    await textScreen(v, `${agent.project} ${v.glyphs.dot} ${agent.host} offline`, [
      `${agent.host} does not answer; this is what it had when it last did.`,
      `status then: ${agent.status}`,
    ]);
    return;
  }
  /** What the last action did, shown on the next reading of the screen. */
  let carried = '';
  for (;;) {
    busy(v, `reading ${agent.project} on ${agent.host}`);
    let pane: PaneView;
    try {
      pane = await readPane(v.ctx, hostOf(v, agent), { kind: 'pane', paneId: agent.paneId }, agent.target);
    } catch (error) {
      await errorScreen(v, error);
      return;
    }
    let readAt = Date.now();
    let note = carried;
    carried = '';
    const screen = new Screen(v.kb, () => layout(v, agent, pane, readAt, note), style(v));
    let reading = false;
    const reread = async () => {
      if (reading || !screen.open) return;
      reading = true;
      try {
        const next = await readPane(v.ctx, hostOf(v, agent), { kind: 'pane', paneId: agent.paneId }, agent.target);
        const changed =
          !samePrompt(pane.prompt, next.prompt) || pane.prompt?.drawn.join('\n') !== next.prompt?.drawn.join('\n');
        note = changed && pane.prompt ? 'the prompt changed: read it again' : changed ? '' : note;
        pane = next;
        readAt = Date.now();
        screen.refresh(changed);
      } catch {
        // Keep showing the last answer; its age says how old it is.
      } finally {
        reading = false;
      }
    };
    const every = setInterval(() => void reread(), v.refreshSeconds * 1000);
    const tick = setInterval(() => screen.refresh(), 1000);
    let key: string;
    try {
      key = await screen.run();
    } finally {
      clearInterval(every);
      clearInterval(tick);
    }
    if (key === BACK || key === CANCEL) return;
    const prompt = pane.prompt;
    const option = prompt ? optionKeys(prompt).indexOf(key) : -1;
    try {
      let after: string | undefined;
      if (prompt && option >= 0) {
        const o = prompt.options[option]!;
        const choice = choiceText(optionKeys(prompt)[option]!, o.label);
        const what = isCheckbox(o.label) ? choice : `answered ${choice}`;
        let keys: string[];
        let said = what;
        if (option === prompt.textRow) {
          // The row for an answer of one's own: ask for it, then type it there. First whether it can
          // take one (empty, the cursor known), so nobody types an answer that then cannot go.
          typedAnswerKeys(prompt, 'x');
          const text = await ask(v, `${agent.project} ${v.glyphs.dot} ${agent.host}`, 'your answer: ');
          if (!text) continue;
          keys = typedAnswerKeys(prompt, text);
          said = `answered ${showText(text)}`;
        } else keys = keysFor(prompt, option);
        const r = await answer(v, agent, pane, prompt, keys, said);
        if ('stay' in r) {
          carried = r.stay;
          continue;
        }
        after = r.after;
      } else {
        const action = agentActions(pane.status, prompt !== null).find((a) => a.key === key)?.action;
        if (action) after = await act(v, agent, pane, action);
      }
      if (after === CANCEL || after === LEAVE) return;
    } catch (error) {
      await errorScreen(v, error);
    }
  }
}
