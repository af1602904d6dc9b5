/**
 * Where a JSON text breaks, as `line L column C: what`. V8's JSON.parse names a character position
 * for some errors ("... in JSON at position 42") and none for others ("Unexpected token 'x', "...x..."
 * is not valid JSON"), so the place is found here by a small scan of the JSON grammar (RFC 8259),
 * and V8 only supplies the words.
 */

class Stop {
  constructor(readonly at: number) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Offset of the first character that makes `text` invalid JSON (its length when it ends too soon), or -1. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const stop = (): never => {
    throw new Stop(i);
  };
  const space = () => {
    while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i++;
  };
  const expect = (c: string) => {
    if (text[i] !== c) stop();
    i++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') stop();
      i++;
      if (c === '"') return;
      if (c === '\\') {
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i] ?? '')) stop();
            i++;
          }
        } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
        else stop();
      }
    }
  };
  const list = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === ',') {
        i++;
        space();
      } else {
        expect(close);
        return;
      }
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
    NUMBER.lastIndex = i;
    if (c === '{') {
      list('}', () => {
        string();
        space();
        expect(':');
        value();
      });
    } else if (c === '[') list(']', value);
    else if (c === '"') string();
    else if (word) i += word.length;
    else if (NUMBER.test(text)) i = NUMBER.lastIndex;
    else stop();
  };
  try {
    value();
    space();
    if (i < text.length) stop();
    return -1;
  } catch (error) {
    if (error instanceof Stop) return error.at;
    throw error;
  }
}

/** `line L column C: what` for the JSON.parse `error` that `text` gave. */
export function jsonErrorWhere(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const what = message
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/, .* is not valid JSON$/s, '')
    .replace(/ \(line \d+ column \d+\)$/, '');
  const offset = jsonErrorOffset(text);
  const before = text.slice(0, offset < 0 ? text.length : offset).split('\n');
  return `line ${before.length} column ${(before[before.length - 1]?.length ?? 0) + 1}: ${what}`;
}
