/**
 * A leaky bucket as a meter: a FIFO queue of at most `capacity` events, drained at a constant
 * `ratePerSecond`. A request is admitted if its events fit in the queue, and then waits until the
 * events ahead of it have drained: that wait is its `delay`. Unlike a token bucket, it never lets a
 * burst through at once; it smooths the output to the drain rate and turns bursts into latency.
 *
 * Time is kept in integer Nanos: one event drains every `emissionInterval` = time.Second / rate
 * truncated to whole nanoseconds (as uber-go/ratelimit's `perRequest`), so the bookkeeping is exact
 * and a full queue is never misjudged by float rounding.
 */

import { SECOND, durationFromFloat, type Nanos } from '../../time.ts';
import { checkEvents, checkTime, type Admission, type RateMeter } from './rate-meter.ts';

export class LeakyBucketMeter implements RateMeter {
  readonly kind = 'leaky-bucket';
  /** Nanoseconds to drain one event. */
  readonly emissionInterval: Nanos;
  /** When the queue will be empty; at or before now means it is empty now. */
  private drainedAt: Nanos = Number.NEGATIVE_INFINITY;

  constructor(
    readonly capacity: number,
    readonly ratePerSecond: number,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a non-negative integer, got ${capacity}`);
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`ratePerSecond must be positive, got ${ratePerSecond}`);
    this.emissionInterval = Math.max(1, durationFromFloat(SECOND / ratePerSecond));
  }

  /** The queue's length at `t`, in events (fractional while the head event is draining). */
  queuedAt(t: Nanos): number {
    return this.backlogAt(t) / this.emissionInterval;
  }

  tryAcquire(t: Nanos, n: number): Admission {
    checkTime(t);
    checkEvents(n);
    const backlog = this.backlogAt(t);
    // Compare in nanoseconds of work, all integers: no rounding can let a full queue overflow.
    if (backlog + n * this.emissionInterval > this.capacity * this.emissionInterval) {
      return { allowed: false, delay: 0, used: backlog / this.emissionInterval };
    }
    const start = t + backlog;
    this.drainedAt = start + n * this.emissionInterval;
    return { allowed: true, delay: backlog, used: this.queuedAt(t) };
  }

  /** Nanoseconds of queued work at `t`. If the clock went backwards, the queue looks fuller, never emptier. */
  private backlogAt(t: Nanos): Nanos {
    return Math.max(0, this.drainedAt - t);
  }
}
