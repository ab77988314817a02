/**
 * x/time/rate's token bucket (token-bucket.ts) behind the RateMeter interface, deciding with
 * `AllowN`: a request that finds too few tokens is rejected, not delayed.
 */

import type { Nanos } from '../../time.ts';
import { checkEvents, type Admission, type RateMeter } from './rate-meter.ts';
import { Limiter, type Limit } from './token-bucket.ts';

export class TokenBucketMeter implements RateMeter {
  readonly kind = 'token-bucket';
  readonly limiter: Limiter;

  /** `limit` events per second, at most `burst` at once; the bucket starts full. */
  constructor(limit: Limit, burst: number) {
    this.limiter = new Limiter(limit, burst);
  }

  get capacity(): number {
    return this.limiter.burst;
  }

  tryAcquire(t: Nanos, n: number): Admission {
    checkEvents(n);
    const allowed = this.limiter.allowN(t, n);
    return { allowed, delay: 0, used: this.limiter.burst - this.limiter.tokensAt(t) };
  }
}
