/**
 * A port of Sentinel Go's circuit breakers (github.com/alibaba/sentinel-golang), driven by a `Clock`.
 *
 * Sources, read at master commit f7a7f9575711440e3e00055c2cf2009d9c15d595 (v1.0.4-31; the logic of
 * these files is the same as in tag v1.0.4, commit ea8c74f, apart from comments):
 * - `core/circuitbreaker/circuit_breaker.go`: the state machine and the three breakers,
 * - `core/circuitbreaker/rule.go`, `rule_manager.go` (IsValidRule): the rule and its checks,
 * - `core/circuitbreaker/slot.go`, `stat_slot.go`: how an entry consults the breakers and reports,
 * - `core/stat/base/leap_array.go`: the bucketed sliding window (LeapArray),
 * - `core/base/entry.go`, `core/base/slot_chain.go`, `api/api.go`: entry, exit and exit hooks.
 *
 * How the breakers behave (the parts interviews ask about):
 * - Statistics live in a LeapArray of `StatSlidingWindowBucketCount` buckets over `StatIntervalMs`
 *   (1 bucket when the count is 0 or does not divide the interval). A completed request is added to
 *   the bucket of its completion time; the totals are summed over the buckets not older than the
 *   interval. Nothing is counted at entry: only completions (OnRequestComplete) feed the window.
 * - Closed → Open when, on a completion, total ≥ MinRequestAmount and the slow ratio (RT >
 *   MaxAllowedRtMs) / error ratio ≥ Threshold (compared with a 1e-8 tolerance), or the error count
 *   ≥ uint64(Threshold). The window is NOT cleared on opening.
 * - Open → HalfOpen only inside TryPass: the first entry at or after `nextRetryTimestampMs` (open
 *   time + RetryTimeoutMs) flips the state with a CAS and is itself the probe. While half-open, other
 *   entries are rejected if ProbeNum is 0, and ALL admitted if ProbeNum > 0 (ProbeNum is not a cap).
 * - HalfOpen → Open on the first bad completion (slow for SlowRequestRatio, an error otherwise),
 *   which also restarts the retry timeout. HalfOpen → Closed when good completions reach ProbeNum
 *   (the first good one if ProbeNum is 0); then the window is cleared. Completions of requests that
 *   entered while closed count as probe results too.
 * - If the probe entry is then blocked by a later rule (another breaker of the resource, ...), an
 *   exit hook rolls HalfOpen back to Open WITHOUT moving the retry time: the next entry probes again.
 *
 * Time: Sentinel reads `util.CurrentTimeMillis()` (Unix ms). Here it is `epochMs + floor(clock.now()
 * / 1 ms)`. epochMs defaults to 1_600_000_000_000, a multiple of every usual bucket length, so buckets
 * start at multiples of their length in simulation time, and the time is never ≤ 0 (LeapArray
 * refuses such times, which a clock starting at 0 would hit).
 * Go → TypeScript: `error` is `Error | null`; atomics and locks are plain operations (one call runs
 * at a time); log-and-continue paths (logging.Error) are kept as silent early returns.
 */
import { MILLISECOND, type Clock } from '../../time.ts';

// ---------------------------------------------------------------- state

export const Closed = 0;
export const HalfOpen = 1;
export const Open = 2;
export type SentinelState = typeof Closed | typeof HalfOpen | typeof Open;

export function sentinelStateString(s: number): string {
  return s === Closed ? 'Closed' : s === HalfOpen ? 'HalfOpen' : s === Open ? 'Open' : 'Undefined';
}

/** Go's `*State` with its atomic get/set/cas; `cas` is what makes each transition happen once. */
export class AtomicState {
  private value: SentinelState = Closed;

  get(): SentinelState {
    return this.value;
  }

  set(update: SentinelState): void {
    this.value = update;
  }

  cas(expect: SentinelState, update: SentinelState): boolean {
    if (this.value !== expect) return false;
    this.value = update;
    return true;
  }
}

// ---------------------------------------------------------------- rule

export const SlowRequestRatio = 0;
export const ErrorRatio = 1;
export const ErrorCount = 2;
export type Strategy = typeof SlowRequestRatio | typeof ErrorRatio | typeof ErrorCount;

