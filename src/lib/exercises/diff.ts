/**
 * A line diff (longest common subsequence), for the two places the exercise page compares texts: the
 * learner's code against the solution, and an assertion's expected value against the received one.
 * Texts here are at most a few hundred lines, so the quadratic table is small; beyond LIMIT lines the
 * diff degrades to "all removed, all added" rather than allocating a huge table.
 */
export type DiffLine = { kind: 'same' | 'removed' | 'added'; text: string };

const LIMIT = 4000;

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > LIMIT * LIMIT) {
    return [...a.map((text) => ({ kind: 'removed' as const, text })), ...b.map((text) => ({ kind: 'added' as const, text }))];
  }
  // lcs[i][j]: the length of the LCS of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) out.push({ kind: 'removed', text: a[i++]! });
    else out.push({ kind: 'added', text: b[j++]! });
  }
  while (i < a.length) out.push({ kind: 'removed', text: a[i++]! });
  while (j < b.length) out.push({ kind: 'added', text: b[j++]! });
  return out;
}

/** How many lines differ (removed + added). */
export function changedLines(diff: readonly DiffLine[]): number {
  return diff.reduce((n, line) => n + (line.kind === 'same' ? 0 : 1), 0);
}
