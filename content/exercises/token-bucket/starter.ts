/**
 * A token bucket limiter with the semantics of golang.org/x/time/rate.
 * Times are milliseconds (plain numbers); `limit` is in events per second.
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

  /** A new limiter's bucket is full: it holds `burst` tokens. */
  constructor(limit: number, burst: number) {
    this.limit = limit;
    this.burst = burst;
  }

  /** Shorthand for `allowN(now, 1)`. */
  allow(now: number): boolean {
    return this.allowN(now, 1);
  }

  /**
   * Whether n events may happen at `now`. If so, their n tokens are spent; if not, nothing changes.
   * The bucket refills lazily at `limit` tokens per second up to `burst`; a clock that goes
   * backwards adds no tokens. Under limit `Inf` everything is allowed.
   */
  allowN(_now: number, _n: number): boolean {
    throw new Error('not implemented');
  }

  /**
   * Takes n tokens now, even tokens that will only exist in the future, so the bucket may go
   * negative. Not ok (and nothing taken) only when n > burst and the limit is not Inf.
   */
  reserveN(_now: number, _n: number): Reservation {
    throw new Error('not implemented');
  }

  /** The tokens available at `now` (negative while reservations are in debt). Changes nothing. */
  tokensAt(_now: number): number {
    throw new Error('not implemented');
  }
}
