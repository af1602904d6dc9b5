/**
 * POSIX single-quoting. Safe for every byte but NUL in sh, dash, bash, zsh and fish:
 * inside '...' nothing is special, and a ' is written as '\'' (close, escaped quote, reopen).
 * Never use printf %q output for this: it is not POSIX (DESIGN.md, SSH).
 */
export function shQuote(word: string): string {
  if (word.includes('\0')) throw new Error('cannot quote a NUL byte');
  // Bare words only from a set no shell treats specially (fish once expanded a leading %,
  // zsh expands a leading =), so the output reads well and stays safe everywhere.
  if (/^[A-Za-z0-9_./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Quote every word and join them into one command line for a POSIX shell. */
export const shJoin = (words: readonly string[]): string => words.map(shQuote).join(' ');