export function strategyString(s: number): string {
  return s === SlowRequestRatio ? 'SlowRequestRatio' : s === ErrorRatio ? 'ErrorRatio' : s === ErrorCount ? 'ErrorCount' : 'Undefined';
}

/** Go's `circuitbreaker.Rule`; fields absent here are Go's zero values. */
export interface Rule {
  id?: string;
  resource: string;
  strategy: Strategy;
  /** Open period before a probe is allowed (ms). */
  retryTimeoutMs: number;
  /** Completions needed in the window before the breaker may open. */
  minRequestAmount?: number;
  statIntervalMs: number;
  /** Buckets of the window; must divide statIntervalMs, else 1 is used. 0 / absent: 1. */
  statSlidingWindowBucketCount?: number;
  /** SlowRequestRatio only: an RT above this (ms) is slow. */
  maxAllowedRtMs?: number;
  /** Max slow ratio, max error ratio, or error count, by strategy. */
  threshold: number;
  /** Good probe completions needed to close; 0: the first one closes (and only one probe passes). */
  probeNum?: number;
}

/** `IsValidRule` of rule_manager.go: the checks LoadRules applies before building a breaker. */
export function isValidRule(r: Rule | null | undefined): Error | null {
  if (!r) return new Error('nil Rule');
  if (r.resource.length === 0) return new Error('empty resource name');
  if (r.statIntervalMs <= 0) return new Error('invalid StatIntervalMs');
  if (r.retryTimeoutMs <= 0) return new Error('invalid RetryTimeoutMs');
  if (r.threshold < 0.0) return new Error('invalid Threshold');
  if (r.strategy === SlowRequestRatio && r.threshold > 1.0) return new Error('invalid slow request ratio threshold (valid range: [0.0, 1.0])');
  if (r.strategy === ErrorRatio && r.threshold > 1.0) return new Error('invalid error ratio threshold (valid range: [0.0, 1.0])');
  return null;
}

export function getRuleStatSlidingWindowBucketCount(r: Rule): number {
  const bucketCount = r.statSlidingWindowBucketCount ?? 0;
  return bucketCount === 0 || r.statIntervalMs % bucketCount !== 0 ? 1 : bucketCount;
}

/** util.Float64Equals. */
export function float64Equals(x: number, y: number): boolean {
  return Math.abs(x - y) < 0.00000001;
}

// ---------------------------------------------------------------- leap array

/** A bucket: `value` covers [bucketStart, bucketStart + bucketLength) in ms. */
export interface BucketWrap<T> {
  bucketStart: number;
  value: T;
}

export interface BucketGenerator<T> {
  newEmptyBucket(): T;
  /** Moves the bucket to `startTime` with fresh, empty data. */
  resetBucketTo(bw: BucketWrap<T>, startTime: number): BucketWrap<T>;
}

export function calculateStartTime(now: number, bucketLengthInMs: number): number {
  return now - (now % bucketLengthInMs);
}

/**
 * Go's `LeapArray`: a ring of `sampleCount` buckets over `intervalInMs`. Buckets are reused lazily:
 * the one a time maps to is reset when that time is in a later cycle than the bucket's start.
 */
export class LeapArray<T> {
  readonly bucketLengthInMs: number;
  readonly array: BucketWrap<T>[];

  private constructor(
    readonly sampleCount: number,
    readonly intervalInMs: number,
    generator: BucketGenerator<T>,
    now: number,
  ) {
    this.bucketLengthInMs = intervalInMs / sampleCount;
    this.array = newBucketWrapArrayWithTime(sampleCount, this.bucketLengthInMs, now, generator);
  }

  /** `NewLeapArray`, with the creation time explicit (Go reads the clock). */
  static create<T>(sampleCount: number, intervalInMs: number, generator: BucketGenerator<T>, now: number): LeapArray<T> | Error {
    if (sampleCount === 0 || intervalInMs % sampleCount !== 0) {
      return new Error(`Invalid parameters, intervalInMs is ${intervalInMs}, sampleCount is ${sampleCount}`);
    }
    return new LeapArray(sampleCount, intervalInMs, generator, now);
  }

