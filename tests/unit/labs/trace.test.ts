import { describe, expect, it } from 'vitest';
import { countPerBin, countUpTo, quantilePerBin, stateSpans, stepPerBin } from '../../../src/lib/labs/trace';
import type { TraceEvent } from '../../../src/lib/sim/kernel';

const ev = (t: number, kind: string, fields: Record<string, unknown> = {}): TraceEvent => ({ t, kind, ...fields });

describe('trace playback helpers', () => {
  const trace = [ev(0, 'a'), ev(10, 'b'), ev(10, 'c'), ev(25, 'd'), ev(99.5, 'e')];

  it('counts the events at or before the playhead', () => {
    expect([-1, 0, 9.99, 10, 24, 25, 99.5, 1000].map((t) => countUpTo(trace, t))).toEqual([0, 1, 1, 3, 3, 4, 5, 5]);
    expect(countUpTo([], 5)).toBe(0);
  });

  it('bins matching events, putting the end of the run in the last bin', () => {
    expect(countPerBin(trace, 100, 20, () => true)).toEqual([3, 1, 0, 0, 1]);
    expect(countPerBin(trace, 100, 20, (e) => e.kind === 'b')).toEqual([1, 0, 0, 0, 0]);
  });

  it('takes nearest-rank quantiles per bin and leaves empty bins null', () => {
    const latencies = [1, 2, 3, 4, 100].map((v, i) => ev(i, 'call', { latencyMs: v }));
    expect(quantilePerBin(latencies, 20, 10, (e) => e.latencyMs as number, 0.5)).toEqual([3, null]);
    expect(quantilePerBin(latencies, 20, 10, (e) => e.latencyMs as number, 0.99)).toEqual([100, null]);
  });

  it('holds a stepped value until it changes', () => {
    const views = [ev(5, 'view', { n: 3 }), ev(35, 'view', { n: 2 })];
    expect(stepPerBin<number | null>(views, 50, 10, null, (v, e) => (e.kind === 'view' ? (e.n as number) : v))).toEqual([3, 3, 3, 2, 2]);
  });

  it('splits a run into spans of one state', () => {
    const states = [ev(5, 'state', { to: 'open' }), ev(8, 'state', { to: 'half-open' }), ev(9, 'state', { to: 'closed' })];
    expect(stateSpans(states, 20, 'closed', (e) => e.to as string)).toEqual([
      { from: 0, to: 5, state: 'closed' },
      { from: 5, to: 8, state: 'open' },
      { from: 8, to: 9, state: 'half-open' },
      { from: 9, to: 20, state: 'closed' },
    ]);
  });
});
