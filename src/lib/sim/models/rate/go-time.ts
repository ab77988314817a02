/**
 * Go's `time.Time` and `time.Duration` arithmetic, as far as the port of x/time/rate needs it, so
 * that the port agrees with Go bit for bit.
 *
 * Why bigint: x/time/rate stores instants such as `t.Add(InfDuration)` (a reservation under a zero
 * limit) and starts every Limiter at Go's zero Time (year 1), about 6.2e19 ns before the Unix epoch.
 * Neither fits a float64 exactly, and the results of later subtractions (which Go saturates at
 * ±MaxInt64) depend on those exact values. So a GoTime is an exact bigint count of nanoseconds since
 * the Unix epoch (time 0 of the simulation) and a GoDuration is a bigint holding an int64.
 */

import { durationFromFloat, type Nanos } from '../../time.ts';

/** Nanoseconds since the Unix epoch, exactly. The simulation's time 0 is the epoch. */
export type GoTime = bigint;
/** An int64 number of nanoseconds, as Go's time.Duration. */
export type GoDuration = bigint;

export const MAX_INT64: GoDuration = (1n << 63n) - 1n;
export const MIN_INT64: GoDuration = -(1n << 63n);
const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * Go's zero `time.Time{}` (January 1, year 1, UTC), where a new Limiter's `last` and `lastEvent`
 * start: 62135596800 s before the Unix epoch (Go's `unixToInternal`).
 */
export const ZERO_TIME: GoTime = -62_135_596_800n * NANOS_PER_SECOND;

/** A simulation time (integer Nanos) as an exact GoTime. */
export function goTimeFromNanos(t: Nanos): GoTime {
  if (!Number.isInteger(t)) throw new RangeError(`time must be an integer number of nanoseconds, got ${t}`);
  return BigInt(t);
}

/**
 * A Nanos duration as a GoDuration. Values at or beyond the int64 range (including ±Infinity)
 * saturate, so `2 ** 63` (float64(math.MaxInt64)) and Infinity both mean Go's InfDuration.
 */
export function goDurationFromNanos(d: Nanos): GoDuration {
  if (d >= 2 ** 63) return MAX_INT64;
  if (d < -(2 ** 63)) return MIN_INT64;
  if (!Number.isInteger(d)) throw new RangeError(`duration must be an integer number of nanoseconds, got ${d}`);
  return BigInt(d);
}

/** A GoTime or GoDuration as a JS number: exact below 2^53 ns, else the nearest float64 (as Go's float64(int64)). */
export function toNanos(x: bigint): Nanos {
  return Number(x);
}

/** Clamps an exact difference to Go's int64 Duration range, as `Time.Sub` does on overflow. */
export function saturate(d: bigint): GoDuration {
  if (d > MAX_INT64) return MAX_INT64;
  if (d < MIN_INT64) return MIN_INT64;
  return d;
}

/** Go's `t.Sub(u)`: the exact difference, saturated to [MinInt64, MaxInt64]. */
export function sub(t: GoTime, u: GoTime): GoDuration {
  return saturate(t - u);
}

/**
 * Go's `t.Add(d)`. Exact: Go saturates only when the int64 count of *seconds* since year 1
 * overflows, about 2.9e11 years away, which no sequence of operations here can reach.
 */
export function add(t: GoTime, d: GoDuration): GoTime {
  return t + d;
}

/**
 * Go's `Duration.Seconds()`, with its exact expression: `float64(d/Second) + float64(d%Second)/1e9`
 * (truncating division). This is not the same float as `d / 1e9`, and x/time/rate's token counts
 * depend on it (golang.org/issue/34861).
 */
export function durationSeconds(d: GoDuration): number {
  const sec = d / NANOS_PER_SECOND;
  const nsec = d % NANOS_PER_SECOND;
  return Number(sec) + Number(nsec) / 1e9;
}

/**
 * Go's `time.Duration(f)` for a float64 f, as compiled for amd64 (CVTTSD2SQ): truncation toward
 * zero, and the "integer indefinite" value MinInt64 for NaN and for anything outside
 * [-2^63, 2^63). (The Go spec leaves out-of-range conversions implementation-defined; arm64
 * saturates instead. x/time/rate guards the positive side, so this only shows at exactly 2^63 and
 * below -2^63.)
 */
export function durationFromFloat64(f: number): GoDuration {
  return BigInt(durationFromFloat(f));
}
