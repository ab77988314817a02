/**
 * Line-by-line comparison of two replays of the same traces. Answers are compared as parsed JSON,
 * numbers exactly (===): the texts differ where the values do not (Go writes -0 and 1e-07, JS 0
 * and 1e-7). Two error answers (`{"error": "..."}` and nothing else) are equal whatever their text:
 * the messages are each implementation's own; that both refused the op is what must agree.
 */
import type { JsonObject } from '../../src/lib/sim/replay/types.ts';
import type { Trace } from './traces.ts';

export interface Difference {
  trace: Trace;
  /** The line of the trace's JSONL (line 1 is the configuration). */
  line: number;
  input: JsonObject | undefined;
  expected: unknown;
  actual: unknown;
}

export interface Comparison {
  traces: number;
  lines: number;
  /** Lines where both sides answered with an error (expected to stay 0 on generated traces). */
  errorLines: number;
  differences: number;
  first?: Difference;
}

/** Compares `actual` with `expected` (the Go libraries' answers), trace by trace, line by line. */
export function compareReplays(traces: readonly Trace[], expected: readonly unknown[][], actual: readonly unknown[][]): Comparison {
  const result: Comparison = { traces: traces.length, lines: 0, errorLines: 0, differences: 0 };
  traces.forEach((trace, k) => {
    const ops = trace.lines.length - 1;
    const want = expected[k] ?? [];
    const got = actual[k] ?? [];
    // A missing or extra answer is a difference too.
    for (let i = 0; i < Math.max(ops, want.length, got.length); i++) {
      result.lines++;
      if (isErrorAnswer(want[i]) && isErrorAnswer(got[i])) {
        result.errorLines++;
        continue;
      }
      if (i < want.length && i < got.length && sameJson(want[i], got[i])) continue;
      result.differences++;
      result.first ??= { trace, line: i + 2, input: trace.lines[i + 1], expected: want[i], actual: got[i] };
    }
  });
  return result;
}

export function isErrorAnswer(x: unknown): boolean {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const keys = Object.keys(x);
  return keys.length === 1 && keys[0] === 'error' && typeof (x as { error: unknown }).error === 'string';
}

export function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

export function describeDifference(model: string, d: Difference): string {
  return [
    `${model}: first difference in ${d.trace.name}, line ${d.line}`,
    `  config: ${JSON.stringify(d.trace.lines[0])}`,
    `  input:  ${JSON.stringify(d.input)}`,
    `  Go:     ${JSON.stringify(d.expected)}`,
    `  TS:     ${JSON.stringify(d.actual)}`,
  ].join('\n');
}
