/**
 * gRFC A6 client retries with retry throttling and server pushback, as grpc-go implements them.
 *
 * Sources, all grpc/grpc-go at 4793ad0474669eafbd5346c8a3d098fdfa542498 (v1.85.0-dev):
 * - `stream.go`, `csAttempt.shouldRetry` and `clientStream.withRetry/retryLocked`: the decision
 *   after a failed attempt, in the order ported below, and `clientStream.finish`, which calls
 *   `retryThrottler.successfulRPC()` only when the whole call ends without error.
 * - `clientconn.go`, `retryThrottler` (throttle, successfulRPC) and
 *   `applyServiceConfigAndBalancer`, which starts a throttler full: tokens = maxTokens,
 *   thresh = maxTokens/2.
 * - `service_config.go`, `isValidRetryPolicy`/`convertRetryPolicy` (maxAttempts ≥ 2, capped by the
 *   channel's maxCallAttempts, 5 unless `WithMaxCallAttempts` in `dialoptions.go` says otherwise)
 *   and the retryThrottling checks (maxTokens in (0, 1000], tokenRatio > 0).
 * - The retry delay `min(initialBackoff·multiplier^n, maxBackoff) · U(0.8, 1.2)` is from commit
 *   4c07bca27377feb808912b844b3fa95ad10f946b ("stream: add jitter to retry backoff in accordance
 *   with gRFC A6", #7869, first released in v1.69.0). Before it grpc-go waited `rand.Int64N(cur)`,
 *   i.e. U(0, cur), the rule of the original gRFC; the gRFC itself was changed to U(0.8, 1.2) in
 *   grpc/proposal dc9fd4fe5b94b90b82fe2833ad1d80938e6a49c1 (#452, 2024-08-29).
 * - gRFC A6, grpc/proposal `A6-client-retries.md`: throttling, pushback, the call deadline applying
 *   across all attempts, and `grpc-previous-rpc-attempts`.
 *
 * Scope: unary-shaped calls whose attempts end in one status. Transparent retries (streams the
 * server never saw), hedging and the replay-buffer limit are not modelled; "the server already sent
 * response headers" is, as `headersSent`, because it is what commits an RPC.
 */
import type { Nanos } from '../../time.ts';
import { MILLISECOND, durationFromFloat } from '../../time.ts';
import { type RandomSource } from './backoff.ts';
import type { StatusCodeName } from './status.ts';

/** grpc-go's `defaultMaxCallAttempts` (dialoptions.go): the client-side cap on maxAttempts. */
export const DEFAULT_MAX_CALL_ATTEMPTS = 5;

/** The grpc-go limit on `retryThrottling.maxTokens` (service_config.go). */
export const MAX_THROTTLING_TOKENS = 1000;

/** The retry policy of a method, as written in a service config (durations already in Nanos). */
export interface RetryPolicySpec {
  readonly maxAttempts: number;
  readonly initialBackoff: Nanos;
  readonly maxBackoff: Nanos;
  readonly backoffMultiplier: number;
  readonly retryableStatusCodes: readonly StatusCodeName[];
}

/** A validated policy, as grpc-go holds it (`internal/serviceconfig.RetryPolicy`). */
export interface RetryPolicy {
  /** Already capped by the channel's maxCallAttempts. */
  readonly maxAttempts: number;
  readonly initialBackoff: Nanos;
  readonly maxBackoff: Nanos;
  readonly backoffMultiplier: number;
  readonly retryableStatusCodes: ReadonlySet<StatusCodeName>;
}

export interface RetryThrottlingSpec {
  readonly maxTokens: number;
  readonly tokenRatio: number;
}

/** A service config grpc-go would reject (its parse error, reworded). */
export class InvalidRetryConfigError extends Error {
  override name = 'InvalidRetryConfigError';
}

/**
 * `isValidRetryPolicy` + `convertRetryPolicy`. `maxCallAttempts` is the channel option
 * `WithMaxCallAttempts(n)`, where n < 2 means the default 5: a service owner may ask for more
 * attempts, but the client never makes more than its own cap (gRFC A6, "Limits on Retries").
 */
