/**
 * Window-based rate limiters. Times are milliseconds (plain numbers); each limiter allows at most
 * `limit` requests per window of `windowMs`. Every constructor throws a RangeError when
 * `limit < 1` or `windowMs <= 0`.
 */

/** One counter per aligned window [k·W, (k+1)·W), reset at each boundary. */
export class FixedWindowLimiter {
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Whether one more request may pass at `now`; records it if so. */
  allow(_now: number): boolean {
    throw new Error('not implemented');
  }
}

/** The timestamps of accepted requests; a request at t counts while now − t < windowMs. */
export class SlidingLogLimiter {
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Whether one more request may pass at `now`; records it if so. Refused requests are not logged. */
  allow(_now: number): boolean {
    throw new Error('not implemented');
  }

  /** How many accepted requests fall in the window (now − windowMs, now]. */
  count(_now: number): number {
    throw new Error('not implemented');
  }
}

/**
 * Two aligned fixed-window counters, `prev` and `curr`; the estimate at `now` is
 * prev × (windowMs − elapsed) / windowMs + curr, where elapsed = now − start of the current window.
 */
export class SlidingWindowCounter {
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Whether one more request may pass at `now` (estimate + 1 <= limit); records it if so. */
  allow(_now: number): boolean {
    throw new Error('not implemented');
  }

  /** The estimated number of requests in the window ending at `now`. Records nothing. */
  estimate(_now: number): number {
    throw new Error('not implemented');
  }
}

/** One sliding window counter per key. */
export class KeyedLimiter {
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Whether one more request for `key` may pass at `now`; each key has its own window. */
  allow(_key: string, _now: number): boolean {
    throw new Error('not implemented');
  }

  /** How many keys are tracked. */
  size(): number {
    throw new Error('not implemented');
  }

  /** Forgets every key whose estimate at `now` is 0; returns how many were removed. */
  cleanup(_now: number): number {
    throw new Error('not implemented');
  }
}
