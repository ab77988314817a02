/**
 * dtm's sub-transaction barrier. Named scenarios port dtm's tests (github.com/dtm-labs/dtm at
 * 18146ee5): test/saga_barrier_test.go, test/tcc_barrier_test.go, test/msg_barrier_test.go, with the
 * business handlers of test/busi/barrier.go (SagaBTransOut, SagaB2TransIn, TccBTransOutCancel, ...)
 * played by in-memory account updates that register their undo with the local transaction.
 */
import { describe, expect, it } from 'vitest';
import { BarrierTable, BranchBarrier, type BusinessFn } from '../../../src/lib/sim/models/saga/barrier';
import { DtmSaga, type BranchCall, type BranchInvoker } from '../../../src/lib/sim/models/saga/saga';
import { SECOND } from '../../../src/lib/sim/time';

const S = SECOND;

/** Two accounts, as dtm's busi tests use (TransOutUID, TransInUID). */
class Accounts {
  readonly balance = new Map<string, number>([
    ['out', 10_000],
    ['in', 10_000],
  ]);

  /** SagaAdjustBalance: a FAILURE answer fails before touching the balance; otherwise adjusts it. */
  adjust(account: string, amount: number, result = 'SUCCESS'): BusinessFn {
    return (tx) => {
      if (result.includes('FAILURE')) return 'FAILURE';
      this.balance.set(account, (this.balance.get(account) ?? 0) + amount);
      tx.onRollback(() => this.balance.set(account, (this.balance.get(account) ?? 0) - amount));
      return result;
    };
  }

  get(account: string): number {
    return this.balance.get(account) ?? 0;
  }
}