export function makeRetryPolicy(spec: RetryPolicySpec, maxCallAttempts = DEFAULT_MAX_CALL_ATTEMPTS): RetryPolicy {
  if (!Number.isInteger(spec.maxAttempts)) throw new InvalidRetryConfigError('maxAttempts must be an integer');
  if (
    !(spec.maxAttempts > 1) ||
    !(spec.initialBackoff > 0) ||
    !(spec.maxBackoff > 0) ||
    !(spec.backoffMultiplier > 0) ||
    spec.retryableStatusCodes.length === 0
  ) {
    throw new InvalidRetryConfigError(
      'invalid retry policy: needs maxAttempts > 1, initialBackoff, maxBackoff and backoffMultiplier > 0, ' +
        'and at least one retryable status code',
    );
  }
  const cap = maxCallAttempts < 2 ? DEFAULT_MAX_CALL_ATTEMPTS : Math.trunc(maxCallAttempts);
  return {
    maxAttempts: Math.min(spec.maxAttempts, cap),
    initialBackoff: spec.initialBackoff,
    maxBackoff: spec.maxBackoff,
    backoffMultiplier: spec.backoffMultiplier,
    retryableStatusCodes: new Set(spec.retryableStatusCodes),
  };
}

/** The validation of `parseServiceConfig` for `retryThrottling`. */
export function validateRetryThrottling(spec: RetryThrottlingSpec): RetryThrottlingSpec {
  if (!(spec.maxTokens > 0 && spec.maxTokens <= MAX_THROTTLING_TOKENS)) {
    throw new InvalidRetryConfigError(`invalid retry throttling config: maxTokens (${spec.maxTokens}) out of range (0, 1000]`);
  }
  if (!(spec.tokenRatio > 0)) {
    throw new InvalidRetryConfigError(`invalid retry throttling config: tokenRatio (${spec.tokenRatio}) may not be negative`);
  }
  return spec;
}

/**
 * `retryThrottler` of clientconn.go: one per channel, shared by every call on it. Tokens start full;
 * a failure that counts (see `simulateCall`) takes 1, a successful call gives back tokenRatio, and
 * retries are refused while tokens ≤ maxTokens/2, so a failing backend stops seeing retry storms.
 */
export class RetryThrottler {
  readonly maxTokens: number;
  readonly threshold: number;
  readonly tokenRatio: number;
  private current: number;

  constructor(spec: RetryThrottlingSpec) {
    validateRetryThrottling(spec);
    this.maxTokens = spec.maxTokens;
    this.threshold = spec.maxTokens / 2;
    this.tokenRatio = spec.tokenRatio;
    this.current = spec.maxTokens;
  }

  get tokens(): number {
    return this.current;
  }

  /** Counts one failure; true means "do not retry" (`throttle()`). */
  throttle(): boolean {
    this.current--;
    if (this.current < 0) this.current = 0;
    return this.current <= this.threshold;
  }

  /** Counts one successful call (`successfulRPC()`). */
  successfulRPC(): void {
    this.current += this.tokenRatio;
    if (this.current > this.maxTokens) this.current = this.maxTokens;
  }
}

/**
 * The delay before the next retry when the server sent no pushback, `n` being the number of
 * retries since the last pushback (`cs.numRetriesSincePushback`):
 * `int64(min(initialBackoff·multiplier^n, maxBackoff) · (0.8 + 0.4·rand))`, in float64 with Go's
 * `math.Pow`, so the result is bit-identical to grpc-go's on amd64 (see `goPowInt`).
 */
export function retryBackoff(policy: RetryPolicy, retriesSincePushback: number, random: RandomSource): Nanos {
  const fact = goPowInt(policy.backoffMultiplier, retriesSincePushback);
  let cur = Math.min(policy.initialBackoff * fact, policy.maxBackoff);
  cur *= 0.8 + 0.4 * random();
  return durationFromFloat(cur);
}

