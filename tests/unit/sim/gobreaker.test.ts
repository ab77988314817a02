/**
 * Tests of the sony/gobreaker port. Each `describe` names the Go file its tests come from and each
 * test is named after its Go test function:
 * - github.com/sony/gobreaker `gobreaker_test.go` at v1.0.0 (v1 semantics),
 * - `v2/gobreaker_test.go`, `v2/counter_test.go`, `v2/twostep_gobreaker_test.go` at v2.4.0.
 *
 * The Go tests run in wall-clock time and fake the passing of time with `pseudoSleep`, which moves
 * the breaker's `expiry` (and in v2 its `start`) back by the period. Moving the clock forward is the
 * same thing. They also rely on a little real time passing between calls (v1 sleeps exactly up to
 * an expiry and expects it to be over), so the clock here advances 1 ns every time the breaker
 * reads it. Goroutines with `time.Sleep` become `executeAsync` / TwoStep requests released later.
 */
import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  ErrOpenState,
  ErrTooManyRequests,
  RollingCounts,
  StateClosed,
  StateHalfOpen,
  StateOpen,
  TwoStepCircuitBreaker,
  countsOps,
  stateString,
  zeroCounts,
  type Counts,
  type GoBreakerVersion,
  type Result,
  type Settings,
  type State,
} from '../../../src/lib/sim/models/breaker/gobreaker';
import { MILLISECOND, NANOSECOND, SECOND, type Clock, type Nanos } from '../../../src/lib/sim/time';
import { Random } from '../../../src/lib/sim/random';

/** A clock on which every reading takes 1 ns, as every call takes some wall time in Go. */
class SteppingClock implements Clock {
  constructor(private t: Nanos = 0) {}
  now(): Nanos {
    const t = this.t;
    this.t += NANOSECOND;
    return t;
  }
  advance(d: Nanos): void {
    this.t += d;
  }
}

const errFailed = new Error('failed');
const errExcluded = new Error('excluded');

function succeed(cb: CircuitBreaker): Error | null {
  return cb.execute(() => ({ value: true, error: null })).error;
}

function fail(cb: CircuitBreaker): Error | null {
  const { error } = cb.execute(() => ({ value: false, error: errFailed }));
  return error === errFailed ? null : error;
}

function exclude(cb: CircuitBreaker): Error | null {
  const { error } = cb.execute(() => ({ value: false, error: errExcluded }));
  return error === errExcluded ? null : error;
}

function causePanic(cb: CircuitBreaker): void {
  cb.execute((): Result<boolean> => {
    throw 'oops';
  });
}

/** Go's `succeedLater`: a request admitted now that returns success when `finish()` is called. */
function succeedLater(cb: CircuitBreaker): { finish: () => void; result: Promise<Error | null> } {
  let finish = (): void => {};
  const result = cb
    .executeAsync(
      () =>
        new Promise<Result<boolean>>((resolve) => {
          finish = () => resolve({ value: true, error: null });
        }),
    )
    .then((r) => r.error);
  return { finish, result };
}

/** Go's positional v1 `Counts{Requests, TotalSuccesses, TotalFailures, ConsecutiveSuccesses, ConsecutiveFailures}`. */
function counts5(requests: number, totalSuccesses: number, totalFailures: number, consecutiveSuccesses: number, consecutiveFailures: number): Counts {
  return { requests, totalSuccesses, totalFailures, totalExclusions: 0, consecutiveSuccesses, consecutiveFailures };
}

/** Go's keyed `Counts{...}` literal: missing fields are zero. */
function counts(c: Partial<Counts>): Counts {
  return { ...zeroCounts(), ...c };
}

interface StateChange {
  name: string;
  from: State;
  to: State;
}

