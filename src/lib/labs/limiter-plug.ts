/**
 * The limiter lab's "run my implementation": what the learner's token bucket is given (the arrivals
 * the reference x/time/rate saw in this run) and how its decisions compare with the reference's.
 */
import type { TraceEvent } from '../sim/kernel.ts';

export interface Arrival {
  tMs: number;
  n: number;
}

/** The token bucket's decisions in the trace: the arrivals, and whether x/time/rate allowed each. */
export function tokenBucketDecisions(trace: readonly TraceEvent[]): { arrivals: Arrival[]; reference: boolean[] } {
  const arrivals: Arrival[] = [];
  const reference: boolean[] = [];
  for (const e of trace) {
    if (e.kind !== 'decision' || e.algorithm !== 'token-bucket') continue;
    arrivals.push({ tMs: e.t, n: Number(e.n ?? 1) });
    reference.push(e.allowed === true);
  }
  return { arrivals, reference };
}

export interface Comparison {
  total: number;
  agree: number;
  admitted: { reference: number; yours: number };
  /** The first request decided differently, if any. */
  firstDifference: { index: number; tMs: number; reference: boolean; yours: boolean } | null;
}

export function compareDecisions(arrivals: readonly Arrival[], reference: readonly boolean[], yours: readonly boolean[]): Comparison {
  if (yours.length !== reference.length) throw new Error(`expected ${reference.length} decisions, got ${yours.length}`);
  let agree = 0;
  let firstDifference: Comparison['firstDifference'] = null;
  reference.forEach((ref, i) => {
    if (ref === yours[i]) agree++;
    else firstDifference ??= { index: i, tMs: arrivals[i]!.tMs, reference: ref, yours: yours[i]! };
  });
  const count = (xs: readonly boolean[]) => xs.filter(Boolean).length;
  return { total: reference.length, agree, admitted: { reference: count(reference), yours: count(yours) }, firstDifference };
}
