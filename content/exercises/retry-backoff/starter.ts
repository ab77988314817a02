/**
 * Exponential backoff with jitter (grpc-go's internal/backoff `Exponential`), full jitter, and a
 * retry loop with a deadline. Times are milliseconds (plain numbers); randomness, the clock and
 * sleeping are injected.
 */

/** grpc-go's `backoff.Config`, in milliseconds. */
export interface BackoffConfig {
  /** Wait after the first failure. */
  baseDelay: number;
  /** Factor applied for each further failure. */
  multiplier: number;
  /** Relative randomisation: the wait is multiplied by a factor in [1 − jitter, 1 + jitter). */
  jitter: number;
  /** Upper bound on the wait before jitter is applied. */
  maxDelay: number;
}

/** grpc-go's `backoff.DefaultConfig`: 1 s, ×1.6, ±20 %, at most 120 s. */
export const DEFAULT_CONFIG: BackoffConfig = { baseDelay: 1000, multiplier: 1.6, jitter: 0.2, maxDelay: 120_000 };

/** A source of uniform numbers in [0, 1), like Go's `rand.Float64` or `Math.random`. */
export type Random = () => number;

/**
 * grpc-go's `Exponential.Backoff(retries)`: the wait before the next attempt after `retries`
 * retries so far (0 before the first retry). retries 0 returns baseDelay exactly; otherwise
 * min(baseDelay × multiplier^retries, maxDelay) × (1 + jitter × (random() × 2 − 1)), never below 0.
 */
export function backoff(_retries: number, _config: BackoffConfig = DEFAULT_CONFIG, _random: Random = Math.random): number {
  throw new Error('not implemented');
}

/** Full jitter: random() × min(maxDelay, baseDelay × multiplier^retries). `config.jitter` is not used. */
export function fullJitter(_retries: number, _config: BackoffConfig = DEFAULT_CONFIG, _random: Random = Math.random): number {
  throw new Error('not implemented');
}

export interface RetryOptions {
  /** Total attempts, the first one included; at least 1 (otherwise reject with a RangeError). */
  maxAttempts: number;
  /** The wait before the next attempt, given the number of retries made so far (0 first). */
  backoff: (retries: number) => number;
  /** Whether an error is worth another attempt; by default every error is. */
  isRetryable?: (error: unknown) => boolean;
  /** The current time in ms. */
  now: () => number;
  /** Resolves after `ms` milliseconds. */
  sleep: (ms: number) => Promise<void>;
  /** Absolute time (on the `now` clock) after which no attempt may start; none when unset. */
  deadline?: number;
}

/**
 * Calls `op(attempt)` (attempt = 1, 2, …) until it succeeds, and returns its result. Gives up,
 * rethrowing the last error, when the error is not retryable, when maxAttempts attempts were made,
 * or when now() + the next wait would reach the deadline.
 */
export async function retry<T>(_op: (attempt: number) => Promise<T>, _options: RetryOptions): Promise<T> {
  throw new Error('not implemented');
}