/** What the server (or the network) answered to one attempt. */
export interface ServerReply {
  readonly code: StatusCodeName;
  /**
   * The `grpc-retry-pushback-ms` trailer, raw: one value, or several (which grpc-go treats as "do
   * not retry"). Absent means no pushback.
   */
  readonly pushback?: string | readonly string[];
  /** How long the attempt took, from its start to its status (default 0). */
  readonly latency?: Nanos;
  /** The server sent response headers before the status: the RPC is committed, never retried. */
  readonly headersSent?: boolean;
}

/** What the server sees of an attempt. */
export interface AttemptContext {
  /** The `grpc-previous-rpc-attempts` header: 0 for the original attempt, then 1, 2, ... */
  readonly previousAttempts: number;
  readonly startAt: Nanos;
}

export type AttemptHandler = (attempt: AttemptContext) => ServerReply;

/** Why a call stopped after an attempt, or `retry` when it went on. */
export type AttemptOutcome =
  | 'ok'
  | 'retry'
  | 'committed'
  | 'pushback-abort'
  | 'non-retryable'
  | 'throttled'
  | 'max-attempts'
  | 'deadline';

export interface AttemptRecord {
  readonly previousAttempts: number;
  readonly startAt: Nanos;
  /** When the client saw the status: start + latency, or the deadline if that came first. */
  readonly endAt: Nanos;
  /** The status the client saw (DEADLINE_EXCEEDED when the deadline cut the attempt). */
  readonly code: StatusCodeName;
  /** The server's answer, even when the deadline hid it from the client. */
  readonly reply: ServerReply;
  readonly outcome: AttemptOutcome;
  /** The wait chosen before the next attempt: outcome `retry`, or `deadline` when it would pass the deadline. */
  readonly delay?: Nanos;
  /** Throttle tokens right after this attempt was judged (null without throttling). */
  readonly tokensAfter: number | null;
}

export interface CallResult {
  readonly code: StatusCodeName;
  readonly attempts: readonly AttemptRecord[];
  /** The waits between attempts, in order (attempts.length - 1 of them, or fewer at a deadline). */
  readonly delays: readonly Nanos[];
  readonly endAt: Nanos;
  /** Why the call ended: the outcome of its last attempt, or `deadline` if none was made. */
  readonly outcome: Exclude<AttemptOutcome, 'retry'>;
  /** Throttle tokens after the call (null without throttling). */
  readonly tokens: number | null;
}

export interface CallOptions {
  /** When the call starts (default 0). */
  readonly start?: Nanos;
  /** The call's absolute deadline; it applies across all attempts. Undefined: no deadline. */
  readonly deadline?: Nanos;
  readonly random: RandomSource;
  /** The channel's throttler, shared across calls; null or undefined: no retryThrottling. */
  readonly throttler?: RetryThrottler | null;
}

/**
 * One client call: attempts against `server` until one of grpc-go's stop conditions, in virtual time.
 * `policy` null means the method has no retry policy (every failure is final).
 *
 * After a failed attempt, in the order of `csAttempt.shouldRetry`:
 *  1. committed (response headers seen): stop, throttle untouched;
 *  2. pushback present but negative, unparsable or repeated: count a throttle failure, stop;
 *  3. no policy or code not retryable: stop, throttle untouched;
 *  4. count a throttle failure; at or below the threshold: stop (throttled);
 *  5. attempts used up: stop (so the last retryable failure still costs a token);
 *  6. wait the pushback, which resets the exponential backoff, or the backoff;
 *  7. a wait reaching the deadline ends the call with DEADLINE_EXCEEDED.
 * The call deadline also cuts an attempt that would end at or after it: the client sees
 * DEADLINE_EXCEEDED (trailers-only, no pushback, headers assumed to travel with the status), which
 * costs a token only if DEADLINE_EXCEEDED is retryable, and the call ends there.
 */
