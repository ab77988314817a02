/**
 * The `limiter` replay model (src/lib/sim/replay/limiter.ts), DESIGN.md "The replay contract".
 *
 * Expected answers are derived by hand in the comments. The "recorded from Go" traces were also
 * replayed through the real golang.org/x/time/rate v0.16.0 (linux/amd64) by a scratch oracle using
 * AllowN, ReserveN, the internal reserveN (maxFutureReserve), CancelAt, SetLimitAt, SetBurstAt and
 * TokensAt, and its answers are the ones written here.
 */
import { describe, expect, it } from 'vitest';
import { createLimiterReplay } from '../../../src/lib/sim/replay/limiter.ts';
import { ReplaySession } from '../../../src/lib/sim/replay/session.ts';
import { ReplayError, type JsonObject } from '../../../src/lib/sim/replay/types.ts';

/** Feeds a config and ops through a ReplaySession (as the CLI does); returns the parsed answers. */
function replay(config: JsonObject, ops: JsonObject[]): JsonObject[] {
  const session = new ReplaySession(createLimiterReplay);
  const answers: JsonObject[] = [];
  for (const line of [config, ...ops].map((x) => JSON.stringify(x))) {
    const answer = session.feed(line);
    if (answer !== undefined) answers.push(JSON.parse(answer) as JsonObject);
  }
  return answers;
}

describe('limiter replay: the DESIGN.md ops', () => {
  it('allow answers ok and the tokens before the op', () => {
    // limit 10/s, burst 3, full at time 0.
    expect(
      replay({ limit: 10, burst: 3 }, [
        { op: 'allow', at: 0, n: 1 }, // 3 before, 2 after
        { op: 'allow', at: 0, n: 3 }, // 2 < 3: refused, nothing taken
        { op: 'allow', at: 50, n: 2 }, // 2 + 50 ms · 10/s = 2.5 before, 0.5 after
        { op: 'tokens', at: 100 }, // 0.5 + 0.5
      ]),
    ).toEqual([{ ok: true, tokens: 3 }, { ok: false, tokens: 2 }, { ok: true, tokens: 2.5 }, { tokens: 1 }]);
  });

  it('reserve answers the absolute time to act in ms; cancel gives tokens back', () => {
    expect(
      replay({ limit: 10, burst: 3 }, [
        { op: 'reserve', at: 0, n: 2, id: 'r1', maxWaitMs: null }, // 3 → 1, act now
        { op: 'reserve', at: 0, n: 3, id: 'r2', maxWaitMs: null }, // 1 → -2: 2 tokens = 200 ms
        { op: 'reserve', at: 0, n: 1, id: 'r3', maxWaitMs: 250 }, // -2 → -3 would wait 300 ms > 250
        { op: 'tokens', at: 0 }, // r3 changed nothing
        { op: 'cancel', at: 100, id: 'r2' }, // r2 is the last reservation: all 3 back
        { op: 'tokens', at: 100 }, // -2 + 1 (100 ms) + 3 = 2
        { op: 'cancel', at: 100, id: 'r3' }, // not ok: a no-op
        { op: 'tokens', at: 100 },
      ]),
    ).toEqual([
      { ok: true, timeToAct: 0 },
      { ok: true, timeToAct: 200 },
      { ok: false, timeToAct: null },
      { tokens: -2 },
      { ok: true },
      { tokens: 2 },
      { ok: true },
      { tokens: 2 },
    ]);
  });

  it('timeToAct is absolute: a reservation at 1000 ms that waits 100 ms acts at 1100 ms', () => {
    expect(
      replay({ limit: 10, burst: 1 }, [
        { op: 'allow', at: 1000, n: 1 },
        { op: 'reserve', at: 1000, n: 1, id: 'a' }, // maxWaitMs absent = no maximum
      ]),
    ).toEqual([{ ok: true, tokens: 1 }, { ok: true, timeToAct: 1100 }]);
  });

  it('setLimit and setBurst take effect at their time; "inf" is rate.Inf', () => {
    expect(
      replay({ limit: 10, burst: 3 }, [
        { op: 'allow', at: 0, n: 3 }, // 0 left
        { op: 'setLimit', at: 100, limit: 5 }, // 1 token accrued at 10/s
        { op: 'tokens', at: 300 }, // 1 + 200 ms · 5/s = 2
        { op: 'setBurst', at: 300, burst: 1 }, // tokens stay 2 until the next advance caps them
        { op: 'tokens', at: 300 }, // capped at the new burst
        { op: 'setLimit', at: 300, limit: 'inf' },
        { op: 'allow', at: 300, n: 50 }, // Inf ignores burst
        { op: 'reserve', at: 300, n: 50, id: 'x', maxWaitMs: 0 },
      ]),
    ).toEqual([
      { ok: true, tokens: 3 },
      { ok: true },
      { tokens: 2 },
      { ok: true },
      { tokens: 1 },
      { ok: true },
      { ok: true, tokens: 1 },
      { ok: true, timeToAct: 300 },
    ]);
  });

  it('takes fractional milliseconds, rounded to the nanosecond', () => {
    // 0.0000004 ms = 0.4 ns rounds to 0; 0.25 ms at 1000/s is exactly 0.25 tokens.
    expect(
      replay({ limit: 1000, burst: 1 }, [
        { op: 'allow', at: 0.0000004, n: 1 },
        { op: 'tokens', at: 0.25 },
        { op: 'reserve', at: 0.25, n: 1, id: 'r' }, // needs 0.75 token: 0.75 ms → acts at 1 ms
      ]),
    ).toEqual([{ ok: true, tokens: 1 }, { tokens: 0.25 }, { ok: true, timeToAct: 1 }]);
  });
});

