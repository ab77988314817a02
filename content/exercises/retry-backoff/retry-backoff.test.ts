// Backoff cases follow grpc/grpc-go internal/backoff/backoff.go (Exponential.Backoff) with the
// defaults of backoff.DefaultConfig (1 s, 1.6, 0.2, 120 s): retries 0 returns BaseDelay untouched,
// the growth stops at MaxDelay, and the jitter factor 1 + Jitter·(r·2 − 1) is applied after the cap.
// Full jitter and the retry loop follow the retries lesson (table "initial 100 ms, multiplier 2,
// maxBackoff 1 s", and "do not start a wait you cannot finish").
import { describe, it, expect } from 'vitest';
import { DEFAULT_CONFIG, backoff, fullJitter, retry, type BackoffConfig, type RetryOptions } from './retry-backoff';

/** A random source that always returns `value`. */
const fixed = (value: number) => () => value;

/** A fake clock: sleep resolves at once and moves the time forward; every sleep is recorded. */
function fakeClock(start = 0) {
  const clock = {
    time: start,
    slept: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}

class Unavailable extends Error {}
class InvalidArgument extends Error {}

/** An operation that fails with Unavailable `failures` times, then returns 'ok'; it counts its calls. */
function flaky(failures: number) {
  const op = {
    calls: [] as number[],
    run: async (attempt: number) => {
      op.calls.push(attempt);
      if (op.calls.length <= failures) throw new Unavailable(`unavailable #${attempt}`);
      return 'ok';
    },
  };
  return op;
}

/** 100, 200, 400, 800 … ms: the lesson's doubling without jitter. */
const doubling = (retries: number) => 100 * 2 ** retries;

function options(clock: ReturnType<typeof fakeClock>, extra: Partial<RetryOptions> = {}): RetryOptions {
  return { maxAttempts: 5, backoff: doubling, now: clock.now, sleep: clock.sleep, ...extra };
}

describe('Task 1: Exponential backoff', () => {
  it("uses grpc-go's defaults (DEFAULT_CONFIG) when no config is given", () => {
    expect(DEFAULT_CONFIG).toEqual<BackoffConfig>({ baseDelay: 1000, multiplier: 1.6, jitter: 0.2, maxDelay: 120_000 });
    expect(backoff(3, undefined, fixed(0.5))).toBeCloseTo(4096, 6);
  });

  it('grows by the multiplier: 1000, 1600, 2560, 4096 ms (random 0.5 means no jitter)', () => {
    const waits = [0, 1, 2, 3].map((n) => backoff(n, DEFAULT_CONFIG, fixed(0.5)));
    [1000, 1600, 2560, 4096].forEach((want, i) => expect(waits[i]).toBeCloseTo(want, 6));
  });

  it('stops growing at maxDelay', () => {
    expect(backoff(10, DEFAULT_CONFIG, fixed(0.5))).toBeCloseTo(109_951.16, 1); // 1.6^10 s, below the cap
    expect(backoff(11, DEFAULT_CONFIG, fixed(0.5))).toBe(120_000); // 1.6^11 s would be 175.9 s
    expect(backoff(1000, DEFAULT_CONFIG, fixed(0.5))).toBe(120_000);
    const small: BackoffConfig = { baseDelay: 100, multiplier: 2, jitter: 0, maxDelay: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoff(n, small, fixed(0.9)))).toEqual([200, 400, 800, 1000, 1000]);
  });
});

describe('Task 2: Jitter', () => {
  it('scales the wait by a factor in [1 - jitter, 1 + jitter)', () => {
    expect(backoff(1, DEFAULT_CONFIG, fixed(0))).toBeCloseTo(1280, 6); // 1600 × 0.8
    expect(backoff(1, DEFAULT_CONFIG, fixed(0.75))).toBeCloseTo(1760, 6); // 1600 × 1.1
    expect(backoff(1, DEFAULT_CONFIG, fixed(0.999_999))).toBeCloseTo(1920, 2); // just under 1600 × 1.2
  });

  it('the first retry waits exactly baseDelay: no jitter and no random draw', () => {
    let draws = 0;
    const counting = () => (draws++, 0);
    expect(backoff(0, DEFAULT_CONFIG, counting)).toBe(1000);
    expect(draws).toBe(0);
    expect(backoff(2, DEFAULT_CONFIG, counting)).toBeCloseTo(2048, 6); // 2560 × 0.8
    expect(draws).toBe(1);
  });

  it('jitter is applied after the cap, so a wait can reach 1.2 × maxDelay', () => {
    expect(backoff(20, DEFAULT_CONFIG, fixed(0))).toBeCloseTo(96_000, 6);
    expect(backoff(20, DEFAULT_CONFIG, fixed(0.999_999))).toBeGreaterThan(143_999);
  });

  it('never returns a negative wait', () => {
    const wild: BackoffConfig = { baseDelay: 100, multiplier: 2, jitter: 2, maxDelay: 1000 };
    expect(backoff(1, wild, fixed(0))).toBe(0); // factor 1 + 2 × (−1) = −1
    expect(backoff(1, wild, fixed(0.5))).toBe(200);
  });
});

