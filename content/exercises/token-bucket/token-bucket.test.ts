// Cases follow golang/time rate/rate_test.go (v0.16.0): TestSimultaneousRequests, TestLimiterBurst1,
// TestLimiterBurst3, TestLimiterJumpBackwards, TestZeroLimit, TestTinyLimit, TestWaitInf,
// TestSimpleReserve, TestMix, TestCancelInvalid, TestCancelLast, TestCancelTooLate,
// TestCancel1Token and TestCancelMulti, with Go's d = 100 ms written as plain milliseconds; and the
// worked example "10 per second, burst 5" of the rate-limiting lesson.
import { describe, it, expect } from 'vitest';
import { Inf, Limiter } from './token-bucket';

/** Calls allowN(now, n) `times` times and returns how many were allowed. */
function countAllowed(lim: Limiter, now: number, times: number, n = 1): number {
  let ok = 0;
  for (let i = 0; i < times; i++) if (lim.allowN(now, n)) ok++;
  return ok;
}

describe('Task 1: Spend tokens from a full bucket', () => {
  it('a new limiter starts full: 5 of 20 simultaneous requests pass with burst 5', () => {
    const lim = new Limiter(10, 5);
    expect(lim.tokensAt(0)).toBe(5);
    expect(countAllowed(lim, 0, 20)).toBe(5);
    expect(lim.tokensAt(0)).toBe(0);
  });

  it('allowN takes n tokens at once and fails without spending when fewer are left', () => {
    const lim = new Limiter(10, 3);
    expect(lim.allowN(0, 2)).toBe(true);
    expect(lim.allowN(0, 2)).toBe(false); // only 1 left, and it is not taken
    expect(lim.tokensAt(0)).toBe(1);
    expect(lim.allowN(0, 1)).toBe(true);
    expect(lim.allowN(0, 1)).toBe(false);
  });

  it('n larger than burst never passes, however long the bucket refills', () => {
    const lim = new Limiter(10, 1);
    expect(lim.allowN(0, 2)).toBe(false);
    expect(lim.tokensAt(0)).toBe(1);
    expect(lim.allowN(60_000, 2)).toBe(false);
    expect(lim.allowN(60_000, 1)).toBe(true);
  });

  it('allowN(now, 0) succeeds even with an empty bucket', () => {
    const lim = new Limiter(10, 2);
    expect(lim.allowN(0, 2)).toBe(true);
    expect(lim.allowN(0, 0)).toBe(true);
    expect(lim.tokensAt(0)).toBe(0);
  });
});

describe('Task 2: Refill lazily', () => {
  it('follows the worked example: limit 10/s, burst 5', () => {
    const lim = new Limiter(10, 5);
    expect(countAllowed(lim, 0, 20)).toBe(5);
    expect(lim.allow(50)).toBe(false); // 0.5 tokens
    expect(lim.tokensAt(50)).toBeCloseTo(0.5, 9);
    expect(lim.allow(100)).toBe(true); // a failed call did not move the refill clock
    expect(lim.allow(150)).toBe(false);
    expect(countAllowed(lim, 200, 2)).toBe(1);
    expect(lim.allowN(450, 3)).toBe(false); // 2.5 < 3
    expect(lim.allow(450)).toBe(true);
    expect(lim.tokensAt(450)).toBeCloseTo(1.5, 9);
    expect(lim.tokensAt(1000)).toBe(5); // 1.5 + 5.5, capped at burst
    expect(lim.allowN(1000, 6)).toBe(false);
    expect(lim.tokensAt(1000)).toBe(5);
  });

  it('refills one token per 1/limit seconds: limit 10, burst 3', () => {
    const lim = new Limiter(10, 3);
    const steps: Array<[now: number, n: number, ok: boolean]> = [
      [0, 2, true],
      [0, 2, false],
      [0, 1, true],
      [0, 1, false],
      [100, 4, false],
      [200, 1, true],
      [300, 1, true],
      [400, 1, true],
      [400, 1, true],
      [400, 1, false],
      [400, 1, false],
      [900, 3, true],
      [900, 0, true],
    ];
    expect(steps.map(([now, n]) => lim.allowN(now, n))).toEqual(steps.map(([, , ok]) => ok));
  });

  it('a clock that goes backwards adds no tokens', () => {
    const lim = new Limiter(10, 3);
    const steps: Array<[now: number, ok: boolean]> = [
      [100, true], // start at 100 ms
      [0, true], // jump back to 0 ms: two tokens remain
      [0, true],
      [0, false],
      [0, false],
      [100, true], // 100 ms after the last successful call: one new token
      [100, false],
      [100, false],
      [200, true],
      [200, false],
      [200, false],
    ];
    expect(steps.map(([now]) => lim.allow(now))).toEqual(steps.map(([, ok]) => ok));
  });
});

