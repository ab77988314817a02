/**
 * Reference solution: the window-based rate limiters, with time as plain milliseconds.
 *
 * - FixedWindowLimiter: one counter per aligned window [k·W, (k+1)·W). Cheap, but a burst on each
 *   side of a boundary lets 2 × limit through within moments.
 * - SlidingLogLimiter: the timestamps of accepted requests; exact, memory grows with the limit.
 * - SlidingWindowCounter: two fixed-window counters, the previous one weighted by how much of it the
 *   sliding window still covers: estimate = prev × (W − elapsed) / W + curr.
 * - KeyedLimiter: one SlidingWindowCounter per key, plus a sweep that forgets idle keys.
 */

function checkArgs(limit: number, windowMs: number): void {
  if (!(limit >= 1) || !(windowMs > 0)) {
    throw new RangeError(`need limit >= 1 and windowMs > 0, got limit ${limit} and windowMs ${windowMs}`);
  }
}

export class FixedWindowLimiter {
  /** Index of the current window (now / W rounded down); none yet at the start. */
  private window = -Infinity;
  private count = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    checkArgs(limit, windowMs);
  }

  /** Whether one more request may pass at `now`; records it if so. */
  allow(now: number): boolean {
    const window = Math.floor(now / this.windowMs);
    if (window > this.window) {
      // A new window: the count starts over, whatever happened just before the boundary.
      this.window = window;
      this.count = 0;
    }
    if (this.count >= this.limit) return false;
    this.count++;
    return true;
  }
}

export class SlidingLogLimiter {
  /** Times of the accepted requests still in the window, oldest first. */
  private log: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    checkArgs(limit, windowMs);
  }

  /** Whether one more request may pass at `now`; records it if so. Refused requests are not logged. */
  allow(now: number): boolean {
    this.prune(now);
    if (this.log.length >= this.limit) return false;
    this.log.push(now);
    return true;
  }

  /** How many accepted requests fall in the window (now − W, now]. */
  count(now: number): number {
    this.prune(now);
    return this.log.length;
  }

  /** Drops the timestamps that have left the window: a request at t counts while now − t < W. */
  private prune(now: number): void {
    let expired = 0;
    while (expired < this.log.length && (this.log[expired] ?? 0) <= now - this.windowMs) expired++;
    if (expired > 0) this.log.splice(0, expired);
  }
}

export class SlidingWindowCounter {
  /** Start of the current fixed window (a multiple of W); none until the first call. */
  private start: number | null = null;
  private prev = 0;
  private curr = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    checkArgs(limit, windowMs);
  }

  /** Whether one more request may pass at `now`; records it in the current window if so. */
  allow(now: number): boolean {
    if (this.estimate(now) + 1 > this.limit) return false;
    this.curr++;
    return true;
  }

  /** The estimated number of requests in the window ending at `now`. Records nothing. */
  estimate(now: number): number {
    const start = this.roll(now);
    const elapsed = Math.max(0, now - start); // tolerate a clock that steps back
    return (this.prev * (this.windowMs - elapsed)) / this.windowMs + this.curr;
  }

  /** Moves the fixed windows forward so that `now` falls in the current one; returns its start. */
  private roll(now: number): number {
    const aligned = Math.floor(now / this.windowMs) * this.windowMs;
    if (this.start === null) {
      this.start = aligned;
    } else if (aligned > this.start) {
      const passed = (aligned - this.start) / this.windowMs;
      // One window later the current count becomes the previous one; after a longer silence the
      // previous window was empty too.
      this.prev = passed === 1 ? this.curr : 0;
      this.curr = 0;
      this.start = aligned;
    }
    return this.start;
  }
}

export class KeyedLimiter {
  private readonly counters = new Map<string, SlidingWindowCounter>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    checkArgs(limit, windowMs);
  }

  /** Whether one more request for `key` may pass at `now`; each key has its own sliding window. */
  allow(key: string, now: number): boolean {
    let counter = this.counters.get(key);
    if (!counter) {
      counter = new SlidingWindowCounter(this.limit, this.windowMs);
      this.counters.set(key, counter);
    }
    return counter.allow(now);
  }

  /** How many keys are tracked. */
  size(): number {
    return this.counters.size;
  }

  /** Forgets every key whose estimate at `now` is 0; returns how many were removed. */
  cleanup(now: number): number {
    let removed = 0;
    for (const [key, counter] of this.counters) {
      // The estimate is 0 only when both fixed windows are empty: nothing would be lost.
      if (counter.estimate(now) === 0) {
        this.counters.delete(key);
        removed++;
      }
    }
    return removed;
  }
}
