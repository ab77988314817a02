/**
 * Tests of the Sentinel Go circuit breaker port. Tests named after Go tests come from
 * github.com/alibaba/sentinel-golang at f7a7f95 (same logic as v1.0.4):
 * - `core/circuitbreaker/circuit_breaker_test.go`
 * - `core/circuitbreaker/rule_test.go`, `core/circuitbreaker/rule_manager_test.go`
 * - `core/stat/base/leap_array_test.go`
 * - `tests/core/circuitbreaker/circuitbreaker_slot_integration_test.go`
 * Go's tests set `b.state` and `b.probeNumber` directly; the port exposes those fields for that.
 */
import { describe, expect, it } from 'vitest';
import {
  AtomicState,
  Closed,
  DEFAULT_EPOCH_MS,
  ErrorCount,
  ErrorRatio,
  HalfOpen,
  LeapArray,
  Open,
  SentinelResource,
  SlowRequestRatio,
  calculateStartTime,
  errorCounterGenerator,
  getRuleStatSlidingWindowBucketCount,
  isValidRule,
  newCircuitBreaker,
  slowRequestGenerator,
  type ErrorCounter,
  type ExitHookRegistry,
  type Rule,
  type SentinelCircuitBreaker,
  type SentinelEnv,
  type SentinelState,
  type SlowRequestCounter,
  type StateChangeListener,
} from '../../../src/lib/sim/models/breaker/sentinel';
import { ManualClock, MILLISECOND } from '../../../src/lib/sim/time';
import { Random } from '../../../src/lib/sim/random';

/** An entry to hand to TryPass, like Go's `base.NewSentinelEntry(ctx, ...)`. */
function newEntry(): ExitHookRegistry & { exit(blocked: boolean): void } {
  const handlers: ((e: { isBlocked(): boolean }) => void)[] = [];
  return {
    whenExit: (h) => handlers.push(h),
    exit: (blocked) => handlers.forEach((h) => h({ isBlocked: () => blocked })),
  };
}

type Call = { method: 'OnTransformToClosed' | 'OnTransformToOpen' | 'OnTransformToHalfOpen'; prev: SentinelState; rule: Rule; snapshot?: unknown };

/** Go's StateChangeListenerMock: records calls. */
function listenerMock(): StateChangeListener & { calls: Call[]; count(method: Call['method'], prev?: SentinelState): number } {
  const calls: Call[] = [];
  return {
    calls,
    onTransformToClosed: (prev, rule) => calls.push({ method: 'OnTransformToClosed', prev, rule }),
    onTransformToOpen: (prev, rule, snapshot) => calls.push({ method: 'OnTransformToOpen', prev, rule, snapshot }),
    onTransformToHalfOpen: (prev, rule) => calls.push({ method: 'OnTransformToHalfOpen', prev, rule }),
    count: (method, prev) => calls.filter((c) => c.method === method && (prev === undefined || c.prev === prev)).length,
  };
}

function env(listeners: StateChangeListener[] = []): SentinelEnv & { clock: ManualClock } {
  return { clock: new ManualClock(0), listeners };
}

/** `base.NewEmptyEntryContext().Rt()`: now − 0, i.e. the whole Unix time in ms: very slow. */
const emptyContextRt = (e: SentinelEnv) => (e.epochMs ?? DEFAULT_EPOCH_MS) + Math.floor(e.clock.now() / MILLISECOND);

const baseRule = { resource: 'abc', retryTimeoutMs: 3000, minRequestAmount: 10, statIntervalMs: 10000 };
const slowRule = (extra: Partial<Rule> = {}): Rule => ({ ...baseRule, strategy: SlowRequestRatio, maxAllowedRtMs: 50, threshold: 0.5, ...extra });
const errorRatioRule = (extra: Partial<Rule> = {}): Rule => ({ ...baseRule, strategy: ErrorRatio, threshold: 0.5, ...extra });
const errorCountRule = (extra: Partial<Rule> = {}): Rule => ({ ...baseRule, strategy: ErrorCount, threshold: 1.0, ...extra });

