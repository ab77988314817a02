/**
 * The `saga` model of the replay contract (DESIGN.md, "The replay contract"). Scenarios named after
 * dtm's tests port them to the replay format (github.com/dtm-labs/dtm at 18146ee5, test/saga_test.go,
 * test/saga_concurrent_test.go, test/saga_options_test.go).
 */
import { describe, expect, it } from 'vitest';
import { createSagaReplay } from '../../../src/lib/sim/replay/saga';
import { ReplaySession } from '../../../src/lib/sim/replay/session';
import { ReplayError, type JsonObject } from '../../../src/lib/sim/replay/types';

const run = (config: JsonObject, untilMs: number) => createSagaReplay(config).apply({ op: 'run', untilMs });

const DESIGN_EXAMPLE: JsonObject = {
  steps: ['TransOut', 'TransIn'],
  concurrent: false,
  script: { 'TransIn.action': ['FAILURE'], 'TransOut.compensate': ['ERROR', 'SUCCESS'] },
};

describe('saga replay', () => {
  it("answers DESIGN.md's example: aborting until the compensation retry at 20 s (10 s doubled), then failed", () => {
    const firstRound = ['TransOut.action', 'TransIn.action', 'TransIn.compensate', 'TransOut.compensate'];
    expect(run(DESIGN_EXAMPLE, 0)).toEqual({ status: 'aborting', calls: firstRound });
    expect(run(DESIGN_EXAMPLE, 19_999)).toEqual({ status: 'aborting', calls: firstRound });
    expect(run(DESIGN_EXAMPLE, 20_000)).toEqual({ status: 'failed', calls: [...firstRound, 'TransOut.compensate'] });
    expect(run(DESIGN_EXAMPLE, 60_000)).toEqual({ status: 'failed', calls: [...firstRound, 'TransOut.compensate'] });
  });

  it('speaks JSON lines through the replay session, runs in any order', () => {
    const session = new ReplaySession(createSagaReplay);
    const lines = [JSON.stringify(DESIGN_EXAMPLE), '{"op":"run","untilMs":60000}', '{"op":"run","untilMs":0}', '{"op":"stop"}'];
    const out = lines.map((l) => session.feed(l)).filter((l) => l !== undefined);
    expect(out.map((l) => JSON.parse(l))).toEqual([
      { status: 'failed', calls: ['TransOut.action', 'TransIn.action', 'TransIn.compensate', 'TransOut.compensate', 'TransOut.compensate'] },
      { status: 'aborting', calls: ['TransOut.action', 'TransIn.action', 'TransIn.compensate', 'TransOut.compensate'] },
      { error: 'unknown op "stop"' },
    ]);
  });

  it('TestSagaNormal', () => {
    expect(run({ steps: ['TransOut', 'TransIn'] }, 60_000)).toEqual({ status: 'succeed', calls: ['TransOut.action', 'TransIn.action'] });
  });

  it('TestSagaOngoingSucceed: submitted until the cron retries at 10 s', () => {
    const config = { steps: ['TransOut', 'TransIn'], script: { 'TransOut.action': ['ONGOING'] } };
    expect(run(config, 9_999)).toEqual({ status: 'submitted', calls: ['TransOut.action'] });
    expect(run(config, 10_000)).toEqual({ status: 'succeed', calls: ['TransOut.action', 'TransOut.action', 'TransIn.action'] });
  });

  it('TestSagaConRollbackOrder: concurrent with orders', () => {
    const config = { steps: ['TransOut', 'TransIn'], concurrent: true, orders: { '1': [0] }, script: { 'TransOut.action': ['FAILURE'] } };
    expect(run(config, 60_000)).toEqual({ status: 'failed', calls: ['TransOut.action', 'TransOut.compensate'] });
  });

  it('TestSagaConNormal: concurrent actions start together', () => {
    const config = { steps: ['A', 'B', 'C'], concurrent: true, script: { 'C.action': ['FAILURE'] } };
    expect(run(config, 0)).toEqual({
      status: 'failed',
      calls: ['A.action', 'B.action', 'C.action', 'C.compensate', 'B.compensate', 'A.compensate'],
    });
  });

  it('TestSagaOptionsRetryOngoing: retryIntervalMs replaces the 10 s interval', () => {
    const config = { steps: ['TransOut'], retryIntervalMs: 2_000, script: { 'TransOut.action': ['ONGOING', 'ONGOING'] } };
    expect(run(config, 3_999)).toEqual({ status: 'submitted', calls: ['TransOut.action', 'TransOut.action'] });
    expect(run(config, 4_000)).toEqual({ status: 'succeed', calls: ['TransOut.action', 'TransOut.action', 'TransOut.action'] });
  });

  it('TestSagaOptionsTimeout: timeoutToFailMs moves the submitted saga to aborting', () => {
    const config = { steps: ['TransOut', 'TransIn'], timeoutToFailMs: 30_000, script: { 'TransOut.action': Array(10).fill('ONGOING'), 'TransOut.compensate': ['ERROR'] } };
    // Retries at 10 and 20 s; at 30 s the time-out aborts; the compensation's error backs off to 20 s.
    expect(run(config, 30_000)).toEqual({ status: 'aborting', calls: [...Array(3).fill('TransOut.action'), 'TransOut.compensate'] });
    expect(run(config, 50_000)).toEqual({ status: 'failed', calls: [...Array(3).fill('TransOut.action'), 'TransOut.compensate', 'TransOut.compensate'] });
  });

  it('TestSagaGlobalTransWithRetryLimitNo: retryLimit', () => {
    const config = { steps: ['TransOut', 'TransIn'], retryLimit: 1, script: { 'TransIn.action': ['ERROR', 'ERROR', 'ERROR'] } };
    expect(run(config, 0)).toEqual({
      status: 'failed',
      calls: ['TransOut.action', 'TransIn.action', 'TransIn.action', 'TransIn.compensate', 'TransOut.compensate'],
    });
  });

  it('answers past a long script quickly (the script ends in SUCCESS)', () => {
    const config = { steps: ['A'], script: { 'A.action': Array(30).fill('ERROR') } };
    const answer = run(config, 1e15);
    expect(answer.status).toBe('succeed');
    expect(answer.calls).toHaveLength(31);
  });

  it.each<[string, JsonObject]>([
    ['missing steps', {}],
    ['steps not strings', { steps: ['A', 3] }],
    ['empty step name', { steps: [''] }],
    ['repeated step', { steps: ['A', 'A'] }],
    ['concurrent not boolean', { steps: ['A'], concurrent: 'yes' }],
    ['script not an object', { steps: ['A'], script: [] }],
    ['script key of no step', { steps: ['A'], script: { 'B.action': [] } }],
    ['script key of no op', { steps: ['A'], script: { 'A.confirm': [] } }],
    ['script key without op', { steps: ['A'], script: { A: [] } }],
    ['script answers not strings', { steps: ['A'], script: { 'A.action': [1] } }],
    ['orders of no step', { steps: ['A'], orders: { '1': [0] } }],
    ['orders to no step', { steps: ['A', 'B'], orders: { '1': [2] } }],
    ['orders key not an index', { steps: ['A', 'B'], orders: { x: [0] } }],
    ['timeout not whole seconds', { steps: ['A'], timeoutToFailMs: 1_500 }],
    ['negative retry interval', { steps: ['A'], retryIntervalMs: -1_000 }],
    ['retry interval not a number', { steps: ['A'], retryIntervalMs: '10s' }],
    ['fractional retry limit', { steps: ['A'], retryLimit: 1.5 }],
    ['negative retry limit', { steps: ['A'], retryLimit: -1 }],
  ])('rejects a bad configuration: %s', (_, config) => {
    expect(() => createSagaReplay(config)).toThrow(ReplayError);
  });

  it.each<[string, JsonObject]>([
    ['unknown op', { op: 'step' }],
    ['missing untilMs', { op: 'run' }],
    ['negative untilMs', { op: 'run', untilMs: -1 }],
    ['untilMs not a number', { op: 'run', untilMs: '5' }],
  ])('rejects a bad operation: %s', (_, op) => {
    const model = createSagaReplay({ steps: ['A'] });
    expect(() => model.apply(op)).toThrow(ReplayError);
  });
});
