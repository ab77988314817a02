// Cases follow dtm-labs/dtm: test/saga_test.go (sagaNormal: every action succeeds and a second
// submit is refused; sagaRollback: a FAILURE compensates every started branch including the failed
// one, and a compensation that errors is retried until the saga is failed), test/saga_concurrent_test.go
// (EnableConcurrent, AddBranchOrder) and the retry rules of dtmsvr/trans_status.go (getBranchResult:
// only an action's FAILURE is final; getNextCronInterval: ONGOING keeps the interval, an error doubles it).
import { describe, it, expect } from 'vitest';
import { Saga, SagaStuckError, SUCCESS, FAILURE, ONGOING, type BranchCall, type BranchFn, type BranchResult } from './saga-orchestrator';

type Answer = BranchResult | 'throw';

/** A branch that answers from a script (one answer per attempt, SUCCESS after the end) and records its calls. */
function scripted(calls: BranchCall[], answers: Answer[] = []): BranchFn {
  return (call) => {
    calls.push(call);
    const answer = answers[call.attempt - 1] ?? SUCCESS;
    if (answer === 'throw') throw new Error('connection refused');
    return answer;
  };
}

/** The saga's log as "01 action SUCCESS" lines. */
function lines(saga: Saga): string[] {
  return saga.log.map((e) => `${e.branchId} ${e.op} ${e.result}`);
}

function fakeSleep(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms) };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('Task 1: Run the actions in order', () => {
  it('runs every action once, in step order, and resolves succeed', async () => {
    const calls: BranchCall[] = [];
    const saga = new Saga('gid-normal')
      .add(scripted(calls), scripted(calls))
      .add(scripted(calls), scripted(calls))
      .add(scripted(calls), scripted(calls));
    await expect(saga.submit()).resolves.toBe('succeed');
    expect(lines(saga)).toEqual(['01 action SUCCESS', '02 action SUCCESS', '03 action SUCCESS']);
    expect(calls.filter((c) => c.op === 'compensate')).toEqual([]);
  });

  it('moves the global status prepared → submitted → succeed', async () => {
    const saga = new Saga('gid-status').add(scripted([]), scripted([]));
    expect(saga.status).toBe('prepared');
    await saga.submit();
    expect(saga.status).toBe('succeed');
    expect(saga.statusHistory).toEqual(['prepared', 'submitted', 'succeed']);
  });

  it('passes gid, branch id ("01", "02"), op and attempt to each branch', async () => {
    const calls: BranchCall[] = [];
    const saga = new Saga('gid-params').add(scripted(calls), scripted(calls)).add(scripted(calls), scripted(calls));
    await saga.submit();
    expect(calls).toEqual([
      { gid: 'gid-params', branchId: '01', op: 'action', attempt: 1 },
      { gid: 'gid-params', branchId: '02', op: 'action', attempt: 1 },
    ]);
  });

  it('starts an action only after the previous action has answered', async () => {
    const trace: string[] = [];
    const slow = (name: string, ms: number): BranchFn => async () => {
      trace.push(`${name} start`);
      await delay(ms);
      trace.push(`${name} end`);
      return SUCCESS;
    };
    const saga = new Saga('gid-sequential').add(slow('A', 3), scripted([])).add(slow('B', 1), scripted([]));
    await saga.submit();
    expect(trace).toEqual(['A start', 'A end', 'B start', 'B end']);
  });

  it('refuses to submit a saga twice', async () => {
    const saga = new Saga('gid-twice').add(scripted([]), scripted([]));
    await saga.submit();
    await expect(saga.submit()).rejects.toThrow(/cannot submit/);
  });
});