describe('core/circuitbreaker/circuit_breaker_test.go', () => {
  describe('TestStatus', () => {
    it('get_set', () => {
      const status = new AtomicState();
      expect(status.get()).toBe(Closed);
      status.set(Open);
      expect(status.get()).toBe(Open);
    });
    it('cas', () => {
      const status = new AtomicState();
      expect(status.get()).toBe(Closed);
      expect(status.cas(Closed, Open)).toBe(true);
      expect(status.cas(Closed, Open)).toBe(false);
      status.set(HalfOpen);
      expect(status.cas(HalfOpen, Open)).toBe(true);
    });
  });

  // The three strategies share TryPass; Go repeats the same three subtests for each.
  for (const [name, rule] of [
    ['TestSlowRtCircuitBreaker_TryPass', slowRule],
    ['TestErrorRatioCircuitBreaker_TryPass', errorRatioRule],
    ['TestErrorCountCircuitBreaker_TryPass', errorCountRule],
  ] as const) {
    describe(name, () => {
      it('TryPass_Closed', () => {
        const b = newCircuitBreaker(rule(), env());
        expect(b.tryPass(null)).toBe(true);
      });

      it('TryPass_Probe', () => {
        const listener = listenerMock();
        const b = newCircuitBreaker(rule(), env([listener]));
        b.state.set(Open);
        expect(b.tryPass(newEntry())).toBe(true);
        expect(b.state.get()).toBe(HalfOpen);
        expect(listener.count('OnTransformToHalfOpen', Open)).toBe(1);
      });

      it('TryPass_ProbeNum', () => {
        const b = newCircuitBreaker(rule({ probeNum: 10 }), env());
        b.state.set(Open);
        const e = newEntry();
        for (let i = 0; i < 10; i++) {
          expect(b.tryPass(e)).toBe(true);
          expect(b.state.get()).toBe(HalfOpen);
          b.onRequestComplete(1, null);
        }
        expect(b.state.get()).toBe(Closed);
      });
    });
  }

  describe('TestSlowRt_OnRequestComplete', () => {
    // Shared breaker, subtests in order, as in Go.
    const e = env();
    const b = newCircuitBreaker(slowRule(), e);
    it('OnRequestComplete_Less_Than_MinRequestMount', () => {
      b.onRequestComplete(emptyContextRt(e), null);
      expect(b.currentState()).toBe(Closed);
    });
    it('OnRequestComplete_Probe_Failed', () => {
      b.state.set(HalfOpen);
      b.onRequestComplete(emptyContextRt(e), null);
      expect(b.currentState()).toBe(Open);
    });
    it('OnRequestComplete_Probe_Succeed', () => {
      b.state.set(HalfOpen);
      b.onRequestComplete(10, null);
      expect(b.currentState()).toBe(Closed);
    });
    it('OnRequestComplete_ProbeNum_Success', () => {
      b.probeNumber = 2;
      b.state.set(HalfOpen);
      b.onRequestComplete(10, null);
      expect(b.currentState()).toBe(HalfOpen);
      expect(b.curProbeNumber).toBe(1);
    });
    it('OnRequestComplete_ProbeNum_Failed', () => {
      b.probeNumber = 2;
      b.state.set(HalfOpen);
      b.onRequestComplete(emptyContextRt(e), null);
      expect(b.currentState()).toBe(Open);
      expect(b.curProbeNumber).toBe(0);
    });
  });

  for (const [name, rule, msg] of [
    ['TestErrorRatio_OnRequestComplete', errorRatioRule, 'errorRatio'],
    ['TestErrorCount_OnRequestComplete', errorCountRule, 'errorCount'],
  ] as const) {
    describe(name, () => {
      const e = env();
      const b = newCircuitBreaker(rule(), e);
      it('OnRequestComplete_Less_Than_MinRequestAmount', () => {
        b.onRequestComplete(emptyContextRt(e), null);
        expect(b.currentState()).toBe(Closed);
      });
      it('OnRequestComplete_Probe_Succeed', () => {
        b.state.set(HalfOpen);
        b.onRequestComplete(emptyContextRt(e), null);
        expect(b.currentState()).toBe(Closed);
      });
      it('OnRequestComplete_Probe_Failed', () => {
        b.state.set(HalfOpen);
        b.onRequestComplete(0, new Error(msg));
        expect(b.currentState()).toBe(Open);
      });
      it('OnRequestComplete_ProbeNum_Success', () => {
        b.probeNumber = 2;
        b.state.set(HalfOpen);
        b.onRequestComplete(emptyContextRt(e), null);
        expect(b.currentState()).toBe(HalfOpen);
        expect(b.curProbeNumber).toBe(1);
      });
      it('OnRequestComplete_ProbeNum_Failed', () => {
        b.probeNumber = 2;
        b.state.set(HalfOpen);
        b.onRequestComplete(0, new Error(msg));
        expect(b.currentState()).toBe(Open);
        expect(b.curProbeNumber).toBe(0);
      });
    });
  }

  it('TestSlowRt_ResetBucketTo', () => {
    const wrap = { bucketStart: 1, value: { slowCount: 1, totalCount: 1 } as SlowRequestCounter };
    slowRequestGenerator.resetBucketTo(wrap, DEFAULT_EPOCH_MS);
    expect(wrap.value).toEqual({ slowCount: 0, totalCount: 0 });
    expect(wrap.bucketStart).toBe(DEFAULT_EPOCH_MS);
  });

  it('TestErrorRatio_ResetBucketTo', () => {
    const wrap = { bucketStart: 1, value: { errorCount: 1, totalCount: 1 } as ErrorCounter };
    errorCounterGenerator.resetBucketTo(wrap, DEFAULT_EPOCH_MS);
    expect(wrap.value).toEqual({ errorCount: 0, totalCount: 0 });
  });

  it('TestFromClosedToOpen', () => {
    const listener = listenerMock();
    const b = newCircuitBreaker(errorCountRule(), env([listener]));
    expect(b.fromClosedToOpen('')).toBe(true);
    expect(listener.count('OnTransformToOpen', Closed)).toBe(1);
  });

  it('TestFromHalfOpenToOpen', () => {
    const listener = listenerMock();
    const b = newCircuitBreaker(errorCountRule(), env([listener]));
    b.state.set(HalfOpen);
    expect(b.fromHalfOpenToOpen('')).toBe(true);
    expect(b.nextRetryTimestampMs).toBeGreaterThan(0);
    expect(listener.count('OnTransformToOpen', HalfOpen)).toBe(1);
  });
});

