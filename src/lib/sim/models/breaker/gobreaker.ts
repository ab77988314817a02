/**
 * A port of sony/gobreaker, both major versions, driven by a `Clock` instead of `time.Now`.
 *
 * Sources (github.com/sony/gobreaker, read at these tags):
 * - v1: `gobreaker.go` at tag v1.0.0 (commit 27b8e2cfc65aacd09abb3968455e4b01df4a83fa); the file is
 *   unchanged on master up to v2.4.0. Module github.com/sony/gobreaker.
 * - v2: `v2/gobreaker.go`, `v2/counter.go`, `v2/twostep_gobreaker.go` at tag v2.4.0 (commit
 *   0ae90251b774f890e7586c96ea82d61eb74d556d), the latest release. Module github.com/sony/gobreaker/v2.
 *
 * What changed between the versions, and so what `version` selects:
 * - v2.0.0 made the breaker generic (`CircuitBreaker[T]`); no behavioural change.
 * - v2.2.0 (commit 39e2877, "Introduce time-based rolling window") added `BucketPeriod`: the closed
 *   state keeps `Interval / BucketPeriod` buckets and drops the oldest one as time passes, instead of
 *   clearing everything each `Interval`. `Interval` is rounded up to a multiple of `BucketPeriod`.
 * - v2.4.0 (commit 1ab58bd, "tri-state outcome evaluation with Excluded support") added `IsExcluded`
 *   and `Counts.TotalExclusions`; the half-open admission check became `Requests - TotalExclusions
 *   >= MaxRequests`; TwoStep's `done` callback now takes the request's `error` (v1 and v2 < 2.4 take
 *   `success bool`); and a panic inside `Execute` is now classified through `IsExcluded` and
 *   `IsSuccessful` as `fmt.Errorf("%v", e)` (v1 and v2 < 2.4 always count it as a failure).
 * This module offers v1.0.0 (`version: 1`) and v2.4.0 (`version: 2`, the default).
 *
 * Go → TypeScript: an `error` is an `Error` object or `null` (nil); a panic is a thrown value; a
 * `time.Time` is `Nanos` on the breaker's clock; the zero time is `null`. `Counts()` returns a copy,
 * as Go returns the struct by value. The mutex is gone: JavaScript runs one call at a time, and
 * every method reads the clock once, where Go calls `time.Now()` once under the lock.
 */
import { SECOND, type Clock, type Nanos } from '../../time.ts';

export type GoBreakerVersion = 1 | 2;

/** Go's `type State int` and its constants (the values are part of the API: TestStateConstants). */
export const StateClosed = 0;
export const StateHalfOpen = 1;
export const StateOpen = 2;
export type State = typeof StateClosed | typeof StateHalfOpen | typeof StateOpen;

/** `State.String()`: "closed", "half-open", "open", or "unknown state: N". */
export function stateString(state: number): string {
  switch (state) {
    case StateClosed:
      return 'closed';
    case StateHalfOpen:
      return 'half-open';
    case StateOpen:
      return 'open';
    default:
      return `unknown state: ${state}`;
  }
}

/** A Go `error`: nil is `null`. */
export type GoError = Error | null;

/** Returned when the breaker is half-open and `Requests` (v2: minus exclusions) reached MaxRequests. */
export const ErrTooManyRequests = new Error('too many requests');
/** Returned when the breaker is open. */
export const ErrOpenState = new Error('circuit breaker is open');

/** Counts as `Counts()` returns it. `totalExclusions` exists only in v2 (always 0 in v1). */
export interface Counts {
  requests: number;
  totalSuccesses: number;
  totalFailures: number;
  totalExclusions: number;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
}

export function zeroCounts(): Counts {
  return { requests: 0, totalSuccesses: 0, totalFailures: 0, totalExclusions: 0, consecutiveSuccesses: 0, consecutiveFailures: 0 };
}

/** The `Counts` methods of v2/counter.go, as functions on the plain record. */
export const countsOps = {
  onRequest(c: Counts): void {
    c.requests++;
  },
  onSuccess(c: Counts): void {
    c.totalSuccesses++;
    c.consecutiveSuccesses++;
    c.consecutiveFailures = 0;
  },
  onFailure(c: Counts): void {
    c.totalFailures++;
    c.consecutiveFailures++;
    c.consecutiveSuccesses = 0;
  },
  onExclusion(c: Counts): void {
    c.totalExclusions++;
  },
  /** Requests that count towards MaxRequests in half-open (v2.4.0): excluded ones free their slot. */
  validRequests(c: Counts): number {
    return c.requests < c.totalExclusions ? 0 : c.requests - c.totalExclusions;
  },
  clear(c: Counts): void {
    Object.assign(c, zeroCounts());
  },
};