describe('Task 2: Compensate on FAILURE, the failed branch included', () => {
  it('compensates the failed branch and every earlier one, in reverse, and never starts later ones', async () => {
    const calls: BranchCall[] = [];
    const saga = new Saga('gid-rollback')
      .add(scripted(calls), scripted(calls))
      .add(scripted(calls), scripted(calls))
      .add(scripted(calls, [FAILURE]), scripted(calls))
      .add(scripted(calls), scripted(calls));
    await expect(saga.submit()).resolves.toBe('failed');
    expect(lines(saga)).toEqual([
      '01 action SUCCESS',
      '02 action SUCCESS',
      '03 action FAILURE',
      '03 compensate SUCCESS',
      '02 compensate SUCCESS',
      '01 compensate SUCCESS',
    ]);
    expect(calls.some((c) => c.branchId === '04')).toBe(false);
  });

  it('moves the global status submitted → aborting → failed', async () => {
    const saga = new Saga('gid-abort-status').add(scripted([]), scripted([])).add(scripted([], [FAILURE]), scripted([]));
    await saga.submit();
    expect(saga.statusHistory).toEqual(['prepared', 'submitted', 'aborting', 'failed']);
    expect(saga.status).toBe('failed');
  });

  it('compensates only the first step when the first action fails', async () => {
    const saga = new Saga('gid-first-fails').add(scripted([], [FAILURE]), scripted([])).add(scripted([]), scripted([]));
    await saga.submit();
    expect(lines(saga)).toEqual(['01 action FAILURE', '01 compensate SUCCESS']);
  });
});

describe('Task 3: Retry errors and ONGOING with back-off', () => {
  it('retries a thrown error after a doubled interval and never compensates for it', async () => {
    const { sleeps, sleep } = fakeSleep();
    const saga = new Saga('gid-error', { retryInterval: 100, sleep })
      .add(scripted([]), scripted([]))
      .add(scripted([], ['throw', 'throw']), scripted([]));
    await expect(saga.submit()).resolves.toBe('succeed');
    expect(lines(saga)).toEqual(['01 action SUCCESS', '02 action ERROR', '02 action ERROR', '02 action SUCCESS']);
    expect(sleeps).toEqual([200, 400]);
  });

  it('retries ONGOING with the same interval', async () => {
    const { sleeps, sleep } = fakeSleep();
    const saga = new Saga('gid-ongoing', { retryInterval: 100, sleep }).add(scripted([], [ONGOING, ONGOING]), scripted([]));
    await saga.submit();
    expect(lines(saga)).toEqual(['01 action ONGOING', '01 action ONGOING', '01 action SUCCESS']);
    expect(sleeps).toEqual([100, 100]);
  });

  it('shares one interval per saga and resets it after a definite answer', async () => {
    const { sleeps, sleep } = fakeSleep();
    const saga = new Saga('gid-reset', { retryInterval: 100, sleep })
      .add(scripted([], ['throw', ONGOING]), scripted([]))
      .add(scripted([], ['throw']), scripted([]));
    await saga.submit();
    // error doubles to 200, ONGOING keeps 200, SUCCESS resets to 100, the next error doubles to 200
    expect(sleeps).toEqual([200, 200, 200]);
  });

  it('compensates a branch that answered FAILURE after some errors', async () => {
    const { sleep } = fakeSleep();
    const saga = new Saga('gid-late-failure', { retryInterval: 100, sleep })
      .add(scripted([]), scripted([]))
      .add(scripted([], ['throw', FAILURE]), scripted([]));
    await expect(saga.submit()).resolves.toBe('failed');
    expect(lines(saga)).toEqual([
      '01 action SUCCESS',
      '02 action ERROR',
      '02 action FAILURE',
      '02 compensate SUCCESS',
      '01 compensate SUCCESS',
    ]);
  });

  it('gives up after maxRetries with SagaStuckError, still submitted and with nothing compensated', async () => {
    const { sleeps, sleep } = fakeSleep();
    const calls: BranchCall[] = [];
    const saga = new Saga('gid-stuck', { retryInterval: 100, maxRetries: 2, sleep }).add(
      scripted(calls, ['throw', 'throw', 'throw', 'throw']),
      scripted(calls),
    );
    const err = await saga.submit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SagaStuckError);
    expect(err).toMatchObject({ branchId: '01', op: 'action', attempts: 3, status: 'submitted' });
    expect(saga.status).toBe('submitted');
    expect(sleeps).toEqual([200, 400]);
    expect(calls.filter((c) => c.op === 'compensate')).toEqual([]);
  });
});

