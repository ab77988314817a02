/**
 * Reference solution: a token bucket with the semantics of golang.org/x/time/rate
 * (golang/time rate/rate.go, v0.16.0). Times are plain milliseconds; the limit is in events per
 * second, as in Go.
 *
 * The whole limiter is three numbers: `tokens`, `last` (when `tokens` was computed) and `lastEvent`
 * (when the latest granted reservation may act). Nothing runs in the background: every call works
 * out how many tokens the bucket holds "now" from the time that passed since `last`.
 */

/** The infinite rate limit: every event is allowed, even with burst 0 (Go's `rate.Inf`). */
export const Inf: number = Number.MAX_VALUE;

/** What `reserveN` hands back (Go's `*Reservation`). */
export interface Reservation {
  /** False when the limiter can never grant the request (n > burst); nothing was taken then. */
  readonly ok: boolean;
  /** How long after the reservation's `now` the events may happen, in ms; Infinity when not ok. */
  readonly delayMs: number;
  /** The holder will not act: give the tokens back, as far as later reservations allow. */
  cancelAt(now: number): void;
}

export class Limiter {
  /** Events per second. */
  readonly limit: number;
  /** Bucket size: the most tokens that can pile up, and the largest n a call may ask for. */
  readonly burst: number;

  private tokens: number;
  /** When `tokens` was last computed. Any start works: the bucket is full, so refill is capped. */
  private last = 0;
  /** The time at which the latest granted reservation may act (possibly in the future). */
  private lastEvent = 0;

  constructor(limit: number, burst: number) {
    this.limit = limit;
    this.burst = burst;
    this.tokens = burst; // the bucket starts full
  }

  /** Shorthand for `allowN(now, 1)`. */
  allow(now: number): boolean {
    return this.allowN(now, 1);
  }

  /** Whether n events may happen at `now`; if so, their tokens are spent. A refusal changes nothing. */
  allowN(now: number, n: number): boolean {
    return this.reserve(now, n, 0).ok;
  }

  /** Takes n tokens now, even ones that will only exist in the future; fails only when n > burst. */
  reserveN(now: number, n: number): Reservation {
    return this.reserve(now, n, Infinity);
  }

  /** The tokens available at `now` (negative while reservations are in debt). Changes nothing. */
  tokensAt(now: number): number {
    return this.advance(now);
  }

  /**
   * The one decision behind allowN and reserveN (Go's `reserveN`): grant n tokens at `now` if that
   * means waiting at most `maxWaitMs`, and commit the new state only when granted.
   */
  private reserve(now: number, n: number, maxWaitMs: number): Reservation {
    if (this.limit === Inf) {
      // Everything passes; the bucket is not touched, and there is nothing to cancel.
      return this.reservation(true, n, now, now);
    }

    const tokens = this.advance(now) - n;
    const waitMs = tokens < 0 ? this.durationFromTokens(-tokens) : 0;

    if (n > this.burst || waitMs > maxWaitMs) {
      return this.reservation(false, 0, 0, now);
    }

    const timeToAct = now + waitMs;
    this.last = now;
    this.tokens = tokens;
    this.lastEvent = timeToAct;
    return this.reservation(true, n, timeToAct, now);
  }

  /** Wraps a decision; the closure gives cancelAt access to this limiter's private state. */
  private reservation(ok: boolean, n: number, timeToAct: number, now: number): Reservation {
    return {
      ok,
      delayMs: ok ? Math.max(0, timeToAct - now) : Infinity,
      cancelAt: (at: number) => {
        if (ok) this.cancel(n, timeToAct, at);
      },
    };
  }

  /** Go's `Reservation.CancelAt` for a granted reservation of n tokens acting at `timeToAct`. */
  private cancel(n: number, timeToAct: number, now: number): void {
    if (this.limit === Inf || n === 0 || timeToAct < now) return; // nothing to give back

    // Reservations made after this one were granted against its tokens; the time between its
    // timeToAct and lastEvent measures how many. Those tokens stay spent.
    const restore = n - this.tokensFromDuration(this.lastEvent - timeToAct);
    if (restore <= 0) return;

    this.tokens = Math.min(this.advance(now) + restore, this.burst);
    this.last = now;
    if (timeToAct === this.lastEvent) {
      // It was the latest reservation: the queue now ends where it ended before this one.
      const prevEvent = timeToAct + this.durationFromTokens(-n);
      if (!(prevEvent < now)) this.lastEvent = prevEvent;
    }
  }

  /**
   * The tokens the bucket holds at `now`: the stored tokens plus what `limit` refilled since
   * `last`, capped at burst. A clock that went backwards counts as no time passing.
   */
  private advance(now: number): number {
    const last = Math.min(this.last, now);
    const tokens = this.tokens + this.tokensFromDuration(now - last);
    return Math.min(tokens, this.burst);
  }

  /** Milliseconds needed to accumulate `tokens` at the current limit; Infinity for a zero limit. */
  private durationFromTokens(tokens: number): number {
    if (this.limit <= 0) return Infinity;
    return (tokens / this.limit) * 1000;
  }

  /** Tokens accumulated during `ms` milliseconds at the current limit. */
  private tokensFromDuration(ms: number): number {
    if (this.limit <= 0) return 0;
    return (ms / 1000) * this.limit;
  }
}
