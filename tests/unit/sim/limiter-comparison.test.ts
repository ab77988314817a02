/**
 * The algorithms shown beside x/time/rate (src/lib/sim/models/rate/): leaky bucket, fixed window,
 * sliding log, sliding window counter and Sentinel's LeapArray, plus the shared RateMeter interface.
 * Expected values are derived in the comments; the LeapArray cases follow
 * alibaba/sentinel-golang core/stat/base/leap_array.go (commit f7a7f9575711440e3e00055c2cf2009d9c15d595).
 */
import { describe, expect, it } from 'vitest';
import {
  FixedWindowMeter,
  LeakyBucketMeter,
  LeapArrayMeter,
  SlidingLogMeter,
  SlidingWindowCounterMeter,
  TokenBucketMeter,
  createComparisonMeters,
  runSideBySide,
  type Admission,
  type Arrival,
  type RateMeter,
} from '../../../src/lib/sim/models/rate/comparison.ts';
import { MILLISECOND, SECOND, type Nanos } from '../../../src/lib/sim/time.ts';

const ms = (x: number): Nanos => x * MILLISECOND;

function decide(meter: RateMeter, t: Nanos, times: number, n = 1): Admission[] {
  return Array.from({ length: times }, () => meter.tryAcquire(t, n));
}

const allowedOf = (admissions: Admission[]) => admissions.map((a) => a.allowed);

describe('LeakyBucketMeter', () => {
  it('queues up to capacity and releases one event per 1/rate: delays 0, 100, 200 ms, then overflow', () => {
    // capacity 3, 10/s → one event drains every 100 ms.
    const bucket = new LeakyBucketMeter(3, 10);
    expect(bucket.emissionInterval).toBe(ms(100));
    const first = decide(bucket, 0, 4);
    expect(allowedOf(first)).toEqual([true, true, true, false]);
    expect(first.map((a) => a.delay)).toEqual([0, ms(100), ms(200), 0]);
    expect(first[2]!.used).toBe(3);
    // At 100 ms one event has drained (2 queued, the queue is empty at 300 ms): one more fits,
    // behind the other two: it leaves at 300 ms, a delay of 200 ms.
    expect(bucket.queuedAt(ms(100))).toBe(2);
    expect(bucket.tryAcquire(ms(100), 1)).toEqual({ allowed: true, delay: ms(200), used: 3 });
    expect(bucket.tryAcquire(ms(100), 1).allowed).toBe(false);
    // Once drained, the queue is empty again.
    expect(bucket.queuedAt(ms(400))).toBe(0);
    expect(bucket.tryAcquire(ms(400), 3)).toEqual({ allowed: true, delay: 0, used: 3 });
  });

  it('drains at time.Second/rate truncated to whole nanoseconds, so a full queue is judged exactly', () => {
    // rate 3 → 1e9/3 = 333333333.33… → 333333333 ns per event.
    const bucket = new LeakyBucketMeter(1, 3);
    expect(bucket.emissionInterval).toBe(333_333_333);
    expect(bucket.tryAcquire(0, 1).allowed).toBe(true);
    expect(bucket.tryAcquire(333_333_332, 1).allowed).toBe(false); // 1 ns of work still queued
    expect(bucket.tryAcquire(333_333_333, 1).allowed).toBe(true);
  });

  it('property: admitted events leave at most one per emission interval, and the queue never overflows', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rnd = prng(seed);
      const capacity = 1 + Math.floor(rnd() * 8);
      const bucket = new LeakyBucketMeter(capacity, [1, 4, 10, 33][seed % 4]!);
      const departures: Nanos[] = [];
      let now = 0;
      for (let i = 0; i < 300; i++) {
        now += Math.floor(rnd() * rnd() * 400 * MILLISECOND);
        const n = 1 + Math.floor(rnd() * 2);
        const a = bucket.tryAcquire(now, n);
        expect(a.used).toBeLessThanOrEqual(capacity);
        if (a.allowed) {
          expect(a.delay).toBeLessThanOrEqual((capacity - n) * bucket.emissionInterval);
          for (let k = 0; k < n; k++) departures.push(now + a.delay + k * bucket.emissionInterval);
        }
      }
      for (let i = 1; i < departures.length; i++) {
        expect(departures[i]! - departures[i - 1]!).toBeGreaterThanOrEqual(bucket.emissionInterval);
      }
    }
  });
});