describe('limiter replay: traces recorded from Go (x/time/rate v0.16.0)', () => {
  it('Inf reservations have limit 0; cancel refunds only what later reservations did not take', () => {
    expect(
      replay({ limit: 'inf', burst: 0 }, [
        { op: 'reserve', at: 0, n: 2, id: 'r1', maxWaitMs: null },
        { op: 'setLimit', at: 0, limit: 10 },
        { op: 'tokens', at: 0 },
        { op: 'cancel', at: 0, id: 'r1' }, // refund 2, capped at burst 0
        { op: 'tokens', at: 0 },
        { op: 'setBurst', at: 0, burst: 5 },
        { op: 'reserve', at: 0, n: 3, id: 'r2', maxWaitMs: null }, // 0 → -3: 300 ms
        { op: 'reserve', at: 0, n: 3, id: 'r3', maxWaitMs: null }, // -3 → -6: 600 ms
        { op: 'cancel', at: 0, id: 'r2' }, // 3 - (600 - 300 ms)·10/s = 0: nothing back
        { op: 'tokens', at: 0 },
        { op: 'cancel', at: 0, id: 'r3' }, // the last one: 3 back
        { op: 'tokens', at: 10 }, // -3 + 0.1
      ]),
    ).toEqual([
      { ok: true, timeToAct: 0 },
      { ok: true },
      { tokens: 0 },
      { ok: true },
      { tokens: 0 },
      { ok: true },
      { ok: true, timeToAct: 300 },
      { ok: true, timeToAct: 600 },
      { ok: true },
      { tokens: -6 },
      { ok: true },
      { tokens: -2.9 },
    ]);
  });

  it('a zero limit still reserves, at t + InfDuration, which Sub(epoch) saturates to MaxInt64 ns', () => {
    const saturated = 9223372036854775807 / 1e6; // float64(math.MaxInt64) / 1e6
    expect(
      replay({ limit: 0, burst: 2 }, [
        { op: 'reserve', at: 0, n: 2, id: 'a', maxWaitMs: null },
        { op: 'reserve', at: 1, n: 1, id: 'b', maxWaitMs: null },
        { op: 'reserve', at: 2, n: 1, id: 'c', maxWaitMs: null },
        { op: 'tokens', at: 3 },
        { op: 'cancel', at: 5, id: 'b' },
        { op: 'tokens', at: 5 },
        { op: 'cancel', at: 6, id: 'c' },
        { op: 'tokens', at: 6 },
        { op: 'setLimit', at: 7, limit: 10 },
        { op: 'cancel', at: 8, id: 'a' }, // a's time to act has passed: no-op
        { op: 'reserve', at: 9, n: 2, id: 'd', maxWaitMs: 1000 }, // 0 → -2 (+0.02 from 7 to 9 ms)
        { op: 'tokens', at: 9 },
      ]),
    ).toEqual([
      { ok: true, timeToAct: 0 },
      { ok: true, timeToAct: saturated },
      { ok: true, timeToAct: saturated },
      { tokens: -2 },
      { ok: true },
      { tokens: -1 },
      { ok: true },
      { tokens: 0 },
      { ok: true },
      { ok: true },
      { ok: true, timeToAct: 207 },
      { tokens: -1.98 },
    ]);
  });

  it('a wait of exactly 2^63 ns becomes MinInt64 (amd64 float→int conversion): acts "in the past"', () => {
    expect(
      replay({ limit: 1.0842021724855044e-10, burst: 1 }, [
        { op: 'allow', at: 0, n: 1 },
        { op: 'reserve', at: 0, n: 1, id: 'a', maxWaitMs: null },
        { op: 'tokens', at: 0 },
      ]),
    ).toEqual([{ ok: true, tokens: 1 }, { ok: true, timeToAct: -9223372036854775808 / 1e6 }, { tokens: -1 }]);
  });

  it('after the clock jumps back, a cancel can refund more than it reserved (lastEvent before timeToAct)', () => {
    expect(
      replay({ limit: 10, burst: 10 }, [
        { op: 'allow', at: 1000, n: 10 }, // 0 left, last = 1000 ms
        { op: 'reserve', at: 1000, n: 1, id: 'b', maxWaitMs: null }, // -1, acts at 1100 ms
        { op: 'reserve', at: 500, n: 1, id: 'c', maxWaitMs: null }, // back: no time passes; -2 → 700 ms
        { op: 'tokens', at: 900 }, // -2 + (900 - 500 ms)·10/s = 2
        { op: 'cancel', at: 900, id: 'b' }, // refund 1 - (700 - 1100 ms)·10/s = 5
        { op: 'tokens', at: 900 },
      ]),
    ).toEqual([
      { ok: true, tokens: 10 },
      { ok: true, timeToAct: 1100 },
      { ok: true, timeToAct: 700 },
      { tokens: 2 },
      { ok: true },
      { tokens: 7 },
    ]);
  });
});

