/**
 * Text that came from a host (window, session and directory names, pane titles, stderr) or from a user
 * (a sent text) made safe to draw: nothing in it can act on the terminal, and what was there stays
 * visible. One convention everywhere, ASCII where it can be (a phone font may lack U+2400's pictures):
 *
 *   newline (LF, CRLF, U+2028/9)  ⏎        tab                 ⇥
 *   other C0 control, DEL         ^@..^_, ^?   (caret notation, as `cat -v`; ESC is ^[)
 *   C1 control (U+0080..U+009F)   ^[ + its 7-bit form: CSI U+009B is ^[[, OSC U+009D is ^]
 *                                 (ECMA-48 5.3: each C1 code is ESC followed by a byte 0x40..0x5F)
 *   bidi control (U+061C, U+200E/F, U+202A..E, U+2066..9)   <U+202E>
 *   lone surrogate (what a broken UTF-16 or a cut pair leaves)   U+FFFD
 *
 * Escaping each control character is enough to disarm every sequence (CSI, OSC incl. OSC 52 clipboard
 * writes, DCS, APC): without its ESC/C1 introducer and its BEL/ST terminator, the rest is plain text.
 * Invalid UTF-8 was already turned into U+FFFD when the bytes were decoded.
 *
 * Why not node:util stripVTControlCharacters: it deletes whole sequences, so a hostile name would
 * look clean (the user never learns something was there), it leaves lone C0 controls, tabs, C1 and
 * bidi overrides alone, and its pattern is not bounded on a megabyte of input.
 */

/** Every character that changes what a terminal does or how a line reads, in one linear pass. */
const UNSAFE =
  /\r\n|[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(c: string): string {
  if (c === '\n' || c === '\r\n' || c === '\u2028' || c === '\u2029') return '⏎';
  if (c === '\t') return '⇥';
  const code = c.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return '^?';
  if (code <= 0x9f) return `^[${String.fromCharCode(code - 0x40)}`;
  if (code >= 0xd800 && code <= 0xdfff) return '\ufffd';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

export interface PrintableOptions {
  /**
   * Look at no more than this many UTF-16 units of the input; when there is more, the result ends in
   * `…`. The output is then at most ~8 times this long (the longest escape is 8 characters).
   */
  limit?: number;
}

/** `s` with every control, escape and bidi character shown as a visible escape (see above). Linear in `s`, or in `limit`. */
export function printable(s: string, opts: PrintableOptions = {}): string {
  let text = s;
  let cut = false;
  if (opts.limit !== undefined && s.length > opts.limit) {
    let end = Math.max(0, Math.floor(opts.limit));
    // Never split a surrogate pair (it would show as U+FFFD), nor CR from its LF.
    if (end > 0 && /[\ud800-\udbff\r]/.test(s[end - 1]!)) end--;
    text = s.slice(0, end);
    cut = true;
  }
  const safe = text.replace(UNSAFE, visible);
  return cut ? `${safe}…` : safe;
}

/** True when `s` holds nothing printable() would change. */
const UNSAFE_ONE = new RegExp(UNSAFE.source);
export const isPrintable = (s: string): boolean => !UNSAFE_ONE.test(s);

/** What JSON.stringify leaves raw that a terminal may act on: DEL, C1 controls, bidi controls, line separators. */
const JSON_UNSAFE = /[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text of `value` that is safe to print: JSON.stringify escapes C0 controls (ESC included) and,
 * since ES2019, lone surrogates, but writes DEL, C1 (U+009B is CSI to a terminal that reads C1 in
 * UTF-8) and bidi overrides raw. Those become \uXXXX escapes: still the same JSON value to a parser.
 */
export const printableJson = (value: unknown): string =>
  JSON.stringify(value).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