describe('core/circuitbreaker/rule_test.go', () => {
  it('TestGetRuleStatSlidingWindowBucketCount', () => {
    const r = (statIntervalMs: number, statSlidingWindowBucketCount?: number): Rule => ({
      ...errorCountRule(),
      statIntervalMs,
      ...(statSlidingWindowBucketCount === undefined ? {} : { statSlidingWindowBucketCount }),
    });
    expect(getRuleStatSlidingWindowBucketCount(r(10000))).toBe(1);
    expect(getRuleStatSlidingWindowBucketCount(r(1000, 1))).toBe(1);
    expect(getRuleStatSlidingWindowBucketCount(r(1000, 10))).toBe(10);
    expect(getRuleStatSlidingWindowBucketCount(r(1000, 30))).toBe(1);
    expect(getRuleStatSlidingWindowBucketCount(r(100, 100))).toBe(100);
    expect(getRuleStatSlidingWindowBucketCount(r(100, 200))).toBe(1);
  });
});

describe('core/circuitbreaker/rule_manager_test.go', () => {
  it('Test_isApplicableRule_valid', () => {
    expect(isValidRule({ resource: 'abc01', strategy: SlowRequestRatio, retryTimeoutMs: 1000, minRequestAmount: 5, statIntervalMs: 1000, maxAllowedRtMs: 20, threshold: 0.1 })).toBeNull();
    expect(isValidRule({ resource: 'abc02', strategy: ErrorRatio, retryTimeoutMs: 1000, minRequestAmount: 5, statIntervalMs: 1000, threshold: 0.3 })).toBeNull();
    expect(isValidRule({ resource: 'abc02', strategy: ErrorCount, retryTimeoutMs: 1000, minRequestAmount: 5, statIntervalMs: 1000, threshold: 10.0 })).toBeNull();
  });

  it('Test_isApplicableRule_invalid', () => {
    expect(isValidRule({ resource: 'abc01', strategy: SlowRequestRatio, retryTimeoutMs: 1000, minRequestAmount: 10050, statIntervalMs: 1000, maxAllowedRtMs: 5, threshold: -1.0 })).toBeInstanceOf(Error);
    expect(isValidRule({ resource: 'abc02', strategy: ErrorRatio, retryTimeoutMs: 1000, minRequestAmount: 5, statIntervalMs: 1000, threshold: -0.3 })).toBeInstanceOf(Error);
    expect(isValidRule({ resource: '', strategy: ErrorRatio, retryTimeoutMs: 1000, minRequestAmount: 5, statIntervalMs: 1000, threshold: 0.0 })).toBeInstanceOf(Error);
    // and the breaker factory refuses what LoadRules would skip
    expect(() => newCircuitBreaker(errorRatioRule({ threshold: 1.5 }), env())).toThrow(/ratio threshold/);
  });
});

