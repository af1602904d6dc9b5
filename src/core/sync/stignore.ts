/**
 * The block of a project's `.stignore` that `trimtab sync ignore` owns (issue #7). Everything outside
 * the block is the user's and stays byte for byte; running it twice changes nothing.
 *
 * `(?d)` lets Syncthing delete an ignored directory when the directory that holds it is deleted on the
 * other side; without it a stale `node_modules` keeps its parent alive forever. Patterns are bare names
 * (`(?d)node_modules`, not `node_modules/`), as DESIGN.md (Syncthing) says: they match at any depth.
 */
import { usageError } from '../errors.js';

/** Build output and dependency dirs that are rebuilt per machine: JS, Elixir/Mix, CMake. */
export const DEFAULT_IGNORES = ['(?d)node_modules', '(?d)_build', '(?d)deps', '(?d).elixir_ls', '(?d)_deps'] as const;

export const BLOCK_BEGIN = '// BEGIN trimtab: managed by `trimtab sync ignore`; edit outside this block';
export const BLOCK_END = '// END trimtab';

/** The patterns for the block: the defaults, then `sync.ignore` from config, without repeats. */
export function ignorePatterns(extra: readonly string[] = []): string[] {
  for (const p of extra) {
    if (/[\r\n]/.test(p) || p.trim() === '')
      throw usageError(`bad sync.ignore pattern ${JSON.stringify(p)}`, 'one non-empty pattern per list item');
  }
  return [...new Set([...DEFAULT_IGNORES, ...extra.map((p) => p.trim())])];
}

const isBlockStart = (line: string) => line.trim().startsWith('// BEGIN trimtab');
const isBlockEnd = (line: string) => line.trim() === BLOCK_END;

/**
 * `existing` (a .stignore's text, '' when there is none) with the managed block set to `patterns`.
 * The block is replaced where it is; a new one goes at the end, after the user's lines, because the
 * first matching line wins in .stignore and a user's `!keep-this` must stay in front of our patterns.
 * Line endings are kept (CRLF files stay CRLF). An unterminated block runs to the end of the file.
 */
export function mergeIgnoreBlock(existing: string, patterns: readonly string[]): string {
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const lines = existing === '' ? [] : existing.replace(/\r?\n$/, '').split(/\r?\n/);
  const block = [BLOCK_BEGIN, ...patterns, BLOCK_END];
  const start = lines.findIndex(isBlockStart);
  let merged: string[];
  if (start === -1) {
    const user = [...lines];
    while (user.length && user.at(-1)!.trim() === '') user.pop();
    merged = user.length ? [...user, '', ...block] : block;
  } else {
    let end = lines.findIndex((l, i) => i > start && isBlockEnd(l));
    if (end === -1) end = lines.length - 1;
    // A second block (two copies pasted by hand) is dropped: one owner, one block.
    const after = lines.slice(end + 1);
    const again = after.findIndex(isBlockStart);
    const rest = again === -1 ? after : dropBlock(after, again);
    merged = [...lines.slice(0, start), ...block, ...rest];
  }
  return merged.join(eol) + eol;
}

function dropBlock(lines: string[], start: number): string[] {
  let end = lines.findIndex((l, i) => i > start && isBlockEnd(l));
  if (end === -1) end = lines.length - 1;
  return [...lines.slice(0, start), ...lines.slice(end + 1)];
}

export type IgnoreChange = 'created' | 'updated' | 'unchanged';

/** What writing `merged` over `existing` (null: no file) amounts to. */
export const ignoreChange = (existing: string | null, merged: string): IgnoreChange =>
  existing === null ? 'created' : existing === merged ? 'unchanged' : 'updated';