describe('BarrierTable.call', () => {
  it('runs the business once for repeated requests (idempotency)', () => {
    const table = new BarrierTable();
    let runs = 0;
    const business: BusinessFn = () => (runs++, 'SUCCESS');
    expect(table.call('g', '01', 'action', '01', business)).toEqual({ result: 'SUCCESS', executed: true, committed: true });
    expect(table.call('g', '01', 'action', '01', business)).toEqual({ result: 'SUCCESS', executed: false, committed: true, skipped: 'duplicate' });
    expect(runs).toBe(1);
  });

  it('answers a compensation with no action as a null compensation, and then refuses the late action (suspension)', () => {
    const table = new BarrierTable();
    let runs = 0;
    const business: BusinessFn = () => (runs++, 'SUCCESS');
    expect(table.call('g', '01', 'compensate', '01', business)).toMatchObject({ result: 'SUCCESS', executed: false, skipped: 'null-compensation' });
    // The compensation inserted the action's row, marked as inserted by "compensate".
    expect(table.find('g', '01', 'action', '01')?.reason).toBe('compensate');
    expect(table.call('g', '01', 'action', '01', business)).toMatchObject({ result: 'SUCCESS', executed: false, skipped: 'suspended' });
    expect(table.call('g', '01', 'compensate', '01', business)).toMatchObject({ executed: false, skipped: 'duplicate' });
    expect(runs).toBe(0);
  });

  it('compensates an action that ran, once', () => {
    const table = new BarrierTable();
    const ran: string[] = [];
    const business = (name: string): BusinessFn => () => (ran.push(name), 'SUCCESS');
    table.call('g', '01', 'action', '01', business('action'));
    expect(table.call('g', '01', 'compensate', '01', business('compensate'))).toMatchObject({ executed: true, committed: true });
    table.call('g', '01', 'compensate', '01', business('compensate'));
    expect(ran).toEqual(['action', 'compensate']);
    expect(table.snapshot().map((r) => `${r.op}:${r.reason}`)).toEqual(['action:action', 'compensate:compensate']);
  });

  it('rolls the barrier rows back with a failing business, so a retry runs it again', () => {
    const table = new BarrierTable();
    const answers = ['ERROR', 'SUCCESS'];
    let runs = 0;
    const business: BusinessFn = () => answers[runs++] ?? 'SUCCESS';
    expect(table.call('g', '01', 'action', '01', business)).toEqual({ result: 'ERROR', executed: true, committed: false });
    expect(table.snapshot()).toEqual([]);
    expect(table.call('g', '01', 'action', '01', business)).toMatchObject({ result: 'SUCCESS', executed: true });
    expect(runs).toBe(2);
  });

  it('treats the compensation of a FAILED action (rolled back) as a null compensation', () => {
    const table = new BarrierTable();
    const accounts = new Accounts();
    expect(table.call('g', '02', 'action', '01', accounts.adjust('in', 30, 'FAILURE'))).toMatchObject({ result: 'FAILURE', committed: false });
    expect(table.call('g', '02', 'compensate', '01', accounts.adjust('in', -30))).toMatchObject({ skipped: 'null-compensation' });
    expect(accounts.get('in')).toBe(10_000);
  });

  it('keeps rows of different gids, branches and barrier ids apart', () => {
    const table = new BarrierTable();
    let runs = 0;
    const business: BusinessFn = () => (runs++, 'SUCCESS');
    for (const [gid, branch, barrier] of [['g1', '01', '01'], ['g2', '01', '01'], ['g1', '02', '01'], ['g1', '01', '02']] as const) {
      expect(table.call(gid, branch, 'action', barrier, business).executed).toBe(true);
    }
    expect(runs).toBe(4);
  });

  it('TestTccBarrierPanic: a throwing business rolls back and rethrows', () => {
    // test/tcc_barrier_test.go
    const table = new BarrierTable();
    expect(() =>
      table.call('gid1', 'bid1', 'action', '01', () => {
        throw new Error('an error');
      }),
    ).toThrow('an error');
    expect(table.snapshot()).toEqual([]);
  });

  it('TestTccBarrierDisorder: cancel before try, twice, then the dangling try is skipped', () => {
    // test/tcc_barrier_test.go: the try times out, the cron cancels it twice, then the try arrives.
    const table = new BarrierTable();
    const accounts = new Accounts();
    const before = [...accounts.balance];
    const cancel = () => new BranchBarrier(table, 'tcc', 'gid', '01', 'cancel').call(accounts.adjust('out', 30));
    expect(cancel()).toMatchObject({ result: 'SUCCESS', skipped: 'null-compensation' });
    expect(cancel()).toMatchObject({ result: 'SUCCESS', skipped: 'duplicate' });
    const tryOp = new BranchBarrier(table, 'tcc', 'gid', '01', 'try').call(accounts.adjust('out', -30));
    expect(tryOp).toMatchObject({ result: 'SUCCESS', executed: false, skipped: 'suspended' }); // "dangle op, return success"
    expect([...accounts.balance]).toEqual(before); // assertSameBalance
    // Confirm has no origin op: the barrier only makes it idempotent.
    expect(table.find('gid', '01', 'try', '01')?.reason).toBe('cancel');
  });

  it('TestTccBarrierRollback: the failed try never reached the barrier, so its cancel is a null compensation', () => {
    // test/tcc_barrier_test.go with TccBTransInTry answering FAILURE before calling the barrier.
    const table = new BarrierTable();
    const accounts = new Accounts();
    expect(new BranchBarrier(table, 'tcc', 'gid', '01', 'try').call(accounts.adjust('out', -30)).executed).toBe(true);
    expect(new BranchBarrier(table, 'tcc', 'gid', '02', 'cancel').call(accounts.adjust('in', -30)).skipped).toBe('null-compensation');
    expect(new BranchBarrier(table, 'tcc', 'gid', '01', 'cancel').call(accounts.adjust('out', 30)).executed).toBe(true);
    expect([accounts.get('out'), accounts.get('in')]).toEqual([10_000, 10_000]);
  });

  it('TestMsgDoAndSubmit: QueryPrepared answers SUCCESS once DoAndSubmit committed', () => {
    // test/msg_barrier_test.go
    const table = new BarrierTable();
    const accounts = new Accounts();
    expect(table.call('gid', '00', 'msg', '01', accounts.adjust('out', -30), 'msg').committed).toBe(true);
    expect(table.queryPrepared('gid')).toBe('SUCCESS');
    expect(accounts.get('out')).toBe(9_970);
  });

  it('TestMsgDoAndSubmitBusiFailed: a failed local transaction leaves QueryPrepared answering FAILURE', () => {
    const table = new BarrierTable();
    expect(table.call('gid', '00', 'msg', '01', () => 'an error', 'msg').committed).toBe(false);
    expect(table.queryPrepared('gid')).toBe('FAILURE');
  });

  it('TestMsgDoAndSubmitBusiLater: after QueryPrepared, a late DoAndSubmit answers DUPLICATED', () => {
    const table = new BarrierTable();
    const accounts = new Accounts();
    expect(table.queryPrepared('gid')).toBe('FAILURE');
    expect(table.call('gid', '00', 'msg', '01', accounts.adjust('out', -30), 'msg')).toEqual({ result: 'DUPLICATED', executed: false, committed: false });
    expect(accounts.get('out')).toBe(10_000);
  });
});

