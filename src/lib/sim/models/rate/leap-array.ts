/**
 * Sentinel's bucketed sliding window: a LeapArray of `sampleCount` buckets, each counting the events
 * passed in `interval / sampleCount`, reused in a ring; a request passes if the buckets of the last
 * `interval` hold at most `threshold - n` events (the "reject" flow control strategy).
 *
 * Source: github.com/alibaba/sentinel-golang at commit f7a7f9575711440e3e00055c2cf2009d9c15d595:
 * `core/stat/base/leap_array.go` (NewAtomicBucketWrapArrayWithTime, currentBucketOfTime,
 * calculateTimeIdx, isBucketDeprecated, ValuesConditional), `core/stat/base/sliding_window_metric.go`
 * (getBucketStartRange, getSatisfiedBuckets) and `core/flow/tc_default.go`
 * (RejectTrafficShapingChecker.DoCheck: blocked if passCount + batchCount > threshold).
 *
 * Kept from Sentinel: the ring index `(t / bucketLength) % sampleCount`; the initial buckets, which
 * start at the creation time's bucket and run *forward* around the ring; resetting a bucket when its
 * slot comes round again; the window of buckets whose start is in
 * [currentStart - interval + bucketLength, currentStart]; and, when the clock goes back behind a
 * slot's bucket, dropping the count (Sentinel's currentBucketOfTime returns an error and the pass is
 * not recorded), except with one bucket, which is reused.
 * Changed: times are Nanos, not milliseconds, and may start at 0 (Sentinel refuses now <= 0, a
 * guard meant for wall-clock epoch milliseconds); they must not be negative (Sentinel's are uint64).
 */

import type { Nanos } from '../../time.ts';
import { checkEvents, checkTime, type Admission, type RateMeter } from './rate-meter.ts';

interface Bucket {
  start: Nanos;
  passed: number;
}

export class LeapArrayMeter implements RateMeter {
  readonly kind = 'leap-array';
  readonly bucketLength: Nanos;
  private readonly buckets: Bucket[];

  /**
   * `threshold` events per `interval`, counted in `sampleCount` buckets; the array is created at
   * `createdAt` (Sentinel uses the current time).
   */
  constructor(
    readonly threshold: number,
    readonly interval: Nanos,
    readonly sampleCount: number,
    createdAt: Nanos = 0,
  ) {
    if (!Number.isSafeInteger(sampleCount) || sampleCount <= 0 || !Number.isSafeInteger(interval) || interval <= 0 || interval % sampleCount !== 0) {
      // NewLeapArray's check: "Invalid parameters, intervalInMs is %d, sampleCount is %d".
      throw new RangeError(`invalid parameters, interval is ${interval}, sampleCount is ${sampleCount}`);
    }
    checkNonNegativeTime(createdAt);
    this.bucketLength = interval / sampleCount;
    this.buckets = initialBuckets(sampleCount, this.bucketLength, createdAt);
  }

  get capacity(): number {
    return this.threshold;
  }

  /** The events passed in the window ending at `t` (Sentinel's GetSum(MetricEventPass)). */
  passedAt(t: Nanos): number {
    checkNonNegativeTime(t);
    const end = bucketStartOf(t, this.bucketLength);
    const start = end - this.interval + this.bucketLength;
    let sum = 0;
    for (const bucket of this.buckets) {
      if (this.isDeprecated(t, bucket)) continue;
      if (bucket.start >= start && bucket.start <= end) sum += bucket.passed;
    }
    return sum;
  }

  tryAcquire(t: Nanos, n: number): Admission {
    checkNonNegativeTime(t);
    checkEvents(n);
    const passed = this.passedAt(t);
    if (passed + n > this.threshold) return { allowed: false, delay: 0, used: passed };
    const bucket = this.currentBucket(t);
    if (bucket) bucket.passed += n;
    return { allowed: true, delay: 0, used: this.passedAt(t) };
  }

  /** Sentinel's currentBucketOfTime: the bucket for `t`, reset if its slot held an older one. */
  private currentBucket(t: Nanos): Bucket | undefined {
    const index = Math.floor(t / this.bucketLength) % this.sampleCount;
    const start = bucketStartOf(t, this.bucketLength);
    const old = this.buckets[index];
    if (!old) return undefined;
    if (start === old.start) return old;
    if (start > old.start) {
      old.start = start;
      old.passed = 0;
      return old;
    }
    // The clock went back behind this slot's bucket: Sentinel reports an error and the pass is not
    // counted, except with a single bucket, which it reuses.
    return this.sampleCount === 1 ? old : undefined;
  }

  /**
   * Sentinel's isBucketDeprecated: `(now - ws) > interval` in uint64, so a bucket that starts after
   * `now` wraps around to a huge age and is deprecated too.
   */
  private isDeprecated(t: Nanos, bucket: Bucket): boolean {
    return bucket.start > t || t - bucket.start > this.interval;
  }
}

function bucketStartOf(t: Nanos, bucketLength: Nanos): Nanos {
  return t - (t % bucketLength);
}

/**
 * NewAtomicBucketWrapArrayWithTime: the slot of the creation time gets its bucket, and the slots
 * after it (wrapping round) get the following buckets, which lie in the future until time reaches them.
 */
function initialBuckets(sampleCount: number, bucketLength: Nanos, now: Nanos): Bucket[] {
  const first = Math.floor(now / bucketLength) % sampleCount;
  let start = bucketStartOf(now, bucketLength);
  const buckets = new Array<Bucket>(sampleCount);
  for (let k = 0; k < sampleCount; k++) {
    buckets[(first + k) % sampleCount] = { start, passed: 0 };
    start += bucketLength;
  }
  return buckets;
}

function checkNonNegativeTime(t: Nanos): void {
  checkTime(t);
  if (t < 0) throw new RangeError(`Sentinel's times are unsigned: got ${t}`);
}
