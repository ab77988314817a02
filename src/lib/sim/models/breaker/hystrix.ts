/**
 * A port of hystrix-go's circuit breaker, bulkhead and timeout (github.com/afex/hystrix-go), driven by
 * a `Clock`, with no goroutines: timers are deadlines that fire when the clock has passed them.
 *
 * Source: master at commit fa1af6a1f4f56e0e50d427fe901cd604d8c6fb8a (2018-05-02, the last commit;
 * Go module version v0.0.0-20180502004556-fa1af6a1f4f5): `hystrix/circuit.go`, `hystrix/metrics.go`,
 * `hystrix/rolling/rolling.go`, `hystrix/settings.go`, `hystrix/hystrix.go` (GoC), `hystrix/pool.go`,
 * `hystrix/metric_collector/default_metric_collector.go`.
 *
 * The rule, as the code has it:
 * - Defaults (ConfigureCommand, 0 means default): Timeout 1000 ms, MaxConcurrentRequests 10,
 *   RequestVolumeThreshold 20, SleepWindow 5000 ms, ErrorPercentThreshold 50.
 * - Every command reports one event: success, failure, timeout, rejected (bulkhead full),
 *   short-circuit (breaker open), context_canceled or context_deadline_exceeded. Each counts as a
 *   request ("attempt"); all but success and the context ones count as errors.
 * - The counters are rolling.Number: a map from Unix second to a bucket. Sums include buckets whose
 *   second ≥ now − 10 (up to 11 buckets); an increment drops buckets ≤ now − 10 of that counter only.
 * - The breaker opens lazily: IsOpen (called by AllowRequest when a command starts) opens it when
 *   requests ≥ RequestVolumeThreshold and round(100 · errors / requests) ≥ ErrorPercentThreshold.
 * - While open, one command may pass each time SleepWindow has passed since the opening or the last
 *   such test (allowSingleTest); there is no half-open state. ANY success reported while open —
 *   the test's or a command admitted before the opening — closes the breaker and resets all metrics.
 * - A command needs a ticket from the bulkhead (MaxConcurrentRequests); the ticket is returned when
 *   the command finishes, times out or is canceled — a timed-out run goes on, holding no ticket.
 * - The timeout is measured from the command's start; when it fires first, the run's later result
 *   is ignored (returnOnce).
 *
 * Deviations, all from removing goroutines: metrics are updated synchronously when an event is
 * reported (Go sends it to a channel read by a Monitor goroutine, and drops it when 2000 are queued);
 * a run that finishes exactly at its deadline loses to the timer (Go's select picks either); if the
 * hystrix timeout and a context deadline fall on the same instant, the hystrix timeout wins. Timing
 * metrics (rolling.Timing, pool metrics) are not modelled.
 */
import { MILLISECOND, SECOND, type Clock, type Nanos } from '../../time.ts';

// ---------------------------------------------------------------- settings

export const DefaultTimeout = 1000;
export const DefaultMaxConcurrent = 10;
export const DefaultVolumeThreshold = 20;
export const DefaultSleepWindow = 5000;
export const DefaultErrorPercentThreshold = 50;

/** Go's CommandConfig: times in ms; 0 or absent means the default. */
export interface CommandConfig {
  timeout?: number;
  maxConcurrentRequests?: number;
  requestVolumeThreshold?: number;
  sleepWindow?: number;
  errorPercentThreshold?: number;
}

export interface HystrixSettings {
  timeout: Nanos;
  maxConcurrentRequests: number;
  requestVolumeThreshold: number;
  sleepWindow: Nanos;
  errorPercentThreshold: number;
}

/** ConfigureCommand. */
export function configureCommand(config: CommandConfig = {}): HystrixSettings {
  return {
    timeout: (config.timeout || DefaultTimeout) * MILLISECOND,
    maxConcurrentRequests: config.maxConcurrentRequests || DefaultMaxConcurrent,
    requestVolumeThreshold: config.requestVolumeThreshold || DefaultVolumeThreshold,
    sleepWindow: (config.sleepWindow || DefaultSleepWindow) * MILLISECOND,
    errorPercentThreshold: config.errorPercentThreshold || DefaultErrorPercentThreshold,
  };
}

// ---------------------------------------------------------------- errors

/** Go's CircuitError: its Error() is "hystrix: " + message. */
export class CircuitError extends Error {
  constructor(readonly reason: string) {
    super(`hystrix: ${reason}`);
  }
}

export const ErrMaxConcurrency = new CircuitError('max concurrency');
export const ErrCircuitOpen = new CircuitError('circuit open');
export const ErrTimeout = new CircuitError('timeout');
/** context.Canceled and context.DeadlineExceeded. */
export const ContextCanceled = new Error('context canceled');
export const ContextDeadlineExceeded = new Error('context deadline exceeded');

