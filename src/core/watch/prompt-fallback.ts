/**
 * A small reader of what a waiting agent asks, from the bottom of its screen, for the watcher until
 * the full prompt reader (kind, whole unwrapped subject, options) lands in core/status. Claude Code
 * 2.1 draws a permission prompt below a rule as:
 *
 *   ──────────────
 *    Bash command             <- title
 *      rm -rf build           <- subject (the first line under the title; ╌ rules skipped)
 *      Remove the build output
 *    Do you want to proceed?  <- question
 *    ❯ 1. Yes                 <- options
 *      2. No, and tell Claude what to do differently (esc)
 */
import type { Prompt } from './events.js';

const QUESTION = /^(Do you want to .*\?|Would you like to proceed\?|Do you trust the files in this folder\?)$/;
const RULE = /^[─━╌┄-]{3,}$/u;
const OPTION = /^(?:[❯>]\s*)?(\d+)\.\s+(.+)$/u;

export function readPrompt(screen: string): Prompt | null {
  const lines = screen.split('\n').map((l) => l.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/^\s*│?\s*/u, '').replace(/\s*│?\s*$/u, ''));
  let q = -1;
  for (let i = lines.length - 1; i >= 0; i--) if (QUESTION.test(lines[i]!)) { q = i; break; }
  if (q < 0) return null;
  const question = lines[q]!;
  let top = q - 1;
  while (top >= 0 && !/^─{3,}$/u.test(lines[top]!)) top--;
  const body = lines.slice(top + 1, q).filter((l) => l !== '' && !RULE.test(l));
  const options = lines
    .slice(q + 1)
    .map((l) => OPTION.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ key: m[1]!, label: m[2]!.trim() }));
  const trust = /trust the files/.test(question);
  const title = trust ? 'Trust this folder' : (body[0] ?? '');
  const subject = trust ? (body[0] ?? '') : (body[1] ?? question);
  return { kind: trust ? 'trust' : 'permission', title, subject, options };
}
