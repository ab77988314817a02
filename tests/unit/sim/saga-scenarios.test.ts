/**
 * The saga scenarios (src/lib/sim/scenarios/saga.ts): dtm's compensation order and retries,
 * ONGOING until TimeoutToFail, and what the barrier does for a late action, each checked on the trace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../src/lib/sim/kernel';
import { SAGA_SCENARIOS } from '../../../src/lib/sim/scenarios/saga';
import type { Scenario, ScenarioResult } from '../../../src/lib/sim/scenarios/types';

const byId = (id: string): Scenario => {
  const s = SAGA_SCENARIOS.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
};
type Branch = TraceEvent & { step: string; op: string; result: string; attempt: number };
const branches = (r: ScenarioResult, pred: (e: Branch) => boolean = () => true) => (r.trace.filter((e) => e.kind === 'branch') as Branch[]).filter(pred);
const names = (list: readonly Branch[]) => list.map((e) => `${e.step}.${e.op}`);
const statuses = (r: ScenarioResult) => r.trace.filter((e) => e.kind === 'status').map((e) => [e.status, e.t]);
const business = (r: ScenarioResult, step: string, op: string) => r.trace.filter((e) => e.kind === 'business' && e.step === step && e.op === op);
const lastBalances = (r: ScenarioResult) => r.trace.filter((e) => e.kind === 'balances').at(-1)!;

function lessonHeadings(lessonId: string): Set<string> | undefined {
  const path = `content/lessons/${lessonId}/en.md`;
  if (!existsSync(path)) return undefined;
  return new Set([...readFileSync(path, 'utf8').matchAll(/^#{2,3} .*\{#([\w-]+)\}\s*$/gm)].map((m) => m[1]!));
}

describe('saga scenarios: shape', () => {
  it('there are at least three, with unique ids, bilingual titles and stories', () => {
    expect(SAGA_SCENARIOS.length).toBeGreaterThanOrEqual(3);
    expect(new Set(SAGA_SCENARIOS.map((s) => s.id)).size).toBe(SAGA_SCENARIOS.length);
    for (const s of SAGA_SCENARIOS) {
      expect(s.model).toBe('saga');
      for (const text of [s.title, s.story]) {
        expect(text.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(text.en).not.toMatch(/[\u4e00-\u9fff]/);
      }
      for (const spec of Object.values(s.params)) {
        if (spec.kind === 'number') expect([spec.min <= spec.default, spec.default <= spec.max]).toEqual([true, true]);
        else expect(spec.options).toContain(spec.default);
      }
    }
  });

  it.each(SAGA_SCENARIOS.map((s) => [s.id, s] as const))('%s links to the distributed-transactions lesson (and a real heading once it exists)', (_id, s) => {
    const m = /^\/lessons\/([\w-]+)(?:#([\w-]+))?$/.exec(s.lesson);
    expect(m).not.toBeNull();
    expect(m![1]).toBe('distributed-transactions');
    const headings = lessonHeadings(m![1]!);
    if (headings && m![2]) expect([...headings]).toContain(m![2]);
  });
});

describe('saga scenarios: determinism and ordering', () => {
  it.each(SAGA_SCENARIOS.map((s) => [s.id, s] as const))('%s: same trace every run and for every seed (nothing random); time-ordered', (_id, s) => {
    const a = s.run();
    expect(JSON.stringify(s.run())).toBe(JSON.stringify(a));
    expect(JSON.stringify(s.run({}, { seed: 987 }))).toBe(JSON.stringify(a));
    const times = a.trace.map((e) => e.t);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(a.trace.every((e) => e.t >= 0 && e.t <= s.durationMs)).toBe(true);
  });
});

describe('saga-compensation-retry', () => {
  const scenario = byId('saga-compensation-retry');

  it('its own faults are the FAILURE of Notify and one error of TransIn’s compensation', () => {
    expect(scenario.faults).toEqual([
      { atMs: 0, kind: 'branch-answer', branch: 'Notify.action', answer: 'FAILURE' },
      { atMs: 0, kind: 'branch-answer', branch: 'TransIn.compensate', answer: 'ERROR: database is locked', times: 1 },
    ]);
  });

  it('compensates in reverse order, the failed step included, retrying the failed compensation before going on', () => {
    const r = scenario.run();
    expect(names(branches(r))).toEqual([
      'TransOut.action',
      'TransIn.action',
      'Notify.action',
      'Notify.compensate',
      'TransIn.compensate',
      'TransIn.compensate',
      'TransOut.compensate',
    ]);
    expect(branches(r).map((e) => e.result.startsWith('ERROR') ? 'ERROR' : e.result)).toEqual(['SUCCESS', 'SUCCESS', 'FAILURE', 'SUCCESS', 'ERROR', 'SUCCESS', 'SUCCESS']);
    // The failed step's compensation is a null compensation: the barrier skips the business.
    expect(business(r, 'Notify', 'compensate')).toMatchObject([{ outcome: 'skipped', reason: 'null-compensation' }]);
    // The first retry waits 2 × RetryInterval: an error doubles the interval before the next round.
    const transIn = branches(r, (e) => e.step === 'TransIn' && e.op === 'compensate');
    expect(transIn.map((e) => [e.t, e.attempt])).toEqual([
      [0, 1],
      [20_000, 2],
    ]);
    expect(branches(r, (e) => e.step === 'TransOut' && e.op === 'compensate')[0]!.t).toBe(20_000);
    expect(statuses(r)).toEqual([
      ['submitted', 0],
      ['aborting', 0],
      ['failed', 20_000],
    ]);
    expect(r.trace.find((e) => e.kind === 'retry-scheduled')).toMatchObject({ t: 0, atMs: 20_000, intervalMs: 20_000 });
    expect(lastBalances(r)).toMatchObject({ alice: 100, bob: 100, total: 200 });
    expect(r.summary).toMatchObject({
      status: 'failed',
      compensationOrder: 'Notify → TransIn → TransOut',
      compensationRequests: 4,
      compensationErrors: 1,
      finishedAtMs: 20_000,
      balancesAsPromised: true,
    });
  });

  it.each([
    ['TransIn', 'TransIn → TransOut', ['TransOut.action', 'TransIn.action']],
    ['TransOut', 'TransOut', ['TransOut.action']],
  ])('when %s fails, compensations start from it (%s) and later steps never run', (failingStep, order, actions) => {
    const r = scenario.run({ failingStep, compensationFailures: 0 });
    expect(names(branches(r, (e) => e.op === 'action'))).toEqual(actions);
    expect(r.summary.compensationOrder).toBe(order);
    expect(business(r, failingStep, 'compensate')).toMatchObject([{ outcome: 'skipped', reason: 'null-compensation' }]);
    expect(r.summary.status).toBe('failed');
    expect(lastBalances(r)).toMatchObject({ alice: 100, bob: 100 });
  });

  it('with no failing step the saga succeeds and nothing is compensated', () => {
    const r = scenario.run({ failingStep: 'none' });
    expect(branches(r, (e) => e.op === 'compensate')).toEqual([]);
    expect(statuses(r)).toEqual([
      ['submitted', 0],
      ['succeed', 0],
    ]);
    expect(lastBalances(r)).toMatchObject({ alice: 70, bob: 130, total: 200 });
    expect(r.summary.balancesAsPromised).toBe(true);
  });

  it('backs off exponentially while a compensation keeps failing, and each earlier step waits for it', () => {
    const r = scenario.run({ compensationFailures: 3, retryIntervalS: 5 });
    const retries = branches(r, (e) => e.step === 'TransIn' && e.op === 'compensate').map((e) => e.t);
    expect(retries).toEqual([0, 10_000, 30_000, 70_000]); // waits of 10, 20, 40 s
    const transOut = branches(r, (e) => e.step === 'TransOut' && e.op === 'compensate');
    expect(transOut.map((e) => e.t)).toEqual([70_000]);
    expect(r.summary.finishedAtMs).toBe(70_000);
  });

  it('compensations of earlier steps wait for every later one, whichever fails', () => {
    for (const failingCompensation of ['TransIn', 'TransOut', 'Notify']) {
      const r = scenario.run({ failingCompensation, compensationFailures: 2 });
      const comps = branches(r, (e) => e.op === 'compensate');
      const firstSuccess = (step: string) => comps.find((e) => e.step === step && e.result === 'SUCCESS')!.t;
      const firstCall = (step: string) => comps.find((e) => e.step === step)!.t;
      expect(firstCall('TransIn')).toBeGreaterThanOrEqual(firstSuccess('Notify'));
      expect(firstCall('TransOut')).toBeGreaterThanOrEqual(firstSuccess('TransIn'));
      expect(comps.filter((e) => e.result !== 'SUCCESS').map((e) => e.step)).toEqual([failingCompensation, failingCompensation]);
      expect(r.summary.status).toBe('failed');
    }
  });

  it('clamps out-of-range parameters', () => {
    expect(JSON.stringify(scenario.run({ compensationFailures: 99, retryIntervalS: 0, failingStep: 'bogus' }))).toBe(
      JSON.stringify(scenario.run({ compensationFailures: 3, retryIntervalS: 1, failingStep: 'Notify' })),
    );
  });

  it('adds the caller’s faults to its own', () => {
    const r = scenario.run({ compensationFailures: 0 }, { faults: [{ atMs: 0, kind: 'branch-answer', branch: 'TransOut.compensate', answer: 'ERROR', times: 1 }] });
    expect(branches(r, (e) => e.step === 'TransOut' && e.op === 'compensate').map((e) => [e.t, e.result])).toEqual([
      [0, 'ERROR'],
      [20_000, 'SUCCESS'],
    ]);
  });
});

describe('saga-ongoing-timeout', () => {
  const scenario = byId('saga-ongoing-timeout');

  it.each([
    [60, 10],
    [25, 10],
    [30, 7],
    [5, 1],
  ])('TimeoutToFail %i s, RetryInterval %i s: Pay is asked every interval (no back-off on ONGOING) until the time-out aborts the saga', (timeoutToFailS, retryIntervalS) => {
    const r = scenario.run({ timeoutToFailS, retryIntervalS });
    const pays = branches(r, (e) => e.step === 'Pay' && e.op === 'action');
    expect(pays.every((e) => e.result === 'ONGOING')).toBe(true);
    expect(pays.map((e) => e.t)).toEqual(pays.map((_, i) => i * retryIntervalS * 1000));
    const aborted = r.summary.abortedAtMs as number;
    expect(aborted).toBeGreaterThanOrEqual(timeoutToFailS * 1000);
    expect(aborted - pays.at(-1)!.t).toBe(retryIntervalS * 1000); // the first round at or after the time-out
    expect(r.trace.find((e) => e.kind === 'status' && e.status === 'aborting')).toMatchObject({ reason: `Timeout after ${timeoutToFailS} seconds` });
    // Pay may have run, so it is compensated (a null compensation here); Ship never started.
    expect(r.summary.compensationOrder).toBe('Pay → CreateOrder');
    expect(business(r, 'Pay', 'compensate')).toMatchObject([{ outcome: 'skipped', reason: 'null-compensation' }]);
    expect(branches(r, (e) => e.step === 'Ship')).toEqual([]);
    expect(r.summary.status).toBe('failed');
    expect(r.summary.finalBalances).toEqual({ alice: 100, shop: 0 });
  });

  it('succeeds when the payment settles before the time-out', () => {
    const r = scenario.run({ ongoingAnswers: 3 });
    expect(branches(r, (e) => e.step === 'Pay').map((e) => [e.t, e.result])).toEqual([
      [0, 'ONGOING'],
      [10_000, 'ONGOING'],
      [20_000, 'ONGOING'],
      [30_000, 'SUCCESS'],
    ]);
    expect(statuses(r).at(-1)).toEqual(['succeed', 30_000]);
    expect(r.summary.finalBalances).toEqual({ alice: 70, shop: 30 });
  });

  it('fails at once when the payment settles as FAILURE', () => {
    const r = scenario.run({ ongoingAnswers: 2, settlesAs: 'FAILURE' });
    expect(statuses(r)).toEqual([
      ['submitted', 0],
      ['aborting', 20_000],
      ['failed', 20_000],
    ]);
    expect(r.summary.reason).toMatch(/Pay\.action return failed/);
  });

  it('clamps out-of-range parameters', () => {
    expect(JSON.stringify(scenario.run({ timeoutToFailS: 1, retryIntervalS: 500, ongoingAnswers: -4 }))).toBe(
      JSON.stringify(scenario.run({ timeoutToFailS: 5, retryIntervalS: 30, ongoingAnswers: 0 })),
    );
  });
});

describe('saga-barrier-late-action', () => {
  const scenario = byId('saga-barrier-late-action');

  it('the TransIn request reaches the service after its compensation', () => {
    const r = scenario.run();
    const compensated = branches(r, (e) => e.step === 'TransIn' && e.op === 'compensate')[0]!;
    const arrived = r.trace.find((e) => e.kind === 'request-arrived')!;
    expect(arrived).toMatchObject({ step: 'TransIn', op: 'action', t: 20_000 });
    expect(arrived.t).toBeGreaterThan(compensated.t);
    expect(r.summary.lateRequestWasLate).toBe(true);
  });

  it('with the barrier: null compensation, the late action is suspended, balances stay consistent', () => {
    const r = scenario.run({ handlers: 'barrier' });
    expect(business(r, 'TransIn', 'compensate')).toMatchObject([{ outcome: 'skipped', reason: 'null-compensation' }]);
    expect(business(r, 'TransIn', 'action')).toMatchObject([{ outcome: 'skipped', reason: 'suspended', t: 20_000 }]);
    expect(r.summary).toMatchObject({
      status: 'failed',
      lateRequestOutcome: 'suspended',
      finalBalances: { alice: 100, bob: 100 },
      moneyDiffAtSagaEnd: 0,
      moneyDiffAtEnd: 0,
      invariantHolds: true,
    });
    // bob's balance never moves.
    expect(r.trace.filter((e) => e.kind === 'balances').every((e) => e.bob === 100)).toBe(true);
  });

  it('plain handlers: the compensation takes money bob never got (lost when the saga ends)', () => {
    const r = scenario.run({ handlers: 'plain' });
    expect(r.summary).toMatchObject({ invariantAtSagaEnd: false, moneyDiffAtSagaEnd: -30, balancesAtSagaEnd: { alice: 100, bob: 70 }, invariantHolds: false });
  });

  it('a hand-written null-compensation check: the late action credits bob anyway (money created)', () => {
    const r = scenario.run({ handlers: 'null-check' });
    expect(business(r, 'TransIn', 'compensate')).toMatchObject([{ outcome: 'skipped', reason: 'null-compensation' }]);
    expect(business(r, 'TransIn', 'action')).toMatchObject([{ outcome: 'applied', t: 20_000 }]);
    expect(r.summary).toMatchObject({ invariantAtSagaEnd: true, invariantAtEnd: false, moneyDiffAtEnd: 30, finalBalances: { alice: 100, bob: 130 }, invariantHolds: false });
  });

  it('the barrier keeps the invariant for every delay and time-out; without it every late arrival breaks it', () => {
    for (const timeoutToFailS of [1, 5, 9, 10, 15, 20]) {
      for (const delayS of [1, 3, 15, 25, 50]) {
        const values = { timeoutToFailS, delayS };
        const withBarrier = scenario.run({ ...values, handlers: 'barrier' });
        expect(withBarrier.summary.invariantHolds, JSON.stringify(values)).toBe(true);
        const late = withBarrier.summary.lateRequestWasLate === true;
        for (const handlers of ['plain', 'null-check']) {
          const other = scenario.run({ ...values, handlers });
          // A request that arrives before the compensation is harmless for every handler.
          expect(other.summary.invariantHolds, `${handlers} ${JSON.stringify(values)}`).toBe(!late);
        }
      }
    }
  });

  it('clamps out-of-range parameters', () => {
    expect(JSON.stringify(scenario.run({ delayS: 1e6, timeoutToFailS: -1, handlers: 'magic' }))).toBe(
      JSON.stringify(scenario.run({ delayS: 50, timeoutToFailS: 1, handlers: 'barrier' })),
    );
  });
});
