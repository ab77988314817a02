/**
 * Tests of the `breaker` replay (DESIGN.md, "The replay contract"). The golden traces' answers were
 * produced by the real github.com/sony/gobreaker v1.0.0 / v2.4.0: a scratch Go program replayed the
 * same JSON lines inside a testing/synctest bubble, where time.Now is virtual and time.Sleep moves it
 * exactly (through Execute, with `begin` as an Execute blocked in a goroutine, and again through
 * TwoStepCircuitBreaker.Allow; both agreed). So these tests hold the model to Go without Go.
 */
import { describe, expect, it } from 'vitest';
import { createBreakerReplay } from '../../../src/lib/sim/replay/breaker';
import { ReplaySession } from '../../../src/lib/sim/replay/session';
import { ReplayError, type JsonObject } from '../../../src/lib/sim/replay/types';

type Answer = JsonObject | typeof REPLAY_ERROR;
const REPLAY_ERROR = Symbol('ReplayError');

/** An answer line: error, state and the five counts in Go's field order. */
function a(error: string | null, state: string, [requests, totalSuccesses, totalFailures, consecutiveSuccesses, consecutiveFailures]: number[]): JsonObject {
  return {
    error,
    state,
    counts: {
      requests: requests!,
      totalSuccesses: totalSuccesses!,
      totalFailures: totalFailures!,
      consecutiveSuccesses: consecutiveSuccesses!,
      consecutiveFailures: consecutiveFailures!,
    },
  };
}