describe('gobreaker_test.go (v1.0.0)', () => {
  // Go's package-level defaultCB and customCB, created in init() and shared by the tests in order.
  // pseudoSleep moves one breaker's expiry, not the world's time, so each breaker has its own clock.
  const defaultClock = new SteppingClock();
  const customClock = new SteppingClock();
  const clock = new SteppingClock(); // for the breakers a test creates for itself
  let stateChange: StateChange | undefined;
  const newCustom = (): CircuitBreaker =>
    new CircuitBreaker(
      {
        name: 'cb',
        maxRequests: 3,
        interval: 30 * SECOND,
        timeout: 90 * SECOND,
        readyToTrip: (c) => {
          const numReqs = c.requests;
          const failureRatio = c.totalFailures / numReqs;
          countsOps.clear(c); // no effect on customCB.counts
          return numReqs >= 3 && failureRatio >= 0.6;
        },
        onStateChange: (name, from, to) => {
          stateChange = { name, from, to };
        },
      },
      { clock: customClock, version: 1 },
    );
  const defaultCB = new CircuitBreaker({}, { clock: defaultClock, version: 1 });
  const customCB = newCustom();

  it('TestStateConstants', () => {
    expect(StateClosed).toBe(0);
    expect(StateHalfOpen).toBe(1);
    expect(StateOpen).toBe(2);
    expect(stateString(StateClosed)).toBe('closed');
    expect(stateString(StateHalfOpen)).toBe('half-open');
    expect(stateString(StateOpen)).toBe('open');
    expect(stateString(100)).toBe('unknown state: 100');
  });

  it('TestNewCircuitBreaker', () => {
    const d = new CircuitBreaker({}, { clock, version: 1 });
    expect(d.name()).toBe('');
    expect(d.maxRequests).toBe(1);
    expect(d.interval).toBe(0);
    expect(d.timeout).toBe(60 * SECOND);
    expect(d.state()).toBe(StateClosed);
    expect(d.counts()).toEqual(counts5(0, 0, 0, 0, 0));
    expect(d.expiry).toBeNull();

    const c = newCustom();
    expect(c.name()).toBe('cb');
    expect(c.maxRequests).toBe(3);
    expect(c.interval).toBe(30 * SECOND);
    expect(c.timeout).toBe(90 * SECOND);
    expect(c.state()).toBe(StateClosed);
    expect(c.counts()).toEqual(counts5(0, 0, 0, 0, 0));
    expect(c.expiry).not.toBeNull();

    const n = new CircuitBreaker({ name: 'ncb', interval: -30 * SECOND, timeout: -90 * SECOND }, { clock, version: 1 });
    expect(n.name()).toBe('ncb');
    expect(n.maxRequests).toBe(1);
    expect(n.interval).toBe(0);
    expect(n.timeout).toBe(60 * SECOND);
    expect(n.state()).toBe(StateClosed);
    expect(n.counts()).toEqual(counts5(0, 0, 0, 0, 0));
    expect(n.expiry).toBeNull();
  });

  it('TestDefaultCircuitBreaker', () => {
    expect(defaultCB.name()).toBe('');
    for (let i = 0; i < 5; i++) expect(fail(defaultCB)).toBeNull();
    expect(defaultCB.state()).toBe(StateClosed);
    expect(defaultCB.counts()).toEqual(counts5(5, 0, 5, 0, 5));

    expect(succeed(defaultCB)).toBeNull();
    expect(defaultCB.state()).toBe(StateClosed);
    expect(defaultCB.counts()).toEqual(counts5(6, 1, 5, 1, 0));

    expect(fail(defaultCB)).toBeNull();
    expect(defaultCB.state()).toBe(StateClosed);
    expect(defaultCB.counts()).toEqual(counts5(7, 1, 6, 0, 1));

    // StateClosed to StateOpen
    for (let i = 0; i < 5; i++) expect(fail(defaultCB)).toBeNull(); // 6 consecutive failures
    expect(defaultCB.state()).toBe(StateOpen);
    expect(defaultCB.counts()).toEqual(counts5(0, 0, 0, 0, 0));
    expect(defaultCB.expiry).not.toBeNull();

    expect(succeed(defaultCB)).toBe(ErrOpenState);
    expect(fail(defaultCB)).toBe(ErrOpenState);
    expect(defaultCB.counts()).toEqual(counts5(0, 0, 0, 0, 0));

    defaultClock.advance(59 * SECOND);
    expect(defaultCB.state()).toBe(StateOpen);

    // StateOpen to StateHalfOpen
    defaultClock.advance(1 * SECOND); // over Timeout
    expect(defaultCB.state()).toBe(StateHalfOpen);
    expect(defaultCB.expiry).toBeNull();

    // StateHalfOpen to StateOpen
    expect(fail(defaultCB)).toBeNull();
    expect(defaultCB.state()).toBe(StateOpen);
    expect(defaultCB.counts()).toEqual(counts5(0, 0, 0, 0, 0));
    expect(defaultCB.expiry).not.toBeNull();

    // StateOpen to StateHalfOpen
    defaultClock.advance(60 * SECOND);
    expect(defaultCB.state()).toBe(StateHalfOpen);
    expect(defaultCB.expiry).toBeNull();

    // StateHalfOpen to StateClosed
    expect(succeed(defaultCB)).toBeNull();
    expect(defaultCB.state()).toBe(StateClosed);
    expect(defaultCB.counts()).toEqual(counts5(0, 0, 0, 0, 0));
    expect(defaultCB.expiry).toBeNull();
  });

  it('TestCustomCircuitBreaker', async () => {
    expect(customCB.name()).toBe('cb');
    for (let i = 0; i < 5; i++) {
      expect(succeed(customCB)).toBeNull();
      expect(fail(customCB)).toBeNull();
    }
    expect(customCB.state()).toBe(StateClosed);
    expect(customCB.counts()).toEqual(counts5(10, 5, 5, 0, 1));

    customClock.advance(29 * SECOND);
    expect(succeed(customCB)).toBeNull();
    expect(customCB.state()).toBe(StateClosed);
    expect(customCB.counts()).toEqual(counts5(11, 6, 5, 1, 0));

    customClock.advance(1 * SECOND); // over Interval
    expect(fail(customCB)).toBeNull();
    expect(customCB.state()).toBe(StateClosed);
    expect(customCB.counts()).toEqual(counts5(1, 0, 1, 0, 1));

    // StateClosed to StateOpen
    expect(succeed(customCB)).toBeNull();
    expect(fail(customCB)).toBeNull(); // failure ratio: 2/3 >= 0.6
    expect(customCB.state()).toBe(StateOpen);
    expect(customCB.counts()).toEqual(counts5(0, 0, 0, 0, 0));
    expect(customCB.expiry).not.toBeNull();
    expect(stateChange).toEqual({ name: 'cb', from: StateClosed, to: StateOpen });

    // StateOpen to StateHalfOpen
    customClock.advance(90 * SECOND);
    expect(customCB.state()).toBe(StateHalfOpen);
    expect(customCB.expiry).toBeNull();
    expect(stateChange).toEqual({ name: 'cb', from: StateOpen, to: StateHalfOpen });

    expect(succeed(customCB)).toBeNull();
    expect(succeed(customCB)).toBeNull();
    expect(customCB.state()).toBe(StateHalfOpen);
    expect(customCB.counts()).toEqual(counts5(2, 2, 0, 2, 0));

    // StateHalfOpen to StateClosed
    const later = succeedLater(customCB); // 3 consecutive successes
    customClock.advance(50 * MILLISECOND);
    expect(customCB.counts()).toEqual(counts5(3, 2, 0, 2, 0));
    expect(succeed(customCB)).toBe(ErrTooManyRequests); // over MaxRequests
    customClock.advance(50 * MILLISECOND);
    later.finish();
    expect(await later.result).toBeNull();
    expect(customCB.state()).toBe(StateClosed);
    expect(customCB.counts()).toEqual(counts5(0, 0, 0, 0, 0));
    expect(customCB.expiry).not.toBeNull();
    expect(stateChange).toEqual({ name: 'cb', from: StateHalfOpen, to: StateClosed });
  });

  it('TestTwoStepCircuitBreaker', () => {
    const tscb = new TwoStepCircuitBreaker({ name: 'tscb' }, { clock, version: 1 });
    const succeed2Step = (): Error | null => {
      const a = tscb.allow();
      if (a.error) return a.error;
      a.done(true);
      return null;
    };
    const fail2Step = (): Error | null => {
      const a = tscb.allow();
      if (a.error) return a.error;
      a.done(false);
      return null;
    };
    expect(tscb.name()).toBe('tscb');

    for (let i = 0; i < 5; i++) expect(fail2Step()).toBeNull();
    expect(tscb.state()).toBe(StateClosed);
    expect(tscb.counts()).toEqual(counts5(5, 0, 5, 0, 5));

    expect(succeed2Step()).toBeNull();
    expect(tscb.state()).toBe(StateClosed);
    expect(tscb.counts()).toEqual(counts5(6, 1, 5, 1, 0));

    expect(fail2Step()).toBeNull();
    expect(tscb.state()).toBe(StateClosed);
    expect(tscb.counts()).toEqual(counts5(7, 1, 6, 0, 1));

    // StateClosed to StateOpen
    for (let i = 0; i < 5; i++) expect(fail2Step()).toBeNull(); // 6 consecutive failures
    expect(tscb.state()).toBe(StateOpen);
    expect(tscb.counts()).toEqual(counts5(0, 0, 0, 0, 0));
    expect(tscb.cb.expiry).not.toBeNull();

    expect(succeed2Step()).toBe(ErrOpenState);
    expect(fail2Step()).toBe(ErrOpenState);
    expect(tscb.counts()).toEqual(counts5(0, 0, 0, 0, 0));

    clock.advance(59 * SECOND);
    expect(tscb.state()).toBe(StateOpen);

    // StateOpen to StateHalfOpen
    clock.advance(1 * SECOND); // over Timeout
    expect(tscb.state()).toBe(StateHalfOpen);
    expect(tscb.cb.expiry).toBeNull();

    // StateHalfOpen to StateOpen
    expect(fail2Step()).toBeNull();
    expect(tscb.state()).toBe(StateOpen);
    expect(tscb.counts()).toEqual(counts5(0, 0, 0, 0, 0));
    expect(tscb.cb.expiry).not.toBeNull();

    // StateOpen to StateHalfOpen
    clock.advance(60 * SECOND);
    expect(tscb.state()).toBe(StateHalfOpen);
    expect(tscb.cb.expiry).toBeNull();

    // StateHalfOpen to StateClosed
    expect(succeed2Step()).toBeNull();
    expect(tscb.state()).toBe(StateClosed);
    expect(tscb.counts()).toEqual(counts5(0, 0, 0, 0, 0));
    expect(tscb.cb.expiry).toBeNull();
  });

  it('TestPanicInRequest', () => {
    expect(() => causePanic(defaultCB)).toThrow('oops');
    expect(defaultCB.counts()).toEqual(counts5(1, 0, 1, 0, 1));
  });

  it('TestGeneration', async () => {
    customClock.advance(29 * SECOND);
    expect(succeed(customCB)).toBeNull();
    const later = succeedLater(customCB);
    customClock.advance(500 * MILLISECOND);
    expect(customCB.counts()).toEqual(counts5(2, 1, 0, 1, 0));

    customClock.advance(500 * MILLISECOND); // over Interval
    expect(customCB.state()).toBe(StateClosed);
    expect(customCB.counts()).toEqual(counts5(0, 0, 0, 0, 0));

    // the request from the previous generation has no effect on customCB.counts
    customClock.advance(500 * MILLISECOND);
    later.finish();
    expect(await later.result).toBeNull();
    expect(customCB.counts()).toEqual(counts5(0, 0, 0, 0, 0));
  });

  it('TestCustomIsSuccessful', () => {
    const cb = new CircuitBreaker({ isSuccessful: () => true }, { clock, version: 1 });
    for (let i = 0; i < 5; i++) expect(fail(cb)).toBeNull();
    expect(cb.state()).toBe(StateClosed);
    expect(cb.counts()).toEqual(counts5(5, 5, 0, 5, 0));

    // Go then clears cb.counts and swaps cb.isSuccessful for `err == nil` in place; the settings
    // are read-only here, so the second half runs on a fresh breaker with that IsSuccessful.
    const cb2 = new CircuitBreaker({ isSuccessful: (err) => err === null }, { clock, version: 1 });
    for (let i = 0; i < 6; i++) expect(fail(cb2)).toBeNull();
    expect(cb2.state()).toBe(StateOpen);
  });

  it('TestCircuitBreakerInParallel (deterministic: 10 interleaved "goroutines", seeded order)', async () => {
    const rand = seededSource(7);
    const numReqs = 1000; // Go: 10000 per goroutine; the interleaving, not the volume, is the point
    const numRoutines = 10;
    const remaining = Array<number>(numRoutines).fill(numReqs);
    const inFlight: { finish: () => void; result: Promise<Error | null> }[] = [];
    const results: Promise<Error | null>[] = [];
    // Each step either starts a goroutine's next request or finishes one in flight, at random.
    while (remaining.some((r) => r > 0) || inFlight.length > 0) {
      const start = inFlight.length === 0 || (rand() < 0.5 && remaining.some((r) => r > 0));
      if (start) {
        const live = remaining.flatMap((r, i) => (r > 0 ? [i] : []));
        const g = live[Math.floor(rand() * live.length)]!;
        remaining[g]!--;
        const req = succeedLater(customCB);
        inFlight.push(req);
        results.push(req.result);
      } else {
        const [req] = inFlight.splice(Math.floor(rand() * inFlight.length), 1);
        req!.finish();
      }
    }
    for (const err of await Promise.all(results)) expect(err).toBeNull();
    const total = numReqs * numRoutines;
    expect(customCB.counts()).toEqual(counts5(total, total, 0, total, 0));
  });
});

