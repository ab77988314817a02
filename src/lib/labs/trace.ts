/**
 * Reading a trace for playback: where the playhead falls, and per-second series for charts. A trace
 * is computed once per run; playback only moves an index, so a frame costs a binary search.
 */
import type { TraceEvent } from '../sim/kernel.ts';

/** The number of events with `t <= atMs` (the playhead shows those). */
export function countUpTo(trace: readonly TraceEvent[], atMs: number): number {
  let lo = 0;
  let hi = trace.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (trace[mid]!.t <= atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bins of `binMs` covering [0, durationMs). */
export function binCount(durationMs: number, binMs: number): number {
  return Math.max(1, Math.ceil(durationMs / binMs));
}

/** The bin an event at `t` falls in; the end of the run belongs to the last bin. */
function binOf(t: number, bins: number, binMs: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(t / binMs)));
}

/** How many matching events fall in each bin. */
export function countPerBin(
  trace: readonly TraceEvent[],
  durationMs: number,
  binMs: number,
  matches: (e: TraceEvent) => boolean,
): number[] {
  const bins = new Array<number>(binCount(durationMs, binMs)).fill(0);
  for (const e of trace) {
    if (!matches(e)) continue;
    bins[binOf(e.t, bins.length, binMs)]! += 1;
  }
  return bins;
}

/** The q-quantile (0..1) of each bin's values, by nearest rank; null for an empty bin. */
export function quantilePerBin(
  trace: readonly TraceEvent[],
  durationMs: number,
  binMs: number,
  value: (e: TraceEvent) => number | undefined,
  q: number,
): (number | null)[] {
  const values: number[][] = Array.from({ length: binCount(durationMs, binMs) }, () => []);
  for (const e of trace) {
    const v = value(e);
    if (v === undefined || !Number.isFinite(v)) continue;
    values[binOf(e.t, values.length, binMs)]!.push(v);
  }
  return values.map((vs) => {
    if (vs.length === 0) return null;
    vs.sort((a, b) => a - b);
    return vs[Math.min(vs.length - 1, Math.max(0, Math.ceil(q * vs.length) - 1))]!;
  });
}

/** A value that holds from event to event (a state, a set size), sampled at the end of each bin. */
export function stepPerBin<T>(
  trace: readonly TraceEvent[],
  durationMs: number,
  binMs: number,
  initial: T,
  next: (current: T, e: TraceEvent) => T,
): T[] {
  const out: T[] = [];
  let current = initial;
  let i = 0;
  const n = binCount(durationMs, binMs);
  for (let bin = 0; bin < n; bin++) {
    const end = (bin + 1) * binMs;
    while (i < trace.length && trace[i]!.t < end) current = next(current, trace[i++]!);
    out.push(current);
  }
  return out;
}

/** Spans of time during which a state held: for bands behind a chart. */
export function stateSpans(
  trace: readonly TraceEvent[],
  durationMs: number,
  initial: string,
  stateAfter: (e: TraceEvent) => string | undefined,
): { from: number; to: number; state: string }[] {
  const spans: { from: number; to: number; state: string }[] = [];
  let state = initial;
  let from = 0;
  for (const e of trace) {
    const next = stateAfter(e);
    if (next === undefined || next === state) continue;
    if (e.t > from) spans.push({ from, to: e.t, state });
    state = next;
    from = e.t;
  }
  spans.push({ from, to: durationMs, state });
  return spans;
}