describe('FixedWindowMeter', () => {
  it('lets 2·limit through across a window boundary (the boundary burst)', () => {
    const fixed = new FixedWindowMeter(5, SECOND);
    expect(allowedOf(decide(fixed, ms(999), 6))).toEqual([true, true, true, true, true, false]);
    // 1 ms later a new window starts with a fresh count: 5 more, 10 within 2 ms.
    expect(allowedOf(decide(fixed, ms(1000), 6))).toEqual([true, true, true, true, true, false]);
    expect(fixed.tryAcquire(ms(1999), 1).allowed).toBe(false);
    expect(fixed.tryAcquire(ms(2000), 1)).toEqual({ allowed: true, delay: 0, used: 1 });
  });

  it('windows are aligned on multiples of the window, also for negative times', () => {
    const fixed = new FixedWindowMeter(1, SECOND);
    expect(fixed.tryAcquire(-1, 1).allowed).toBe(true); // window [-1 s, 0)
    expect(fixed.tryAcquire(-SECOND, 1).allowed).toBe(false); // same window
    expect(fixed.tryAcquire(0, 1).allowed).toBe(true); // window [0, 1 s)
  });
});

describe('SlidingLogMeter', () => {
  it('counts the events of (t - window, t] exactly: no boundary burst', () => {
    const log = new SlidingLogMeter(5, SECOND);
    expect(allowedOf(decide(log, ms(999), 6))).toEqual([true, true, true, true, true, false]);
    expect(log.tryAcquire(ms(1000), 1).allowed).toBe(false);
    expect(log.tryAcquire(ms(1998), 1).allowed).toBe(false); // 999 ms is still in (998 ms, 1998 ms]
    // At 1999 ms the window is (999 ms, 1999 ms]: the five events at 999 ms have left it.
    expect(log.tryAcquire(ms(1999), 5)).toEqual({ allowed: true, delay: 0, used: 5 });
  });

  it('property: in every window (t - w, t], at most limit events are admitted', () => {
    for (let seed = 40; seed < 60; seed++) {
      const rnd = prng(seed);
      const limit = 1 + Math.floor(rnd() * 10);
      const window = [ms(100), SECOND, ms(2500)][seed % 3]!;
      const log = new SlidingLogMeter(limit, window);
      const admitted = admittedTimes(log, randomLoad(rnd, 400, ms(300)));
      expect(maxInAnyWindow(admitted, window)).toBeLessThanOrEqual(limit);
    }
  });
});

describe('SlidingWindowCounterMeter', () => {
  it('weights the previous window by its overlap with the last window', () => {
    // limit 10 per second. 10 events at 500 ms fill window [0, 1 s).
    const counter = new SlidingWindowCounterMeter(10, SECOND);
    expect(allowedOf(decide(counter, ms(500), 11)).filter(Boolean).length).toBe(10);
    // At 1.5 s, half of the previous window overlaps (t - 1 s, t]: estimate 10·0.5 + 0 = 5,
    // so 5 more fit and the 6th does not.
    expect(counter.estimateAt(ms(1500))).toBe(5);
    expect(allowedOf(decide(counter, ms(1500), 6))).toEqual([true, true, true, true, true, false]);
    // At 2.25 s: previous = 5 (from [1 s, 2 s)), overlap 0.75 → 3.75 + 0; 6 fit (9.75 ≤ 10), 7 don't.
    expect(counter.estimateAt(ms(2250))).toBe(3.75);
    expect(allowedOf(decide(counter, ms(2250), 7)).filter(Boolean).length).toBe(6);
    // Two windows later, everything is forgotten.
    expect(counter.estimateAt(ms(4000))).toBe(0);
  });

  it('property: never admits past its estimate, and never more than 2·limit in any window', () => {
    for (let seed = 60; seed < 80; seed++) {
      const rnd = prng(seed);
      const limit = 1 + Math.floor(rnd() * 10);
      const window = [ms(100), SECOND][seed % 2]!;
      const counter = new SlidingWindowCounterMeter(limit, window);
      const load = randomLoad(rnd, 400, ms(150));
      const admitted: Nanos[] = [];
      for (const { t, n } of load) {
        const a = counter.tryAcquire(t, n);
        expect(a.used).toBeLessThanOrEqual(limit + 1e-9);
        if (a.allowed) for (let k = 0; k < n; k++) admitted.push(t);
      }
      expect(maxInAnyWindow(admitted, window)).toBeLessThanOrEqual(2 * limit);
    }
  });
});

