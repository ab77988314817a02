// Cases follow sony/gobreaker gobreaker_test.go (v1.0.0; v2/gobreaker_test.go up to v2.3.0):
// TestNewCircuitBreaker (defaults), TestTwoStepCircuitBreaker and TestDefaultCircuitBreaker (the
// closed -> open -> half-open -> open -> half-open -> closed walk and its Counts),
// TestCustomCircuitBreaker (a ratio ReadyToTrip, MaxRequests 3, Interval 30 s, Timeout 90 s,
// OnStateChange) and TestGeneration (a result from an earlier generation is ignored). gobreaker's
// pseudoSleep moves the expiry back; here the tests pass explicit times in ms instead.
import { describe, it, expect } from 'vitest';
import { ErrOpenState, ErrTooManyRequests, TwoStepCircuitBreaker, type Counts, type State } from './circuit-breaker';

function succeed(cb: TwoStepCircuitBreaker, now: number): void {
  cb.allow(now)(true, now);
}

function fail(cb: TwoStepCircuitBreaker, now: number): void {
  cb.allow(now)(false, now);
}

/** Counts in gobreaker's field order: requests, successes, failures, consecutive ones. */
function counts(requests: number, totalSuccesses: number, totalFailures: number, consecutiveSuccesses: number, consecutiveFailures: number): Counts {
  return { requests, totalSuccesses, totalFailures, consecutiveSuccesses, consecutiveFailures };
}

/** What `fn` threw (undefined when it did not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** gobreaker's custom breaker: trips at 3+ requests with a failure ratio of at least 60 %. */
function custom(log: string[]): TwoStepCircuitBreaker {
  return new TwoStepCircuitBreaker({
    maxRequests: 3,
    interval: 30_000,
    timeout: 90_000,
    readyToTrip: (c) => c.requests >= 3 && c.totalFailures / c.requests >= 0.6,
    onStateChange: (from, to) => log.push(`${from} -> ${to}`),
  });
}

/** A default breaker tripped open at `at` by six failures in a row. */
function trippedAt(at: number, settings: ConstructorParameters<typeof TwoStepCircuitBreaker>[0] = {}): TwoStepCircuitBreaker {
  const cb = new TwoStepCircuitBreaker(settings);
  for (let i = 0; i < 6; i++) fail(cb, at);
  expect(cb.state(at)).toBe<State>('open');
  return cb;
}

describe('Task 1: Count calls while closed', () => {
  it('a new breaker is closed with zero counts', () => {
    const cb = new TwoStepCircuitBreaker();
    expect(cb.state(0)).toBe<State>('closed');
    expect(cb.counts()).toEqual(counts(0, 0, 0, 0, 0));
  });

  it('allow counts the request at once; done records the outcome', () => {
    const cb = new TwoStepCircuitBreaker();
    const done = cb.allow(0);
    expect(cb.counts()).toEqual(counts(1, 0, 0, 0, 0)); // in flight
    done(true, 10);
    expect(cb.counts()).toEqual(counts(1, 1, 0, 1, 0));
  });

  it('a success resets the consecutive failures and a failure the consecutive successes', () => {
    const cb = new TwoStepCircuitBreaker();
    for (let i = 0; i < 5; i++) fail(cb, 0);
    expect(cb.state(0)).toBe<State>('closed');
    expect(cb.counts()).toEqual(counts(5, 0, 5, 0, 5));
    succeed(cb, 0);
    expect(cb.counts()).toEqual(counts(6, 1, 5, 1, 0));
    fail(cb, 0);
    expect(cb.state(0)).toBe<State>('closed');
    expect(cb.counts()).toEqual(counts(7, 1, 6, 0, 1));
  });

  it('counts() returns a copy', () => {
    const cb = new TwoStepCircuitBreaker();
    succeed(cb, 0);
    const c = cb.counts();
    c.requests = 99;
    c.consecutiveFailures = 99;
    expect(cb.counts()).toEqual(counts(1, 1, 0, 1, 0));
  });
});