describe('core/stat/base/leap_array_test.go', () => {
  // The Go file's constants: 20 buckets of 500 ms over 10 s.
  const SampleCount = 20;
  const IntervalInMs = 10000;
  const BucketLengthInMs = 500;
  const mock = { newEmptyBucket: () => ({}), resetBucketTo: (bw: { bucketStart: number; value: object }, t: number) => ((bw.bucketStart = t), bw) };
  const newLeapArray = (now: number) => {
    const la = LeapArray.create(SampleCount, IntervalInMs, mock, now);
    if (la instanceof Error) throw la;
    return la;
  };

  it('Test_leapArray_calculateTimeIdx_normal', () => {
    const la = newLeapArray(1576296044907);
    expect(la.calculateTimeIdx(1576296044907)).toBe(9);
  });

  it('Test_calculateStartTime_normal', () => {
    expect(calculateStartTime(1576296044907, BucketLengthInMs)).toBe(1576296044500);
  });

  it('Test_leapArray_BucketStartCheck_normal', () => {
    const now = 1596199310000;
    const la = newLeapArray(now);
    const got = la.currentBucketOfTime(now + 801, mock);
    if (got instanceof Error) throw got;
    expect(got.bucketStart).toBe(now + 500);
    expect(got).toBe(la.array[1]);
  });

  it('Test_leapArray_valuesWithTime_normal', () => {
    const la = newLeapArray(1596199310000);
    // override start time
    let start = 1576296040000;
    for (const ww of la.array) {
      ww.bucketStart = start;
      start += 500;
    }
    const got = la.valuesWithTime(1576296049907);
    for (const g of got) expect(la.array.some((w) => w.bucketStart === g.bucketStart)).toBe(true);
    expect(got.length).toBe(SampleCount); // all 20 buckets lie within [now − 10 s, now]
  });

  it('Test_leapArray_isBucketDeprecated_normal', () => {
    const la = newLeapArray(1596199310000);
    expect(la.isBucketDeprecated(1576296044907, { bucketStart: 1576296004907, value: {} })).toBe(true);
  });

  it('TestNewLeapArray', () => {
    expect(LeapArray.create(SampleCount, IntervalInMs, mock, 1)).toBeInstanceOf(LeapArray);
    expect(LeapArray.create(30, IntervalInMs, mock, 1)).toEqual(new Error('Invalid parameters, intervalInMs is 10000, sampleCount is 30'));
    expect(LeapArray.create(0, IntervalInMs, mock, 1)).toEqual(new Error('Invalid parameters, intervalInMs is 10000, sampleCount is 0'));
  });

  it('buckets starting after now (the pre-filled ring) count as deprecated, as uint64 wrap-around makes them', () => {
    const la = newLeapArray(1_000_000);
    expect(la.valuesWithTime(1_000_000).map((b) => b.bucketStart)).toEqual([1_000_000]);
  });
});