describe('v2/gobreaker_test.go (v2.4.0)', () => {
  const newCustom = (clock: Clock, onChange?: (c: StateChange) => void): CircuitBreaker =>
    new CircuitBreaker(
      {
        name: 'cb',
        maxRequests: 3,
        interval: 30 * SECOND,
        timeout: 90 * SECOND,
        readyToTrip: (c) => {
          const numReqs = countsOps.validRequests(c);
          return numReqs >= 3 && c.totalFailures / numReqs >= 0.6;
        },
        isExcluded: (err) => err === errExcluded,
        ...(onChange ? { onStateChange: (name: string, from: State, to: State) => onChange({ name, from, to }) } : {}),
      },
      { clock },
    );
  const newRollingWindow = (clock: Clock, onChange?: (c: StateChange) => void): CircuitBreaker =>
    new CircuitBreaker(
      {
        name: 'rw',
        maxRequests: 3,
        interval: 30 * SECOND,
        bucketPeriod: 3 * SECOND,
        timeout: 90 * SECOND,
        readyToTrip: (c) => {
          const numReqs = countsOps.validRequests(c);
          return numReqs >= 3 && c.totalFailures / numReqs >= 0.6;
        },
        isExcluded: (err) => err === errExcluded,
        ...(onChange ? { onStateChange: (name: string, from: State, to: State) => onChange({ name, from, to }) } : {}),
      },
      { clock },
    );

  it('TestStateConstants', () => {
    expect([StateClosed, StateHalfOpen, StateOpen]).toEqual([0, 1, 2]);
    expect([StateClosed, StateHalfOpen, StateOpen].map(stateString)).toEqual(['closed', 'half-open', 'open']);
    expect(stateString(100)).toBe('unknown state: 100');
  });

  it('TestNewCircuitBreaker', () => {
    const clock = new SteppingClock();
    const d = new CircuitBreaker({}, { clock });
    expect(d.version).toBe(2);
    expect([d.name(), d.maxRequests, d.interval, d.timeout]).toEqual(['', 1, 0, 60 * SECOND]);
    expect(d.state()).toBe(StateClosed);
    expect(d.counts()).toEqual(zeroCounts());
    expect(d.expiry).toBeNull();

    const c = newCustom(clock, () => {});
    expect([c.name(), c.maxRequests, c.interval, c.timeout]).toEqual(['cb', 3, 30 * SECOND, 90 * SECOND]);
    expect(c.state()).toBe(StateClosed);
    expect(c.counts()).toEqual(zeroCounts());
    expect(c.expiry).not.toBeNull();

    const rw = newRollingWindow(clock);
    expect([rw.name(), rw.maxRequests, rw.interval, rw.timeout]).toEqual(['rw', 3, 30 * SECOND, 90 * SECOND]);
    expect(rw.rollingCounts.buckets.length).toBe(10);
    expect(rw.state()).toBe(StateClosed);
    expect(rw.counts()).toEqual(zeroCounts());
    expect(rw.expiry).toBeNull();

    const n = new CircuitBreaker({ name: 'ncb', interval: -30 * SECOND, timeout: -90 * SECOND }, { clock });
    expect([n.name(), n.maxRequests, n.interval, n.timeout]).toEqual(['ncb', 1, 0, 60 * SECOND]);
    expect(n.state()).toBe(StateClosed);
    expect(n.counts()).toEqual(zeroCounts());
    expect(n.expiry).toBeNull();
  });

  it('TestDefaultCircuitBreaker', () => {
    const clock = new SteppingClock();
    const cb = new CircuitBreaker({}, { clock });
    expect(cb.name()).toBe('');
    for (let i = 0; i < 5; i++) expect(fail(cb)).toBeNull();
    expect(cb.state()).toBe(StateClosed);
    expect(cb.counts()).toEqual(counts({ requests: 5, totalFailures: 5, consecutiveFailures: 5 }));

    expect(succeed(cb)).toBeNull();
    expect(cb.state()).toBe(StateClosed);
    expect(cb.counts()).toEqual(counts({ requests: 6, totalSuccesses: 1, totalFailures: 5, consecutiveSuccesses: 1 }));

    expect(fail(cb)).toBeNull();
    expect(cb.state()).toBe(StateClosed);
    expect(cb.counts()).toEqual(counts({ requests: 7, totalSuccesses: 1, totalFailures: 6, consecutiveFailures: 1 }));

    // StateClosed to StateOpen
    for (let i = 0; i < 5; i++) expect(fail(cb)).toBeNull(); // 6 consecutive failures
    expect(cb.state()).toBe(StateOpen);
    expect(cb.counts()).toEqual(zeroCounts());
    expect(cb.expiry).not.toBeNull();

    expect(succeed(cb)).toBe(ErrOpenState);
    expect(fail(cb)).toBe(ErrOpenState);
    expect(cb.counts()).toEqual(zeroCounts());

    clock.advance(cb.timeout - MILLISECOND);
    expect(cb.state()).toBe(StateOpen);

    // StateOpen to StateHalfOpen
    clock.advance(SECOND); // over Timeout
    expect(cb.state()).toBe(StateHalfOpen);
    expect(cb.expiry).toBeNull();

    // StateHalfOpen to StateOpen
    expect(fail(cb)).toBeNull();
    expect(cb.state()).toBe(StateOpen);
    expect(cb.counts()).toEqual(zeroCounts());
    expect(cb.expiry).not.toBeNull();

    // StateOpen to StateHalfOpen
    clock.advance(cb.timeout + NANOSECOND);
    expect(cb.state()).toBe(StateHalfOpen);
    expect(cb.expiry).toBeNull();

    // StateHalfOpen to StateClosed
    expect(succeed(cb)).toBeNull();
    expect(cb.state()).toBe(StateClosed);
    expect(cb.counts()).toEqual(zeroCounts());
    expect(cb.expiry).toBeNull();
  });

  it('TestCustomCircuitBreaker', async () => {
    const clock = new SteppingClock();
    let stateChange: StateChange | undefined;
    const cb = newCustom(clock, (c) => (stateChange = c));
    expect(cb.name()).toBe('cb');

    for (let i = 0; i < 5; i++) {
      expect(succeed(cb)).toBeNull();
      expect(fail(cb)).toBeNull();
      expect(exclude(cb)).toBeNull();
    }
    expect(cb.state()).toBe(StateClosed);
    expect(cb.counts()).toEqual(counts({ requests: 15, totalSuccesses: 5, totalFailures: 5, totalExclusions: 5, consecutiveFailures: 1 }));

    clock.advance(cb.interval - MILLISECOND);
    expect(succeed(cb)).toBeNull();
    expect(cb.state()).toBe(StateClosed);
    expect(cb.counts()).toEqual(counts({ requests: 16, totalSuccesses: 6, totalFailures: 5, totalExclusions: 5, consecutiveSuccesses: 1 }));

    clock.advance(SECOND); // over Interval
    expect(fail(cb)).toBeNull();
    expect(cb.state()).toBe(StateClosed);
    expect(cb.counts()).toEqual(counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }));

    // StateClosed to StateOpen
    expect(succeed(cb)).toBeNull();
    expect(fail(cb)).toBeNull(); // failure ratio: 2/3 >= 0.6
    expect(cb.state()).toBe(StateOpen);
    expect(cb.counts()).toEqual(zeroCounts());
    expect(cb.expiry).not.toBeNull();
    expect(stateChange).toEqual({ name: 'cb', from: StateClosed, to: StateOpen });

    // StateOpen to StateHalfOpen
    clock.advance(cb.timeout + NANOSECOND);
    expect(cb.state()).toBe(StateHalfOpen);
    expect(cb.expiry).toBeNull();
    expect(stateChange).toEqual({ name: 'cb', from: StateOpen, to: StateHalfOpen });

    // Excluded requests are neutral in Half-Open state: Requests - TotalExclusions < MaxRequests.
    for (let i = 0; i < 4; i++) expect(exclude(cb)).toBeNull();
    expect(cb.state()).toBe(StateHalfOpen);

    // Transition: Half-Open → Open. In Half-Open, the first real failure immediately re-opens the breaker.
    expect(fail(cb)).toBeNull();
    expect(cb.state()).toBe(StateOpen);
    expect(cb.counts()).toEqual(zeroCounts());
    expect(cb.expiry).not.toBeNull();
    expect(stateChange).toEqual({ name: 'cb', from: StateHalfOpen, to: StateOpen });

    // Transition: Open → Half-Open (after timeout expires).
    clock.advance(cb.timeout + NANOSECOND);
    expect(cb.state()).toBe(StateHalfOpen);

    // Successes increment counters but do not close the breaker until MaxRequests is reached.
    expect(succeed(cb)).toBeNull();
    expect(succeed(cb)).toBeNull();
    expect(cb.state()).toBe(StateHalfOpen);
    expect(cb.counts()).toEqual(counts({ requests: 2, totalSuccesses: 2, consecutiveSuccesses: 2 }));

    // StateHalfOpen to StateClosed
    const later = succeedLater(cb); // 3 consecutive successes
    clock.advance(50 * MILLISECOND);
    expect(cb.counts()).toEqual(counts({ requests: 3, totalSuccesses: 2, consecutiveSuccesses: 2 }));
    expect(succeed(cb)).toBe(ErrTooManyRequests); // over MaxRequests
    clock.advance(50 * MILLISECOND);
    later.finish();
    expect(await later.result).toBeNull();
    expect(cb.state()).toBe(StateClosed);
    expect(cb.counts()).toEqual(zeroCounts());
    expect(cb.expiry).not.toBeNull();
    expect(stateChange).toEqual({ name: 'cb', from: StateHalfOpen, to: StateClosed });
  });

  it('TestRollingWindowCircuitBreaker', async () => {
    const clock = new SteppingClock();
    let stateChange: StateChange | undefined;
    const rollingCB = newRollingWindow(clock, (c) => (stateChange = c));
    const rc = rollingCB.rollingCounts;
    expect(rollingCB.name()).toBe('rw');

    for (let i = 0; i < 5; i++) {
      expect(succeed(rollingCB)).toBeNull();
      expect(fail(rollingCB)).toBeNull();
      expect(exclude(rollingCB)).toBeNull();
    }
    const first = counts({ requests: 15, totalSuccesses: 5, totalFailures: 5, totalExclusions: 5, consecutiveFailures: 1 });
    expect(rollingCB.state()).toBe(StateClosed);
    expect(rollingCB.counts()).toEqual(first);
    expect(rc.buckets.length).toBe(10);
    expect(rc.bucketAt(0)).toEqual(first);

    clock.advance(3 * SECOND);
    expect(succeed(rollingCB)).toBeNull();
    expect(rollingCB.state()).toBe(StateClosed);
    expect(rollingCB.counts()).toEqual(counts({ requests: 16, totalSuccesses: 6, totalFailures: 5, totalExclusions: 5, consecutiveSuccesses: 1 }));
    expect(rc.buckets.length).toBe(10);
    // With circular buffer, previous bucket is at (current-1+len) % len
    expect(rc.bucketAt(-1)).toEqual(first);
    expect(rc.bucketAt(0)).toEqual(counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 }));

    clock.advance(2 * SECOND);
    expect(succeed(rollingCB)).toBeNull();
    expect(exclude(rollingCB)).toBeNull();
    expect(rollingCB.state()).toBe(StateClosed);
    expect(rc.buckets.length).toBe(10);
    expect(rollingCB.counts()).toEqual(counts({ requests: 18, totalSuccesses: 7, totalFailures: 5, totalExclusions: 6, consecutiveSuccesses: 2 }));
    expect(rc.bucketAt(-1)).toEqual(first);
    const second = counts({ requests: 3, totalSuccesses: 2, consecutiveSuccesses: 2, totalExclusions: 1 });
    expect(rc.bucketAt(0)).toEqual(second);

    clock.advance(2 * SECOND);
    // Capture age before undetermined request
    const beforeAge = rc.age;
    // Run an undetermined request
    expect(exclude(rollingCB)).toBeNull();
    // Age should increase
    expect(rc.age).toBeGreaterThan(beforeAge);
    // Next success should increment counts normally
    expect(succeed(rollingCB)).toBeNull();
    expect(rollingCB.state()).toBe(StateClosed);
    expect(rollingCB.counts()).toEqual(counts({ requests: 20, totalSuccesses: 8, totalFailures: 5, totalExclusions: 7, consecutiveSuccesses: 3 }));
    expect(rc.buckets.length).toBe(10);
    const third = counts({ requests: 2, totalSuccesses: 1, consecutiveSuccesses: 1, totalExclusions: 1 });
    expect(rc.bucketAt(-2)).toEqual(first);
    expect(rc.bucketAt(-1)).toEqual(second);
    expect(rc.bucketAt(0)).toEqual(third);

    clock.advance(2 * SECOND);
    expect(fail(rollingCB)).toBeNull();
    expect(rollingCB.state()).toBe(StateClosed);
    expect(rollingCB.counts()).toEqual(counts({ requests: 21, totalSuccesses: 8, totalFailures: 6, totalExclusions: 7, consecutiveFailures: 1 }));
    expect(rc.buckets.length).toBe(10);
    expect(rc.bucketAt(-3)).toEqual(first);
    expect(rc.bucketAt(-2)).toEqual(second);
    expect(rc.bucketAt(-1)).toEqual(third);
    expect(rc.bucketAt(0)).toEqual(counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }));

    // fill all the buckets
    for (let i = 0; i < 6; i++) {
      clock.advance(3 * SECOND);
      expect(succeed(rollingCB)).toBeNull();
      expect(fail(rollingCB)).toBeNull();
      expect(rollingCB.counts()).toEqual(counts({ requests: 23 + 2 * i, totalSuccesses: 9 + i, totalFailures: 7 + i, totalExclusions: 7, consecutiveFailures: 1 }));
    }
    expect(rc.buckets.length).toBe(10);

    // first bucket should be discarded
    clock.advance(3 * SECOND);
    expect(fail(rollingCB)).toBeNull();
    expect(rc.buckets.length).toBe(10);
    expect(rollingCB.counts()).toEqual(counts({ requests: 19, totalSuccesses: 9, totalFailures: 8, totalExclusions: 2, consecutiveFailures: 2 }));

    for (let i = 0; i < 5; i++) {
      expect(fail(rollingCB)).toBeNull();
      expect(rollingCB.counts()).toEqual(counts({ requests: 20 + i, totalSuccesses: 9, totalFailures: 9 + i, totalExclusions: 2, consecutiveFailures: 3 + i }));
    }
    expect(rollingCB.state()).toBe(StateClosed);

    expect(fail(rollingCB)).toBeNull(); // failureRate = 14/23 > 0.6
    expect(rollingCB.state()).toBe(StateOpen);
    expect(rollingCB.expiry).not.toBeNull();
    expect(stateChange).toEqual({ name: 'rw', from: StateClosed, to: StateOpen });

    // StateOpen to StateHalfOpen
    clock.advance(rollingCB.timeout + NANOSECOND);
    expect(rollingCB.state()).toBe(StateHalfOpen);
    expect(rollingCB.expiry).toBeNull();
    expect(stateChange).toEqual({ name: 'rw', from: StateOpen, to: StateHalfOpen });

    expect(succeed(rollingCB)).toBeNull();
    expect(succeed(rollingCB)).toBeNull();
    expect(rollingCB.state()).toBe(StateHalfOpen);
    expect(rollingCB.counts()).toEqual(counts({ requests: 2, totalSuccesses: 2, consecutiveSuccesses: 2 }));

    // StateHalfOpen to StateClosed
    const later = succeedLater(rollingCB); // 3 consecutive successes
    clock.advance(50 * MILLISECOND);
    expect(rollingCB.counts()).toEqual(counts({ requests: 3, totalSuccesses: 2, consecutiveSuccesses: 2 }));
    expect(succeed(rollingCB)).toBe(ErrTooManyRequests); // over MaxRequests
    clock.advance(50 * MILLISECOND);
    later.finish();
    expect(await later.result).toBeNull();
    expect(rollingCB.state()).toBe(StateClosed);
    expect(rollingCB.counts()).toEqual(zeroCounts());
    expect(rollingCB.expiry).toBeNull();
    expect(stateChange).toEqual({ name: 'rw', from: StateHalfOpen, to: StateClosed });
  });

  it('TestPanicInRequest', () => {
    const cb = new CircuitBreaker({}, { clock: new SteppingClock() });
    expect(() => causePanic(cb)).toThrow('oops');
    expect(cb.counts()).toEqual(counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }));
  });

  it('TestGeneration', async () => {
    const clock = new SteppingClock();
    const cb = newCustom(clock);
    clock.advance(29 * SECOND);
    expect(succeed(cb)).toBeNull();
    const later = succeedLater(cb);
    clock.advance(500 * MILLISECOND);
    expect(cb.counts()).toEqual(counts({ requests: 2, totalSuccesses: 1, consecutiveSuccesses: 1 }));

    clock.advance(500 * MILLISECOND); // over Interval
    expect(cb.state()).toBe(StateClosed);
    expect(cb.counts()).toEqual(zeroCounts());

    // the request from the previous generation has no effect on the counts
    clock.advance(500 * MILLISECOND);
    later.finish();
    expect(await later.result).toBeNull();
    expect(cb.counts()).toEqual(zeroCounts());
  });

  it('TestCustomIsSuccessful', () => {
    const clock = new SteppingClock();
    const cb = new CircuitBreaker({ isSuccessful: () => true }, { clock });
    for (let i = 0; i < 5; i++) expect(fail(cb)).toBeNull();
    expect(cb.state()).toBe(StateClosed);
    expect(cb.counts()).toEqual(counts({ requests: 5, totalSuccesses: 5, consecutiveSuccesses: 5 }));

    // As in the v1 port: Go mutates cb.counts and cb.isSuccessful in place; a fresh breaker here.
    const cb2 = new CircuitBreaker({ isSuccessful: (err) => err === null }, { clock });
    for (let i = 0; i < 6; i++) expect(fail(cb2)).toBeNull();
    expect(cb2.state()).toBe(StateOpen);
  });

  it('TestCircuitBreakerInParallel (deterministic: 10 interleaved "goroutines", seeded order)', () => {
    const clock = new SteppingClock();
    const cb = newCustom(clock);
    const rand = seededSource(11);
    const numReqs = 1000;
    const next = Array<number>(10).fill(0);
    let successCount = 0;
    let excludeCount = 0;
    while (next.some((i) => i < numReqs)) {
      const live = next.flatMap((i, g) => (i < numReqs ? [g] : []));
      const g = live[Math.floor(rand() * live.length)]!;
      const i = next[g]!++;
      if (i % 2 === 0) {
        expect(succeed(cb)).toBeNull();
        successCount++;
      } else {
        expect(exclude(cb)).toBeNull();
        excludeCount++;
      }
    }
    const total = numReqs * 10;
    expect(cb.counts()).toEqual(counts({ requests: total, totalSuccesses: successCount, consecutiveSuccesses: successCount, totalExclusions: excludeCount }));
  });

  it('TestIsExcludedAndIsSuccessfulCombination', () => {
    const cb = new CircuitBreaker({ isExcluded: (err) => err === errExcluded, isSuccessful: (err) => err === null }, { clock: new SteppingClock() });
    // Case 1: excluded error -> should be undetermined (not counted)
    for (let i = 0; i < 3; i++) expect(exclude(cb)).toBeNull();
    expect(cb.counts()).toEqual(counts({ requests: 3, totalExclusions: 3 }));
    // Case 2: nil error -> IsSuccessful says success
    for (let i = 0; i < 3; i++) expect(succeed(cb)).toBeNull();
    expect(cb.counts()).toEqual(counts({ requests: 6, totalSuccesses: 3, consecutiveSuccesses: 3, totalExclusions: 3 }));
    // Case 3: not nil error -> IsSuccessful says failure
    for (let i = 0; i < 2; i++) expect(fail(cb)).toBeNull();
    expect(cb.counts()).toEqual(counts({ requests: 8, totalSuccesses: 3, totalFailures: 2, totalExclusions: 3, consecutiveFailures: 2 }));
  });

  it('TestRollingWindowCircuitBreakerInParallel (deterministic: 12 "goroutines" round-robin)', () => {
    const cb = newRollingWindow(new SteppingClock());
    for (let j = 0; j < 100; j++) {
      for (let g = 0; g < 12; g++) {
        const op = [succeed, fail, exclude][j % 3]!;
        expect(op(cb)).toBeNull();
      }
    }
    expect(cb.state()).toBe(StateClosed);
  });
});