describe('LeapArrayMeter (Sentinel)', () => {
  it('slides by whole buckets: 2 buckets of 500 ms, threshold 10 per second', () => {
    const leap = new LeapArrayMeter(10, SECOND, 2);
    expect(leap.bucketLength).toBe(ms(500));
    expect(allowedOf(decide(leap, ms(100), 11)).filter(Boolean).length).toBe(10); // bucket [0, 500)
    // At 999 ms the window is the buckets starting in [500 - 1000 + 500, 500] = [0, 500]: still full.
    expect(leap.tryAcquire(ms(999), 1).allowed).toBe(false);
    // At 1000 ms it is [500, 1000]: the bucket at 0 has left, although its events are only 900 ms old.
    expect(leap.passedAt(ms(1000))).toBe(0);
    expect(leap.tryAcquire(ms(1000), 10)).toEqual({ allowed: true, delay: 0, used: 10 });
  });

  it('counts up to threshold - n: Sentinel blocks when passed + n > threshold', () => {
    const leap = new LeapArrayMeter(3, SECOND, 4);
    expect(leap.tryAcquire(0, 2).allowed).toBe(true);
    expect(leap.tryAcquire(ms(10), 2).allowed).toBe(false); // 2 + 2 > 3
    expect(leap.tryAcquire(ms(10), 1)).toEqual({ allowed: true, delay: 0, used: 3 });
  });

  it('starts with the creation bucket and the following ones around the ring (NewAtomicBucketWrapArrayWithTime)', () => {
    // Created at 700 ms, 4 buckets of 250 ms: slot floor(700/250) % 4 = 2 holds [500, 750), slot 3
    // [750, 1000), slot 0 [1000, 1250), slot 1 [1250, 1500). An event at 800 ms lands in slot 3 as is.
    const leap = new LeapArrayMeter(100, SECOND, 4, ms(700));
    expect(leap.tryAcquire(ms(800), 7).allowed).toBe(true);
    expect(leap.passedAt(ms(800))).toBe(7);
    // The future buckets [1000, 1250) and [1250, 1500) are not in the window and hold nothing.
    expect(leap.passedAt(ms(760))).toBe(7);
    // At 1700 ms the window is buckets starting in [1500 - 1000 + 250, 1500] = [750, 1500]: the
    // bucket at 750 still counts; at 1750 ms ([1000, 1750]) it does not.
    expect(leap.passedAt(ms(1700))).toBe(7);
    expect(leap.passedAt(ms(1750))).toBe(0);
  });

  it('when the clock goes back behind a slot’s bucket, the pass is allowed but not counted', () => {
    const leap = new LeapArrayMeter(5, SECOND, 4);
    // 1800 ms: slot floor(1800/250) % 4 = 3 becomes [1750, 2000).
    expect(leap.tryAcquire(ms(1800), 1).allowed).toBe(true);
    // 900 ms maps to slot 3 too, for [750, 1000): behind [1750, 2000), so Sentinel's
    // currentBucketOfTime errors and the count is dropped.
    expect(leap.tryAcquire(ms(900), 3)).toEqual({ allowed: true, delay: 0, used: 0 });
    expect(leap.passedAt(ms(1800))).toBe(1);
    // With a single bucket, Sentinel reuses it instead.
    const single = new LeapArrayMeter(5, SECOND, 1);
    single.tryAcquire(ms(1800), 1);
    expect(single.tryAcquire(ms(900), 3).allowed).toBe(true);
    expect(single.passedAt(ms(1800))).toBe(4);
  });

  it('rejects parameters Sentinel rejects: the interval must divide into sampleCount buckets', () => {
    expect(() => new LeapArrayMeter(10, SECOND, 3)).toThrow(/invalid parameters/);
    expect(() => new LeapArrayMeter(10, SECOND, 0)).toThrow(/invalid parameters/);
    expect(() => new LeapArrayMeter(10, SECOND, 2).tryAcquire(-1, 1)).toThrow(RangeError);
  });

  it('property: the buckets of any window never hold more than threshold', () => {
    for (let seed = 80; seed < 100; seed++) {
      const rnd = prng(seed);
      const threshold = 1 + Math.floor(rnd() * 10);
      const sampleCount = [1, 2, 4, 5, 10][seed % 5]!;
      const leap = new LeapArrayMeter(threshold, SECOND, sampleCount);
      const bucket = SECOND / sampleCount;
      const admitted = admittedTimes(leap, randomLoad(rnd, 400, ms(120)));
      // Sentinel's window at t: from the start of the bucket interval - bucketLength ago, to t.
      let j = 0;
      for (let i = 0; i < admitted.length; i++) {
        const t = admitted[i]!;
        const from = t - (t % bucket) - SECOND + bucket;
        while (admitted[j]! < from) j++;
        expect(i - j + 1, `seed ${seed} at ${t}`).toBeLessThanOrEqual(threshold);
      }
    }
  });
});