/**
 * v2/counter.go `rollingCounts`: the totals (`counts`) plus one `Counts` per bucket in a ring.
 * `age` is the number of bucket periods since the generation started; a result is credited to the
 * bucket of the age at which its request started, and dropped if that bucket has rolled out.
 * With one bucket (fixed window, and all of v1) `age` stays 0 and this is a plain `Counts`.
 */
export class RollingCounts {
  readonly counts: Counts = zeroCounts();
  age = 0;
  readonly buckets: Counts[];

  constructor(numBuckets: number) {
    this.buckets = Array.from({ length: Math.max(0, numBuckets) }, zeroCounts);
  }

  index(age: number): number {
    return this.buckets.length === 0 ? 0 : age % this.buckets.length;
  }

  current(): number {
    return this.index(this.age);
  }

  onRequest(): void {
    countsOps.onRequest(this.counts);
    countsOps.onRequest(this.bucket(this.current()));
  }

  onSuccess(age: number): void {
    if (this.accepts(age)) {
      countsOps.onSuccess(this.counts);
      countsOps.onSuccess(this.bucket(this.index(age)));
    }
  }

  onFailure(age: number): void {
    if (this.accepts(age)) {
      countsOps.onFailure(this.counts);
      countsOps.onFailure(this.bucket(this.index(age)));
    }
  }

  onExclusion(age: number): void {
    if (this.accepts(age)) {
      countsOps.onExclusion(this.counts);
      countsOps.onExclusion(this.bucket(this.index(age)));
    }
  }

  clear(): void {
    countsOps.clear(this.counts);
    this.age = 0;
    for (const b of this.buckets) countsOps.clear(b);
  }

  /** Moves to the next bucket: the oldest bucket's numbers leave the totals, and it is reused. */
  roll(): void {
    this.age++;
    if (this.buckets.length === 0) return;
    const current = this.current();
    this.subtract(current);
    countsOps.clear(this.bucket(current));
  }

  /**
   * Takes the oldest bucket out of the totals. The consecutive counters are only reduced when the
   * streak is made of exactly the oldest bucket's trailing streak plus everything newer (the Go
   * check `ConsecutiveX == bucket.ConsecutiveX + sum(newer TotalX)`); otherwise the streak started
   * after the oldest bucket and is left alone.
   */
  subtract(oldest: number): void {
    const length = this.buckets.length;
    if (length === 0) return;
    oldest = oldest % length;
    const bucket = { ...this.bucket(oldest) };
    const c = this.counts;

    let totalSuccesses = bucket.consecutiveSuccesses;
    for (let i = 1; i < length; i++) totalSuccesses += this.bucket((oldest + i) % length).totalSuccesses;
    if (c.consecutiveSuccesses === totalSuccesses) {
      c.consecutiveSuccesses = c.consecutiveSuccesses > bucket.consecutiveSuccesses ? c.consecutiveSuccesses - bucket.consecutiveSuccesses : 0;
    }

    let totalFailures = bucket.consecutiveFailures;
    for (let i = 1; i < length; i++) totalFailures += this.bucket((oldest + i) % length).totalFailures;
    if (c.consecutiveFailures === totalFailures) {
      c.consecutiveFailures = c.consecutiveFailures > bucket.consecutiveFailures ? c.consecutiveFailures - bucket.consecutiveFailures : 0;
    }

    c.requests = c.requests > bucket.requests ? c.requests - bucket.requests : 0;
    c.totalSuccesses = c.totalSuccesses > bucket.totalSuccesses ? c.totalSuccesses - bucket.totalSuccesses : 0;
    c.totalFailures = c.totalFailures > bucket.totalFailures ? c.totalFailures - bucket.totalFailures : 0;
    c.totalExclusions = c.totalExclusions > bucket.totalExclusions ? c.totalExclusions - bucket.totalExclusions : 0;
  }

  /** Advances to `age`, rolling bucket by bucket, or clearing all when the whole window has passed. */
  grow(age: number): void {
    if (age <= this.age) return;
    const diff = age - this.age;
    if (diff >= this.buckets.length) {
      this.clear();
      this.age = age;
    } else {
      for (let i = 0; i < diff; i++) this.roll();
    }
  }