describe('Task 3: Full jitter', () => {
  const lesson: BackoffConfig = { baseDelay: 100, multiplier: 2, jitter: 0.2, maxDelay: 1000 };

  it('waits random × min(maxDelay, baseDelay × multiplier^retries), from the first retry on', () => {
    expect([0, 1, 2, 3, 4].map((n) => fullJitter(n, lesson, fixed(0.5)))).toEqual([50, 100, 200, 400, 500]);
    expect(fullJitter(4, lesson, fixed(0.999))).toBeCloseTo(999, 6); // capped at 1000, not 1600
    expect(fullJitter(3, undefined, fixed(0.5))).toBeCloseTo(2048, 6); // DEFAULT_CONFIG: 4096 × 0.5
  });

  it('can retry at once: random 0 gives 0', () => {
    expect(fullJitter(0, lesson, fixed(0))).toBe(0);
    expect(fullJitter(3, lesson, fixed(0))).toBe(0);
  });
});

describe('Task 4: A retry loop', () => {
  it('retries failures with the backoff waits and returns the first success', async () => {
    const clock = fakeClock();
    const op = flaky(2);
    await expect(retry(op.run, options(clock))).resolves.toBe('ok');
    expect(op.calls).toEqual([1, 2, 3]); // op gets the attempt number
    expect(clock.slept).toEqual([100, 200]); // backoff(0), backoff(1)
  });

  it('does not sleep when the first attempt succeeds', async () => {
    const clock = fakeClock();
    const op = flaky(0);
    await expect(retry(op.run, options(clock))).resolves.toBe('ok');
    expect(op.calls).toEqual([1]);
    expect(clock.slept).toEqual([]);
  });

  it('gives up after maxAttempts with the last error, without a final sleep', async () => {
    const clock = fakeClock();
    const op = flaky(Infinity);
    await expect(retry(op.run, options(clock, { maxAttempts: 3 }))).rejects.toThrow('unavailable #3');
    expect(op.calls).toEqual([1, 2, 3]);
    expect(clock.slept).toEqual([100, 200]);
  });

  it('returns a non-retryable error at once', async () => {
    const clock = fakeClock();
    let calls = 0;
    const op = async () => {
      calls++;
      throw new InvalidArgument('bad order id');
    };
    const isRetryable = (e: unknown) => e instanceof Unavailable;
    await expect(retry(op, options(clock, { isRetryable }))).rejects.toThrow(InvalidArgument);
    expect(calls).toBe(1);
    expect(clock.slept).toEqual([]);
  });

  it('rejects maxAttempts below 1 with a RangeError', async () => {
    const clock = fakeClock();
    const op = flaky(0);
    await expect(retry(op.run, options(clock, { maxAttempts: 0 }))).rejects.toThrow(RangeError);
    expect(op.calls).toEqual([]);
  });
});

describe('Task 5: Respect the deadline', () => {
  it('gives up with the last error rather than sleep past the deadline', async () => {
    const clock = fakeClock();
    const op = flaky(Infinity);
    // Attempt 1 at 0 ms, wait 100; attempt 2 at 100 ms; a 200 ms wait would end at 300 > 250.
    await expect(retry(op.run, options(clock, { maxAttempts: 10, deadline: 250 }))).rejects.toThrow('unavailable #2');
    expect(clock.slept).toEqual([100]);
    expect(clock.time).toBe(100);
  });

  it('does not start a wait that would end exactly at the deadline', async () => {
    const clock = fakeClock(1000);
    const op = flaky(Infinity);
    await expect(retry(op.run, options(clock, { maxAttempts: 10, deadline: 1300 }))).rejects.toThrow('unavailable #2');
    expect(clock.slept).toEqual([100]);
  });

  it('counts the time spent inside attempts against the deadline', async () => {
    const clock = fakeClock();
    let calls = 0;
    const slowFail = async () => {
      calls++;
      clock.time += 80; // each attempt takes 80 ms, then fails
      throw new Unavailable(`unavailable #${calls}`);
    };
    // 0–80 fail, wait to 180; 180–260 fail, wait to 360; 360–440 fail; 440 + 100 is past 400.
    const opts = options(clock, { maxAttempts: 10, backoff: () => 100, deadline: 400 });
    await expect(retry(slowFail, opts)).rejects.toThrow('unavailable #3');
    expect(calls).toBe(3);
    expect(clock.slept).toEqual([100, 100]);
  });

  it('succeeds when the attempts fit before the deadline', async () => {
    const clock = fakeClock();
    const op = flaky(3);
    // Waits 100 + 200 + 400 end at 700, before the 701 ms deadline.
    await expect(retry(op.run, options(clock, { maxAttempts: 10, deadline: 701 }))).resolves.toBe('ok');
    expect(clock.slept).toEqual([100, 200, 400]);
  });
});
