/**
 * The one small interface shared by the rate limiting algorithms shown side by side (token bucket,
 * leaky bucket, fixed window, sliding log, sliding window counter, Sentinel's LeapArray), so that a
 * UI can run them on the same load and chart their decisions together.
 *
 * Times are explicit integer Nanos, like x/time/rate's `*At` methods: the simulator passes virtual
 * time, the live labs a Clock's `now()`.
 */

import type { Nanos } from '../../time.ts';

/** One decision on a request for `n` events at time `t`. */
export interface Admission {
  allowed: boolean;
  /**
   * How long an admitted request waits before it proceeds: non-zero only for algorithms that queue
   * (the leaky bucket); 0 when not allowed.
   */
  delay: Nanos;
  /**
   * What the algorithm counts against its limit right after the decision, in events: the window's
   * count, the queue's length, or the tokens taken from the bucket (burst - tokens).
   */
  used: number;
}

export interface RateMeter {
  /** A stable name for legends and keys: 'token-bucket', 'leaky-bucket', ... */
  readonly kind: string;
  /** The most `used` is allowed to reach (the line a chart draws). */
  readonly capacity: number;
  /** Decides on `n` events at `t` and, if they are allowed, records them. */
  tryAcquire(t: Nanos, n: number): Admission;
}

/** One request of a load: `n` events at time `t`. */
export interface Arrival {
  t: Nanos;
  n: number;
}

/** Runs every meter on the same load (in the given order); returns each meter's decisions, by kind. */
export function runSideBySide(meters: readonly RateMeter[], load: readonly Arrival[]): Map<string, Admission[]> {
  const results = new Map<string, Admission[]>();
  for (const meter of meters) {
    results.set(
      meter.kind,
      load.map((arrival) => meter.tryAcquire(arrival.t, arrival.n)),
    );
  }
  return results;
}

/** Rejects a request size the meters cannot count: a negative or fractional number of events. */
export function checkEvents(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
}

/** Rejects a window that is not a positive integer of Nanos (the window algorithms' constructors). */
export function checkWindow(window: Nanos): void {
  if (!(window > 0) || !Number.isSafeInteger(window)) throw new RangeError(`window must be a positive integer of Nanos, got ${window}`);
}

/** Rejects a time that is not integer Nanos. */
export function checkTime(t: Nanos): void {
  if (!Number.isSafeInteger(t)) throw new RangeError(`time must be an integer number of nanoseconds, got ${t}`);
}

/** The start of the fixed window of length `window` containing `t` (floor, also for negative t). */
export function windowStartOf(t: Nanos, window: Nanos): Nanos {
  return t - (((t % window) + window) % window);
}
