/**
 * Reference solution: grpc-go's exponential backoff (internal/backoff/backoff.go, `Exponential`,
 * with the defaults of grpc/grpc doc/connection-backoff.md), AWS-style full jitter, and a retry
 * loop that respects a deadline. Times are plain milliseconds. Randomness, the clock and sleeping
 * are injected, so every result can be tested exactly.
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
 * retries so far (0 before the first retry).
 */
export function backoff(retries: number, config: BackoffConfig = DEFAULT_CONFIG, random: Random = Math.random): number {
  // grpc-go's special case: the very first wait is baseDelay exactly, with no jitter at all.
  if (retries === 0) return config.baseDelay;

  // Multiply while still below the cap: once there, the wait stops growing.
  let wait = config.baseDelay;
  for (let n = retries; wait < config.maxDelay && n > 0; n--) wait *= config.multiplier;
  wait = Math.min(wait, config.maxDelay);

  // Spread clients that failed together so they do not come back in lockstep. The jitter is
  // applied after the cap, so a wait may reach maxDelay × (1 + jitter).
  wait *= 1 + config.jitter * (random() * 2 - 1);
  return Math.max(0, wait);
}

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniform wait in
 * [0, min(maxDelay, baseDelay × multiplier^retries)). `config.jitter` is not used.
 */
export function fullJitter(retries: number, config: BackoffConfig = DEFAULT_CONFIG, random: Random = Math.random): number {
  const ceiling = Math.min(config.maxDelay, config.baseDelay * config.multiplier ** retries);
  return random() * ceiling;
}

export interface RetryOptions {
  /** Total attempts, the first one included; at least 1. */
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
 * Calls `op` until it succeeds, and returns its result. Gives up, rethrowing the last error, when
 * the error is not retryable, when maxAttempts attempts were made, or when the next wait would
 * reach the deadline (it never starts a sleep it cannot finish in time).
 */
export async function retry<T>(op: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { maxAttempts, isRetryable = () => true, deadline } = options;
  if (!(maxAttempts >= 1)) throw new RangeError(`maxAttempts must be at least 1, got ${maxAttempts}`);

  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (error) {
      if (!isRetryable(error) || attempt >= maxAttempts) throw error;
      const wait = options.backoff(attempt - 1);
      // Waking up at or after the deadline leaves no time for the attempt: return the real error
      // now rather than a "deadline exceeded" later.
      if (deadline !== undefined && options.now() + wait >= deadline) throw error;
      await options.sleep(wait);
    }
  }
}
