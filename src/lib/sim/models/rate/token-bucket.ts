/**
 * A port of `golang.org/x/time/rate`: the token bucket Limiter and its Reservations.
 *
 * Source: github.com/golang/time, `rate/rate.go` at commit 2b4e43900c03fd6b77109b7b2b6d77583f48bc1c
 * (tag v0.16.0); the tests in `tests/unit/sim/token-bucket.test.ts` port `rate/rate_test.go` of the
 * same commit.
 *
 * Only the explicit-time API is ported (Go's `*At` methods and `AllowN`/`ReserveN` with a time):
 * the simulation passes virtual time, and the live labs pass a Clock's `now()`. `waitN` is the pure
 * part of Go's `WaitN`: it decides and returns the delay; waiting (and cancelling when the caller
 * gives up) is the caller's business.
 *
 * Faithfulness: every floating-point expression keeps Go's operands and order of operations, and
 * time arithmetic is exact (see go-time.ts), so results are bit-identical to Go on amd64. Checked
 * against the real library (v0.16.0, linux/amd64) by replaying random `limiter` traces through both.
 * Two deliberate differences, both at the edges of Go's own behaviour:
 * - A limit of `Infinity` is taken as `Inf`. Go's `Inf` is math.MaxFloat64 (and so is ours); a
 *   Go Limiter given +Inf computes 0·Inf = NaN tokens, which is useless to copy.
 * - Go may fuse `tokens + d.Seconds()*limit` into one FMA on arm64, ppc64 and s390x; we round
 *   twice, as amd64 does.
 */

import type { Nanos } from '../../time.ts';
import {
  MAX_INT64,
  ZERO_TIME,
  add,
  durationFromFloat64,
  durationSeconds,
  goDurationFromNanos,
  goTimeFromNanos,
  sub,
  toNanos,
  type GoDuration,
  type GoTime,
} from './go-time.ts';

/** The maximum frequency of events, in events per second. A zero Limit allows no events. */
export type Limit = number;

/** The infinite rate limit: allows all events, even if burst is zero. Go's `Limit(math.MaxFloat64)`. */
export const Inf: Limit = Number.MAX_VALUE;

/** Go's `InfDuration` (math.MaxInt64 ns), the delay of a Reservation that is not OK. */
export const INF_DURATION: GoDuration = MAX_INT64;

/** Go's `Every`: the Limit allowing one event per `interval` (Nanos, or an exact int64 bigint). */
export function every(interval: Nanos | bigint): Limit {
  const d = typeof interval === 'bigint' ? interval : goDurationFromNanos(interval);
  if (d <= 0n) return Inf;
  return 1 / durationSeconds(d);
}

/** Go's `limit.durationFromTokens`: how long it takes to accumulate `tokens` at `limit`. */
export function durationFromTokens(limit: Limit, tokens: number): GoDuration {
  if (limit <= 0) return INF_DURATION;
  const duration = (tokens / limit) * 1e9;
  // Cap the duration to the maximum representable int64 value, to avoid overflow (Go's comment:
  // float64(math.MaxInt64) is 2^63).
  if (duration > 2 ** 63) return INF_DURATION;
  return durationFromFloat64(duration);
}

/** Go's `limit.tokensFromDuration`: how many tokens accumulate during `d` at `limit`. */
export function tokensFromDuration(limit: Limit, d: GoDuration): number {
  if (limit <= 0) return 0;
  return durationSeconds(d) * limit;
}

/** +Infinity would give NaN tokens in Go (0 × Inf); we read it as Inf instead. */
function normalizeLimit(limit: Limit): Limit {
  return limit === Number.POSITIVE_INFINITY ? Inf : limit;
}

/** What `waitN` decided: act after `delay`, or fail with Go's error message. */
export type WaitOutcome =
  | { ok: true; delay: Nanos; reservation: Reservation }
  | { ok: false; error: string };

/**
 * A token bucket of size `burst`, initially full, refilled at `limit` tokens per second. As a
 * special case, if the limit is Inf, burst is ignored.
 */
