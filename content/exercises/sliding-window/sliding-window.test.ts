// Cases follow the numbers of the rate-limiting lesson ("Window counters"): the fixed-window
// boundary burst (100 at 0.999 s and 100 more at 1.000 s), the sliding log's exact window, and the
// sliding window counter's estimate prev × (W − elapsed) / W + curr (80 × 45/60 + 30 = 90).
import { describe, it, expect } from 'vitest';
import { FixedWindowLimiter, KeyedLimiter, SlidingLogLimiter, SlidingWindowCounter } from './sliding-window';

/** Calls allow(now) `times` times and returns how many were allowed. */
function burst(lim: { allow(now: number): boolean }, now: number, times: number): number {
  let ok = 0;
  for (let i = 0; i < times; i++) if (lim.allow(now)) ok++;
  return ok;
}

describe('Task 1: Fixed window counter', () => {
  it('allows limit requests per window, then refuses until the next window', () => {
    const lim = new FixedWindowLimiter(3, 1000);
    expect([0, 10, 20, 30, 999, 1000, 1001].map((t) => lim.allow(t))).toEqual([true, true, true, false, false, true, true]);
  });

  it('windows are aligned to multiples of windowMs, not to the first request', () => {
    const lim = new FixedWindowLimiter(1, 1000);
    expect(lim.allow(900)).toBe(true);
    expect(lim.allow(950)).toBe(false);
    expect(lim.allow(1000)).toBe(true); // a new window starts at 1000, not at 1900
    expect(lim.allow(1899)).toBe(false);
  });

  it('lets twice the limit through across a boundary: 200 requests within 2 ms', () => {
    const lim = new FixedWindowLimiter(100, 1000);
    expect(burst(lim, 999, 101)).toBe(100);
    expect(burst(lim, 1000, 101)).toBe(100);
  });

  it('constructors reject limit < 1 and windowMs <= 0 with a RangeError', () => {
    expect(() => new FixedWindowLimiter(0, 1000)).toThrow(RangeError);
    expect(() => new FixedWindowLimiter(10, 0)).toThrow(RangeError);
    expect(() => new FixedWindowLimiter(10, -5)).toThrow(RangeError);
    expect(() => new FixedWindowLimiter(1, 1)).not.toThrow();
  });
});

describe('Task 2: Sliding log', () => {
  it('never allows more than limit in any window of length windowMs', () => {
    const lim = new SlidingLogLimiter(3, 1000);
    const times = [0, 100, 200, 300, 999, 1000, 1001, 1099, 1100, 1200];
    // 1000: the request at 0 has left the window (now - t = W); 1100 and 1200 free up the next two.
    expect(times.map((t) => lim.allow(t))).toEqual([true, true, true, false, false, true, false, false, true, true]);
  });

  it('refused requests are not logged', () => {
    const lim = new SlidingLogLimiter(1, 1000);
    expect(lim.allow(0)).toBe(true);
    for (let t = 100; t < 1000; t += 100) expect(lim.allow(t)).toBe(false);
    expect(lim.allow(1000)).toBe(true);
  });

  it('refuses the boundary burst: after 100 at 999 ms, nothing passes before 1999 ms', () => {
    const lim = new SlidingLogLimiter(100, 1000);
    expect(burst(lim, 999, 100)).toBe(100);
    expect(burst(lim, 1000, 10)).toBe(0);
    expect(burst(lim, 1998, 10)).toBe(0);
    expect(burst(lim, 1999, 101)).toBe(100);
  });

  it('count(now) reports the accepted requests still in the window', () => {
    const lim = new SlidingLogLimiter(10, 1000);
    for (const t of [0, 250, 500, 750]) lim.allow(t);
    expect(lim.count(750)).toBe(4);
    expect(lim.count(1000)).toBe(3);
    expect(lim.count(1600)).toBe(1);
    expect(lim.count(5000)).toBe(0);
  });
});

describe('Task 3: Sliding window counter', () => {
  it("matches the lesson: 80 last minute, 30 so far, 15 s in gives 90, so 10 more pass", () => {
    const lim = new SlidingWindowCounter(100, 60_000);
    expect(burst(lim, 30_000, 80)).toBe(80);
    expect(lim.estimate(75_000)).toBeCloseTo(60, 9); // 80 × 45/60
    expect(burst(lim, 75_000, 30)).toBe(30);
    expect(lim.estimate(75_000)).toBeCloseTo(90, 9);
    expect(burst(lim, 75_000, 11)).toBe(10);
  });

  it('refuses the boundary burst at 1.000 s, and lets about half through at 1.5 s', () => {
    const lim = new SlidingWindowCounter(100, 1000);
    expect(burst(lim, 999, 100)).toBe(100);
    expect(lim.estimate(1000)).toBe(100);
    expect(lim.allow(1000)).toBe(false);
    expect(burst(lim, 1500, 60)).toBe(50); // 100 × 500/1000 = 50 still estimated
  });

  it('a whole window of silence drops the previous count too', () => {
    const lim = new SlidingWindowCounter(100, 1000);
    expect(burst(lim, 999, 100)).toBe(100);
    expect(lim.estimate(2000)).toBe(0); // window [1000, 2000) was empty
    expect(burst(lim, 2000, 101)).toBe(100);
  });

  it('estimate(now) records nothing', () => {
    const lim = new SlidingWindowCounter(2, 1000);
    for (let i = 0; i < 5; i++) expect(lim.estimate(100)).toBe(0);
    expect(burst(lim, 100, 3)).toBe(2);
    expect(lim.estimate(100)).toBe(2);
  });
});

describe('Task 4: Per-key limits with cleanup', () => {
  it('each key has its own window', () => {
    const lim = new KeyedLimiter(2, 1000);
    expect(['a', 'a', 'a', 'b', 'b', 'c'].map((k) => lim.allow(k, 0))).toEqual([true, true, false, true, true, true]);
    expect(lim.size()).toBe(3);
  });

  it('each key uses the sliding window counter estimate', () => {
    const lim = new KeyedLimiter(10, 1000);
    for (let i = 0; i < 10; i++) lim.allow('user-1', 900);
    let passed = 0;
    for (let i = 0; i < 10; i++) if (lim.allow('user-1', 1500)) passed++;
    expect(passed).toBe(5); // 10 × 500/1000 still weighs in
  });

  it('cleanup forgets only keys with nothing left in their window, and returns how many', () => {
    const lim = new KeyedLimiter(5, 1000);
    lim.allow('idle', 100); // window [0, 1000)
    lim.allow('recent', 1500); // window [1000, 2000)
    lim.allow('active', 2050);
    expect(lim.size()).toBe(3);
    expect(lim.cleanup(1999)).toBe(0);
    // At 2100 'idle' is two windows old; 'recent' still counts as the previous window.
    expect(lim.cleanup(2100)).toBe(1);
    expect(lim.size()).toBe(2);
    expect(lim.cleanup(3000)).toBe(1); // now 'recent' is gone too
    expect(lim.cleanup(3000)).toBe(0);
    expect(lim.size()).toBe(1);
  });
});
