/**
 * The rate limiting algorithms side by side: one configuration, six meters with comparable limits,
 * all behind the RateMeter interface (rate-meter.ts) so a UI can feed them the same load.
 *
 * "Comparable" means: each allows `ratePerSecond` on average, and `burst` is what the bucket
 * algorithms hold (tokens for the token bucket, queue length for the leaky bucket); the window
 * algorithms allow `ratePerSecond · window` events per window, and Sentinel's LeapArray splits
 * its window into `sampleCount` buckets (Sentinel's default is 2 buckets of 500 ms).
 */

import { SECOND, type Nanos } from '../../time.ts';
import { FixedWindowMeter } from './fixed-window.ts';
import { LeakyBucketMeter } from './leaky-bucket.ts';
import { LeapArrayMeter } from './leap-array.ts';
import type { RateMeter } from './rate-meter.ts';
import { SlidingLogMeter } from './sliding-log.ts';
import { SlidingWindowCounterMeter } from './sliding-window-counter.ts';
import { TokenBucketMeter } from './token-bucket-meter.ts';

export { runSideBySide, type Admission, type Arrival, type RateMeter } from './rate-meter.ts';
export { FixedWindowMeter, LeakyBucketMeter, LeapArrayMeter, SlidingLogMeter, SlidingWindowCounterMeter, TokenBucketMeter };

export interface ComparisonParams {
  /** Average events per second every meter allows. */
  ratePerSecond: number;
  /** Token bucket size and leaky bucket queue length. */
  burst: number;
  /** Window of the window algorithms (default 1 s, Sentinel's default interval). */
  window?: Nanos;
  /** LeapArray buckets per window (default 2, Sentinel's default); must divide the window. */
  sampleCount?: number;
}

/** One meter of each kind, with comparable limits, in a fixed order. */
export function createComparisonMeters(params: ComparisonParams): RateMeter[] {
  const window = params.window ?? SECOND;
  const perWindow = Math.round((params.ratePerSecond * window) / SECOND);
  return [
    new TokenBucketMeter(params.ratePerSecond, params.burst),
    new LeakyBucketMeter(params.burst, params.ratePerSecond),
    new FixedWindowMeter(perWindow, window),
    new SlidingLogMeter(perWindow, window),
    new SlidingWindowCounterMeter(perWindow, window),
    new LeapArrayMeter(perWindow, window, params.sampleCount ?? 2),
  ];
}
