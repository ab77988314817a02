/**
 * grpc-go's connection backoff: `internal/backoff.Exponential{Config}.Backoff(retries)`, the delay a
 * ClientConn waits before reconnecting after `retries` consecutive failures (and the DNS resolver
 * before re-resolving). Ported from grpc/grpc-go at 4793ad0474669eafbd5346c8a3d098fdfa542498
 * (v1.85.0-dev): `backoff/backoff.go` (Config, DefaultConfig) and `internal/backoff/backoff.go`
 * (Exponential.Backoff). The algorithm is the one of grpc/grpc `doc/connection-backoff.md`.
 *
 * Arithmetic: every step is one float64 operation in the same order as Go, so results are
 * bit-identical to a Go build that does not fuse multiply-adds (amd64 at the default GOAMD64=v1).
 * On arm64 Go may fuse `1 + jitter*(r*2-1)` into one FMA; with jitter 0 the result is identical
 * everywhere, with jitter ≠ 0 it can differ in the last bit of the factor (≤ 1 ns of delay).
 */
import { SECOND, durationFromFloat, type Nanos } from '../../time.ts';

/** `google.golang.org/grpc/backoff.Config`. */
export interface BackoffConfig {
  /** Delay after the first failure (Go: BaseDelay). */
  readonly baseDelay: Nanos;
  /** Factor applied per further failure (Go: Multiplier). */
  readonly multiplier: number;
  /** Relative randomisation, ±jitter (Go: Jitter). */
  readonly jitter: number;
  /** Upper bound before jitter (Go: MaxDelay). */
  readonly maxDelay: Nanos;
}

/** `backoff.DefaultConfig`: the values of connection-backoff.md. */
export const DEFAULT_BACKOFF_CONFIG: BackoffConfig = Object.freeze({
  baseDelay: 1 * SECOND,
  multiplier: 1.6,
  jitter: 0.2,
  maxDelay: 120 * SECOND,
});

/** A source of uniform floats in [0, 1), standing in for Go's `rand.Float64`. */
export type RandomSource = () => number;

/**
 * The draw that makes both jitter formulas exactly neutral: `0.5*2-1` is 0 (connection backoff) and
 * `0.8 + 0.4*0.5` rounds to exactly 1 (retry backoff). Used for jitter-free timing, e.g. in replays.
 */
export const NO_JITTER: RandomSource = () => 0.5;


/**
 * `Exponential.Backoff(retries)`. Note the special case kept from Go: `retries == 0` returns
 * baseDelay exactly, without jitter and without drawing a random number. Negative `retries` skip the
 * loop and get baseDelay with jitter, as in Go.
 */
export function connectionBackoff(config: BackoffConfig, retries: number, random: RandomSource): Nanos {
  if (retries === 0) return config.baseDelay;
  let backoff = config.baseDelay;
  const max = config.maxDelay;
  // The exact loop of internal/backoff/backoff.go: multiply while below max, so a delay already at
  // the cap stops growing (and stops accumulating rounding) instead of being clamped every round.
  while (backoff < max && retries > 0) {
    backoff *= config.multiplier;
    retries--;
  }
  if (backoff > max) backoff = max;
  // Randomize so that a cluster of clients failing together does not reconnect in lockstep.
  backoff *= 1 + config.jitter * (random() * 2 - 1);
  if (backoff < 0) return 0;
  return durationFromFloat(backoff);
}

/** `internal/backoff.Exponential`: a config bound to a random source, as a ClientConn holds it. */
export class ExponentialBackoff {
  constructor(
    readonly config: BackoffConfig,
    private readonly random: RandomSource,
  ) {}

  backoff(retries: number): Nanos {
    return connectionBackoff(this.config, retries, this.random);
  }
}
