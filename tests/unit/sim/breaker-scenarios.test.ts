import { describe, expect, it } from 'vitest';
import { BREAKER_SCENARIOS } from '../../../src/lib/sim/scenarios/breaker';
import type { Scenario, ScenarioResult } from '../../../src/lib/sim/scenarios/types';

const byId = (id: string): Scenario => BREAKER_SCENARIOS.find((s) => s.id === id)!;
const reachedBetween = (r: ScenarioResult, fromMs: number, toMs: number) =>
  r.trace.filter((e) => e.kind === 'call' && e.outcome !== 'rejected' && e.t >= fromMs && e.t < toMs).length;
const transitions = (r: ScenarioResult) => r.trace.filter((e) => e.kind === 'state').map((e) => `${String(e.from)}->${String(e.to)}`);

describe('breaker scenarios', () => {
  it.each(BREAKER_SCENARIOS.map((s) => [s.id, s] as const))('%s is deterministic per seed and time-ordered', (_id, scenario) => {
    const a = scenario.run();
    expect(JSON.stringify(scenario.run())).toBe(JSON.stringify(a));
    expect(JSON.stringify(scenario.run({}, { seed: 4242 }).trace)).not.toBe(JSON.stringify(a.trace));
    const times = a.trace.map((e) => e.t);
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('breaker-outage: the breaker opens, keeps most calls off the dependency, probes, and closes after recovery', () => {
    const result = byId('breaker-outage').run({ rate: 50, timeoutMs: 3000, maxRequests: 1, consecutiveFailures: 5, outageSeconds: 10 });
    const states = transitions(result);
    expect(states[0]).toBe('closed->open');
    expect(states).toContain('open->half-open');
    expect(states).toContain('half-open->open');
    expect(states.at(-1)).toBe('half-open->closed');
    // 10 s of outage at 50 calls/s is ~500 calls; the breaker lets through a trip's worth plus one probe per Timeout.
    expect(reachedBetween(result, 5000, 15_000)).toBeLessThan(30);
    expect(result.summary.rejected as number).toBeGreaterThan(400);
    // Recovery is noticed by the first probe after it: within one Timeout (plus a call's latency).
    expect(result.summary.closedAfterRecoveryMs as number).toBeGreaterThan(0);
    expect(result.summary.closedAfterRecoveryMs as number).toBeLessThanOrEqual(3000 + 200);
  });

  it('breaker-outage: in half-open no more than MaxRequests calls reach the dependency', () => {
    for (const maxRequests of [1, 3, 7]) {
      const result = byId('breaker-outage').run({ maxRequests });
      let halfOpen = false;
      let admitted = 0;
      for (const e of result.trace) {
        if (e.kind === 'state') {
          halfOpen = e.to === 'half-open';
          admitted = 0;
        }
        if (halfOpen && e.kind === 'call' && e.outcome !== 'rejected') admitted++;
        expect(admitted).toBeLessThanOrEqual(maxRequests);
      }
    }
  });

  it('breaker-slow-dependency: without a breaker calls in flight stay at rate × timeout; with one they drop', () => {
    const scenario = byId('breaker-slow-dependency');
    const off = scenario.run({ breaker: 'off', rate: 50, callerTimeoutMs: 1000 });
    const on = scenario.run({ breaker: 'on', rate: 50, callerTimeoutMs: 1000 });
    // Average calls in flight once the outage has settled (it starts at 5 s; the first timeouts end at 6 s).
    const meanInFlight = (r: ScenarioResult) => {
      const samples = r.trace.filter((e) => e.kind === 'sample' && e.t >= 7000 && e.t < 15_000).map((e) => e.inFlight as number);
      return samples.reduce((a, b) => a + b, 0) / samples.length;
    };
    expect(meanInFlight(off)).toBeGreaterThan(40); // ≈ 50 calls/s × 1 s
    expect(meanInFlight(on)).toBeLessThan(5); // probes only
    expect(off.summary.peakInFlight as number).toBeGreaterThan(40);
    expect(off.summary.rejected).toBe(0);
    expect(transitions(off)).toEqual([]);
  });

  it('breaker-flapping: an error rate above the trip ratio keeps the breaker cycling; below it, it settles closed', () => {
    const scenario = byId('breaker-flapping');
    const cycling = transitions(scenario.run({ residualErrorRate: 0.6, maxRequests: 3 }));
    const settled = transitions(scenario.run({ residualErrorRate: 0.3, maxRequests: 3 }));
    const opened = (s: string[]) => s.filter((t) => t.endsWith('->open')).length;
    expect(cycling[0]).toBe('closed->open');
    expect(opened(cycling)).toBeGreaterThan(opened(settled) + 2);
    expect(settled.at(-1)).toBe('half-open->closed');
  });

  it('keeps its summary consistent with its trace and skips malformed injected faults', () => {
    for (const scenario of BREAKER_SCENARIOS) {
      const { trace, summary } = scenario.run();
      const calls = trace.filter((e) => e.kind === 'call');
      expect(calls.length + (summary.inFlightAtEnd as number), scenario.id).toBe(summary.calls);
      expect((summary.successes as number) + (summary.failures as number) + (summary.inFlightAtEnd as number), scenario.id).toBe(summary.reached);
      expect(calls.every((e) => Object.values(e).every((v) => v !== undefined)), scenario.id).toBe(true);
    }
    const scenario = byId('breaker-outage');
    const bad = scenario.run({}, { faults: [{ atMs: -5, kind: 'outage' }, { atMs: 1000, kind: 'outage', durationMs: 'long' }] });
    expect(JSON.stringify(bad.trace)).toBe(JSON.stringify(scenario.run().trace));
  });
});