export class Limiter {
  private currentLimit: Limit;
  private currentBurst: number;
  private tokens: number;
  /** The last time the tokens field was updated; Go's zero Time until the first update. */
  private last: GoTime = ZERO_TIME;
  /** The latest time of a rate-limited event (past or future). */
  private lastEvent: GoTime = ZERO_TIME;

  constructor(limit: Limit, burst: number) {
    if (!Number.isInteger(burst)) throw new RangeError(`burst must be an integer, got ${burst}`);
    this.currentLimit = normalizeLimit(limit);
    this.currentBurst = burst;
    this.tokens = burst;
  }

  get limit(): Limit {
    return this.currentLimit;
  }

  get burst(): number {
    return this.currentBurst;
  }

  /** Go's `TokensAt`: the number of tokens available at `t` (does not change the limiter). */
  tokensAt(t: Nanos): number {
    return this.advance(goTimeFromNanos(t));
  }

  /** Go's `AllowN`: whether `n` events may happen at `t`; if so, they consume their tokens. */
  allowN(t: Nanos, n: number): boolean {
    return this.reserve(goTimeFromNanos(t), n, 0n).ok;
  }

  /**
   * Go's `ReserveN` when `maxFutureReserve` is left out (Go's InfDuration); with it, Go's internal
   * `reserveN`, which `WaitN` uses with the time left before a deadline: a reservation that would
   * have to wait longer is not OK and changes nothing.
   */
  reserveN(t: Nanos, n: number, maxFutureReserve: Nanos | bigint = INF_DURATION): Reservation {
    const max = typeof maxFutureReserve === 'bigint' ? maxFutureReserve : goDurationFromNanos(maxFutureReserve);
    return this.reserve(goTimeFromNanos(t), n, max);
  }

  /**
   * The decision of Go's `WaitN(ctx, n)` called at `t`, where `deadline` is the context's deadline
   * (undefined: none). Go then sleeps for `delay`; if the context is cancelled during the sleep, Go
   * cancels the reservation, which the caller does here with `reservation.cancelAt(cancelTime)`.
   */
  waitN(t: Nanos, n: number, deadline?: Nanos): WaitOutcome {
    if (n > this.currentBurst && this.currentLimit !== Inf) {
      return { ok: false, error: `rate: Wait(n=${n}) exceeds limiter's burst ${this.currentBurst}` };
    }
    const now = goTimeFromNanos(t);
    let waitLimit = INF_DURATION;
    if (deadline !== undefined) {
      const end = goTimeFromNanos(deadline);
      // context.WithDeadline cancels at once when the deadline is not in the future, and WaitN
      // checks ctx.Done() before reserving.
      if (end <= now) return { ok: false, error: 'context deadline exceeded' };
      waitLimit = sub(end, now);
    }
    const reservation = this.reserve(now, n, waitLimit);
    if (!reservation.ok) return { ok: false, error: `rate: Wait(n=${n}) would exceed context deadline` };
    return { ok: true, delay: reservation.delayFrom(t), reservation };
  }

  /** Go's `SetLimitAt`. Reservations already made keep the limit they were made with. */
  setLimitAt(t: Nanos, newLimit: Limit): void {
    const now = goTimeFromNanos(t);
    const tokens = this.advance(now);
    this.last = now;
    this.tokens = tokens;
    this.currentLimit = normalizeLimit(newLimit);
  }

  /** Go's `SetBurstAt`. */
  setBurstAt(t: Nanos, newBurst: number): void {
    if (!Number.isInteger(newBurst)) throw new RangeError(`burst must be an integer, got ${newBurst}`);
    const now = goTimeFromNanos(t);
    const tokens = this.advance(now);
    this.last = now;
    this.tokens = tokens;
    this.currentBurst = newBurst;
  }