const GOLDEN: { name: string; config: JsonObject; steps: [JsonObject, Answer][] }[] = [
  {
    name: 'v2 defaults as in DESIGN.md: trip after 6 failures, excluded is neutral, Timeout is strict, one half-open probe',
    config: {"maxRequests":1,"intervalMs":0,"timeoutMs":60000,"readyToTrip":{"consecutiveFailuresGt":5}},
    steps: [
      [{"op":"call","at":0,"result":"failure"}, a(null, "closed", [1, 0, 1, 0, 1])],
      [{"op":"call","at":1,"result":"failure"}, a(null, "closed", [2, 0, 2, 0, 2])],
      [{"op":"call","at":2,"result":"failure"}, a(null, "closed", [3, 0, 3, 0, 3])],
      [{"op":"call","at":3,"result":"failure"}, a(null, "closed", [4, 0, 4, 0, 4])],
      [{"op":"call","at":4,"result":"failure"}, a(null, "closed", [5, 0, 5, 0, 5])],
      [{"op":"call","at":5,"result":"excluded"}, a(null, "closed", [6, 0, 5, 0, 5])],
      [{"op":"call","at":6,"result":"failure"}, a(null, "open", [0, 0, 0, 0, 0])],
      [{"op":"call","at":7,"result":"success"}, a("open", "open", [0, 0, 0, 0, 0])],
      [{"op":"state","at":60006}, a(null, "open", [0, 0, 0, 0, 0])],
      [{"op":"state","at":60006.000001}, a(null, "half-open", [0, 0, 0, 0, 0])],
      [{"op":"begin","at":60007,"id":"a"}, a(null, "half-open", [1, 0, 0, 0, 0])],
      [{"op":"begin","at":60008,"id":"b"}, a("too_many_requests", "half-open", [1, 0, 0, 0, 0])],
      [{"op":"end","at":60009,"id":"a","result":"success"}, a(null, "closed", [0, 0, 0, 0, 0])],
      [{"op":"state","at":60010}, a(null, "closed", [0, 0, 0, 0, 0])],
    ],
  },
  {
    name: 'v1, README ReadyToTrip, Interval and MaxRequests 2: excluded is a failure in v1',
    config: {"version":1,"maxRequests":2,"intervalMs":10,"timeoutMs":20,"readyToTrip":{"minRequests":3,"failureRatioGte":0.6}},
    steps: [
      [{"op":"call","at":0,"result":"success"}, a(null, "closed", [1, 1, 0, 1, 0])],
      [{"op":"call","at":1,"result":"failure"}, a(null, "closed", [2, 1, 1, 0, 1])],
      [{"op":"call","at":10,"result":"excluded"}, a(null, "open", [0, 0, 0, 0, 0])],
      [{"op":"state","at":10.5}, a(null, "open", [0, 0, 0, 0, 0])],
      [{"op":"call","at":11,"result":"failure"}, a("open", "open", [0, 0, 0, 0, 0])],
      [{"op":"call","at":12,"result":"success"}, a("open", "open", [0, 0, 0, 0, 0])],
      [{"op":"call","at":12,"result":"failure"}, a("open", "open", [0, 0, 0, 0, 0])],
      [{"op":"call","at":13,"result":"failure"}, a("open", "open", [0, 0, 0, 0, 0])],
      [{"op":"call","at":32,"result":"success"}, a(null, "half-open", [1, 1, 0, 1, 0])],
      [{"op":"state","at":33}, a(null, "half-open", [1, 1, 0, 1, 0])],
      [{"op":"begin","at":34,"id":"p1"}, a(null, "half-open", [2, 1, 0, 1, 0])],
      [{"op":"begin","at":34,"id":"p2"}, a("too_many_requests", "half-open", [2, 1, 0, 1, 0])],
      [{"op":"begin","at":34,"id":"p3"}, a("too_many_requests", "half-open", [2, 1, 0, 1, 0])],
      [{"op":"end","at":35,"id":"p1","result":"success"}, a(null, "closed", [0, 0, 0, 0, 0])],
      [{"op":"end","at":36,"id":"p2","result":"success"}, REPLAY_ERROR],
      [{"op":"state","at":36}, a(null, "closed", [0, 0, 0, 0, 0])],
    ],
  },
  {
    name: 'v2 rolling window (3 buckets of 3 ms): buckets roll out, late results from rolled-out buckets are dropped, exclusions free half-open slots',
    config: {"version":2,"maxRequests":2,"intervalMs":9,"bucketPeriodMs":3,"timeoutMs":5,"readyToTrip":{"consecutiveFailuresGt":2}},
    steps: [
      [{"op":"call","at":0,"result":"failure"}, a(null, "closed", [1, 0, 1, 0, 1])],
      [{"op":"call","at":1,"result":"failure"}, a(null, "closed", [2, 0, 2, 0, 2])],
      [{"op":"begin","at":2,"id":"slow"}, a(null, "closed", [3, 0, 2, 0, 2])],
      [{"op":"call","at":3,"result":"success"}, a(null, "closed", [4, 1, 2, 1, 0])],
      [{"op":"call","at":4,"result":"failure"}, a(null, "closed", [5, 1, 3, 0, 1])],
      [{"op":"state","at":6}, a(null, "closed", [5, 1, 3, 0, 1])],
      [{"op":"state","at":9}, a(null, "closed", [2, 1, 1, 0, 1])],
      [{"op":"end","at":10,"id":"slow","result":"failure"}, a(null, "closed", [2, 1, 1, 0, 1])],
      [{"op":"call","at":11,"result":"failure"}, a(null, "closed", [3, 1, 2, 0, 2])],
      [{"op":"call","at":11,"result":"failure"}, a(null, "open", [0, 0, 0, 0, 0])],
      [{"op":"call","at":12,"result":"failure"}, a("open", "open", [0, 0, 0, 0, 0])],
      [{"op":"state","at":17}, a(null, "half-open", [0, 0, 0, 0, 0])],
      [{"op":"state","at":17.5}, a(null, "half-open", [0, 0, 0, 0, 0])],
      [{"op":"begin","at":17.5,"id":"x"}, a(null, "half-open", [1, 0, 0, 0, 0])],
      [{"op":"call","at":17.5,"result":"excluded"}, a(null, "half-open", [2, 0, 0, 0, 0])],
      [{"op":"call","at":17.5,"result":"success"}, a(null, "half-open", [3, 1, 0, 1, 0])],
      [{"op":"begin","at":17.5,"id":"y"}, a("too_many_requests", "half-open", [3, 1, 0, 1, 0])],
      [{"op":"end","at":18,"id":"x","result":"excluded"}, a(null, "half-open", [3, 1, 0, 1, 0])],
      [{"op":"call","at":18,"result":"success"}, a(null, "closed", [0, 0, 0, 0, 0])],
      [{"op":"state","at":18}, a(null, "closed", [0, 0, 0, 0, 0])],
    ],
  },
];

function replay(config: JsonObject, ops: JsonObject[]): Answer[] {
  const model = createBreakerReplay(config);
  return ops.map((op) => {
    try {
      return model.apply(op);
    } catch (e) {
      if (e instanceof ReplayError) return REPLAY_ERROR;
      throw e;
    }
  });
}

describe('breaker replay: golden traces from the real gobreaker', () => {
  for (const { name, config, steps } of GOLDEN) {
    it(name, () => {
      expect(replay(config, steps.map(([op]) => op))).toEqual(steps.map(([, answer]) => answer));
    });
  }
});

