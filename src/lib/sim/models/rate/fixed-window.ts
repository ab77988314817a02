/**
 * A fixed window counter: at most `limit` events in each window [k·window, (k+1)·window). Cheap (one
 * counter), but a burst at the end of one window and another at the start of the next let through
 * up to 2·limit events within one window's length: the boundary problem the sliding variants fix.
 */

import type { Nanos } from '../../time.ts';
import { checkEvents, checkTime, checkWindow, windowStartOf, type Admission, type RateMeter } from './rate-meter.ts';

export class FixedWindowMeter implements RateMeter {
  readonly kind = 'fixed-window';
  private windowStart: Nanos | undefined;
  private count = 0;

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
    const start = windowStartOf(t, this.window);
    // A different window starts a fresh count. (Also when the clock jumps back into an earlier
    // window: only the current window's counter is kept, as with one expiring key per window.)
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.count = 0;
    }
    const allowed = this.count + n <= this.limit;
    if (allowed) this.count += n;
    return { allowed, delay: 0, used: this.count };
  }
}