  /** Go's `reserveN`, the helper of AllowN, ReserveN and WaitN. */
  private reserve(t: GoTime, n: number, maxFutureReserve: GoDuration): Reservation {
    if (!Number.isInteger(n)) throw new RangeError(`n must be an integer, got ${n}`);
    if (this.currentLimit === Inf) {
      // As in Go, this Reservation's limit stays at its zero value (0), not Inf: it matters if the
      // limit is later made finite and the reservation cancelled.
      return new Reservation(this, true, n, t, 0);
    }

    let tokens = this.advance(t);

    // Calculate the remaining number of tokens resulting from the request.
    tokens -= n;

    // Calculate the wait duration.
    let waitDuration = 0n;
    if (tokens < 0) waitDuration = durationFromTokens(this.currentLimit, -tokens);

    const ok = n <= this.currentBurst && waitDuration <= maxFutureReserve;
    if (!ok) return new Reservation(this, false, 0, ZERO_TIME, this.currentLimit);

    const timeToAct = add(t, waitDuration);
    this.last = t;
    this.tokens = tokens;
    this.lastEvent = timeToAct;
    return new Reservation(this, true, n, timeToAct, this.currentLimit);
  }

  /**
   * Go's `advance`: the number of tokens at `t`, from the passage of time since `last`. If the clock
   * went backwards (`t` before `last`), no time has passed, and the limiter keeps its tokens.
   */
  private advance(t: GoTime): number {
    let last = this.last;
    if (t < last) last = t;

    // Calculate the new number of tokens, due to time that passed.
    const elapsed = sub(t, last);
    const delta = tokensFromDuration(this.currentLimit, elapsed);
    let tokens = this.tokens + delta;
    const burst = this.currentBurst;
    if (tokens > burst) tokens = burst;
    return tokens;
  }

  /**
   * Go's `Reservation.CancelAt`, which needs the limiter's private state.
   * @internal Call `reservation.cancelAt(t)` instead.
   */
  cancelReservation(r: Reservation, t: GoTime): void {
    if (!r.ok) return;
    if (this.currentLimit === Inf || r.tokens === 0 || r.timeToActExact < t) return;

    // The duration between lastEvent and r.timeToAct tells us how many tokens were reserved after
    // r was obtained. These tokens should not be restored.
    const restoreTokens = r.tokens - tokensFromDuration(r.limit, sub(this.lastEvent, r.timeToActExact));
    if (restoreTokens <= 0) return;

    // Advance time to now, and calculate the new number of tokens.
    let tokens = this.advance(t);
    tokens += restoreTokens;
    const burst = this.currentBurst;
    if (tokens > burst) tokens = burst;

    this.last = t;
    this.tokens = tokens;
    if (r.timeToActExact === this.lastEvent) {
      const prevEvent = add(r.timeToActExact, durationFromTokens(r.limit, -r.tokens));
      if (!(prevEvent < t)) this.lastEvent = prevEvent;
    }
  }
}

/**
 * Go's `Reservation`: events permitted by a Limiter to happen after a delay. It may be cancelled,
 * which may let the Limiter permit other events sooner.
 */
export class Reservation {
  constructor(
    private readonly limiter: Limiter,
    /** Whether the limiter can grant the tokens within the maximum wait time. */
    readonly ok: boolean,
    /** The number of tokens reserved (0 when not ok). */
    readonly tokens: number,
    /** When the reserved events may happen, exactly (Go's zero Time when not ok). */
    readonly timeToActExact: GoTime,
    /** The limit at reservation time; the limiter's may change later. 0 for reservations under Inf. */
    readonly limit: Limit,
  ) {}

  /** When the reserved events may happen, in Nanos (nearest float64 beyond 2^53 ns). */
  get timeToAct(): Nanos {
    return toNanos(this.timeToActExact);
  }

  /** Go's `DelayFrom`, exactly: how long to wait from `t`; 0 means act now; INF_DURATION when not ok. */
  delayFromExact(t: Nanos): GoDuration {
    if (!this.ok) return INF_DURATION;
    const delay = sub(this.timeToActExact, goTimeFromNanos(t));
    return delay < 0n ? 0n : delay;
  }

  /** Go's `DelayFrom` in Nanos (InfDuration reads as 2^63). */
  delayFrom(t: Nanos): Nanos {
    return toNanos(this.delayFromExact(t));
  }

  /**
   * Go's `CancelAt`: the holder will not act; give back the tokens, as far as later reservations
   * allow. Does nothing when not ok, under an Inf limit, for 0 tokens, or once timeToAct has passed.
   */
  cancelAt(t: Nanos): void {
    this.limiter.cancelReservation(this, goTimeFromNanos(t));
  }
}