describe('v2/twostep_gobreaker_test.go (v2.4.0)', () => {
  it('TestTwoStepCircuitBreaker', () => {
    const clock = new SteppingClock();
    const tscb = new TwoStepCircuitBreaker({ name: 'tscb', maxRequests: 2, isExcluded: (err) => err === errExcluded }, { clock });
    const step = (err: Error | null): Error | null => {
      const a = tscb.allow();
      if (a.error) return a.error;
      a.done(err);
      return null;
    };
    const succeed2Step = () => step(null);
    const fail2Step = () => step(errFailed);
    const exclude2Step = () => step(errExcluded);
    /** Go's exclude2StepWithDelay: admitted now, reports errExcluded 100 ms later. */
    const exclude2StepWithDelay = (): { finish: () => void } | Error => {
      const a = tscb.allow();
      if (a.error) return a.error;
      return { finish: () => a.done(errExcluded) };
    };
    expect(tscb.name()).toBe('tscb');

    for (let i = 0; i < 5; i++) expect(fail2Step()).toBeNull();
    expect(tscb.state()).toBe(StateClosed);
    expect(tscb.counts()).toEqual(counts({ requests: 5, totalFailures: 5, consecutiveFailures: 5 }));

    expect(succeed2Step()).toBeNull();
    expect(tscb.state()).toBe(StateClosed);
    expect(tscb.counts()).toEqual(counts({ requests: 6, totalSuccesses: 1, totalFailures: 5, consecutiveSuccesses: 1 }));

    expect(fail2Step()).toBeNull();
    expect(tscb.state()).toBe(StateClosed);
    expect(tscb.counts()).toEqual(counts({ requests: 7, totalSuccesses: 1, totalFailures: 6, consecutiveFailures: 1 }));

    // StateClosed to StateOpen
    for (let i = 0; i < 5; i++) expect(fail2Step()).toBeNull(); // 6 consecutive failures
    expect(tscb.state()).toBe(StateOpen);
    expect(tscb.counts()).toEqual(zeroCounts());
    expect(tscb.cb.expiry).not.toBeNull();

    expect(succeed2Step()).toBe(ErrOpenState);
    expect(fail2Step()).toBe(ErrOpenState);
    expect(exclude2Step()).toBe(ErrOpenState);
    expect(tscb.counts()).toEqual(zeroCounts());

    clock.advance(tscb.cb.timeout - MILLISECOND);
    expect(tscb.state()).toBe(StateOpen);

    // StateOpen to StateHalfOpen
    clock.advance(SECOND); // over timeout
    expect(tscb.state()).toBe(StateHalfOpen);
    expect(tscb.cb.expiry).toBeNull();

    // in half-open state, when max number of requests are in progress, others get rejected because
    // of too many requests; but if in-progress requests complete with excluded, it accepts again
    const ch1 = exclude2StepWithDelay();
    const ch2 = exclude2StepWithDelay();
    if (ch1 instanceof Error || ch2 instanceof Error) throw new Error('expected both to be admitted');
    expect(succeed2Step()).toBe(ErrTooManyRequests);
    expect(fail2Step()).toBe(ErrTooManyRequests);
    clock.advance(100 * MILLISECOND);
    ch1.finish();
    ch2.finish();
    // now circuit breaker should accept requests again
    expect(succeed2Step()).toBeNull();

    // StateHalfOpen to StateOpen
    expect(fail2Step()).toBeNull();
    expect(tscb.state()).toBe(StateOpen);
    expect(tscb.counts()).toEqual(zeroCounts());
    expect(tscb.cb.expiry).not.toBeNull();

    // StateOpen to StateHalfOpen
    clock.advance(tscb.cb.timeout + NANOSECOND);
    expect(tscb.state()).toBe(StateHalfOpen);
    expect(tscb.cb.expiry).toBeNull();

    // StateHalfOpen to StateClosed
    expect(succeed2Step()).toBeNull();
    expect(succeed2Step()).toBeNull();
    expect(tscb.state()).toBe(StateClosed);
    expect(tscb.counts()).toEqual(zeroCounts());
    expect(tscb.cb.expiry).toBeNull();
  });
});