describe('side by side', () => {
  it('createComparisonMeters builds one meter of each kind with comparable limits', () => {
    const meters = createComparisonMeters({ ratePerSecond: 10, burst: 5 });
    expect(meters.map((m) => m.kind)).toEqual([
      'token-bucket',
      'leaky-bucket',
      'fixed-window',
      'sliding-log',
      'sliding-window-counter',
      'leap-array',
    ]);
    expect(meters.map((m) => m.capacity)).toEqual([5, 5, 10, 10, 10, 10]);
  });

  it('runSideBySide feeds the same load to every meter, which then differ as the algorithms do', () => {
    // 20 requests at once, then one every 50 ms for a second.
    const load: Arrival[] = Array.from({ length: 20 }, () => ({ t: 0, n: 1 }));
    for (let k = 1; k <= 20; k++) load.push({ t: k * ms(50), n: 1 });
    const results = runSideBySide(createComparisonMeters({ ratePerSecond: 10, burst: 5 }), load);
    const admittedAtZero = (kind: string) => results.get(kind)!.slice(0, 20).filter((a) => a.allowed).length;
    expect(admittedAtZero('token-bucket')).toBe(5); // burst
    expect(admittedAtZero('leaky-bucket')).toBe(5); // queue capacity, with growing delays
    expect(admittedAtZero('fixed-window')).toBe(10); // the whole second's allowance at once
    expect(admittedAtZero('sliding-log')).toBe(10);
    expect(admittedAtZero('leap-array')).toBe(10);
    expect(results.get('leaky-bucket')!.slice(0, 5).map((a) => a.delay)).toEqual([0, 1, 2, 3, 4].map((k) => k * ms(100)));
    for (const admissions of results.values()) expect(admissions).toHaveLength(40);
  });

  it('the token bucket meter is x/time/rate: its first decisions follow TestLimiterBurst1', () => {
    const meter = new TokenBucketMeter(10, 1);
    expect(meter.tryAcquire(0, 1)).toEqual({ allowed: true, delay: 0, used: 1 });
    expect(meter.tryAcquire(0, 1).allowed).toBe(false);
    expect(meter.tryAcquire(ms(100), 1).allowed).toBe(true);
  });

  it('every meter rejects negative or fractional n and fractional times', () => {
    for (const meter of createComparisonMeters({ ratePerSecond: 10, burst: 5 })) {
      expect(() => meter.tryAcquire(0, -1), meter.kind).toThrow(RangeError);
      expect(() => meter.tryAcquire(0, 1.5), meter.kind).toThrow(RangeError);
      expect(() => meter.tryAcquire(0.5, 1), meter.kind).toThrow(RangeError);
    }
  });
});

// ---- helpers ----

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bursty arrivals with non-decreasing times: gaps skewed towards 0, requests of 1 to 3 events. */
function randomLoad(rnd: () => number, count: number, maxGap: Nanos): Arrival[] {
  const load: Arrival[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    t += Math.floor(rnd() * rnd() * maxGap);
    load.push({ t, n: 1 + Math.floor(rnd() * 3) });
  }
  return load;
}

/** The time of every admitted event (an admitted request of n events counts n times). */
function admittedTimes(meter: RateMeter, load: Arrival[]): Nanos[] {
  const times: Nanos[] = [];
  for (const { t, n } of load) if (meter.tryAcquire(t, n).allowed) for (let k = 0; k < n; k++) times.push(t);
  return times;
}

/** The most events in any half-open window (t - w, t], over sorted times. */
function maxInAnyWindow(times: Nanos[], w: Nanos): number {
  let most = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[j]! <= times[i]! - w) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