// ---------------------------------------------------------------- rolling numbers

/** Unix nanoseconds; `time.Now().Unix()` of it is `unixSeconds`. */
export type UnixNanos = number;

export function unixSeconds(t: UnixNanos): number {
  return Math.floor(t / SECOND);
}

/** rolling.Number: buckets keyed by Unix second. */
export class RollingNumber {
  readonly buckets = new Map<number, { value: number }>();

  increment(i: number, now: UnixNanos): void {
    if (i === 0) return;
    this.currentBucket(now).value += i;
    this.removeOldBuckets(now);
  }

  updateMax(n: number, now: UnixNanos): void {
    const b = this.currentBucket(now);
    if (n > b.value) b.value = n;
    this.removeOldBuckets(now);
  }

  /** Sum over the buckets of the last 10 seconds and the current one (second ≥ now − 10). */
  sum(now: UnixNanos): number {
    let sum = 0;
    for (const [timestamp, bucket] of this.buckets) if (timestamp >= unixSeconds(now) - 10) sum += bucket.value;
    return sum;
  }

  max(now: UnixNanos): number {
    let max = 0;
    for (const [timestamp, bucket] of this.buckets) if (timestamp >= unixSeconds(now) - 10 && bucket.value > max) max = bucket.value;
    return max;
  }

  avg(now: UnixNanos): number {
    return this.sum(now) / 10;
  }

  private currentBucket(now: UnixNanos): { value: number } {
    const second = unixSeconds(now);
    let bucket = this.buckets.get(second);
    if (!bucket) {
      bucket = { value: 0 };
      this.buckets.set(second, bucket);
    }
    return bucket;
  }

  private removeOldBuckets(now: UnixNanos): void {
    const cutoff = unixSeconds(now) - 10;
    for (const timestamp of [...this.buckets.keys()]) if (timestamp <= cutoff) this.buckets.delete(timestamp);
  }
}

export type EventType =
  | 'success'
  | 'failure'
  | 'rejected'
  | 'short-circuit'
  | 'timeout'
  | 'context_canceled'
  | 'context_deadline_exceeded'
  | 'fallback-success'
  | 'fallback-failure';

/** DefaultMetricCollector's counters (its duration timings are not modelled). */
export class DefaultMetricCollector {
  numRequests = new RollingNumber();
  errors = new RollingNumber();
  successes = new RollingNumber();
  failures = new RollingNumber();
  rejects = new RollingNumber();
  shortCircuits = new RollingNumber();
  timeouts = new RollingNumber();
  contextCanceled = new RollingNumber();
  contextDeadlineExceeded = new RollingNumber();
  fallbackSuccesses = new RollingNumber();
  fallbackFailures = new RollingNumber();

  /** IncrementMetrics + Update: the first event type is the outcome, the second the fallback's. */
  update(types: readonly EventType[], now: UnixNanos): void {
    const r = { attempts: 1, errors: 0, successes: 0, failures: 0, rejects: 0, shortCircuits: 0, timeouts: 0, canceled: 0, deadline: 0, fbOk: 0, fbFail: 0 };
    switch (types[0]) {
      case 'success':
        r.successes = 1;
        break;
      case 'failure':
        r.failures = 1;
        r.errors = 1;
        break;
      case 'rejected':
        r.rejects = 1;
        r.errors = 1;
        break;
      case 'short-circuit':
        r.shortCircuits = 1;
        r.errors = 1;
        break;
      case 'timeout':
        r.timeouts = 1;
        r.errors = 1;
        break;
      case 'context_canceled':
        r.canceled = 1;
        break;
      case 'context_deadline_exceeded':
        r.deadline = 1;
        break;
    }
    if (types[1] === 'fallback-success') r.fbOk = 1;
    if (types[1] === 'fallback-failure') r.fbFail = 1;
    this.numRequests.increment(r.attempts, now);
    this.errors.increment(r.errors, now);
    this.successes.increment(r.successes, now);
    this.failures.increment(r.failures, now);
    this.rejects.increment(r.rejects, now);
    this.shortCircuits.increment(r.shortCircuits, now);
    this.timeouts.increment(r.timeouts, now);
    this.fallbackSuccesses.increment(r.fbOk, now);
    this.fallbackFailures.increment(r.fbFail, now);
    this.contextCanceled.increment(r.canceled, now);
    this.contextDeadlineExceeded.increment(r.deadline, now);
  }

  reset(): void {
    Object.assign(this, new DefaultMetricCollector());
  }
}

/** metricExchange: the health computation over the default collector. */
export class MetricExchange {
  readonly collector = new DefaultMetricCollector();

  constructor(private readonly settings: HystrixSettings) {}

  requests(): RollingNumber {
    return this.collector.numRequests;
  }