  /** The bucket `index` places after the current one (negative: before), as a copy. */
  bucketAt(index: number): Counts {
    const len = this.buckets.length;
    if (len === 0) return zeroCounts();
    const idx = ((index % len) + len) % len;
    return { ...this.bucket((this.current() + idx) % len) };
  }

  /** A result is credited only if its request's bucket is still inside the window. */
  private accepts(age: number): boolean {
    if (age > this.age) return false;
    return this.age - age < this.buckets.length;
  }

  private bucket(i: number): Counts {
    const b = this.buckets[i];
    // Go indexes buckets[0] of an empty slice and panics; the breaker never builds one.
    if (!b) throw new RangeError(`index out of range [${i}] with length ${this.buckets.length}`);
    return b;
  }
}

/** Go's `Settings`. Durations are Nanos; zero or negative values take Go's defaults. */
export interface Settings {
  name?: string;
  /** Requests allowed through while half-open; 0 means 1. */
  maxRequests?: number;
  /** Closed-state period after which counts are cleared (v2 with BucketPeriod: window length). */
  interval?: Nanos;
  /** v2 only: bucket length of the rolling window; ≤ 0 means a fixed window. */
  bucketPeriod?: Nanos;
  /** Open-state period before half-open; ≤ 0 means 60 s. */
  timeout?: Nanos;
  readyToTrip?: (counts: Counts) => boolean;
  onStateChange?: (name: string, from: State, to: State) => void;
  isSuccessful?: (err: GoError) => boolean;
  /** v2 only: results for which this is true are neither successes nor failures. */
  isExcluded?: (err: GoError) => boolean;
}

export interface BreakerOptions<V extends GoBreakerVersion = GoBreakerVersion> {
  clock: Clock;
  /** 2 (default): v2.4.0 semantics; 1: v1.0.0 semantics. */
  version?: V;
}

export const DEFAULT_TIMEOUT: Nanos = 60 * SECOND;

export function defaultReadyToTrip(counts: Counts): boolean {
  return counts.consecutiveFailures > 5;
}

export function defaultIsSuccessful(err: GoError): boolean {
  return err === null;
}

function defaultIsExcluded(): boolean {
  return false;
}

/** What `beforeRequest` hands to `afterRequest`: the generation and bucket age of the request. */
export interface RequestTicket {
  readonly generation: number;
  readonly age: number;
}

export type Outcome = 'success' | 'failure' | 'excluded';

/** The value and error a request returns, as Go's `(T, error)`. */
export interface Result<T> {
  value: T | undefined;
  error: GoError;
}

/**
 * Go's `CircuitBreaker` (v1) / `CircuitBreaker[T]` (v2): a state machine that rejects requests
 * which are likely to fail.
 */
export class CircuitBreaker {
  readonly version: GoBreakerVersion;
  readonly maxRequests: number;
  readonly interval: Nanos;
  readonly bucketPeriod: Nanos;
  readonly timeout: Nanos;

  private readonly clock: Clock;
  private readonly nameValue: string;
  private readonly readyToTrip: (counts: Counts) => boolean;
  private readonly isSuccessful: (err: GoError) => boolean;
  private readonly isExcluded: (err: GoError) => boolean;
  private readonly onStateChange: ((name: string, from: State, to: State) => void) | undefined;

  private stateValue: State = StateClosed;
  private generationValue = 0;
  private readonly rolling: RollingCounts;
  private start: Nanos = 0;
  private expiryValue: Nanos | null = null;

  constructor(st: Settings, options: BreakerOptions) {
    this.clock = options.clock;
    this.version = options.version ?? 2;
    if (this.version === 1 && (st.bucketPeriod !== undefined || st.isExcluded !== undefined)) {
      // v1's Settings has neither field: a Go program using them would not compile.
      throw new TypeError('gobreaker v1 has no BucketPeriod or IsExcluded');
    }
    this.nameValue = st.name ?? '';
    this.onStateChange = st.onStateChange;
    this.maxRequests = !st.maxRequests ? 1 : st.maxRequests;

    const interval = st.interval ?? 0;
    const bucketPeriod = st.bucketPeriod ?? 0;
    let numBuckets: number;
    if (interval <= 0) {
      this.interval = 0;
      this.bucketPeriod = 0;
      numBuckets = 1;
    } else if (bucketPeriod <= 0) {
      this.interval = interval;
      this.bucketPeriod = interval;
      numBuckets = 1;
    } else {
      // Integer Duration arithmetic: round the window up to a whole number of buckets.
      this.interval = Math.trunc((interval + bucketPeriod - 1) / bucketPeriod) * bucketPeriod;
      this.bucketPeriod = bucketPeriod;
      numBuckets = Math.trunc(this.interval / this.bucketPeriod);
    }
    this.rolling = new RollingCounts(numBuckets);

    this.timeout = st.timeout === undefined || st.timeout <= 0 ? DEFAULT_TIMEOUT : st.timeout;
    this.readyToTrip = st.readyToTrip ?? defaultReadyToTrip;
    this.isSuccessful = st.isSuccessful ?? defaultIsSuccessful;
    this.isExcluded = st.isExcluded ?? defaultIsExcluded;

    this.toNewGeneration(this.clock.now());
  }

