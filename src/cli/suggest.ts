/**
 * "Did you mean": the closest known word to a typo. Node has no public edit-distance helper
 * (its own "did you mean" for CLI flags lives in internal/ code), so this is the usual
 * optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbours each cost 1, which is what a typo on a phone keyboard usually is.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [];
    for (let j = 0; j <= b.length; j++) {
      if (i === 0 || j === 0) {
        row.push(i + j);
        continue;
      }
      const up = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? Math.max(a.length, b.length);
}

/**
 * The known word closest to `typed`, if it is close enough to be a typo: at most a third of the
 * word's letters wrong (at least one), or `typed` is the start of exactly one known word.
 */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const prefixed = known.filter((k) => typed.length >= 2 && k.startsWith(typed));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const word of known) {
    const d = editDistance(typed.toLowerCase(), word.toLowerCase());
    if (d < bestDistance) {
      best = word;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.floor(Math.max(typed.length, 3) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** ` (did you mean "x"?)`, or nothing. */
export const didYouMean = (typed: string, known: readonly string[]): string => {
  const match = closest(typed, known);
  return match === undefined ? '' : ` (did you mean ${match}?)`;
};