  /** int(errors / requests · 100 + 0.5): a percentage rounded half up. */
  errorPercent(now: UnixNanos): number {
    const reqs = this.collector.numRequests.sum(now);
    const errs = this.collector.errors.sum(now);
    const errPct = reqs > 0 ? (errs / reqs) * 100 : 0;
    return Math.trunc(errPct + 0.5);
  }

  isHealthy(now: UnixNanos): boolean {
    return this.errorPercent(now) < this.settings.errorPercentThreshold;
  }

  reset(): void {
    this.collector.reset();
  }
}

/** executorPool: MaxConcurrentRequests tickets. */
export class ExecutorPool {
  tickets: number;

  constructor(readonly max: number) {
    this.tickets = max;
  }

  take(): boolean {
    if (this.tickets === 0) return false;
    this.tickets--;
    return true;
  }

  return(): void {
    this.tickets++;
  }

  activeCount(): number {
    return this.max - this.tickets;
  }
}

// ---------------------------------------------------------------- circuit and commands

export interface HystrixOptions {
  clock: Clock;
  /**
   * Unix time at clock time 0, in ns (default 0). Only its position within a second matters (it
   * decides where the 1 s buckets start); keep it small, as real epochs in ns exceed 2^53.
   */
  epochNanos?: UnixNanos;
}

export interface CommandOptions {
  /** Called with the command's error; returning null is a successful fallback. */
  fallback?: (err: Error) => Error | null;
  /** A context deadline, relative to the start (context.WithTimeout). */
  contextTimeout?: Nanos;
}

/** One GoC call. `error` is what the errChan delivers (null: nothing, i.e. success or fallback success). */
export class HystrixCommand {
  readonly events: EventType[] = [];
  error: Error | null = null;
  finished = false;
  runDuration: Nanos = 0;
  hasTicket = false;
  /** Deadlines (Unix ns) of the timer goroutine: hystrix timeout and context deadline. */
  timeoutAt: UnixNanos = Infinity;
  contextDeadlineAt: UnixNanos = Infinity;

  constructor(
    private readonly circuit: HystrixCircuitBreaker,
    readonly start: UnixNanos,
    readonly seq: number,
    readonly fallback: CommandOptions['fallback'],
  ) {}

  /** The run function returned now, with `err` (null: success). Ignored if the command already ended. */
  complete(err: Error | null): void {
    this.circuit.completeRun(this, err);
  }

  /** The caller's context was canceled now. */
  cancel(): void {
    this.circuit.cancelCommand(this);
  }
}

/**
 * Go's CircuitBreaker with its metrics and executor pool. Every public method first fires the
 * timers the clock has passed, at their own deadlines, so the order of events is Go's.
 */
export class HystrixCircuitBreaker {
  // Raw state, as Go's fields: read it after a method call (or fireDueTimers) so due timers have fired.
  open = false;
  forceOpen = false;
  /** Unix ns of the opening or of the last single test. */
  openedOrLastTestedTime: UnixNanos = 0;
  readonly metrics: MetricExchange;
  readonly executorPool: ExecutorPool;

  private readonly running = new Set<HystrixCommand>();
  private seq = 0;

  constructor(
    readonly name: string,
    readonly settings: HystrixSettings,
    private readonly options: HystrixOptions,
  ) {
    this.metrics = new MetricExchange(settings);
    this.executorPool = new ExecutorPool(settings.maxConcurrentRequests);
  }

  /** The clock as Unix time, the value `time.Now()` would give. */
  now(): UnixNanos {
    return (this.options.epochNanos ?? 0) + this.options.clock.now();
  }

  toggleForceOpen(toggle: boolean): void {
    this.forceOpen = toggle;
  }

  /** IsOpen: may open the breaker when the window has enough requests and too many errors. */
  isOpen(): boolean {
    this.fireDueTimers();
    return this.isOpenAt(this.now());
  }

  /** AllowRequest: closed, or open but due for a single test. */
  allowRequest(): boolean {
    this.fireDueTimers();
    return this.allowRequestAt(this.now());
  }

  setOpen(): void {
    this.setOpenAt(this.now());
  }

  setClose(): void {
    if (!this.open) return;
    this.open = false;
    this.metrics.reset();
  }

  /** ReportEvent: a success while open closes the breaker (and resets metrics) before recording. */
  reportEvent(eventTypes: readonly EventType[], at: UnixNanos = this.now()): Error | null {
    if (eventTypes.length === 0) return new Error('no event types sent for metrics');
    if (eventTypes[0] === 'success' && this.open) this.setClose();
    this.metrics.collector.update(eventTypes, at);
    return null;
  }