export function simulateCall(policy: RetryPolicy | null, server: AttemptHandler, options: CallOptions): CallResult {
  const throttler = options.throttler ?? null;
  const deadline = options.deadline;
  const tokens = (): number | null => (throttler ? throttler.tokens : null);
  const attempts: AttemptRecord[] = [];
  const delays: Nanos[] = [];
  let now = options.start ?? 0;
  let numRetries = 0;
  let retriesSincePushback = 0;

  const finish = (code: StatusCodeName, outcome: CallResult['outcome']): CallResult => {
    if (code === 'OK') throttler?.successfulRPC();
    return { code, attempts, delays, endAt: now, outcome, tokens: tokens() };
  };

  // A call whose deadline has already passed fails before any attempt reaches the server.
  if (deadline !== undefined && now >= deadline) return finish('DEADLINE_EXCEEDED', 'deadline');

  for (;;) {
    const startAt = now;
    const reply = server({ previousAttempts: numRetries, startAt });
    const arrival = startAt + Math.max(0, reply.latency ?? 0);
    const cutByDeadline = deadline !== undefined && arrival >= deadline;
    now = cutByDeadline ? (deadline as Nanos) : arrival;
    const seen: ServerReply = cutByDeadline ? { code: 'DEADLINE_EXCEEDED' } : reply;
    const record = (outcome: AttemptOutcome, delay?: Nanos): void => {
      const base = { previousAttempts: numRetries, startAt, endAt: now, code: seen.code, reply, outcome };
      attempts.push({ ...base, ...(delay === undefined ? {} : { delay }), tokensAfter: tokens() });
    };
    const stop = (outcome: Exclude<AttemptOutcome, 'retry'>): CallResult => {
      record(outcome);
      return finish(seen.code, outcome);
    };

    if (seen.code === 'OK') return stop('ok');
    if (cutByDeadline) {
      // shouldRetry still runs on the client's DEADLINE_EXCEEDED: if that code is retryable the
      // failure costs a token, then the expired context ends the call whatever else is decided.
      if (policy?.retryableStatusCodes.has('DEADLINE_EXCEEDED')) throttler?.throttle();
      return stop('deadline');
    }
    if (seen.headersSent) return stop('committed');

    const pushback = parsePushback(seen.pushback);
    if (pushback.kind === 'abort') {
      throttler?.throttle(); // grpc-go: "This counts as a failure for throttling."
      return stop('pushback-abort');
    }
    if (!policy || !policy.retryableStatusCodes.has(seen.code)) return stop('non-retryable');
    // Only now, with a retryable code, does the failure count for throttling.
    if (throttler?.throttle()) return stop('throttled');
    if (numRetries + 1 >= policy.maxAttempts) return stop('max-attempts');

    let delay: Nanos;
    if (pushback.kind === 'delay') {
      delay = pushback.delay;
      retriesSincePushback = 0;
    } else {
      delay = retryBackoff(policy, retriesSincePushback, options.random);
      retriesSincePushback++;
    }
    // A timer with a negative duration fires at once.
    const nextStart = now + Math.max(0, delay);
    if (deadline !== undefined && nextStart >= deadline) {
      record('deadline', delay);
      now = deadline;
      return finish('DEADLINE_EXCEEDED', 'deadline');
    }
    record('retry', delay);
    delays.push(delay);
    now = nextStart;
    numRetries++;
  }
}

/** A retry policy plus the throttler of one channel: calls made through it share the tokens. */
export class RetryingChannel {
  readonly throttler: RetryThrottler | null;

  constructor(
    readonly policy: RetryPolicy | null,
    throttling: RetryThrottlingSpec | null,
    private readonly random: RandomSource,
  ) {
    this.throttler = throttling ? new RetryThrottler(throttling) : null;
  }

  call(server: AttemptHandler, options: { start?: Nanos; deadline?: Nanos } = {}): CallResult {
    return simulateCall(this.policy, server, { ...options, random: this.random, throttler: this.throttler });
  }
}