describe('Task 2: Trip to open', () => {
  it('the default readyToTrip opens on the sixth consecutive failure and clears the counts', () => {
    const cb = new TwoStepCircuitBreaker();
    for (let i = 0; i < 5; i++) fail(cb, 0);
    succeed(cb, 0);
    for (let i = 0; i < 5; i++) fail(cb, 0);
    expect(cb.state(0)).toBe<State>('closed'); // 5 in a row
    fail(cb, 0);
    expect(cb.state(0)).toBe<State>('open'); // 6 in a row
    expect(cb.counts()).toEqual(counts(0, 0, 0, 0, 0));
  });

  it('while open, allow throws ErrOpenState itself and counts nothing', () => {
    const cb = trippedAt(0);
    expect(ErrOpenState.message).toBe('circuit breaker is open');
    expect(() => cb.allow(1000)).toThrow('circuit breaker is open');
    expect(thrown(() => cb.allow(59_000))).toBe(ErrOpenState);
    expect(cb.counts()).toEqual(counts(0, 0, 0, 0, 0));
  });

  it('a custom readyToTrip decides on a copy of the counts, and onStateChange reports the trip', () => {
    const log: string[] = [];
    const seen: Counts[] = [];
    const cb = new TwoStepCircuitBreaker({
      readyToTrip: (c) => {
        seen.push({ ...c });
        const trip = c.requests >= 3 && c.totalFailures / c.requests >= 0.6;
        c.requests = 0; // must not reach the breaker's own counts
        return trip;
      },
      onStateChange: (from, to) => log.push(`${from} -> ${to}`),
    });
    fail(cb, 0);
    succeed(cb, 0);
    expect(cb.counts()).toEqual(counts(2, 1, 1, 1, 0));
    fail(cb, 0); // 2 of 3 failed
    expect(cb.state(0)).toBe<State>('open');
    expect(seen).toEqual([counts(1, 0, 1, 0, 1), counts(3, 1, 2, 0, 1)]); // failures only
    expect(log).toEqual(['closed -> open']);
  });

  it('a success never trips the breaker, even if readyToTrip would say yes', () => {
    let calls = 0;
    const cb = new TwoStepCircuitBreaker({ readyToTrip: () => (calls++, true) });
    for (let i = 0; i < 10; i++) succeed(cb, 0);
    expect(cb.state(0)).toBe<State>('closed');
    expect(calls).toBe(0);
    fail(cb, 0);
    expect(cb.state(0)).toBe<State>('open');
  });
});

describe('Task 3: Probe in half-open', () => {
  it('stays open for the timeout (default 60 s) and turns half-open strictly after it', () => {
    const log: string[] = [];
    const cb = trippedAt(1000, { onStateChange: (from, to) => log.push(`${from} -> ${to}`) });
    expect(cb.state(60_000)).toBe<State>('open');
    expect(cb.state(61_000)).toBe<State>('open'); // exactly at the expiry
    expect(cb.state(61_001)).toBe<State>('half-open');
    expect(log).toEqual(['closed -> open', 'open -> half-open']);
  });

  it('a zero or negative timeout means 60 s', () => {
    for (const timeout of [0, -90_000]) {
      const cb = trippedAt(0, { timeout });
      expect(cb.state(60_000)).toBe<State>('open');
      expect(cb.state(60_001)).toBe<State>('half-open');
    }
  });

  it('half-open admits maxRequests calls and rejects more with ErrTooManyRequests', () => {
    const cb = trippedAt(0, { maxRequests: 3 });
    const probes = [cb.allow(60_001), cb.allow(60_002), cb.allow(60_003)]; // no state() call needed
    expect(probes).toHaveLength(3);
    expect(cb.counts()).toEqual(counts(3, 0, 0, 0, 0));
    expect(ErrTooManyRequests.message).toBe('too many requests');
    expect(thrown(() => cb.allow(60_004))).toBe(ErrTooManyRequests);
    expect(cb.state(60_004)).toBe<State>('half-open');
  });

  it('closes after maxRequests consecutive successes', () => {
    const log: string[] = [];
    const cb = custom(log);
    for (let i = 0; i < 3; i++) fail(cb, 0);
    expect(cb.state(90_001)).toBe<State>('half-open');
    succeed(cb, 90_001);
    succeed(cb, 90_002);
    expect(cb.state(90_002)).toBe<State>('half-open');
    expect(cb.counts()).toEqual(counts(2, 2, 0, 2, 0));
    const last = cb.allow(90_003);
    expect(thrown(() => cb.allow(90_004))).toBe(ErrTooManyRequests); // over maxRequests
    last(true, 90_100);
    expect(cb.state(90_100)).toBe<State>('closed');
    expect(cb.counts()).toEqual(counts(0, 0, 0, 0, 0));
    expect(log).toEqual(['closed -> open', 'open -> half-open', 'half-open -> closed']);
  });

  it('any failure in half-open reopens the breaker with a fresh timeout; a success then closes it', () => {
    const cb = trippedAt(0);
    expect(cb.state(60_001)).toBe<State>('half-open');
    fail(cb, 70_000);
    expect(cb.state(70_000)).toBe<State>('open');
    expect(cb.counts()).toEqual(counts(0, 0, 0, 0, 0));
    expect(cb.state(130_000)).toBe<State>('open');
    expect(cb.state(130_001)).toBe<State>('half-open');
    succeed(cb, 130_001); // maxRequests defaults to 1
    expect(cb.state(130_001)).toBe<State>('closed');
  });
});

