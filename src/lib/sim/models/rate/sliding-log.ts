/**
 * A sliding log: remembers the time of every admitted event and admits a request if, with it, at
 * most `limit` events fall in the last `window` (the half-open interval (t - window, t]). Exact, but
 * memory grows with the limit; the usual Redis form is a sorted set per client
 * (ZREMRANGEBYSCORE older than t - window, then ZCARD).
 */

import type { Nanos } from '../../time.ts';
import { checkEvents, checkTime, checkWindow, type Admission, type RateMeter } from './rate-meter.ts';

interface Entry {
  t: Nanos;
  n: number;
}

export class SlidingLogMeter implements RateMeter {
  readonly kind = 'sliding-log';
  /** Admitted requests, in arrival order. */
  private log: Entry[] = [];
  private logged = 0;

  constructor(
    readonly limit: number,
    readonly window: Nanos,
  ) {
    checkWindow(window);
  }

  get capacity(): number {
    return this.limit;
  }

  tryAcquire(t: Nanos, n: number): Admission {
    checkTime(t);
    checkEvents(n);
    this.evictOlderThan(t - this.window);
    const allowed = this.logged + n <= this.limit;
    if (allowed && n > 0) {
      this.log.push({ t, n });
      this.logged += n;
    }
    return { allowed, delay: 0, used: this.logged };
  }

  /**
   * Forgets the events at or before `cutoff`. Like ZREMRANGEBYSCORE, it removes by time, not by
   * position: after the clock jumps back, events "in the future" stay and keep counting.
   */
  private evictOlderThan(cutoff: Nanos): void {
    if (this.log.every((entry) => entry.t > cutoff)) return;
    this.log = this.log.filter((entry) => entry.t > cutoff);
    this.logged = this.log.reduce((sum, entry) => sum + entry.n, 0);
  }
}