  /** GoC: starts a command now; if the breaker or bulkhead refuses it, it is already finished. */
  go(options: CommandOptions = {}): HystrixCommand {
    this.fireDueTimers();
    const now = this.now();
    const cmd = new HystrixCommand(this, now, this.seq++, options.fallback);
    if (!this.allowRequestAt(now)) {
      this.finish(cmd, ErrCircuitOpen, now);
      return cmd;
    }
    if (!this.executorPool.take()) {
      this.finish(cmd, ErrMaxConcurrency, now);
      return cmd;
    }
    cmd.hasTicket = true;
    cmd.timeoutAt = now + this.settings.timeout;
    if (options.contextTimeout !== undefined) cmd.contextDeadlineAt = now + options.contextTimeout;
    this.running.add(cmd);
    return cmd;
  }

  /** Commands whose run has not been settled yet (not finished, not timed out). */
  inFlight(): HystrixCommand[] {
    this.fireDueTimers();
    return [...this.running];
  }

  /** Fires, in time order, every timer whose deadline the clock has reached. */
  fireDueTimers(): void {
    const now = this.now();
    for (;;) {
      let next: { cmd: HystrixCommand; at: UnixNanos; err: Error } | undefined;
      for (const cmd of this.running) {
        // A tie between the two timers goes to the hystrix timeout.
        const [at, err] = cmd.timeoutAt <= cmd.contextDeadlineAt ? [cmd.timeoutAt, ErrTimeout] : [cmd.contextDeadlineAt, ContextDeadlineExceeded];
        if (at <= now && (!next || at < next.at || (at === next.at && cmd.seq < next.cmd.seq))) next = { cmd, at, err };
      }
      if (!next) return;
      this.finish(next.cmd, next.err, next.at);
    }
  }

  /** @internal HystrixCommand.complete. */
  completeRun(cmd: HystrixCommand, err: Error | null): void {
    this.fireDueTimers();
    if (cmd.finished) return;
    const now = this.now();
    cmd.runDuration = now - cmd.start;
    if (err === null) {
      this.returnTicket(cmd);
      cmd.events.push('success');
      cmd.finished = true;
      this.running.delete(cmd);
      this.reportEvent(cmd.events, now);
      return;
    }
    this.finish(cmd, err, now);
  }

  /** @internal HystrixCommand.cancel. */
  cancelCommand(cmd: HystrixCommand): void {
    this.fireDueTimers();
    if (!cmd.finished) this.finish(cmd, ContextCanceled, this.now());
  }

  /** returnOnce's body for every failing path: ticket back, event + fallback, report. */
  private finish(cmd: HystrixCommand, err: Error, at: UnixNanos): void {
    cmd.finished = true;
    this.running.delete(cmd);
    this.returnTicket(cmd);
    this.errorWithFallback(cmd, err);
    this.reportEvent(cmd.events, at);
  }

  private returnTicket(cmd: HystrixCommand): void {
    if (!cmd.hasTicket) return;
    cmd.hasTicket = false;
    this.executorPool.return();
  }

  private errorWithFallback(cmd: HystrixCommand, err: Error): void {
    let eventType: EventType = 'failure';
    if (err === ErrCircuitOpen) eventType = 'short-circuit';
    else if (err === ErrMaxConcurrency) eventType = 'rejected';
    else if (err === ErrTimeout) eventType = 'timeout';
    else if (err === ContextCanceled) eventType = 'context_canceled';
    else if (err === ContextDeadlineExceeded) eventType = 'context_deadline_exceeded';
    cmd.events.push(eventType);
    const fallbackErr = this.tryFallback(cmd, err);
    if (fallbackErr) cmd.error = fallbackErr;
  }

  private tryFallback(cmd: HystrixCommand, err: Error): Error | null {
    if (!cmd.fallback) return err;
    const fallbackErr = cmd.fallback(err);
    if (fallbackErr) {
      cmd.events.push('fallback-failure');
      return new Error(`fallback failed with '${fallbackErr.message}'. run error was '${err.message}'`);
    }
    cmd.events.push('fallback-success');
    return null;
  }

  private isOpenAt(now: UnixNanos): boolean {
    if (this.forceOpen || this.open) return true;
    if (this.metrics.requests().sum(now) < this.settings.requestVolumeThreshold) return false;
    if (!this.metrics.isHealthy(now)) {
      this.setOpenAt(now);
      return true;
    }
    return false;
  }

  private allowRequestAt(now: UnixNanos): boolean {
    return !this.isOpenAt(now) || this.allowSingleTest(now);
  }

  /** One test per SleepWindow while open (strictly after it), re-arming the window. */
  private allowSingleTest(now: UnixNanos): boolean {
    if (this.open && now > this.openedOrLastTestedTime + this.settings.sleepWindow) {
      this.openedOrLastTestedTime = now;
      return true;
    }
    return false;
  }

  private setOpenAt(now: UnixNanos): void {
    if (this.open) return;
    this.openedOrLastTestedTime = now;
    this.open = true;
  }
}