describe('tests/core/circuitbreaker/circuitbreaker_slot_integration_test.go', () => {
  const cbRule1: Rule = { resource: 'abc', strategy: SlowRequestRatio, retryTimeoutMs: 1, minRequestAmount: 0, statIntervalMs: 10000, maxAllowedRtMs: 3, threshold: 0.1 };
  const cbRule2: Rule = { resource: 'abc', strategy: ErrorRatio, retryTimeoutMs: 2000000, minRequestAmount: 0, statIntervalMs: 10000, threshold: 0.1 };

  function setup(rules: Rule[]) {
    const listener = listenerMock();
    const e = env([listener]);
    const breakers = rules.map((r) => newCircuitBreaker(r, e));
    const resource = new SentinelResource('abc', breakers, e);
    return { listener, e, resource, breakers };
  }

  it('TestCircuitBreakerSlotIntegration_Normal', () => {
    const { listener, e, resource } = setup([cbRule1, cbRule2]);
    // First trigger the circuit breaker
    const first = resource.entry();
    expect(first.blockedBy).toBeNull();
    first.entry!.setError(new Error('biz error'));
    e.clock.advance(50 * MILLISECOND);
    first.entry!.exit();
    expect(listener.count('OnTransformToOpen')).toBe(2);
    expect(listener.count('OnTransformToClosed')).toBe(0);
    expect(listener.count('OnTransformToHalfOpen')).toBe(0);

    // wait circuit breaker1 retry timeout
    e.clock.advance(100 * MILLISECOND);

    // Second: circuit breaker1 probes and circuit breaker2 blocks the request
    for (const attempt of ['second', 'third']) {
      listener.calls.length = 0;
      const r = resource.entry();
      expect(r.blockedBy, attempt).toBe(cbRule2);
      expect(listener.count('OnTransformToHalfOpen', Open)).toBe(1);
      expect(listener.count('OnTransformToOpen', HalfOpen)).toBe(1);
      e.clock.advance(100 * MILLISECOND);
    }
  });

  it('TestCircuitBreakerSlotIntegration_Probe_Succeed', () => {
    const { listener, e, resource } = setup([{ ...cbRule1, retryTimeoutMs: 20 }]);
    const first = resource.entry();
    expect(first.blockedBy).toBeNull();
    e.clock.advance(50 * MILLISECOND);
    first.entry!.exit();
    expect(listener.count('OnTransformToOpen')).toBe(1);
    expect(listener.count('OnTransformToClosed')).toBe(0);
    expect(listener.count('OnTransformToHalfOpen')).toBe(0);

    e.clock.advance(100 * MILLISECOND);

    // Second: circuit breaker1 probes and succeeds
    listener.calls.length = 0;
    const second = resource.entry();
    second.entry!.exit();
    expect(second.blockedBy).toBeNull();
    expect(listener.count('OnTransformToHalfOpen', Open)).toBe(1);
    expect(listener.count('OnTransformToClosed', HalfOpen)).toBe(1);
  });

  it('TestCircuitBreakerSlotIntegration_Concurrency (deterministic: 100 "goroutines" × 100 entries, seeded interleaving)', () => {
    const { listener, e, resource, breakers } = setup([cbRule1, cbRule2]);
    const first = resource.entry();
    first.entry!.setError(new Error('biz error'));
    e.clock.advance(50 * MILLISECOND);
    first.entry!.exit();
    expect(listener.count('OnTransformToOpen')).toBe(2);
    e.clock.advance(100 * MILLISECOND);
    listener.calls.length = 0;

    // Each goroutine's entry is three steps — ask breaker 1, ask breaker 2, exit — and a seeded
    // scheduler interleaves the steps of all goroutines, as Go's scheduler might.
    const rand = seededSource(42);
    type Run = { left: number; step: 0 | 1 | 2; entry: ReturnType<typeof newEntry>; blockedBy: Rule | null };
    const runs: Run[] = Array.from({ length: 100 }, () => ({ left: 100, step: 0, entry: newEntry(), blockedBy: null }));
    let probeFailedCount = 0;
    let blockedCount = 0;
    let interleaved = 0;
    while (runs.some((r) => r.left > 0)) {
      const live = runs.filter((r) => r.left > 0);
      const run = live[Math.floor(rand() * live.length)]!;
      const breaker = breakers[run.step];
      if (run.step < 2 && breaker) {
        if (breaker.tryPass(run.entry)) {
          run.step++;
        } else {
          run.blockedBy = breaker.boundRule();
          run.step = 2;
        }
        continue;
      }
      // exit
      expect(run.blockedBy).not.toBeNull(); // every entry is blocked by one rule or the other
      blockedCount++;
      if (run.blockedBy === cbRule2) probeFailedCount++;
      if (run.blockedBy === cbRule1 && breakers[0]!.currentState() === HalfOpen) interleaved++;
      run.entry.exit(true);
      Object.assign(run, { left: run.left - 1, step: 0, entry: newEntry(), blockedBy: null });
    }
    expect(blockedCount).toBe(10000);
    expect(listener.count('OnTransformToHalfOpen', Open)).toBeGreaterThan(0);
    expect(listener.count('OnTransformToHalfOpen')).toBe(probeFailedCount);
    expect(listener.count('OnTransformToOpen', HalfOpen)).toBe(probeFailedCount);
    expect(interleaved).toBeGreaterThan(0); // some entries met another entry's probe in flight
    expect(breakers[0]!.currentState()).toBe(Open);
  });
});