  currentBucketOfTime(now: number, bg: BucketGenerator<T>): BucketWrap<T> | Error {
    if (now <= 0) return new Error('Current time is less than 0.');
    const idx = this.calculateTimeIdx(now);
    const bucketStart = calculateStartTime(now, this.bucketLengthInMs);
    const old = this.array[idx]!;
    if (bucketStart === old.bucketStart) return old;
    // The time has reached the next cycle of the ring: this bucket's data is stale.
    if (bucketStart > old.bucketStart) return bg.resetBucketTo(old, bucketStart);
    if (this.sampleCount === 1) return old;
    return new Error(`Provided time timeMillis=${bucketStart} is already behind old.BucketStart=${old.bucketStart}.`);
  }

  calculateTimeIdx(now: number): number {
    return Math.floor(now / this.bucketLengthInMs) % this.array.length;
  }

  /** All buckets not older than the interval at `now` (Go's `valuesWithTime`). */
  valuesWithTime(now: number): BucketWrap<T>[] {
    if (now <= 0) return [];
    return this.array.filter((ww) => !this.isBucketDeprecated(now, ww));
  }

  /**
   * Go computes `(now - ws) > interval` in uint64: a bucket starting after `now` (the array is
   * pre-filled with the coming buckets' start times) wraps around and so counts as deprecated too.
   */
  isBucketDeprecated(now: number, ww: BucketWrap<T>): boolean {
    const ws = ww.bucketStart;
    return ws > now || now - ws > this.intervalInMs;
  }
}

/** NewAtomicBucketWrapArrayWithTime: the bucket of `now` and the ones after it, in ring order. */
function newBucketWrapArrayWithTime<T>(len: number, bucketLengthInMs: number, now: number, generator: BucketGenerator<T>): BucketWrap<T>[] {
  const data: BucketWrap<T>[] = new Array(len);
  const idx = Math.floor(now / bucketLengthInMs) % len;
  let startTime = calculateStartTime(now, bucketLengthInMs);
  for (let k = 0; k < len; k++) {
    data[(idx + k) % len] = { bucketStart: startTime, value: generator.newEmptyBucket() };
    startTime += bucketLengthInMs;
  }
  return data;
}

// ---------------------------------------------------------------- counters

export interface SlowRequestCounter {
  slowCount: number;
  totalCount: number;
}

export interface ErrorCounter {
  errorCount: number;
  totalCount: number;
}

/** slowRequestLeapArray / errorCounterLeapArray: reset stores a fresh counter, as Go does. */
function counterGenerator<T>(empty: () => T): BucketGenerator<T> {
  return {
    newEmptyBucket: empty,
    resetBucketTo(bw, startTime) {
      bw.bucketStart = startTime;
      bw.value = empty();
      return bw;
    },
  };
}

export const slowRequestGenerator = counterGenerator<SlowRequestCounter>(() => ({ slowCount: 0, totalCount: 0 }));
export const errorCounterGenerator = counterGenerator<ErrorCounter>(() => ({ errorCount: 0, totalCount: 0 }));

// ---------------------------------------------------------------- breakers

export interface StateChangeListener {
  onTransformToClosed(prev: SentinelState, rule: Rule): void;
  /** `snapshot` is the value that tripped the breaker (ratio, count, or 1 for a failed probe). */
  onTransformToOpen(prev: SentinelState, rule: Rule, snapshot: unknown): void;
  onTransformToHalfOpen(prev: SentinelState, rule: Rule): void;
}

/** The part of an entry a breaker uses: registering a handler to run when the entry exits. */
export interface ExitHookRegistry {
  whenExit(handler: (exit: { isBlocked(): boolean }) => void): void;
}

export interface SentinelEnv {
  clock: Clock;
  /** Unix ms at clock time 0 (default 1_600_000_000_000). */
  epochMs?: number;
  /** Go keeps these in a package-level list; here each breaker gets the list to notify. */
  listeners?: StateChangeListener[];
}

export const DEFAULT_EPOCH_MS = 1_600_000_000_000;

/** util.CurrentTimeMillis() on the simulation clock. */
export function currentTimeMillis(env: SentinelEnv): number {
  return (env.epochMs ?? DEFAULT_EPOCH_MS) + Math.floor(env.clock.now() / MILLISECOND);
}

/**
 * circuitBreakerBase plus the shared shape of the three OnRequestComplete methods. Fields Go's own
 * tests read and write (`state`, `probeNumber`, `curProbeNumber`, `nextRetryTimestampMs`) are public.
 */