describe('limiter replay: bad input', () => {
  const apply = (op: JsonObject, config: JsonObject = { limit: 10, burst: 3 }) => createLimiterReplay(config).apply(op);

  it('rejects a bad configuration', () => {
    expect(() => createLimiterReplay({ limit: 'fast', burst: 3 })).toThrow(ReplayError);
    expect(() => createLimiterReplay({ limit: 10 })).toThrow(/"burst" must be an integer/);
    expect(() => createLimiterReplay({ limit: 10, burst: 1.5 })).toThrow(/"burst" must be an integer/);
  });

  it('rejects unknown ops and missing or invalid fields with a clear message', () => {
    expect(() => apply({ op: 'wait', at: 0, n: 1 })).toThrow(/unknown op "wait"/);
    expect(() => apply({ at: 0 })).toThrow(/"op" must be a string/);
    expect(() => apply({ op: 'allow', n: 1 })).toThrow(/"at" must be a finite number/);
    expect(() => apply({ op: 'allow', at: 0 })).toThrow(/"n" must be an integer/);
    expect(() => apply({ op: 'allow', at: 0, n: 0.5 })).toThrow(/"n" must be an integer/);
    expect(() => apply({ op: 'reserve', at: 0, n: 1 })).toThrow(/"id" must be a string/);
    expect(() => apply({ op: 'reserve', at: 0, n: 1, id: 'r', maxWaitMs: 'soon' })).toThrow(/"maxWaitMs" must be a finite number/);
    expect(() => apply({ op: 'setLimit', at: 0, limit: null })).toThrow(/"limit" must be a number or "inf"/);
    expect(() => apply({ op: 'setBurst', at: 0, burst: 'x' })).toThrow(/"burst" must be an integer/);
    expect(() => apply({ op: 'tokens', at: 1e300 })).toThrow(/"at" is out of range/);
  });

  it('rejects an unknown reservation id, and reusing one', () => {
    const model = createLimiterReplay({ limit: 10, burst: 3 });
    expect(() => model.apply({ op: 'cancel', at: 0, id: 'nope' })).toThrow(/unknown reservation id "nope"/);
    model.apply({ op: 'reserve', at: 0, n: 1, id: 'r1' });
    expect(() => model.apply({ op: 'reserve', at: 0, n: 1, id: 'r1' })).toThrow(/reservation id "r1" is already used/);
  });

  it('through a session, a bad line is answered with {"error"} and the next line still works', () => {
    const session = new ReplaySession(createLimiterReplay);
    expect(session.feed('{"limit":10,"burst":3}')).toBeUndefined();
    expect(JSON.parse(session.feed('{"op":"cancel","at":0,"id":"zz"}')!)).toEqual({ error: 'unknown reservation id "zz"' });
    expect(JSON.parse(session.feed('{"op":"tokens","at":0}')!)).toEqual({ tokens: 3 });
  });
});