  name(): string {
    return this.nameValue;
  }

  /** The current state; like Go, this applies any transition that time has made due. */
  state(): State {
    return this.currentState(this.clock.now()).state;
  }

  /** A copy of the counts. Like Go, this does NOT advance time: call `state()` first for that. */
  counts(): Counts {
    return { ...this.rolling.counts };
  }

  /** Read-only view of the internals the Go tests inspect (`cb.expiry`, `cb.counts.buckets`, ...). */
  get expiry(): Nanos | null {
    return this.expiryValue;
  }
  get generation(): number {
    return this.generationValue;
  }
  get rollingCounts(): Readonly<RollingCounts> {
    return this.rolling;
  }

  /**
   * Runs `req` if the breaker accepts it. A rejected request returns `{value: undefined, error:
   * ErrOpenState | ErrTooManyRequests}`. A request that throws (Go: panics) is recorded — v1 as a
   * failure, v2 as the error `String(thrown)` run through IsExcluded/IsSuccessful — and rethrown.
   */
  execute<T>(req: () => Result<T>): Result<T> {
    const ticket = this.beforeRequest();
    if (ticket instanceof Error) return { value: undefined, error: ticket };
    let result: Result<T>;
    try {
      result = req();
    } catch (panic) {
      this.afterPanic(ticket, panic);
      throw panic;
    }
    this.afterResult(ticket, result.error);
    return result;
  }

  /**
   * `execute` for a request that takes time: admitted now, its result recorded when the promise
   * settles (at the clock's time then). A rejected promise is the panic case.
   */
  async executeAsync<T>(req: () => Promise<Result<T>>): Promise<Result<T>> {
    const ticket = this.beforeRequest();
    if (ticket instanceof Error) return { value: undefined, error: ticket };
    let result: Result<T>;
    try {
      result = await req();
    } catch (panic) {
      this.afterPanic(ticket, panic);
      throw panic;
    }
    this.afterResult(ticket, result.error);
    return result;
  }

  /** Admission (Go's `beforeRequest`): an error, or the ticket to report the result with. */
  beforeRequest(): RequestTicket | Error {
    const now = this.clock.now();
    const { state, generation, age } = this.currentState(now);
    if (state === StateOpen) return ErrOpenState;
    const inFlight = this.version === 1 ? this.rolling.counts.requests : countsOps.validRequests(this.rolling.counts);
    if (state === StateHalfOpen && inFlight >= this.maxRequests) return ErrTooManyRequests;
    this.rolling.onRequest();
    return { generation, age };
  }

  /**
   * Go's `afterRequest`. `classify` runs only if the request's generation is still current, as in
   * v2 where IsExcluded/IsSuccessful are called after that check (v1's Execute calls IsSuccessful
   * before: see `afterResult`).
   */
  afterRequest(ticket: RequestTicket, classify: () => Outcome): void {
    const now = this.clock.now();
    const { state, generation } = this.currentState(now);
    if (generation !== ticket.generation) return;
    const outcome = classify();
    if (outcome === 'excluded') this.rolling.onExclusion(ticket.age);
    else if (outcome === 'success') this.onSuccess(state, ticket.age, now);
    else this.onFailure(state, ticket.age, now);
  }

  /** Records a request's returned error the way this version's Execute / done(err) does. */
  afterResult(ticket: RequestTicket, err: GoError): void {
    if (this.version === 1) {
      const success = this.isSuccessful(err);
      this.afterRequest(ticket, () => (success ? 'success' : 'failure'));
    } else {
      this.afterRequest(ticket, () => this.classify(err));
    }
  }

  private afterPanic(ticket: RequestTicket, panic: unknown): void {
    if (this.version === 1) this.afterRequest(ticket, () => 'failure');
    else this.afterRequest(ticket, () => this.classify(new Error(formatPanic(panic))));
  }