export abstract class SentinelCircuitBreaker<C = unknown> {
  readonly state = new AtomicState();
  readonly retryTimeoutMs: number;
  nextRetryTimestampMs = 0;
  probeNumber: number;
  curProbeNumber = 0;

  protected constructor(
    readonly rule: Rule,
    readonly stat: LeapArray<C>,
    private readonly generator: BucketGenerator<C>,
    protected readonly env: SentinelEnv,
  ) {
    this.retryTimeoutMs = rule.retryTimeoutMs;
    this.probeNumber = rule.probeNum ?? 0;
  }

  boundRule(): Rule {
    return this.rule;
  }

  currentState(): SentinelState {
    return this.state.get();
  }

  /**
   * Whether an entry may pass. Closed: yes. Open: only if the retry time has come AND this call
   * wins the Open → HalfOpen CAS; it is then the probe. HalfOpen: yes iff ProbeNum > 0.
   */
  tryPass(entry: ExitHookRegistry | null = null): boolean {
    const cur = this.currentState();
    if (cur === Closed) return true;
    if (cur === Open) return this.retryTimeoutArrived() && this.fromOpenToHalfOpen(entry);
    return cur === HalfOpen && this.probeNumber > 0;
  }

  /** Records a completed (passed) request with its response time in ms and error. */
  onRequestComplete(rtMs: number, err: Error | null): void {
    const counter = this.currentCounter();
    if (counter === null) return; // Go logs the error and drops the completion
    this.record(counter, rtMs, err);
    const totals = this.sumCounters();

    const cur = this.currentState();
    if (cur === Open) return;
    if (cur === HalfOpen) {
      if (this.isBadCompletion(rtMs, err)) {
        this.fromHalfOpenToOpen(this.failedProbeSnapshot());
      } else {
        this.curProbeNumber++;
        if (this.probeNumber === 0 || this.curProbeNumber >= this.probeNumber) {
          this.fromHalfOpenToClosed();
          this.resetMetric();
        }
      }
      return;
    }
    // Closed
    if (totals.total < (this.rule.minRequestAmount ?? 0)) return;
    const snapshot = this.tripSnapshot(totals);
    if (snapshot === undefined) return;
    // Go re-reads the state: another goroutine may have moved it meanwhile.
    const now = this.currentState();
    if (now === Closed) this.fromClosedToOpen(snapshot);
    else if (now === HalfOpen) this.fromHalfOpenToOpen(snapshot);
  }

  /** The counters of the buckets currently inside the window. */
  allCounter(): C[] {
    return this.stat.valuesWithTime(this.nowMs()).map((b) => b.value);
  }

  /** Slow (or error) and total counts over the window, as the breaker would sum them now. */
  windowTotals(): { bad: number; total: number } {
    return this.sumCounters();
  }

  protected abstract record(counter: C, rtMs: number, err: Error | null): void;
  protected abstract sumCounters(): { bad: number; total: number };
  protected abstract isBadCompletion(rtMs: number, err: Error | null): boolean;
  protected abstract failedProbeSnapshot(): unknown;
  /** The value to report on opening, or undefined when the threshold is not reached. */
  protected abstract tripSnapshot(totals: { bad: number; total: number }): unknown;

  retryTimeoutArrived(): boolean {
    return this.nowMs() >= this.nextRetryTimestampMs;
  }

  updateNextRetryTimestamp(): void {
    this.nextRetryTimestampMs = this.nowMs() + this.retryTimeoutMs;
  }

  fromClosedToOpen(snapshot: unknown): boolean {
    if (!this.state.cas(Closed, Open)) return false;
    this.updateNextRetryTimestamp();
    for (const l of this.listeners()) l.onTransformToOpen(Closed, { ...this.rule }, snapshot);
    return true;
  }

  /** Also registers the exit hook that rolls the state back if this probe entry ends up blocked. */
  fromOpenToHalfOpen(entry: ExitHookRegistry | null): boolean {
    if (!this.state.cas(Open, HalfOpen)) return false;
    for (const l of this.listeners()) l.onTransformToHalfOpen(Open, { ...this.rule });
    // Go logs "nil entry" when there is no entry to hook into, and goes on without the hook.
    entry?.whenExit((exit) => {
      if (exit.isBlocked() && this.state.cas(HalfOpen, Open)) {
        for (const l of this.listeners()) l.onTransformToOpen(HalfOpen, { ...this.rule }, 1.0);
      }
    });
    return true;
  }