describe('limiter replay: properties', () => {
  it('is deterministic, and its answers keep their shape, on seeded random traces', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const trace = randomTrace(seed);
      const first = replay(trace.config, trace.ops);
      expect(replay(trace.config, trace.ops)).toEqual(first);
      first.forEach((answer, i) => {
        const op = trace.ops[i]!.op;
        if (op === 'allow') expect(typeof answer.ok === 'boolean' && typeof answer.tokens === 'number').toBe(true);
        if (op === 'reserve') expect(answer.ok ? typeof answer.timeToAct === 'number' : answer.timeToAct === null).toBe(true);
        if (op === 'tokens') expect(answer.tokens as number).toBeLessThanOrEqual(trace.burstAt[i]!);
        if (op === 'reserve' && answer.ok) expect(answer.timeToAct as number).toBeGreaterThanOrEqual(trace.ops[i]!.at as number);
      });
    }
  });
});

/** A seeded random trace with non-decreasing times, and the burst in force at each op. */
function randomTrace(seed: number): { config: JsonObject; ops: JsonObject[]; burstAt: number[] } {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let burst = 1 + Math.floor(rnd() * 5);
  const config: JsonObject = { limit: [1, 5, 10, 2.5][seed % 4]!, burst };
  const ops: JsonObject[] = [];
  const burstAt: number[] = [];
  const ids: string[] = [];
  let micros = 0;
  for (let i = 0; i < 100; i++) {
    micros += Math.round(rnd() * 200_000);
    const at = micros / 1000; // ms with up to 3 decimals, without accumulated rounding
    const r = rnd();
    if (r < 0.3) ops.push({ op: 'allow', at, n: Math.floor(rnd() * 4) });
    else if (r < 0.55) {
      ids.push(`r${i}`);
      ops.push({ op: 'reserve', at, n: Math.floor(rnd() * 4), id: `r${i}`, maxWaitMs: rnd() < 0.5 ? null : Math.floor(rnd() * 500) });
    } else if (r < 0.7 && ids.length > 0) ops.push({ op: 'cancel', at, id: ids[Math.floor(rnd() * ids.length)]! });
    else if (r < 0.8) {
      burst = Math.floor(rnd() * 6);
      ops.push({ op: 'setBurst', at, burst });
    } else ops.push({ op: 'tokens', at });
    burstAt.push(burst);
  }
  return { config, ops, burstAt };
}
