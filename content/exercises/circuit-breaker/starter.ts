/**
 * A circuit breaker with the semantics of sony/gobreaker, in its two-step form: `allow(now)` admits
 * or rejects a call, and the returned `done(success, now)` reports the outcome later.
 * Times are milliseconds (plain numbers). There is no timer: every call first applies the
 * transitions that time has made due.
 */

export type State = 'closed' | 'half-open' | 'open';

/** Thrown by `allow` while the breaker is open. Throw this very object. */
export const ErrOpenState: Error = new Error('circuit breaker is open');
/** Thrown by `allow` while half-open when `maxRequests` calls are already admitted. Throw this very object. */
export const ErrTooManyRequests: Error = new Error('too many requests');

/** The numbers of the current generation. `requests` counts admitted calls, finished or not. */
export interface Counts {
  requests: number;
  totalSuccesses: number;
  totalFailures: number;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
}

export interface Settings {
  /** Calls admitted while half-open, and the successes in a row that close it; 0 or unset means 1. */
  maxRequests?: number;
  /** Closed state: clear the counts every `interval` ms; 0, negative or unset: never. */
  interval?: number;
  /** How long the breaker stays open before going half-open, in ms; 0, negative or unset: 60000. */
  timeout?: number;
  /** Called with a copy of the counts after each failure while closed; true opens the breaker.
   *  Default: `counts.consecutiveFailures > 5`. */
  readyToTrip?: (counts: Counts) => boolean;
  /** Called on every state change. */
  onStateChange?: (from: State, to: State) => void;
}

/** Reports the outcome of an admitted call: whether it succeeded, and when it finished. */
export type Done = (success: boolean, now: number) => void;

export class TwoStepCircuitBreaker {
  /** `now` is when the breaker is created: the first closed-state interval starts there. */
  constructor(_settings: Settings = {}, _now = 0) {}

  /**
   * Admits a call at `now` and returns the callback that reports its outcome, or throws
   * ErrOpenState (open) or ErrTooManyRequests (half-open, maxRequests already admitted).
   * An outcome reported after the counts were cleared (a new generation) is ignored.
   */
  allow(_now: number): Done {
    throw new Error('not implemented');
  }

  /** The state at `now`, after the transitions that time has made due (strictly after an expiry). */
  state(_now: number): State {
    throw new Error('not implemented');
  }

  /** A copy of the current counts. Does not look at the clock: call `state(now)` first for that. */
  counts(): Counts {
    throw new Error('not implemented');
  }
}