  fromHalfOpenToOpen(snapshot: unknown): boolean {
    if (!this.state.cas(HalfOpen, Open)) return false;
    this.curProbeNumber = 0;
    this.updateNextRetryTimestamp();
    for (const l of this.listeners()) l.onTransformToOpen(HalfOpen, { ...this.rule }, snapshot);
    return true;
  }

  fromHalfOpenToClosed(): boolean {
    if (!this.state.cas(HalfOpen, Closed)) return false;
    this.curProbeNumber = 0;
    for (const l of this.listeners()) l.onTransformToClosed(HalfOpen, { ...this.rule });
    return true;
  }

  protected nowMs(): number {
    return currentTimeMillis(this.env);
  }

  private currentCounter(): C | null {
    const bucket = this.stat.currentBucketOfTime(this.nowMs(), this.generator);
    return bucket instanceof Error ? null : bucket.value;
  }

  /** Clears the counters of the buckets in the window (Go's resetMetric). */
  private resetMetric(): void {
    for (const b of this.stat.valuesWithTime(this.nowMs())) this.generator.resetBucketTo(b, b.bucketStart);
  }

  private listeners(): StateChangeListener[] {
    return this.env.listeners ?? [];
  }
}

export class SlowRtCircuitBreaker extends SentinelCircuitBreaker<SlowRequestCounter> {
  readonly maxAllowedRt: number;
  readonly maxSlowRequestRatio: number;

  constructor(rule: Rule, stat: LeapArray<SlowRequestCounter>, env: SentinelEnv) {
    super(rule, stat, slowRequestGenerator, env);
    this.maxAllowedRt = rule.maxAllowedRtMs ?? 0;
    this.maxSlowRequestRatio = rule.threshold;
  }

  protected record(counter: SlowRequestCounter, rtMs: number): void {
    if (rtMs > this.maxAllowedRt) counter.slowCount++;
    counter.totalCount++;
  }

  protected sumCounters(): { bad: number; total: number } {
    let bad = 0;
    let total = 0;
    for (const c of this.allCounter()) {
      bad += c.slowCount;
      total += c.totalCount;
    }
    return { bad, total };
  }

  /** A slow-RT breaker ignores errors: only a slow probe fails. */
  protected isBadCompletion(rtMs: number): boolean {
    return rtMs > this.maxAllowedRt;
  }

  protected failedProbeSnapshot(): unknown {
    return 1.0;
  }

  protected tripSnapshot({ bad, total }: { bad: number; total: number }): unknown {
    const slowRatio = bad / total;
    return slowRatio > this.maxSlowRequestRatio || float64Equals(slowRatio, this.maxSlowRequestRatio) ? slowRatio : undefined;
  }
}

export class ErrorRatioCircuitBreaker extends SentinelCircuitBreaker<ErrorCounter> {
  readonly errorRatioThreshold: number;

  constructor(rule: Rule, stat: LeapArray<ErrorCounter>, env: SentinelEnv) {
    super(rule, stat, errorCounterGenerator, env);
    this.errorRatioThreshold = rule.threshold;
  }

  protected record(counter: ErrorCounter, _rtMs: number, err: Error | null): void {
    if (err !== null) counter.errorCount++;
    counter.totalCount++;
  }

  protected sumCounters(): { bad: number; total: number } {
    return sumErrorCounters(this.allCounter());
  }

  protected isBadCompletion(_rtMs: number, err: Error | null): boolean {
    return err !== null;
  }

  protected failedProbeSnapshot(): unknown {
    return 1.0;
  }

  protected tripSnapshot({ bad, total }: { bad: number; total: number }): unknown {
    const errorRatio = bad / total;
    return errorRatio > this.errorRatioThreshold || float64Equals(errorRatio, this.errorRatioThreshold) ? errorRatio : undefined;
  }
}

export class ErrorCountCircuitBreaker extends SentinelCircuitBreaker<ErrorCounter> {
  readonly errorCountThreshold: number;

  constructor(rule: Rule, stat: LeapArray<ErrorCounter>, env: SentinelEnv) {
    super(rule, stat, errorCounterGenerator, env);
    // uint64(r.Threshold): truncation.
    this.errorCountThreshold = Math.trunc(rule.threshold);
  }