describe('Task 4: Retry compensations until they succeed', () => {
  it('retries a compensation on errors and FAILURE before compensating earlier steps', async () => {
    const { sleeps, sleep } = fakeSleep();
    const saga = new Saga('gid-compensate-retry', { retryInterval: 100, sleep })
      .add(scripted([]), scripted([]))
      .add(scripted([], [FAILURE]), scripted([], ['throw', FAILURE]));
    await expect(saga.submit()).resolves.toBe('failed');
    expect(lines(saga)).toEqual([
      '01 action SUCCESS',
      '02 action FAILURE',
      '02 compensate ERROR',
      '02 compensate FAILURE',
      '02 compensate SUCCESS',
      '01 compensate SUCCESS',
    ]);
    expect(sleeps).toEqual([200, 400]);
    expect(saga.statusHistory).toEqual(['prepared', 'submitted', 'aborting', 'failed']);
  });

  it('gives up after maxRetries with SagaStuckError, leaving the saga aborting', async () => {
    const { sleep } = fakeSleep();
    const calls: BranchCall[] = [];
    const saga = new Saga('gid-compensate-stuck', { retryInterval: 100, maxRetries: 3, sleep })
      .add(scripted(calls), scripted(calls))
      .add(scripted(calls, [FAILURE]), scripted(calls, ['throw', 'throw', 'throw', 'throw', 'throw']));
    const err = await saga.submit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SagaStuckError);
    expect(err).toMatchObject({ branchId: '02', op: 'compensate', attempts: 4, status: 'aborting' });
    expect(saga.status).toBe('aborting');
    expect(calls.some((c) => c.branchId === '01' && c.op === 'compensate')).toBe(false);
  });
});

describe('Task 5: Concurrent branches with orders', () => {
  it('runs independent actions at the same time', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const action: BranchFn = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await delay(2);
      inFlight--;
      return SUCCESS;
    };
    const saga = new Saga('gid-concurrent').add(action, scripted([])).add(action, scripted([])).add(action, scripted([])).enableConcurrent();
    await expect(saga.submit()).resolves.toBe('succeed');
    expect(maxInFlight).toBe(3);
  });

  it('starts a step only after the steps named in addBranchOrder have succeeded', async () => {
    const trace: string[] = [];
    const slow = (name: string, ms: number): BranchFn => async () => {
      trace.push(`${name} start`);
      await delay(ms);
      trace.push(`${name} end`);
      return SUCCESS;
    };
    const saga = new Saga('gid-orders')
      .add(slow('A', 3), scripted([]))
      .add(slow('B', 1), scripted([]))
      .add(slow('C', 0), scripted([]))
      .enableConcurrent()
      .addBranchOrder(2, [0, 1]);
    await saga.submit();
    expect(trace.indexOf('B start')).toBeLessThan(trace.indexOf('A end')); // A and B overlap
    expect(trace.indexOf('C start')).toBeGreaterThan(trace.indexOf('A end'));
    expect(trace.indexOf('C start')).toBeGreaterThan(trace.indexOf('B end'));
  });

  it('after a FAILURE starts nothing new and compensates every started step', async () => {
    const calls: BranchCall[] = [];
    const slowSuccess: BranchFn = async (call) => {
      calls.push(call);
      await delay(3);
      return SUCCESS;
    };
    const saga = new Saga('gid-concurrent-failure')
      .add(slowSuccess, scripted(calls))
      .add(scripted(calls, [FAILURE]), scripted(calls))
      .add(scripted(calls), scripted(calls))
      .enableConcurrent()
      .addBranchOrder(2, [0]);
    await expect(saga.submit()).resolves.toBe('failed');
    const compensated = calls.filter((c) => c.op === 'compensate').map((c) => c.branchId);
    expect([...compensated].sort()).toEqual(['01', '02']);
    expect(calls.some((c) => c.branchId === '03')).toBe(false);
  });

  it('compensates in the reverse of the branch orders', async () => {
    const trace: string[] = [];
    const comp = (name: string, ms: number): BranchFn => async () => {
      trace.push(`${name} start`);
      await delay(ms);
      trace.push(`${name} end`);
      return SUCCESS;
    };
    const lateFailure: BranchFn = async () => {
      await delay(5);
      return FAILURE;
    };
    const saga = new Saga('gid-reverse-orders')
      .add(scripted([]), comp('A', 0))
      .add(scripted([]), comp('B', 0))
      .add(scripted([]), comp('C', 2))
      .add(lateFailure, comp('D', 2))
      .enableConcurrent()
      .addBranchOrder(2, [0, 1]);
    await expect(saga.submit()).resolves.toBe('failed');
    expect(trace.indexOf('A start')).toBeGreaterThan(trace.indexOf('C end'));
    expect(trace.indexOf('B start')).toBeGreaterThan(trace.indexOf('C end'));
    expect(trace.indexOf('D start')).toBeLessThan(trace.indexOf('C end')); // D and C had no order between them
  });
});