describe('behaviour from circuit_breaker.go (no Go test covers it)', () => {
  it('with ProbeNum > 0 every entry passes while half-open: ProbeNum is a success count, not a cap', () => {
    const e = env();
    const b = newCircuitBreaker(errorCountRule({ minRequestAmount: 1, probeNum: 3 }), e);
    b.onRequestComplete(5, new Error('x'));
    expect(b.currentState()).toBe(Open);
    e.clock.advance(3000 * MILLISECOND);
    const passes = Array.from({ length: 10 }, () => b.tryPass(newEntry()));
    expect(passes.every(Boolean)).toBe(true);
    expect(b.currentState()).toBe(HalfOpen);
  });

  it('with ProbeNum 0 only the entry that flips Open → HalfOpen passes', () => {
    const e = env();
    const b = newCircuitBreaker(errorCountRule({ minRequestAmount: 1 }), e);
    b.onRequestComplete(5, new Error('x'));
    e.clock.advance(2999 * MILLISECOND);
    expect(b.tryPass(newEntry())).toBe(false); // retry timeout not reached
    e.clock.advance(1 * MILLISECOND);
    expect([b.tryPass(newEntry()), b.tryPass(newEntry()), b.tryPass(newEntry())]).toEqual([true, false, false]);
  });

  it('a failed probe restarts the retry timeout; a rolled-back probe does not', () => {
    const e = env();
    const b = newCircuitBreaker(errorRatioRule({ minRequestAmount: 1 }), e);
    b.onRequestComplete(1, new Error('x'));
    const opened = b.nextRetryTimestampMs;
    e.clock.advance(3000 * MILLISECOND);
    const probe = newEntry();
    expect(b.tryPass(probe)).toBe(true);
    probe.exit(true); // blocked by a later rule
    expect(b.currentState()).toBe(Open);
    expect(b.nextRetryTimestampMs).toBe(opened);
    expect(b.tryPass(newEntry())).toBe(true); // probes again at once
    b.onRequestComplete(1, new Error('still down'));
    expect(b.currentState()).toBe(Open);
    expect(b.nextRetryTimestampMs).toBe(opened + 3000); // now (3 s) + RetryTimeoutMs
  });

  it('the window is bucketed: old buckets drop out, and it is cleared only on HalfOpen → Closed', () => {
    const e = env();
    // 4 buckets of 250 ms over 1 s; trip at 3 errors.
    const b = newCircuitBreaker(errorCountRule({ statIntervalMs: 1000, statSlidingWindowBucketCount: 4, threshold: 3, minRequestAmount: 0 }), e);
    b.onRequestComplete(1, new Error('a')); // bucket [0, 250)
    e.clock.advance(500 * MILLISECOND);
    b.onRequestComplete(1, new Error('b')); // bucket [500, 750)
    expect(b.windowTotals()).toEqual({ bad: 2, total: 2 });
    e.clock.advance(750 * MILLISECOND); // t = 1250: the [0, 250) bucket is more than 1 s old
    b.onRequestComplete(1, new Error('c'));
    expect(b.windowTotals()).toEqual({ bad: 2, total: 2 });
    expect(b.currentState()).toBe(Closed);
    b.onRequestComplete(1, new Error('d'));
    expect(b.currentState()).toBe(Open);
    expect(b.windowTotals()).toEqual({ bad: 3, total: 3 }); // opening keeps the window
    e.clock.advance(3000 * MILLISECOND);
    expect(b.tryPass(newEntry())).toBe(true);
    b.onRequestComplete(1, null);
    expect(b.currentState()).toBe(Closed);
    expect(b.windowTotals()).toEqual({ bad: 0, total: 0 });
  });

  it('slow-RT breakers trip on ratio ≥ threshold with a 1e-8 tolerance and ignore errors', () => {
    const e = env();
    const b = newCircuitBreaker(slowRule({ minRequestAmount: 3, threshold: 1 / 3 }), e) as SentinelCircuitBreaker;
    b.onRequestComplete(10, new Error('errors do not matter'));
    b.onRequestComplete(10, null);
    expect(b.currentState()).toBe(Closed);
    b.onRequestComplete(51, null); // 1 slow of 3: ratio 0.333… = threshold
    expect(b.currentState()).toBe(Open);
  });
});

/** The project's seeded generator (src/lib/sim/random.ts) as a () => [0, 1) source. */
function seededSource(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}