  protected record(counter: ErrorCounter, _rtMs: number, err: Error | null): void {
    if (err !== null) counter.errorCount++;
    counter.totalCount++;
  }

  protected sumCounters(): { bad: number; total: number } {
    return sumErrorCounters(this.allCounter());
  }

  protected isBadCompletion(_rtMs: number, err: Error | null): boolean {
    return err !== null;
  }

  protected failedProbeSnapshot(): unknown {
    return 1;
  }

  protected tripSnapshot({ bad }: { bad: number; total: number }): unknown {
    return bad >= this.errorCountThreshold ? bad : undefined;
  }
}

function sumErrorCounters(counters: ErrorCounter[]): { bad: number; total: number } {
  let bad = 0;
  let total = 0;
  for (const c of counters) {
    bad += c.errorCount;
    total += c.totalCount;
  }
  return { bad, total };
}

/**
 * Builds the breaker for a rule (the rule manager's generators). Throws for a rule that Sentinel's
 * IsValidRule rejects: LoadRules would skip such a rule and there would be no breaker.
 */
export function newCircuitBreaker(rule: Rule, env: SentinelEnv): SentinelCircuitBreaker {
  const invalid = isValidRule(rule);
  if (invalid) throw invalid;
  const bucketCount = getRuleStatSlidingWindowBucketCount(rule);
  const now = currentTimeMillis(env);
  if (rule.strategy === SlowRequestRatio) {
    return new SlowRtCircuitBreaker(rule, unwrap(LeapArray.create(bucketCount, rule.statIntervalMs, slowRequestGenerator, now)), env);
  }
  const stat = unwrap(LeapArray.create(bucketCount, rule.statIntervalMs, errorCounterGenerator, now));
  return rule.strategy === ErrorRatio ? new ErrorRatioCircuitBreaker(rule, stat, env) : new ErrorCountCircuitBreaker(rule, stat, env);
}

function unwrap<T>(v: T | Error): T {
  if (v instanceof Error) throw v;
  return v;
}

// ---------------------------------------------------------------- entries

/** An entry that passed; `exit` reports its RT and error to every breaker of the resource. */
export class SentinelEntry implements ExitHookRegistry {
  readonly startMs: number;
  private readonly exitHandlers: ((exit: { isBlocked(): boolean }) => void)[] = [];
  private err: Error | null = null;
  private exited = false;
  blocked = false;

  constructor(
    private readonly resource: SentinelResource,
    startMs: number,
  ) {
    this.startMs = startMs;
  }

  whenExit(handler: (exit: { isBlocked(): boolean }) => void): void {
    this.exitHandlers.push(handler);
  }

  /** sentinel.TraceError. */
  setError(err: Error): void {
    this.err = err;
  }

  /** SentinelEntry.Exit: runs once; hooks first, then (if not blocked) the completion report. */
  exit(err?: Error): void {
    if (err) this.err = err;
    if (this.exited) return;
    this.exited = true;
    const blocked = this.blocked;
    for (const h of this.exitHandlers) h({ isBlocked: () => blocked });
    if (!blocked) this.resource.onCompleted(this, this.err);
  }
}

export type EntryResult = { entry: SentinelEntry; blockedBy: null } | { entry: null; blockedBy: Rule };

/**
 * A resource with its breakers, as the circuit-breaker slots of a slot chain see it: `entry()` asks
 * every breaker in order (the first refusal blocks, and later breakers are not asked); a blocked
 * entry is exited at once, which runs the probe-rollback hooks.
 */
export class SentinelResource {
  constructor(
    readonly name: string,
    readonly breakers: SentinelCircuitBreaker[],
    private readonly env: SentinelEnv,
  ) {}

  entry(): EntryResult {
    const e = new SentinelEntry(this, currentTimeMillis(this.env));
    for (const b of this.breakers) {
      if (!b.tryPass(e)) {
        e.blocked = true;
        e.exit();
        return { entry: null, blockedBy: b.boundRule() };
      }
    }
    return { entry: e, blockedBy: null };
  }

  /** MetricStatSlot.OnCompleted: RT = now − start, in whole ms. */
  onCompleted(entry: SentinelEntry, err: Error | null): void {
    const rt = currentTimeMillis(this.env) - entry.startMs;
    for (const b of this.breakers) b.onRequestComplete(rt, err);
  }
}
