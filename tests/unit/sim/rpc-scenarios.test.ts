/**
 * The RPC scenarios (src/lib/sim/scenarios/rpc.ts): the scenario contract, determinism, time order,
 * parameter clamping, fault merging, and the story each one tells.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../src/lib/sim/kernel.ts';
import { decodeGrpcTimeout } from '../../../src/lib/sim/models/rpc/grpc-timeout.ts';
import { RPC_SCENARIOS, runRpcScenario } from '../../../src/lib/sim/scenarios/rpc.ts';
import type { Scenario, ScenarioSummary } from '../../../src/lib/sim/scenarios/types.ts';
import { nanosToMs } from '../../../src/lib/sim/time.ts';

const byId = (id: string): Scenario => {
  const s = RPC_SCENARIOS.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
};
const of = (trace: TraceEvent[], kind: string): TraceEvent[] => trace.filter((e) => e.kind === kind);
const rec = (summary: ScenarioSummary, key: string): Record<string, number | string | boolean> =>
  summary[key] as Record<string, number | string | boolean>;

describe('the scenario contract', () => {
  it('at least three scenarios with unique ids, the rpc model, and both languages', () => {
    expect(RPC_SCENARIOS.length).toBeGreaterThanOrEqual(3);
    expect(new Set(RPC_SCENARIOS.map((s) => s.id)).size).toBe(RPC_SCENARIOS.length);
    for (const s of RPC_SCENARIOS) {
      expect(s.model).toBe('rpc');
      for (const text of [s.title, s.story]) {
        expect(text.zh.length).toBeGreaterThan(4);
        expect(text.en.length).toBeGreaterThan(4);
        expect(text.zh).not.toBe(text.en);
        expect(text.zh).toMatch(/[\u4e00-\u9fff]/);
      }
      expect(s.lesson).toMatch(/^\/lessons\/(rpc|timeouts|retries|registry|rate-limiting|circuit-breaking)(#[a-z0-9-]+)?$/);
      expect(s.durationMs).toBeGreaterThan(0);
    }
  });

  it('parameter defaults lie in their ranges and choices', () => {
    for (const s of RPC_SCENARIOS) {
      for (const [key, spec] of Object.entries(s.params)) {
        expect(spec.label.zh && spec.label.en, `${s.id}.${key}`).toBeTruthy();
        if (spec.kind === 'number') {
          expect(spec.default).toBeGreaterThanOrEqual(spec.min);
          expect(spec.default).toBeLessThanOrEqual(spec.max);
          expect(spec.step).toBeGreaterThan(0);
        } else {
          expect(spec.options).toContain(spec.default);
        }
      }
    }
  });

  it('the retry storm has the parameters the lesson talks about', () => {
    const params = byId('rpc-retry-storm').params;
    expect(params.maxAttempts).toMatchObject({ kind: 'number', min: 2, max: 5 });
    expect(params.throttling).toMatchObject({ kind: 'choice', options: ['on', 'off'] });
    expect(params.outageStartS).toMatchObject({ kind: 'number', default: 5 });
    expect(params.outageDurationS).toMatchObject({ kind: 'number', default: 10 });
  });
});

describe.each(RPC_SCENARIOS.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
  const base = scenario.run();

  it('is deterministic: the same seed gives the same trace, another seed another', () => {
    expect(JSON.stringify(scenario.run({}, { seed: scenario.seed }).trace)).toBe(JSON.stringify(base.trace));
    expect(JSON.stringify(scenario.run({}, { seed: scenario.seed }).summary)).toBe(JSON.stringify(base.summary));
    expect(JSON.stringify(scenario.run({}, { seed: scenario.seed + 1 }).trace)).not.toBe(JSON.stringify(base.trace));
  });

  it('yields a non-empty, time-ordered trace within the run', () => {
    expect(base.trace.length).toBeGreaterThan(10);
    let last = 0;
    for (const e of base.trace) {
      expect(typeof e.kind).toBe('string');
      expect(Number.isFinite(e.t)).toBe(true);
      expect(e.t).toBeGreaterThanOrEqual(last);
      last = e.t;
    }
    expect(last).toBeLessThanOrEqual(scenario.durationMs);
  });

  it('clamps out-of-range parameters to their range and ignores unknown choices', () => {
    const low: Record<string, number | string> = {};
    const lowClamped: Record<string, number | string> = {};
    for (const [key, spec] of Object.entries(scenario.params)) {
      if (spec.kind === 'number') {
        low[key] = spec.min - 1000;
        lowClamped[key] = spec.min;
      } else {
        low[key] = 'no-such-option';
        lowClamped[key] = spec.default;
      }
    }
    expect(JSON.stringify(scenario.run(low).summary)).toBe(JSON.stringify(scenario.run(lowClamped).summary));
    const high = Object.fromEntries(Object.entries(scenario.params).flatMap(([k, s]) => (s.kind === 'number' ? [[k, s.max + 1e6]] : [])));
    const highClamped = Object.fromEntries(Object.entries(scenario.params).flatMap(([k, s]) => (s.kind === 'number' ? [[k, s.max]] : [])));
    expect(JSON.stringify(scenario.run(high).summary)).toBe(JSON.stringify(scenario.run(highClamped).summary));
  });

  it('traces an unknown fault kind as ignored instead of failing', () => {
    const { trace } = scenario.run({}, { faults: [{ atMs: 100, kind: 'meteor' }] });
    expect(of(trace, 'fault')).toContainEqual({ t: 100, kind: 'fault', fault: 'meteor', ignored: true });
  });
});

describe('retry storm vs retry throttling', () => {
  const storm = byId('rpc-retry-storm');
  const off = storm.run({ throttling: 'off' });
  const on = storm.run({ throttling: 'on' });

  it('without throttling the backend receives about maxAttempts times the calls during the outage', () => {
    expect(off.summary.loadMultiplierBefore).toBe(1);
    expect(off.summary.loadMultiplierDuringOutage as number).toBeGreaterThan(3.5);
    expect(off.summary.loadMultiplierDuringOutage as number).toBeLessThanOrEqual(4);
  });

  it('throttling cuts the attempts during the outage by a large factor', () => {
    const ratio = (off.summary.attemptsDuringOutage as number) / (on.summary.attemptsDuringOutage as number);
    expect(ratio).toBeGreaterThan(2.5);
    expect(on.summary.loadMultiplierDuringOutage as number).toBeLessThan(1.5);
    expect(on.summary.callsDuringOutage).toBe(off.summary.callsDuringOutage);
    expect(on.summary.throttledCalls as number).toBeGreaterThan(0);
    expect(off.summary.throttledCalls).toBe(0);
  });

  it('the gap grows with maxAttempts', () => {
    const gap = (maxAttempts: number): number =>
      (storm.run({ throttling: 'off', maxAttempts }).summary.attemptsDuringOutage as number) /
      (storm.run({ throttling: 'on', maxAttempts }).summary.attemptsDuringOutage as number);
    expect(gap(5)).toBeGreaterThan(gap(2));
    expect(gap(2)).toBeGreaterThan(1.3);
  });

  it('traces attempts per second and the multiplier, one load event per second', () => {
    const loads = of(on.trace, 'load');
    expect(loads).toHaveLength(30);
    expect(loads.map((e) => e.second)).toEqual([...Array(30).keys()]);
    expect(loads.reduce((s, e) => s + (e.attempts as number), 0)).toBe(on.summary.totalAttempts);
    const peakOff = Math.max(...of(off.trace, 'load').map((e) => e.multiplier as number));
    expect(peakOff).toBeGreaterThan(3);
    // Seconds inside the outage (5 s to 15 s) carry the multiplier; before it, 1.
    expect(of(off.trace, 'load').find((e) => e.second === 2)?.multiplier).toBe(1);
    expect(of(off.trace, 'load').find((e) => e.second === 10)?.multiplier as number).toBeGreaterThan(3);
  });

  it('each throttled client switches retries off once, early in the outage, and they stay off (tokens refill at 0.1 per success)', () => {
    const offs = of(on.trace, 'throttle').filter((e) => e.state === 'retries-off');
    expect(new Set(offs.map((e) => e.client)).size).toBe(50);
    for (const e of offs) {
      expect(e.t).toBeGreaterThanOrEqual(5000);
      expect(e.t).toBeLessThan(8000);
    }
    expect(of(on.trace, 'throttle').filter((e) => e.state === 'retries-on')).toEqual([]);
    expect(of(off.trace, 'throttle')).toEqual([]);
  });

  it('the outage follows its parameters and is traced', () => {
    const moved = storm.run({ outageStartS: 12, outageDurationS: 3 });
    expect(of(moved.trace, 'fault').map((e) => [e.t, e.phase])).toEqual([
      [12_000, 'start'],
      [15_000, 'end'],
    ]);
    expect(moved.summary.callsDuringOutage as number).toBeLessThan(on.summary.callsDuringOutage as number);
  });

  it('traces one client’s calls attempt by attempt', () => {
    const attempts = of(off.trace, 'attempt');
    expect(attempts.length).toBeGreaterThan(0);
    expect(new Set(attempts.map((e) => e.client))).toEqual(new Set(['client-00']));
    expect(of(off.trace, 'retry').length).toBeGreaterThan(0);
  });
});

describe('deadline propagation across three hops', () => {
  const scenario = byId('rpc-deadline-propagation');
  const base = scenario.run();

  it('the slow hop is where the deadline expires, whichever hop is slow', () => {
    for (const slowHop of ['A', 'B', 'C']) {
      const { summary } = scenario.run({ slowHop });
      expect(summary.expiredAt).toBe(slowHop);
      expect(summary.deadlineExceeded).toBe(summary.calls);
      expect(rec(summary, 'ranOutAt')[slowHop]).toBe(summary.calls);
    }
  });

  it('a slow B means C never receives a request', () => {
    expect(rec(base.summary, 'requestsReached')).toEqual({ A: 10, B: 10, C: 0 });
  });

  it('with transit-aware budgets B itself answers DEADLINE_EXCEEDED every time', () => {
    const { summary } = scenario.run({ propagation: 'transit-aware' });
    expect(rec(summary, 'producedAt').B).toBe(summary.calls);
  });

  it('without the slow delay every call succeeds well inside the deadline', () => {
    const { summary } = scenario.run({ slowHopDelayMs: 0 });
    expect(summary.ok).toBe(summary.calls);
    expect(summary.expiredAt).toBe('none');
    expect(summary.p50LatencyMs as number).toBeLessThan(300);
  });

  it('traces each hop’s grpc-timeout header and budget; the header never undercuts the real remaining time', () => {
    const hops = of(base.trace, 'hop');
    expect(hops.length).toBeGreaterThan(0);
    for (const e of hops) {
      const header = e.grpcTimeout as string;
      expect(header).toMatch(/^\d{1,8}[HMSmun]$/);
      expect(e.budgetMs).toBe(nanosToMs(decodeGrpcTimeout(header)));
      expect(e.budgetMs as number).toBeGreaterThanOrEqual(e.clientRemainingMs as number);
    }
    expect(rec(base.summary, 'headersFirstCall').A).toBe('300000u');
    const budgets = rec(base.summary, 'budgetMsFirstCall');
    expect(budgets.B as number).toBeLessThan(budgets.A as number);
  });

  it('the client stops waiting exactly at its deadline', () => {
    for (const deadline of [120, 300, 380]) {
      const { trace } = scenario.run({ clientDeadlineMs: deadline });
      for (const r of of(trace, 'response')) {
        expect(r.code).toBe('DEADLINE_EXCEEDED');
        expect(r.latencyMs).toBe(deadline);
      }
    }
  });

  it('shows the interceptors’ onion order at every hop, or none when turned off', () => {
    const first = of(base.trace, 'interceptor').filter((e) => e.call === 'call-0' && e.hop === 'A');
    expect(first.slice(0, 2).map((e) => `${e.phase} ${e.name}`)).toEqual(['before logging', 'before auth']);
    expect(first.slice(-2).map((e) => `${e.phase} ${e.name}`)).toEqual(['after auth', 'after logging']);
    expect(of(scenario.run({ interceptors: 'off' }).trace, 'interceptor')).toEqual([]);
  });

  it('adds the faults it is given to its own: an outage of C answers UNAVAILABLE from C', () => {
    const { summary, trace } = scenario.run({ slowHopDelayMs: 0 }, { faults: [{ atMs: 0, kind: 'outage', node: 'C' }] });
    expect(summary.ok).toBe(0);
    expect(of(trace, 'response').every((e) => e.code === 'UNAVAILABLE' && e.producedBy === 'C')).toBe(true);
    expect(of(trace, 'fault')).toEqual([{ t: 0, kind: 'fault', fault: 'outage', phase: 'start', node: 'C' }]);
  });
});

describe('protobuf vs JSON on the wire', () => {
  const scenario = byId('rpc-protobuf-vs-json');
  const { summary, trace } = scenario.run();
  const pb = rec(summary, 'protobuf');
  const json = rec(summary, 'json');

  it('protobuf puts far fewer bytes on the wire for the same messages', () => {
    expect(pb.totalBytes as number).toBeLessThan(json.totalBytes as number);
    expect(summary.jsonToProtobufBytes as number).toBeGreaterThan(2);
    expect(pb.completed).toBe(summary.calls);
    expect(json.completed).toBe(summary.calls);
  });

  it('and is faster, most of all in the tail, on a busy link', () => {
    expect(pb.p50LatencyMs as number).toBeLessThan(json.p50LatencyMs as number);
    expect(pb.p99LatencyMs as number).toBeLessThan(json.p99LatencyMs as number);
    expect((json.p99LatencyMs as number) - (pb.p99LatencyMs as number)).toBeGreaterThan((json.p50LatencyMs as number) - (pb.p50LatencyMs as number));
  });

  it('with plenty of bandwidth the difference nearly vanishes', () => {
    const wide = scenario.run({ bandwidthBytesPerMs: 2000 }).summary;
    const gap = (rec(wide, 'json').p50LatencyMs as number) - (rec(wide, 'protobuf').p50LatencyMs as number);
    expect(gap).toBeLessThan(1);
    expect(rec(wide, 'json').totalBytes).toBe(json.totalBytes);
  });

  it('traces bytes and transfer time per call and codec, and a sample message', () => {
    const transfers = of(trace, 'transfer');
    expect(transfers).toHaveLength(2 * (summary.calls as number));
    const bytes = (codec: string): number =>
      transfers.filter((e) => e.codec === codec).reduce((s, e) => s + (e.requestBytes as number) + (e.responseBytes as number), 0);
    expect(bytes('protobuf')).toBe(pb.totalBytes);
    expect(bytes('json')).toBe(json.totalBytes);
    const spec = scenario.params.bandwidthBytesPerMs;
    const bandwidth = spec?.kind === 'number' ? spec.default : NaN;
    for (const e of transfers.slice(0, 50)) {
      expect(e.transferMs as number).toBeCloseTo(((e.requestBytes as number) + (e.responseBytes as number)) / bandwidth, 2);
    }
    const [sample] = of(trace, 'sample');
    expect(sample).toBeDefined();
    const parsed = JSON.parse(sample!.json as string) as Record<string, unknown>;
    expect(typeof parsed.orderId).toBe('string'); // int64 as a string
    expect(new TextEncoder().encode(sample!.json as string).length).toBe(sample!.jsonBytes);
    expect((sample!.protobufHex as string).split(' ')).toHaveLength(sample!.protobufBytes as number);
  });

  it('bigger orders widen the byte gap in absolute terms', () => {
    const big = scenario.run({ itemsPerOrder: 30 }).summary;
    expect(rec(big, 'json').meanBytesPerCall as number).toBeGreaterThan(json.meanBytesPerCall as number);
    expect((rec(big, 'json').meanBytesPerCall as number) - (rec(big, 'protobuf').meanBytesPerCall as number)).toBeGreaterThan(
      (json.meanBytesPerCall as number) - (pb.meanBytesPerCall as number),
    );
  });
});

describe('network partition between client and server', () => {
  const scenario = byId('rpc-partition');
  const { summary, trace } = scenario.run();

  it('the partition is the scenario’s own fault, from 3 s to 7 s', () => {
    expect(scenario.faults).toHaveLength(1);
    expect(of(trace, 'fault').map((e) => [e.t, e.phase])).toEqual([
      [3000, 'start'],
      [7000, 'end'],
    ]);
  });

  it('new attempts fail fast with UNAVAILABLE and are retried; in-flight ones are lost', () => {
    expect(summary.refusedAtSend as number).toBeGreaterThan(0);
    expect(summary.lostInFlight as number).toBeGreaterThan(0);
    expect(of(trace, 'retry').every((e) => e.code === 'UNAVAILABLE')).toBe(true);
    expect(summary.rescuedByRetry as number).toBeGreaterThan(0);
  });

  it('calls outside the partition succeed; calls inside it fail', () => {
    for (const r of of(trace, 'response')) {
      const start = r.t - (r.latencyMs as number);
      if (r.t < 3000 || start > 7000) expect(r.code).toBe('OK');
      if (start >= 3000 && r.t <= 7000) expect(r.code).not.toBe('OK');
    }
    expect(summary.ok as number).toBeLessThan(summary.calls as number);
  });

  it('with two attempts calls run out of attempts (UNAVAILABLE); with more they run out of deadline', () => {
    expect(scenario.run({ maxAttempts: 2 }).summary.unavailable as number).toBeGreaterThan(0);
    expect(summary.deadlineExceeded as number).toBeGreaterThan(0);
  });

  it('options.faults add to the scenario’s: a second partition fails more calls', () => {
    const more = scenario.run({}, { faults: [{ atMs: 8000, kind: 'partition', a: 'client', b: 'server', durationMs: 2000 }] });
    expect(of(more.trace, 'fault')).toHaveLength(4);
    expect(more.summary.ok as number).toBeLessThan(summary.ok as number);
  });
});

describe('runRpcScenario', () => {
  it('runs by id and refuses unknown ids', () => {
    expect(runRpcScenario('rpc-partition').summary).toEqual(byId('rpc-partition').run().summary);
    expect(() => runRpcScenario('nope')).toThrow(/unknown/);
  });
});
