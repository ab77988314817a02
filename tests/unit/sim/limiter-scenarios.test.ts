import { describe, expect, it } from 'vitest';
import { LIMITER_SCENARIOS, peakInWindow } from '../../../src/lib/sim/scenarios/limiter';
import type { Scenario } from '../../../src/lib/sim/scenarios/types';

const byId = (id: string): Scenario => LIMITER_SCENARIOS.find((s) => s.id === id)!;
type Algo = { admitted: number; rejected: number; peakPerSecond: number };
const algorithms = (summary: Record<string, unknown>) => summary.algorithms as Record<string, Algo>;

describe('limiter scenarios', () => {
  it('peakInWindow counts the most events in any half-open window', () => {
    expect(peakInWindow([0, 10, 20, 1000, 1005], 1000)).toBe(4); // [10, 1010) holds 10, 20, 1000, 1005
    expect(peakInWindow([0, 500, 1000, 1500], 1000)).toBe(2);
    expect(peakInWindow([0, 999, 1000, 1998], 1000)).toBe(3); // [999, 1999)
    expect(peakInWindow([], 1000)).toBe(0);
  });

  it.each(LIMITER_SCENARIOS.map((s) => [s.id, s] as const))('%s is deterministic per seed and time-ordered', (_id, scenario) => {
    const a = scenario.run();
    const b = scenario.run();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const times = a.trace.map((e) => e.t);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    if (scenario.id !== 'limiter-window-boundary') {
      expect(JSON.stringify(scenario.run({}, { seed: 999 }).trace)).not.toBe(JSON.stringify(a.trace));
    }
  });

  it('limiter-burst: the token bucket spends its bucket at once and never exceeds burst + rate in a second', () => {
    const withBackground = algorithms(byId('limiter-burst').run({ rate: 10, burst: 10, burstSize: 40, steady: 5 }).summary);
    expect(withBackground['token-bucket']!.peakPerSecond).toBeLessThanOrEqual(10 + 10);
    // Without background traffic the bucket is exactly full when the burst comes.
    const result = byId('limiter-burst').run({ rate: 10, burst: 10, burstSize: 40, steady: 0 });
    const algos = algorithms(result.summary);
    for (const [kind, a] of Object.entries(algos)) {
      expect(a.admitted + a.rejected, kind).toBe(result.summary.requests);
    }
    expect(algos['token-bucket']!.peakPerSecond).toBeLessThanOrEqual(10 + 10);
    // The burst at t = 3 s: the token bucket admits its full bucket at that instant, the rest is rejected.
    const atBurst = result.trace.filter((e) => e.kind === 'decision' && e.algorithm === 'token-bucket' && e.t === 3000);
    expect(atBurst.filter((e) => e.allowed)).toHaveLength(10);
    expect(atBurst.filter((e) => !e.allowed)).toHaveLength(30);
  });

  it('limiter-window-boundary: the fixed window lets twice its limit through across the boundary; sliding windows do not', () => {
    const algos = algorithms(byId('limiter-window-boundary').run({ rate: 10, burst: 10, waveSize: 20 }).summary);
    expect(algos['fixed-window']!.peakPerSecond).toBe(20);
    expect(algos['sliding-log']!.peakPerSecond).toBeLessThanOrEqual(10);
  });

  it('limiter-overload: long-run admission converges on the rate, and only the leaky bucket makes requests wait', () => {
    const scenario = byId('limiter-overload');
    const result = scenario.run({ rate: 10, burst: 10, overload: 2 });
    const algos = algorithms(result.summary);
    const seconds = scenario.durationMs / 1000;
    for (const kind of ['token-bucket', 'leaky-bucket', 'sliding-log']) {
      // rate · duration, plus at most one bucket (or window) of credit at the start.
      expect(algos[kind]!.admitted, kind).toBeLessThanOrEqual(10 * seconds + 10 + 1);
      expect(algos[kind]!.admitted, kind).toBeGreaterThanOrEqual(10 * seconds * 0.9);
    }
    const delayed = (kind: string) => result.trace.filter((e) => e.kind === 'decision' && e.algorithm === kind && (e.delayMs as number) > 0).length;
    expect(delayed('leaky-bucket')).toBeGreaterThan(0);
    expect(delayed('token-bucket')).toBe(0);
  });

  it('clamps parameters to their ranges and accepts burst faults from the UI', () => {
    const scenario = byId('limiter-burst');
    const clamped = scenario.run({ rate: -5, burstSize: 1e9 });
    expect(clamped.summary.requests).toBeLessThan(1000);
    const withFault = scenario.run({}, { faults: [{ atMs: 8000, kind: 'burst', size: 30 }] });
    expect(withFault.trace.filter((e) => e.kind === 'burst').map((e) => e.t)).toEqual([3000, 8000]);
    expect(withFault.summary.requests).toBe((scenario.run().summary.requests as number) + 30);
  });
});
