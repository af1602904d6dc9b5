import type { Host } from '../core/hosts/config.js';
import { TrimtabError } from '../core/errors.js';
import { fit } from '../core/render/render.js';
import { checkPasteable, keysScript, sendScript } from '../core/script.js';
import type { Ref } from '../core/agents/target.js';
import { logged } from '../adapters/sent-log.js';
import { onHost, type Ctx } from './context.js';
import { resolveTarget, throwScriptError } from './resolve.js';

/** How a sent text is shown on one line: newlines as ⏎, tabs as ⇥. */
export const oneLine = (text: string) => text.replace(/\r?\n/g, '⏎').replace(/\t/g, '⇥');

/** Paste `text` into one agent and press Enter (one round trip), recorded in the sent log. Throws when it did not arrive. */
export const deliverText = (ctx: Ctx, host: Host, ref: Ref, label: string, text: string, enter = true): Promise<void> =>
  logged(ctx, { host: host.name, target: label, text }, () => deliver(ctx, host, ref, label, text, enter));

async function deliver(ctx: Ctx, host: Host, ref: Ref, label: string, text: string, enter = true): Promise<void> {
  checkPasteable(text);
  const sections = await onHost(ctx, host, (m) => sendScript(m, host, ref, text, enter)).catch((error: unknown) => {
    if (error instanceof TrimtabError && error.partial?.some((s) => s.tag === 'pasted')) {
      // The script finishes on its own after a paste (script.ts, deliverLines): Enter still comes.
      throw new TrimtabError(`${error.message}, after the text was pasted into ${label}`, {
        exitCode: error.exitCode,
        hint: `${host.name} still presses Enter; check with trimtab peek ${label} before sending it again`,
      });
    }
    throw error;
  });
  throwScriptError(sections, label, host);
  const failed = sections.find((s) => s.tag === 'failed');
  if (failed) {
    const why = failed.args[1] === 'gone' ? 'the agent has exited' : `tmux could not ${failed.args[1]}`;
    throw new TrimtabError(`not delivered to ${label}: ${why}`, { hint: `peek at it with trimtab peek ${label}` });
  }
}

/** Press keys (tmux key names: `Escape`, `1`) in an agent's pane: approve, reject, interrupt. Recorded in the sent log. */
export const pressKeys = (ctx: Ctx, host: Host, ref: Ref, label: string, keys: string[]): Promise<void> =>
  logged(ctx, { host: host.name, target: label, text: keys.join(' '), keys: true }, () => press(ctx, host, ref, label, keys));

async function press(ctx: Ctx, host: Host, ref: Ref, label: string, keys: string[]): Promise<void> {
  const sections = await onHost(ctx, host, (m) => keysScript(m, host, ref, keys));
  throwScriptError(sections, label, host);
}

/** Deliver TEXT byte for byte to one agent, then press Enter as a separate step. */
export async function sendCommand(ctx: Ctx, targetText: string, text: string, opts: { enter: boolean }): Promise<void> {
  checkPasteable(text);
  const { host, ref, label } = await resolveTarget(ctx, targetText);
  await deliverText(ctx, host, ref, label, text, opts.enter);
  ctx.out(fit(`→ ${label}  ${oneLine(text)}`, Math.max(40, ctx.term.columns)));
}