type Pushback = { kind: 'none' } | { kind: 'abort' } | { kind: 'delay'; delay: Nanos };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The `grpc-retry-pushback-ms` trailer as shouldRetry reads it: exactly one value, parsed by
 * `strconv.Atoi` (optional sign, decimal digits, int64 range), not negative. The delay is
 * `time.Millisecond * time.Duration(ms)`, an int64 product that wraps on overflow as in Go.
 */
export function parsePushback(values: string | readonly string[] | undefined): Pushback {
  if (values === undefined) return { kind: 'none' };
  const list = typeof values === 'string' ? [values] : values;
  if (list.length === 0) return { kind: 'none' };
  const [only] = list;
  if (list.length > 1 || only === undefined || !/^[+-]?[0-9]+$/.test(only)) return { kind: 'abort' };
  const ms = BigInt(only);
  if (ms < INT64_MIN || ms > INT64_MAX || ms < 0n) return { kind: 'abort' };
  return { kind: 'delay', delay: Number(BigInt.asIntN(64, ms * BigInt(MILLISECOND))) };
}

/**
 * Go's `math.Pow(x, float64(n))` for an integer n ≥ 0 (`math/pow.go`, which amd64 and arm64 run in
 * pure Go): repeated squaring of Frexp's mantissa with the binary exponent kept apart, then Ldexp.
 * `Math.pow` is not specified to the last bit, and V8's differs from Go's for some inputs, which
 * would shift a retry delay by a nanosecond. Non-finite or zero x take `Math.pow`, whose special
 * cases agree with Go's.
 */
export function goPowInt(x: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`goPowInt: exponent must be a non-negative integer, got ${n}`);
  if (n === 0 || x === 1) return 1;
  if (n === 1) return x;
  if (!Number.isFinite(x) || x === 0) return Math.pow(x, n);
  let a1 = 1;
  let ae = 0;
  let [x1, xe] = frexp(x);
  for (let i = n; i !== 0; i = Math.floor(i / 2)) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      // The exponent alone already over- or underflows; Ldexp turns it into Inf or 0.
      ae += xe;
      break;
    }
    if (i % 2 === 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe *= 2;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  return ldexp(a1, ae);
}

const bits = new DataView(new ArrayBuffer(8));
const EXPONENT_MASK = 0x7ff;
const BIAS = 1023;
const SMALLEST_NORMAL = 2 ** -1022;

/** The biased exponent field of f (bits 52..62). */
function exponentField(f: number): number {
  bits.setFloat64(0, f);
  return (bits.getUint32(0) >>> 20) & EXPONENT_MASK;
}

/** f with its exponent field replaced, sign and mantissa kept (Go's `x &^= mask<<shift; x |= e<<shift`). */
function withExponentField(f: number, field: number): number {
  bits.setFloat64(0, f);
  const high = bits.getUint32(0);
  bits.setUint32(0, ((high & ~(EXPONENT_MASK << 20)) | (field << 20)) >>> 0);
  return bits.getFloat64(0);
}

/** Go's `normalize`: scales a subnormal into the normal range. */
function normalize(f: number): [number, number] {
  return Math.abs(f) < SMALLEST_NORMAL ? [f * 2 ** 52, -52] : [f, 0];
}

/** Go's `math.frexp` for finite non-zero f: f = frac · 2^exp with |frac| in [0.5, 1). */
function frexp(f: number): [number, number] {
  const [g, e] = normalize(f);
  const exp = e + exponentField(g) - BIAS + 1;
  return [withExponentField(g, BIAS - 1), exp];
}

/** Go's `math.ldexp`: frac · 2^exp, with its rounding for subnormal results. */
function ldexp(frac: number, exp: number): number {
  if (frac === 0 || !Number.isFinite(frac)) return frac;
  const [g, e] = normalize(frac);
  exp += e + exponentField(g) - BIAS;
  if (exp < -1075) return g < 0 ? -0 : 0;
  if (exp > 1023) return g < 0 ? -Infinity : Infinity;
  let m = 1;
  if (exp < -1022) {
    exp += 53;
    m = 2 ** -53;
  }
  return m * withExponentField(g, exp + BIAS);
}