  private classify(err: GoError): Outcome {
    if (this.isExcluded(err)) return 'excluded';
    return this.isSuccessful(err) ? 'success' : 'failure';
  }

  private onSuccess(state: State, age: number, now: Nanos): void {
    if (state === StateClosed) {
      this.rolling.onSuccess(age);
    } else if (state === StateHalfOpen) {
      this.rolling.onSuccess(age);
      if (this.rolling.counts.consecutiveSuccesses >= this.maxRequests) this.setState(StateClosed, now);
    }
  }

  private onFailure(state: State, age: number, now: Nanos): void {
    if (state === StateClosed) {
      this.rolling.onFailure(age);
      // ReadyToTrip gets a copy, as Go passes Counts by value.
      if (this.readyToTrip({ ...this.rolling.counts })) this.setState(StateOpen, now);
    } else if (state === StateHalfOpen) {
      this.setState(StateOpen, now);
    }
  }

  /** Applies the transitions that time alone causes, then reports state, generation and age. */
  private currentState(now: Nanos): { state: State; generation: number; age: number } {
    if (this.stateValue === StateClosed) {
      if (this.expiryValue !== null && this.expiryValue < now) {
        this.toNewGeneration(now);
      } else if (this.rolling.buckets.length >= 2) {
        this.rolling.grow(this.ageAt(now));
      }
    } else if (this.stateValue === StateOpen) {
      // Strictly after the expiry, as Go's `expiry.Before(now)`.
      if (this.expiryValue !== null && this.expiryValue < now) this.setState(StateHalfOpen, now);
    }
    return { state: this.stateValue, generation: this.generationValue, age: this.rolling.age };
  }

  private ageAt(now: Nanos): number {
    if (this.bucketPeriod === 0) return 0;
    const age = Math.trunc((now - this.start) / this.bucketPeriod);
    return age < 0 ? 0 : age;
  }

  private setState(state: State, now: Nanos): void {
    if (this.stateValue === state) return;
    const prev = this.stateValue;
    this.stateValue = state;
    this.toNewGeneration(now);
    this.onStateChange?.(this.nameValue, prev, state);
  }

  /** A new generation: counts cleared, and results of requests from older generations ignored. */
  private toNewGeneration(now: Nanos): void {
    this.generationValue++;
    this.start = now;
    this.rolling.clear();
    if (this.stateValue === StateClosed) {
      // A rolling window never expires as a whole: it rolls bucket by bucket instead.
      this.expiryValue = this.interval === 0 || this.rolling.buckets.length >= 2 ? null : now + this.interval;
    } else if (this.stateValue === StateOpen) {
      this.expiryValue = now + this.timeout;
    } else {
      this.expiryValue = null;
    }
  }
}

/** Go's `fmt.Errorf("%v", e)` of a panic value, near enough: an Error's message, else String(). */
function formatPanic(panic: unknown): string {
  return panic instanceof Error ? panic.message : String(panic);
}

/** TwoStep's `done`: v1 and v2 < 2.4 report `success bool`; v2.4.0 reports the request's error. */
export type Done<V extends GoBreakerVersion> = V extends 1 ? (success: boolean) => void : (err: GoError) => void;

export type Allowance<V extends GoBreakerVersion> = { done: Done<V>; error: null } | { done: null; error: Error };

/**
 * Go's `TwoStepCircuitBreaker`: `allow()` admits or rejects now; the caller reports the outcome
 * later through `done`. Like Go, `done` may be called more than once and then counts more than once.
 */
export class TwoStepCircuitBreaker<V extends GoBreakerVersion = 2> {
  readonly cb: CircuitBreaker;

  constructor(st: Settings, options: BreakerOptions<V>) {
    this.cb = new CircuitBreaker(st, options);
  }

  name(): string {
    return this.cb.name();
  }

  state(): State {
    return this.cb.state();
  }

  counts(): Counts {
    return this.cb.counts();
  }

  allow(): Allowance<V> {
    const ticket = this.cb.beforeRequest();
    if (ticket instanceof Error) return { done: null, error: ticket };
    const cb = this.cb;
    const done =
      cb.version === 1
        ? (success: boolean) => cb.afterRequest(ticket, () => (success ? 'success' : 'failure'))
        : (err: GoError) => cb.afterResult(ticket, err);
    return { done: done as Done<V>, error: null };
  }
}
