/**
 * Time in the simulation core: integer nanoseconds, as Go's time.Duration, held in a JS number
 * (exact up to 2^53 ns ≈ 104 days, far beyond any scenario). The replay contract speaks
 * milliseconds with fractions; `msToNanos` is the one conversion, rounding to the nearest
 * nanosecond, and the Go oracle converts the same way.
 */

export type Nanos = number;

export const NANOSECOND: Nanos = 1;
export const MICROSECOND: Nanos = 1_000;
export const MILLISECOND: Nanos = 1_000_000;
export const SECOND: Nanos = 1_000_000_000;
export const MINUTE: Nanos = 60 * SECOND;

export function msToNanos(ms: number): Nanos {
  return Math.round(ms * MILLISECOND);
}

export function nanosToMs(ns: Nanos): number {
  return ns / MILLISECOND;
}

/**
 * Go's `time.Duration(f)` conversion of a float64 number of nanoseconds, as amd64 does it:
 * truncation toward zero, and NaN or anything outside int64 becomes MinInt64 (CVTTSD2SQ's "integer
 * indefinite"; arm64 saturates instead, see tests/go/README.md). The one conversion of the sim core;
 * `models/rate/go-time.ts` wraps it in bigint where time must stay exact beyond 2^53.
 */
export function durationFromFloat(nanos: number): Nanos {
  if (!(nanos >= -(2 ** 63) && nanos < 2 ** 63)) return -(2 ** 63);
  return Math.trunc(nanos);
}

/**
 * A source of the current time. Models take a Clock (or explicit times, like x/time/rate's *At
 * methods) so the same code runs in virtual time in the simulator and in wall-clock time in the
 * live labs and exercises.
 */
export interface Clock {
  now(): Nanos;
}

/** A clock that moves only when told to; the simulator's clock and the tests' clock. */
export class ManualClock implements Clock {
  constructor(private current: Nanos = 0) {}

  now(): Nanos {
    return this.current;
  }

  set(t: Nanos): void {
    this.current = t;
  }

  advance(d: Nanos): void {
    this.current += d;
  }
}

/** Wall-clock time from the platform's monotonic clock (`performance.now()`, in browsers and Node). */
export class WallClock implements Clock {
  private readonly origin = performance.now();

  now(): Nanos {
    return Math.round((performance.now() - this.origin) * MILLISECOND);
  }
}