describe('breaker replay: contract details', () => {
  it('answers through a ReplaySession, one line per op, the config line unanswered', () => {
    const session = new ReplaySession(createBreakerReplay);
    const out = ['{"timeoutMs":1000}', '{"op":"state","at":0}', '{"op":"call","at":1,"result":"success"}'].map((l) => session.feed(l));
    expect(out).toEqual([
      undefined,
      '{"error":null,"state":"closed","counts":{"requests":0,"totalSuccesses":0,"totalFailures":0,"consecutiveSuccesses":0,"consecutiveFailures":0}}',
      '{"error":null,"state":"closed","counts":{"requests":1,"totalSuccesses":1,"totalFailures":0,"consecutiveSuccesses":1,"consecutiveFailures":0}}',
    ]);
  });

  it('uses gobreaker defaults for absent config fields (MaxRequests 1, Timeout 60 s, ConsecutiveFailures > 5)', () => {
    const ops: JsonObject[] = [];
    for (let i = 0; i < 6; i++) ops.push({ op: 'call', at: 0, result: 'failure' });
    ops.push({ op: 'state', at: 60_000 }, { op: 'state', at: 60_000.001 });
    ops.push({ op: 'begin', at: 60_001, id: 'a' }, { op: 'begin', at: 60_001, id: 'b' });
    const out = replay({}, ops);
    expect(out[4]).toEqual(a(null, 'closed', [5, 0, 5, 0, 5]));
    expect(out[5]).toEqual(a(null, 'open', [0, 0, 0, 0, 0]));
    expect(out[6]).toEqual(a(null, 'open', [0, 0, 0, 0, 0]));
    expect(out[7]).toEqual(a(null, 'half-open', [0, 0, 0, 0, 0]));
    expect(out[8]).toEqual(a(null, 'half-open', [1, 0, 0, 0, 0]));
    expect(out[9]).toEqual(a('too_many_requests', 'half-open', [1, 0, 0, 0, 0]));
  });

  it('reports the state time has made due even on a bare `state` op (Interval clears a closed window)', () => {
    const out = replay({ intervalMs: 10 }, [
      { op: 'call', at: 0, result: 'failure' },
      { op: 'state', at: 10 },
      { op: 'state', at: 10.000001 },
    ]);
    expect(out).toEqual([a(null, 'closed', [1, 0, 1, 0, 1]), a(null, 'closed', [1, 0, 1, 0, 1]), a(null, 'closed', [0, 0, 0, 0, 0])]);
  });

  it('treats `excluded` as neutral in v2 and as a failure in v1', () => {
    const ops = [{ op: 'call', at: 0, result: 'excluded' }];
    expect(replay({}, ops)).toEqual([a(null, 'closed', [1, 0, 0, 0, 0])]);
    expect(replay({ version: 1 }, ops)).toEqual([a(null, 'closed', [1, 0, 1, 0, 1])]);
    expect(replay({ version: 1 }, [{ op: 'begin', at: 0, id: 'x' }, { op: 'end', at: 1, id: 'x', result: 'excluded' }])[1]).toEqual(
      a(null, 'closed', [1, 0, 1, 0, 1]),
    );
  });

  it('rejects bad ops with ReplayError and leaves the breaker as it was', () => {
    const model = createBreakerReplay({ timeoutMs: 10, readyToTrip: { consecutiveFailuresGt: 0 } });
    const bad: JsonObject[] = [
      { op: 'jump', at: 0 },
      { at: 0 },
      { op: 'call', result: 'success' },
      { op: 'call', at: 0 },
      { op: 'call', at: 0, result: 'maybe' },
      { op: 'call', at: -1, result: 'success' },
      { op: 'call', at: 'soon', result: 'success' },
      { op: 'begin', at: 0 },
      { op: 'end', at: 0, id: 'nobody', result: 'success' },
      { op: 'end', at: 0, id: 'x' },
    ];
    for (const op of bad) expect(() => model.apply(op), JSON.stringify(op)).toThrow(ReplayError);
    expect(model.apply({ op: 'begin', at: 1, id: 'x' })).toEqual(a(null, 'closed', [1, 0, 0, 0, 0]));
    expect(() => model.apply({ op: 'begin', at: 2, id: 'x' })).toThrow(/already in flight/);
    expect(() => model.apply({ op: 'state', at: 0.5 })).toThrow(/back in time/);
    // the rejected ops moved nothing: the request is still in flight at t=1
    expect(model.apply({ op: 'end', at: 1, id: 'x', result: 'failure' })).toEqual(a(null, 'open', [0, 0, 0, 0, 0]));
    expect(() => model.apply({ op: 'end', at: 1, id: 'x', result: 'failure' })).toThrow(/unknown id/);
    // a rejected begin keeps nothing under its id
    expect(model.apply({ op: 'begin', at: 2, id: 'y' })).toEqual(a('open', 'open', [0, 0, 0, 0, 0]));
    expect(() => model.apply({ op: 'end', at: 3, id: 'y', result: 'success' })).toThrow(/unknown id/);
  });

  it('rejects bad configurations with ReplayError', () => {
    const bad: JsonObject[] = [
      { version: 3 },
      { version: 1, bucketPeriodMs: 5 },
      { timeout: 5 },
      { maxRequests: -1 },
      { maxRequests: 1.5 },
      { intervalMs: 'x' },
      { readyToTrip: { consecutiveFailuresGt: 1, minRequests: 2 } },
      { readyToTrip: { minRequests: 2 } },
      { readyToTrip: 5 },
    ];
    for (const config of bad) expect(() => createBreakerReplay(config), JSON.stringify(config)).toThrow(ReplayError);
  });
});
