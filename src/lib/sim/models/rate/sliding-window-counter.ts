/**
 * A sliding window counter: two fixed-window counters, the current and the previous one, and an
 * estimate of the events in the last `window` that weights the previous count by how much of the
 * previous window still overlaps it:
 *
 *   estimate(t) = previous · (window - (t - currentStart)) / window + current
 *
 * (Cloudflare's formulation). Constant memory like a fixed window, without its 2× boundary burst;
 * the price is that it assumes the previous window's events were spread evenly.
 */

import type { Nanos } from '../../time.ts';
import { checkEvents, checkTime, checkWindow, windowStartOf, type Admission, type RateMeter } from './rate-meter.ts';

export class SlidingWindowCounterMeter implements RateMeter {
  readonly kind = 'sliding-window-counter';
  private currentStart: Nanos | undefined;
  private current = 0;
  private previous = 0;

  constructor(
    readonly limit: number,
    readonly window: Nanos,
  ) {
    checkWindow(window);
  }

  get capacity(): number {
    return this.limit;
  }

  /** The estimated number of events in (t - window, t], without recording anything. */
  estimateAt(t: Nanos): number {
    const { start, current, previous } = this.windowsAt(t);
    // Before the window's start (the clock went back) the whole previous window still counts.
    const remaining = this.window - Math.max(0, t - start);
    return (previous * remaining) / this.window + current;
  }

  tryAcquire(t: Nanos, n: number): Admission {
    checkTime(t);
    checkEvents(n);
    const windows = this.windowsAt(t);
    this.currentStart = windows.start;
    this.current = windows.current;
    this.previous = windows.previous;
    const estimate = this.estimateAt(t);
    const allowed = estimate + n <= this.limit;
    if (allowed) this.current += n;
    return { allowed, delay: 0, used: allowed ? estimate + n : estimate };
  }

  /** The counters as they stand at `t`, rolled forward if `t` is in a later window. */
  private windowsAt(t: Nanos): { start: Nanos; current: number; previous: number } {
    const start = windowStartOf(t, this.window);
    if (this.currentStart === undefined) return { start, current: 0, previous: 0 };
    if (start === this.currentStart + this.window) return { start, current: 0, previous: this.current };
    if (start > this.currentStart) return { start, current: 0, previous: 0 };
    // Same window, or the clock went back into an earlier one: keep counting against the latest
    // window rather than forget events (errs on the side of rejecting).
    return { start: this.currentStart, current: this.current, previous: this.previous };
  }
}