describe('Task 3: Infinite and zero limits', () => {
  it('limit Inf allows everything, even with burst 0 and n > burst', () => {
    const lim = new Limiter(Inf, 0);
    expect(Inf).toBe(Number.MAX_VALUE);
    expect(countAllowed(lim, 0, 1000)).toBe(1000);
    expect(lim.allowN(0, 3)).toBe(true);
    expect(lim.allowN(5, 1_000_000)).toBe(true);
  });

  it('limit 0 allows only the initial burst and never refills', () => {
    const lim = new Limiter(0, 3);
    expect(countAllowed(lim, 0, 10)).toBe(3);
    expect(lim.allow(3_600_000)).toBe(false);
    expect(lim.tokensAt(1e12)).toBe(0);
  });

  it('burst 0 with a finite limit allows nothing', () => {
    const lim = new Limiter(10, 0);
    expect(lim.allow(0)).toBe(false);
    expect(lim.allow(60_000)).toBe(false);
    expect(lim.tokensAt(60_000)).toBe(0);
  });

  it('a tiny limit still refuses the second request', () => {
    const lim = new Limiter(1e-10, 1);
    expect(lim.allow(0)).toBe(true);
    expect(lim.allow(1000)).toBe(false);
  });
});

describe('Task 4: Reserve tokens from the future', () => {
  it('queued reservations wait 100 ms apart: 20 at once with limit 10, burst 5', () => {
    const lim = new Limiter(10, 5);
    const delays = Array.from({ length: 20 }, () => lim.reserveN(0, 1));
    expect(delays.every((r) => r.ok)).toBe(true);
    const want = [0, 0, 0, 0, 0, ...Array.from({ length: 15 }, (_, i) => (i + 1) * 100)];
    delays.forEach((r, i) => expect(r.delayMs).toBeCloseTo(want[i] ?? NaN, 6));
    expect(lim.tokensAt(0)).toBeCloseTo(-15, 9);
  });

  it('a reservation borrows against later refills', () => {
    const lim = new Limiter(10, 2);
    expect(lim.reserveN(0, 2).delayMs).toBe(0);
    expect(lim.reserveN(0, 2).delayMs).toBeCloseTo(200, 6);
    // At 300 ms the debt is repaid and one token is back; two more means waiting 100 ms.
    expect(lim.reserveN(300, 2).delayMs).toBeCloseTo(100, 6);
  });

  it('n > burst is not ok, has an infinite delay and takes nothing; allow fails while in debt', () => {
    const lim = new Limiter(10, 2);
    const tooBig = lim.reserveN(0, 3);
    expect(tooBig.ok).toBe(false);
    expect(tooBig.delayMs).toBe(Infinity);
    expect(lim.reserveN(0, 2).delayMs).toBe(0);
    expect(lim.allowN(100, 2)).toBe(false); // only 1 token
    const r = lim.reserveN(100, 2);
    expect(r.ok).toBe(true);
    expect(r.delayMs).toBeCloseTo(100, 6);
    expect(lim.allowN(100, 1)).toBe(false); // tokens are negative
    expect(lim.allowN(300, 1)).toBe(true);
  });

  it('under limit Inf a reservation is ok at once and spends nothing', () => {
    const lim = new Limiter(Inf, 1);
    const r = lim.reserveN(0, 5);
    expect(r.ok).toBe(true);
    expect(r.delayMs).toBe(0);
    expect(lim.allowN(0, 1)).toBe(true);
  });
});

describe('Task 5: Cancel a reservation', () => {
  it('cancelling the latest reservation gives all its tokens back', () => {
    const lim = new Limiter(10, 2);
    lim.reserveN(0, 2);
    const r = lim.reserveN(0, 2); // acts at 200 ms
    r.cancelAt(100);
    expect(lim.tokensAt(100)).toBeCloseTo(1, 9);
    expect(lim.reserveN(100, 2).delayMs).toBeCloseTo(100, 6); // acts at 200 ms, not 400 ms
  });

  it('cancelling after the time to act, or a reservation that was not ok, does nothing', () => {
    const lim = new Limiter(10, 2);
    lim.reserveN(0, 2);
    const r = lim.reserveN(0, 2); // acts at 200 ms
    r.cancelAt(300); // too late: the events have happened
    lim.reserveN(0, 3).cancelAt(0); // not ok: nothing was taken
    expect(lim.reserveN(300, 2).delayMs).toBeCloseTo(100, 6);
  });

  it('tokens that later reservations built on are not restored', () => {
    const lim = new Limiter(10, 2);
    lim.reserveN(0, 2);
    const r = lim.reserveN(0, 2); // acts at 200 ms
    lim.reserveN(0, 1); // acts at 300 ms, on top of r
    r.cancelAt(200); // only 1 token comes back
    expect(lim.reserveN(200, 2).delayMs).toBeCloseTo(200, 6); // acts at 400 ms
  });

  it('cancelling the last reservation first lets an earlier one give back more', () => {
    const lim = new Limiter(10, 4);
    lim.reserveN(0, 4);
    const a = lim.reserveN(0, 3); // acts at 300 ms
    lim.reserveN(0, 1); // acts at 400 ms
    const c = lim.reserveN(0, 1); // acts at 500 ms
    c.cancelAt(100); // 1 token back, and the queue ends at 400 ms again
    a.cancelAt(100); // 2 tokens back, as if c had never been reserved
    expect(lim.reserveN(100, 3).delayMs).toBeCloseTo(400, 6); // acts at 500 ms
  });
});