/** Branch handlers of test/busi/barrier.go on an in-memory table; `results` plays TransOutResult/TransInResult. */
function barrierServices(table: BarrierTable, accounts: Accounts, results: { TransOut?: string; TransIn?: string } = {}) {
  const amount = 30;
  const handlers: Record<string, (b: BranchBarrier) => string> = {
    'TransOut.action': (b) => b.call(accounts.adjust('out', -amount, results.TransOut)).result,
    'TransOut.compensate': (b) => b.call(accounts.adjust('out', amount)).result,
    'TransIn.action': (b) => b.call(accounts.adjust('in', amount, results.TransIn)).result,
    'TransIn.compensate': (b) => b.call(accounts.adjust('in', -amount)).result,
    // SagaB2TransIn / SagaB2TransInCom: two barrier calls in one request, barrier ids 01 and 02.
    'TransIn2.action': (b) => {
      const first = b.call(accounts.adjust('in', amount / 2)).result;
      return first !== 'SUCCESS' ? first : b.call(accounts.adjust('in', amount / 2)).result;
    },
    'TransIn2.compensate': (b) => {
      const first = b.call(accounts.adjust('in', -amount / 2)).result;
      return first !== 'SUCCESS' ? first : b.call(accounts.adjust('in', -amount / 2)).result;
    },
  };
  return (call: BranchCall): string => {
    const handler = handlers[`${call.step}.${call.op}`];
    if (!handler) throw new Error(`no handler for ${call.step}.${call.op}`);
    return handler(new BranchBarrier(table, 'saga', call.gid, call.branchId, call.op));
  };
}

describe('dtm test/saga_barrier_test.go', () => {
  it('TestSagaBarrierNormal', () => {
    const table = new BarrierTable();
    const accounts = new Accounts();
    const saga = new DtmSaga('gid', [{ name: 'TransOut' }, { name: 'TransIn' }], {}, barrierServices(table, accounts));
    saga.submit(0);
    expect(saga.branchStatuses()).toEqual(['prepared', 'succeed', 'prepared', 'succeed']);
    expect(saga.status).toBe('succeed');
    expect([accounts.get('out'), accounts.get('in')]).toEqual([9_970, 10_030]);
  });

  it('TestSagaBarrierRollback: the failed TransIn is null-compensated, TransOut really compensated', () => {
    const table = new BarrierTable();
    const accounts = new Accounts();
    const saga = new DtmSaga('gid', [{ name: 'TransOut' }, { name: 'TransIn' }], {}, barrierServices(table, accounts, { TransIn: 'FAILURE' }));
    saga.submit(0);
    expect(saga.status).toBe('failed');
    expect(saga.branchStatuses()).toEqual(['succeed', 'succeed', 'succeed', 'failed']);
    expect([accounts.get('out'), accounts.get('in')]).toEqual([10_000, 10_000]);
    expect(table.find('gid', '02', 'action', '01')?.reason).toBe('compensate');
  });

  it('TestSagaBarrier2Normal: two barrier calls in one request use barrier ids 01 and 02', () => {
    const table = new BarrierTable();
    const accounts = new Accounts();
    const saga = new DtmSaga('gid', [{ name: 'TransOut' }, { name: 'TransIn2' }], {}, barrierServices(table, accounts));
    saga.submit(0);
    expect(saga.status).toBe('succeed');
    expect(accounts.get('in')).toBe(10_030);
    expect(table.snapshot().filter((r) => r.branchId === '02').map((r) => r.barrierId)).toEqual(['01', '02']);
  });
});