describe('v2/counter_test.go (v2.4.0)', () => {
  it('TestCountsMethods', () => {
    const c = zeroCounts();
    countsOps.onRequest(c);
    expect(c).toEqual(counts({ requests: 1 }));
    countsOps.onSuccess(c);
    expect(c).toEqual(counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 }));
    countsOps.onRequest(c);
    expect(c).toEqual(counts({ requests: 2, totalSuccesses: 1, consecutiveSuccesses: 1 }));
    countsOps.onSuccess(c);
    expect(c).toEqual(counts({ requests: 2, totalSuccesses: 2, consecutiveSuccesses: 2 }));
    countsOps.onRequest(c);
    expect(c).toEqual(counts({ requests: 3, totalSuccesses: 2, consecutiveSuccesses: 2 }));
    countsOps.onFailure(c);
    expect(c).toEqual(counts({ requests: 3, totalSuccesses: 2, totalFailures: 1, consecutiveFailures: 1 }));
    countsOps.onRequest(c);
    expect(c).toEqual(counts({ requests: 4, totalSuccesses: 2, totalFailures: 1, consecutiveFailures: 1 }));
    countsOps.onFailure(c);
    expect(c).toEqual(counts({ requests: 4, totalSuccesses: 2, totalFailures: 2, consecutiveFailures: 2 }));
    countsOps.onRequest(c);
    expect(c).toEqual(counts({ requests: 5, totalSuccesses: 2, totalFailures: 2, consecutiveFailures: 2 }));
    countsOps.onExclusion(c);
    expect(c).toEqual(counts({ requests: 5, totalSuccesses: 2, totalFailures: 2, totalExclusions: 1, consecutiveFailures: 2 }));
    countsOps.clear(c);
    expect(c).toEqual(zeroCounts());
  });

  it('TestNewRollingCounts', () => {
    for (const [n, len] of [
      [-1, 0],
      [0, 0],
      [5, 5],
    ] as const) {
      const rc = new RollingCounts(n);
      expect(rc.age).toBe(0);
      expect(rc.buckets.length).toBe(len);
      expect(rc.counts).toEqual(zeroCounts());
      for (const b of rc.buckets) expect(b).toEqual(zeroCounts());
    }
  });

  it('TestRollingCountsIndex', () => {
    let rc = new RollingCounts(0);
    expect(rc.index(0)).toBe(0);
    expect(rc.index(1)).toBe(0);
    rc = new RollingCounts(5);
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => rc.index(a))).toEqual([0, 1, 2, 3, 4, 0, 1]);
  });

  it('TestRollingCountsCurrent', () => {
    let rc = new RollingCounts(0);
    expect(rc.current()).toBe(0);
    rc.roll();
    expect(rc.current()).toBe(0);
    rc = new RollingCounts(5);
    const seen = [rc.current()];
    for (let i = 0; i < 6; i++) {
      rc.roll();
      seen.push(rc.current());
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 0, 1]);
  });

  it('TestRollingCountsMethods', () => {
    const rc = new RollingCounts(2);
    const b = (age: number) => rc.buckets[rc.index(age)];
    expect(rc.age).toBe(0);
    expect([rc.counts, b(0), b(1)]).toEqual([zeroCounts(), zeroCounts(), zeroCounts()]);

    rc.onRequest();
    expect([rc.counts, b(0), b(1)]).toEqual([counts({ requests: 1 }), counts({ requests: 1 }), zeroCounts()]);

    rc.onSuccess(0);
    let want = counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 });
    expect([rc.counts, b(0), b(1)]).toEqual([want, want, zeroCounts()]);

    rc.onRequest();
    want = counts({ requests: 2, totalSuccesses: 1, consecutiveSuccesses: 1 });
    expect([rc.counts, b(0), b(1)]).toEqual([want, want, zeroCounts()]);

    rc.onFailure(0);
    want = counts({ requests: 2, totalSuccesses: 1, totalFailures: 1, consecutiveFailures: 1 });
    expect([rc.counts, b(0), b(1)]).toEqual([want, want, zeroCounts()]);

    rc.onRequest();
    want = counts({ requests: 3, totalSuccesses: 1, totalFailures: 1, consecutiveFailures: 1 });
    expect([rc.counts, b(0), b(1)]).toEqual([want, want, zeroCounts()]);

    rc.onSuccess(0);
    want = counts({ requests: 3, totalSuccesses: 2, totalFailures: 1, consecutiveSuccesses: 1 });
    expect([rc.counts, b(0), b(1)]).toEqual([want, want, zeroCounts()]);

    rc.onRequest();
    want = counts({ requests: 4, totalSuccesses: 2, totalFailures: 1, consecutiveSuccesses: 1 });
    expect([rc.counts, b(0), b(1)]).toEqual([want, want, zeroCounts()]);

    rc.onExclusion(0);
    const age0 = counts({ requests: 4, totalSuccesses: 2, totalFailures: 1, totalExclusions: 1, consecutiveSuccesses: 1 });
    expect([rc.counts, b(0), b(1)]).toEqual([age0, age0, zeroCounts()]);

    rc.roll();
    expect(rc.age).toBe(1);
    expect([rc.counts, b(0), b(1)]).toEqual([age0, age0, zeroCounts()]);

    rc.onRequest();
    expect([rc.counts, b(0), b(1)]).toEqual([
      counts({ requests: 5, totalSuccesses: 2, totalFailures: 1, totalExclusions: 1, consecutiveSuccesses: 1 }),
      age0,
      counts({ requests: 1 }),
    ]);

    rc.onSuccess(1);
    const age1 = counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 });
    expect([rc.counts, b(0), b(1)]).toEqual([
      counts({ requests: 5, totalSuccesses: 3, totalFailures: 1, totalExclusions: 1, consecutiveSuccesses: 2 }),
      age0,
      age1,
    ]);

    rc.roll();
    expect(rc.age).toBe(2);
    expect([rc.counts, b(0), b(1)]).toEqual([age1, zeroCounts(), age1]);

    rc.clear();
    expect(rc.age).toBe(0);
    expect([rc.counts, b(0), b(1)]).toEqual([zeroCounts(), zeroCounts(), zeroCounts()]);
  });

  it('TestRollingCountsGrow', () => {
    const rc = new RollingCounts(2);
    const record = (age: number) => {
      rc.onRequest();
      rc.onSuccess(age);
      rc.onRequest();
      rc.onFailure(age);
      rc.onRequest();
      rc.onExclusion(age);
    };
    record(0);
    const three = counts({ requests: 3, totalSuccesses: 1, totalFailures: 1, totalExclusions: 1, consecutiveFailures: 1 });

    rc.grow(0); // no change
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([0, three, three, zeroCounts()]);

    rc.grow(1);
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([1, three, zeroCounts(), three]);

    rc.grow(0); // no change
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([1, three, zeroCounts(), three]);

    rc.grow(2);
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([2, zeroCounts(), zeroCounts(), zeroCounts()]);

    record(0); // age 0 has rolled out of the window: only the requests count
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([2, counts({ requests: 3 }), counts({ requests: 3 }), zeroCounts()]);

    record(3); // from the future: ignored
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([2, counts({ requests: 6 }), counts({ requests: 6 }), zeroCounts()]);

    record(1); // the previous bucket, still in the window
    const results = counts({ totalSuccesses: 1, totalFailures: 1, totalExclusions: 1, consecutiveFailures: 1 });
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([
      2,
      counts({ requests: 9, totalSuccesses: 1, totalFailures: 1, totalExclusions: 1, consecutiveFailures: 1 }),
      counts({ requests: 9 }),
      results,
    ]);

    record(2);
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([
      2,
      counts({ requests: 12, totalSuccesses: 2, totalFailures: 2, totalExclusions: 2, consecutiveFailures: 1 }),
      counts({ requests: 12, totalSuccesses: 1, totalFailures: 1, totalExclusions: 1, consecutiveFailures: 1 }),
      results,
    ]);

    rc.grow(4);
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([4, zeroCounts(), zeroCounts(), zeroCounts()]);
  });

  it('TestRollingCountsBucketAt', () => {
    const rc = new RollingCounts(2);
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([0, zeroCounts(), zeroCounts(), zeroCounts()]);

    rc.onRequest();
    expect([rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([counts({ requests: 1 }), counts({ requests: 1 }), zeroCounts()]);

    rc.onFailure(0);
    let want = counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 });
    expect([rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([want, want, zeroCounts()]);

    rc.onRequest();
    want = counts({ requests: 2, totalFailures: 1, consecutiveFailures: 1 });
    expect([rc.counts, rc.bucketAt(2), rc.bucketAt(3)]).toEqual([want, want, zeroCounts()]);

    rc.onSuccess(0);
    want = counts({ requests: 2, totalSuccesses: 1, totalFailures: 1, consecutiveSuccesses: 1 });
    expect([rc.counts, rc.bucketAt(-2), rc.bucketAt(-3)]).toEqual([want, want, zeroCounts()]);

    rc.onRequest();
    want = counts({ requests: 3, totalSuccesses: 1, totalFailures: 1, consecutiveSuccesses: 1 });
    expect([rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([want, want, zeroCounts()]);

    rc.onFailure(0);
    const old = counts({ requests: 3, totalSuccesses: 1, totalFailures: 2, consecutiveFailures: 1 });
    expect([rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([old, old, zeroCounts()]);

    rc.roll();
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([1, old, zeroCounts(), old]);

    rc.onRequest();
    expect([rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([
      counts({ requests: 4, totalSuccesses: 1, totalFailures: 2, consecutiveFailures: 1 }),
      counts({ requests: 1 }),
      old,
    ]);

    rc.onFailure(1);
    expect([rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([
      counts({ requests: 4, totalSuccesses: 1, totalFailures: 3, consecutiveFailures: 2 }),
      counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }),
      old,
    ]);

    rc.onRequest();
    expect([rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([
      counts({ requests: 5, totalSuccesses: 1, totalFailures: 3, consecutiveFailures: 2 }),
      counts({ requests: 2, totalFailures: 1, consecutiveFailures: 1 }),
      old,
    ]);

    rc.onExclusion(0);
    expect([rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([
      counts({ requests: 5, totalSuccesses: 1, totalFailures: 3, totalExclusions: 1, consecutiveFailures: 2 }),
      counts({ requests: 2, totalFailures: 1, consecutiveFailures: 1 }),
      counts({ requests: 3, totalSuccesses: 1, totalFailures: 2, totalExclusions: 1, consecutiveFailures: 1 }),
    ]);

    rc.roll();
    want = counts({ requests: 2, totalFailures: 1, consecutiveFailures: 1 });
    expect([rc.age, rc.counts, rc.bucketAt(0), rc.bucketAt(1)]).toEqual([2, want, zeroCounts(), want]);

    rc.clear();
    expect([rc.age, rc.counts, rc.buckets[rc.index(0)], rc.buckets[rc.index(1)]]).toEqual([0, zeroCounts(), zeroCounts(), zeroCounts()]);
  });

  it('TestEmptyRollingCounts', () => {
    const rc = new RollingCounts(0);
    rc.subtract(0); // no change
    expect(rc.bucketAt(0)).toEqual(zeroCounts());
  });
});

describe('v1 and v2 differences (from the sources, not from Go tests)', () => {
  it('a panic is always a failure in v1, but is classified by IsSuccessful/IsExcluded in v2.4.0', () => {
    const v1 = new CircuitBreaker({ isSuccessful: () => true }, { clock: new SteppingClock(), version: 1 });
    expect(() => causePanic(v1)).toThrow();
    expect(v1.counts()).toEqual(counts5(1, 0, 1, 0, 1));

    const v2 = new CircuitBreaker({ isSuccessful: () => true }, { clock: new SteppingClock() });
    expect(() => causePanic(v2)).toThrow();
    expect(v2.counts()).toEqual(counts({ requests: 1, totalSuccesses: 1, consecutiveSuccesses: 1 }));

    // fmt.Errorf("%v", e) carries the panic value's text.
    const v2x = new CircuitBreaker({ isExcluded: (err) => err?.message === 'oops' }, { clock: new SteppingClock() });
    expect(() => causePanic(v2x)).toThrow();
    expect(v2x.counts()).toEqual(counts({ requests: 1, totalExclusions: 1 }));
  });

  it('v1 has neither BucketPeriod nor IsExcluded', () => {
    const clock = new SteppingClock();
    expect(() => new CircuitBreaker({ bucketPeriod: SECOND }, { clock, version: 1 })).toThrow(TypeError);
    expect(() => new CircuitBreaker({ isExcluded: () => true }, { clock, version: 1 })).toThrow(TypeError);
  });

  it('v2 rounds Interval up to whole buckets; a single bucket is a fixed window again', () => {
    const clock = new SteppingClock();
    const five = new CircuitBreaker({ interval: 30 * SECOND, bucketPeriod: 7 * SECOND }, { clock });
    expect([five.interval, five.bucketPeriod, five.rollingCounts.buckets.length, five.expiry]).toEqual([35 * SECOND, 7 * SECOND, 5, null]);
    const one = new CircuitBreaker({ interval: 10 * SECOND, bucketPeriod: 15 * SECOND }, { clock: new ManualClockAt(0) });
    expect([one.interval, one.rollingCounts.buckets.length, one.expiry]).toEqual([15 * SECOND, 1, 15 * SECOND]);
  });

  it('an excluded result in half-open frees its slot (v2.4.0) and changes nothing else', () => {
    const clock = new SteppingClock();
    const tscb = new TwoStepCircuitBreaker({ maxRequests: 1, timeout: SECOND, isExcluded: (e) => e === errExcluded, readyToTrip: () => true }, { clock });
    const a = tscb.allow();
    if (a.error) throw a.error;
    a.done(errFailed);
    expect(tscb.state()).toBe(StateOpen);
    clock.advance(2 * SECOND);
    const probe = tscb.allow();
    expect(probe.error).toBeNull();
    expect(tscb.allow().error).toBe(ErrTooManyRequests);
    if (probe.error) throw probe.error;
    probe.done(errExcluded);
    expect(tscb.state()).toBe(StateHalfOpen);
    expect(tscb.counts()).toEqual(counts({ requests: 1, totalExclusions: 1 }));
    expect(tscb.allow().error).toBeNull();
  });
});

/** A clock that never moves on its own. */
class ManualClockAt implements Clock {
  constructor(private readonly t: Nanos) {}
  now(): Nanos {
    return this.t;
  }
}

/** The project's seeded generator (src/lib/sim/random.ts) as a () => [0, 1) source. */
function seededSource(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

/** Drives a breaker with random operations; the checks are in each property test. */
function randomRun(
  seed: number,
  version: GoBreakerVersion,
  settings: Settings,
  check: (event: {
    kind: 'admitted' | 'rejected' | 'done' | 'tick';
    cb: TwoStepCircuitBreaker<GoBreakerVersion>;
    now: Nanos;
    state: State;
    outcome?: string;
    /** For `done`: the generation in which the finished request was admitted. */
    admittedIn?: number;
  }) => void,
  onStateChange?: (from: State, to: State, now: Nanos, cb: TwoStepCircuitBreaker<GoBreakerVersion>) => void,
): void {
  const rand = seededSource(seed);
  let t = 0;
  const clock: Clock = { now: () => t };
  let cbRef: TwoStepCircuitBreaker<GoBreakerVersion> | undefined;
  const st: Settings = {
    ...settings,
    ...(version === 2 ? { isExcluded: (e: Error | null) => e === errExcluded } : {}),
    onStateChange: (_n, from, to) => onStateChange?.(from, to, t, cbRef!),
  };
  const cb = new TwoStepCircuitBreaker<GoBreakerVersion>(st, { clock, version });
  cbRef = cb;
  const inFlight: { generation: number; finish: (outcome: 'success' | 'failure' | 'excluded') => void }[] = [];
  for (let step = 0; step < 3000; step++) {
    t += [0, 0, 1, 3, 10, 50, 200][Math.floor(rand() * 7)]! * MILLISECOND;
    const r = rand();
    if (r < 0.45) {
      const a = cb.allow();
      const state = cb.state();
      if (a.error) {
        check({ kind: 'rejected', cb, now: t, state });
        continue;
      }
      const done = a.done as (arg: boolean | Error | null) => void;
      inFlight.push({
        generation: cb.cb.generation,
        finish: (outcome) => done(version === 1 ? outcome === 'success' : outcome === 'success' ? null : outcome === 'failure' ? errFailed : errExcluded),
      });
      check({ kind: 'admitted', cb, now: t, state });
    } else if (r < 0.9 && inFlight.length > 0) {
      const [req] = inFlight.splice(Math.floor(rand() * inFlight.length), 1);
      const x = rand();
      const outcome = x < 0.15 && version === 2 ? 'excluded' : x < 0.55 ? 'failure' : 'success';
      req!.finish(outcome);
      check({ kind: 'done', cb, now: t, state: cb.state(), outcome, admittedIn: req!.generation });
    } else {
      check({ kind: 'tick', cb, now: t, state: cb.state() });
    }
  }
}

describe('properties (seeded random runs)', () => {
  const configs: { version: GoBreakerVersion; settings: Settings }[] = [
    { version: 1, settings: { maxRequests: 3, timeout: 500 * MILLISECOND, readyToTrip: (c) => c.consecutiveFailures > 2 } },
    { version: 2, settings: { maxRequests: 2, timeout: 300 * MILLISECOND, interval: SECOND, readyToTrip: (c) => c.requests >= 3 && c.totalFailures / c.requests >= 0.5 } },
    { version: 2, settings: { maxRequests: 4, timeout: 250 * MILLISECOND, interval: SECOND, bucketPeriod: 100 * MILLISECOND, readyToTrip: (c) => c.consecutiveFailures > 1 } },
    { version: 2, settings: {} },
  ];

  it('in half-open, never more than MaxRequests requests are admitted (net of excluded results in v2)', () => {
    configs.forEach(({ version, settings }, k) => {
      for (let seed = 1; seed <= 5; seed++) {
        let generation = -1;
        let admitted = 0;
        let freed = 0;
        let halfOpenAdmissions = 0;
        randomRun(seed * 10 + k, version, settings, ({ kind, cb, state, outcome, admittedIn }) => {
          if (cb.cb.generation !== generation) {
            generation = cb.cb.generation;
            admitted = 0;
            freed = 0;
          }
          if (state !== StateHalfOpen) return;
          if (kind === 'admitted') {
            admitted++;
            halfOpenAdmissions++;
          }
          // Only an exclusion reported in the same generation frees a slot.
          if (kind === 'done' && outcome === 'excluded' && admittedIn === generation) freed++;
          expect(admitted - freed).toBeLessThanOrEqual(cb.cb.maxRequests);
        });
        expect(halfOpenAdmissions).toBeGreaterThan(0); // the run did reach half-open
      }
    });
  });

  it('the breaker never leaves open before Timeout has passed, and always does after it', () => {
    configs.forEach(({ version, settings }, k) => {
      for (let seed = 1; seed <= 5; seed++) {
        let openedAt: Nanos | undefined;
        let reopened = 0;
        randomRun(
          seed * 10 + k,
          version,
          settings,
          ({ state, now, cb }) => {
            if (openedAt === undefined) return;
            if (now - openedAt <= cb.cb.timeout) expect(state).toBe(StateOpen);
            else expect(state).not.toBe(StateOpen);
          },
          (from, to, now, cb) => {
            if (to === StateOpen) openedAt = now;
            if (from === StateOpen) {
              expect(to).toBe(StateHalfOpen);
              expect(now - openedAt!).toBeGreaterThan(cb.cb.timeout);
              openedAt = undefined;
              reopened++;
            }
          },
        );
        expect(reopened).toBeGreaterThan(0);
      }
    });
  });

  it('counts are cleared and a new generation starts on every state change', () => {
    configs.forEach(({ version, settings }, k) => {
      for (let seed = 1; seed <= 5; seed++) {
        let changes = 0;
        let lastGeneration = 1;
        randomRun(
          seed * 10 + k,
          version,
          settings,
          () => {},
          (_from, _to, _now, cb) => {
            changes++;
            expect(cb.counts()).toEqual(zeroCounts());
            expect(cb.cb.generation).toBeGreaterThan(lastGeneration);
            lastGeneration = cb.cb.generation;
          },
        );
        expect(changes).toBeGreaterThan(2);
      }
    });
  });
});
