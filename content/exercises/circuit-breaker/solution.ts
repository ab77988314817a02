/**
 * Reference solution: a circuit breaker with the semantics of sony/gobreaker (gobreaker.go of v1.0.0
 * and v2 up to v2.3.0, without the rolling window), in its two-step form: `allow` admits or rejects
 * a call now, and the returned `done` reports its outcome later. Times are plain milliseconds.
 *
 * The breaker is a state machine with no timer: every call first applies the transitions that the
 * passage of time has made due (closed-state interval, open-state timeout), then decides.
 */

export type State = 'closed' | 'half-open' | 'open';

/** Thrown by `allow` while the breaker is open. */
export const ErrOpenState: Error = new Error('circuit breaker is open');
/** Thrown by `allow` while half-open when `maxRequests` calls are already admitted. */
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
  /** Called with a copy of the counts after each failure while closed; true opens the breaker. */
  readyToTrip?: (counts: Counts) => boolean;
  /** Called on every state change. */
  onStateChange?: (from: State, to: State) => void;
}

/** Reports the outcome of an admitted call: whether it succeeded, and when it finished. */
export type Done = (success: boolean, now: number) => void;

const DEFAULT_TIMEOUT = 60_000;

function zeroCounts(): Counts {
  return { requests: 0, totalSuccesses: 0, totalFailures: 0, consecutiveSuccesses: 0, consecutiveFailures: 0 };
}

export class TwoStepCircuitBreaker {
  private readonly maxRequests: number;
  private readonly interval: number;
  private readonly timeout: number;
  private readonly readyToTrip: (counts: Counts) => boolean;
  private readonly onStateChange: ((from: State, to: State) => void) | undefined;

  private current: State = 'closed';
  /** Bumped whenever the counts are cleared; a call remembers the generation that admitted it. */
  private generation = 0;
  private stats: Counts = zeroCounts();
  /** Closed: when the counts are next cleared (null: never). Open: when it turns half-open. */
  private expiry: number | null = null;

  /** `now` is when the breaker is created: the first closed-state interval starts there. */
  constructor(settings: Settings = {}, now = 0) {
    this.maxRequests = settings.maxRequests || 1;
    this.interval = Math.max(0, settings.interval ?? 0);
    this.timeout = settings.timeout !== undefined && settings.timeout > 0 ? settings.timeout : DEFAULT_TIMEOUT;
    this.readyToTrip = settings.readyToTrip ?? ((c) => c.consecutiveFailures > 5);
    this.onStateChange = settings.onStateChange;
    this.toNewGeneration(now);
  }

  /**
   * Admits a call at `now` and returns the callback that reports its outcome, or throws
   * ErrOpenState (open) or ErrTooManyRequests (half-open, maxRequests already admitted).
   */
  allow(now: number): Done {
    const state = this.currentState(now);
    if (state === 'open') throw ErrOpenState;
    if (state === 'half-open' && this.stats.requests >= this.maxRequests) throw ErrTooManyRequests;

    this.stats.requests++;
    const admittedIn = this.generation;
    return (success, at) => this.afterRequest(admittedIn, success, at);
  }

  /** The state at `now`, after the transitions that time has made due. */
  state(now: number): State {
    return this.currentState(now);
  }

  /** A copy of the current counts. Does not look at the clock: call `state(now)` first for that. */
  counts(): Counts {
    return { ...this.stats };
  }

  private afterRequest(admittedIn: number, success: boolean, now: number): void {
    const state = this.currentState(now);
    // The counts were cleared since this call was admitted: its outcome belongs to an old window.
    if (admittedIn !== this.generation) return;

    if (success) {
      this.stats.totalSuccesses++;
      this.stats.consecutiveSuccesses++;
      this.stats.consecutiveFailures = 0;
      if (state === 'half-open' && this.stats.consecutiveSuccesses >= this.maxRequests) {
        this.setState('closed', now);
      }
    } else if (state === 'closed') {
      this.stats.totalFailures++;
      this.stats.consecutiveFailures++;
      this.stats.consecutiveSuccesses = 0;
      if (this.readyToTrip({ ...this.stats })) this.setState('open', now);
    } else {
      // Any failure while half-open sends the breaker back to open, with a fresh timeout.
      this.setState('open', now);
    }
  }

  /** Applies the transitions due by `now`. Expiry is strict: nothing happens at exactly `expiry`. */
  private currentState(now: number): State {
    if (this.expiry !== null && this.expiry < now) {
      if (this.current === 'closed') this.toNewGeneration(now);
      else if (this.current === 'open') this.setState('half-open', now);
    }
    return this.current;
  }

  private setState(to: State, now: number): void {
    if (this.current === to) return;
    const from = this.current;
    this.current = to;
    this.toNewGeneration(now);
    this.onStateChange?.(from, to);
  }

  /** Clears the counts and starts a new generation, with the expiry of the current state. */
  private toNewGeneration(now: number): void {
    this.generation++;
    this.stats = zeroCounts();
    if (this.current === 'closed') this.expiry = this.interval > 0 ? now + this.interval : null;
    else if (this.current === 'open') this.expiry = now + this.timeout;
    else this.expiry = null;
  }
}