/** mulberry32: a tiny seeded PRNG, so property runs are reproducible from their seed. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { int, chance: (p: number) => next() < p, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] as T };
}

describe('barrier properties (seeded)', () => {
  it('any interleaving and duplication of actions and compensations runs each business at most once, never an action after its compensation', () => {
    const violations: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok) violations.push(what);
    };
    for (let seed = 1; seed <= 500; seed++) {
      const r = prng(seed);
      const table = new BarrierTable();
      const branches = ['01', '02', '03'];
      const committed: string[] = [];
      const compensationDone = new Set<string>();
      const balance = new Map(branches.map((b) => [b, 0]));
      for (let k = 0; k < 30; k++) {
        const branch = r.pick(branches);
        const op = r.pick(['action', 'compensate'] as const);
        // Businesses sometimes fail (FAILURE, errors): that rolls back and may be retried.
        const answer = r.pick(['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILURE', 'ERROR']);
        const delta = op === 'action' ? 1 : -1;
        const outcome = table.call('g', branch, op, '01', (tx) => {
          balance.set(branch, (balance.get(branch) ?? 0) + delta);
          tx.onRollback(() => balance.set(branch, (balance.get(branch) ?? 0) - delta));
          if (answer === 'SUCCESS') committed.push(`${branch}/${op}`);
          return answer;
        });
        check(!(op === 'action' && outcome.executed && compensationDone.has(branch)), `seed ${seed}: action ran after its compensation`);
        if (op === 'compensate' && outcome.result === 'SUCCESS') compensationDone.add(branch);
        // Once compensated, a branch's net effect is zero and stays so; it is never undone twice.
        check(!compensationDone.has(branch) || balance.get(branch) === 0, `seed ${seed}: compensated branch ${branch} has an effect`);
        check((balance.get(branch) ?? 0) >= 0, `seed ${seed}: branch ${branch} undone more than done`);
      }
      check(new Set(committed).size === committed.length, `seed ${seed}: a business committed twice`);
    }
    expect(violations).toEqual([]);
  });

  it('a saga over a faulty network (lost replies, late and duplicated requests) keeps the accounts consistent', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = prng(seed);
      const table = new BarrierTable();
      const stepCount = 1 + r.int(4);
      const steps = Array.from({ length: stepCount }, (_, i) => ({ name: `S${i}` }));
      const failing = r.chance(0.4) ? r.int(stepCount) : -1; // this step's business answers FAILURE
      const balances = steps.map(() => 0);
      const commits: string[] = [];
      const apply = (call: BranchCall): string =>
        new BranchBarrier(table, 'saga', call.gid, call.branchId, call.op).call((tx) => {
          if (call.op === 'action' && call.stepIndex === failing) return 'FAILURE';
          const delta = call.op === 'action' ? 1 : -1;
          balances[call.stepIndex] = (balances[call.stepIndex] ?? 0) + delta;
          tx.onRollback(() => (balances[call.stepIndex] = (balances[call.stepIndex] ?? 0) - delta));
          commits.push(`${call.stepIndex}/${call.op}`);
          return 'SUCCESS';
        }).result;
      const late: BranchCall[] = [];
      const faultsLeft = new Map<string, number>();
      const network: BranchInvoker = (call) => {
        // Requests held back earlier arrive now and then, in any order.
        for (let i = late.length - 1; i >= 0; i--) if (r.chance(0.3)) apply(late.splice(i, 1)[0] as BranchCall);
        const key = `${call.branchId}/${call.op}`;
        const left = faultsLeft.get(key) ?? 3; // bounded, so the saga finishes
        const fault = left > 0 ? r.pick(['none', 'none', 'lostReply', 'late', 'duplicated']) : 'none';
        if (fault !== 'none') faultsLeft.set(key, left - 1);
        if (fault === 'lostReply') return apply(call), 'TIMEOUT';
        if (fault === 'late') return late.push(call), 'TIMEOUT';
        if (fault === 'duplicated') apply(call);
        return apply(call);
      };
      const saga = new DtmSaga('gid', steps, { concurrent: r.chance(0.5), timeoutToFail: r.chance(0.5) ? (1 + r.int(60)) * S : 0 }, network);
      saga.submit(0);
      saga.runUntil(1e7 * S);
      expect(saga.finished, `seed ${seed}`).toBe(true);
      for (const call of late.splice(0)) apply(call); // stragglers arrive after the end
      const expected = saga.status === 'succeed' ? steps.map(() => 1) : steps.map(() => 0);
      expect(balances, `seed ${seed} (${saga.status})`).toEqual(expected);
      expect(new Set(commits).size, `seed ${seed}`).toBe(commits.length);
    }
  });
});