describe('Task 4: Generations', () => {
  it('while closed, the counts are cleared strictly after each interval', () => {
    const cb = custom([]);
    for (let i = 0; i < 5; i++) {
      succeed(cb, 0);
      fail(cb, 0);
    }
    expect(cb.counts()).toEqual(counts(10, 5, 5, 0, 1));
    succeed(cb, 29_000);
    expect(cb.counts()).toEqual(counts(11, 6, 5, 1, 0));
    expect(cb.state(30_000)).toBe<State>('closed');
    expect(cb.counts()).toEqual(counts(11, 6, 5, 1, 0)); // exactly at the end: not yet
    fail(cb, 30_001);
    expect(cb.counts()).toEqual(counts(1, 0, 1, 0, 1));
    // The next interval runs from 30 001 ms, when the counts were cleared.
    expect(cb.state(60_001)).toBe<State>('closed');
    expect(cb.counts()).toEqual(counts(1, 0, 1, 0, 1));
    expect(cb.state(60_002)).toBe<State>('closed');
    expect(cb.counts()).toEqual(counts(0, 0, 0, 0, 0));
  });

  it('the first interval starts at the time passed to the constructor', () => {
    const cb = new TwoStepCircuitBreaker({ interval: 1000 }, 10_000);
    fail(cb, 10_500);
    expect(cb.state(11_000)).toBe<State>('closed');
    expect(cb.counts()).toEqual(counts(1, 0, 1, 0, 1));
    expect(cb.state(11_001)).toBe<State>('closed');
    expect(cb.counts()).toEqual(counts(0, 0, 0, 0, 0));
  });

  it('an interval of 0 never clears the counts while closed', () => {
    const cb = new TwoStepCircuitBreaker({ interval: 0, readyToTrip: () => false });
    fail(cb, 0);
    succeed(cb, 3_600_000);
    expect(cb.state(86_400_000)).toBe<State>('closed');
    expect(cb.counts()).toEqual(counts(2, 1, 1, 1, 0));
  });

  it('a result that arrives after the interval cleared the counts is ignored', () => {
    const cb = custom([]);
    succeed(cb, 29_000);
    const slow = cb.allow(29_000);
    expect(cb.counts()).toEqual(counts(2, 1, 0, 1, 0));
    expect(cb.state(30_001)).toBe<State>('closed');
    expect(cb.counts()).toEqual(counts(0, 0, 0, 0, 0));
    slow(true, 30_500); // from the previous generation
    expect(cb.counts()).toEqual(counts(0, 0, 0, 0, 0));
  });

  it('a call admitted before the trip cannot close the half-open breaker', () => {
    const cb = new TwoStepCircuitBreaker();
    const slow = cb.allow(0);
    for (let i = 0; i < 6; i++) fail(cb, 0);
    expect(cb.state(60_001)).toBe<State>('half-open');
    slow(true, 60_002);
    expect(cb.state(60_002)).toBe<State>('half-open');
    expect(cb.counts()).toEqual(counts(0, 0, 0, 0, 0));
    expect(() => cb.allow(60_003)).not.toThrow(); // its slot was not used either
  });
});
