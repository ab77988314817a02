// Cases follow dtm-labs/dtm client/dtmcli/barrier.go (BranchBarrier.Call: origin row first for
// compensate/cancel/rollback, skip on a null compensation or when the current insert affects 0 rows,
// barrier ids "01", "02" per call, commit or roll back with the business), the UNIQUE key of
// sqls/dtmcli.barrier.mysql.sql, and the scenarios of test/tcc_barrier_test.go (TestTccBarrierDisorder:
// cancel before a delayed try) and test/saga_barrier_test.go (normal and rollback sagas).
import { describe, it, expect } from 'vitest';
import { BarrierDB, BranchBarrier, ORIGIN_OP, type BarrierRow, type Transaction } from './saga-barrier';

function row(overrides: Partial<BarrierRow> = {}): BarrierRow {
  return { transType: 'saga', gid: 'gid-1', branchId: '01', op: 'action', barrierId: '01', reason: 'action', ...overrides };
}

/** The rows as "branchId op barrierId reason" lines. */
function lines(db: BarrierDB): string[] {
  return db.rows().map((r) => `${r.branchId} ${r.op} ${r.barrierId} ${r.reason}`);
}

/** A request handler's barrier, built fresh for every request as dtm's BarrierFromQuery does. */
function request(op: string, gid = 'gid-1', branchId = '01', transType = 'saga'): BranchBarrier {
  return new BranchBarrier(transType, gid, branchId, op);
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** Marks a promise that the test awaits later as handled, so an early rejection is not reported as unhandled. */
function later<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('Task 1: An insert-ignore table with transactions', () => {
  it('affects 1 row the first time and 0 rows for the same key', async () => {
    const db = new BarrierDB();
    const tx = db.begin();
    expect(await tx.insertIgnore(row())).toBe(1);
    expect(await tx.insertIgnore(row())).toBe(0);
    tx.commit();
    const tx2 = db.begin();
    expect(await tx2.insertIgnore(row({ reason: 'compensate', transType: 'tcc' }))).toBe(0);
    tx2.commit();
    expect(lines(db)).toEqual(['01 action 01 action']);
  });

  it('keys rows by gid, branchId, op and barrierId', async () => {
    const db = new BarrierDB();
    const tx = db.begin();
    expect(await tx.insertIgnore(row())).toBe(1);
    expect(await tx.insertIgnore(row({ gid: 'gid-2' }))).toBe(1);
    expect(await tx.insertIgnore(row({ branchId: '02' }))).toBe(1);
    expect(await tx.insertIgnore(row({ op: 'compensate' }))).toBe(1);
    expect(await tx.insertIgnore(row({ barrierId: '02' }))).toBe(1);
    tx.commit();
    expect(db.rows()).toHaveLength(5);
  });

  it('rollback removes the rows it inserted and runs the undo callbacks, last first', async () => {
    const db = new BarrierDB();
    const undone: string[] = [];
    const tx = db.begin();
    await tx.insertIgnore(row());
    tx.onRollback(() => undone.push('first'));
    tx.onRollback(() => undone.push('second'));
    tx.rollback();
    expect(db.rows()).toEqual([]);
    expect(undone).toEqual(['second', 'first']);
    const tx2 = db.begin();
    expect(await tx2.insertIgnore(row())).toBe(1);
  });

  it('rows() shows only committed rows', async () => {
    const db = new BarrierDB();
    const tx = db.begin();
    await tx.insertIgnore(row());
    expect(db.rows()).toEqual([]);
    tx.commit();
    expect(db.rows()).toEqual([row()]);
  });

  it('refuses to use a transaction after it has finished', async () => {
    const db = new BarrierDB();
    const tx = db.begin();
    tx.commit();
    await expect(tx.insertIgnore(row())).rejects.toThrow(/finished/);
    expect(() => tx.rollback()).toThrow(/finished/);
  });
});

describe('Task 2: The barrier call: normal path and duplicates', () => {
  it('runs the business once and records the row of its op', async () => {
    const db = new BarrierDB();
    let runs = 0;
    await expect(request('action').callWithDB(db, () => void runs++)).resolves.toBe('executed');
    expect(runs).toBe(1);
    expect(db.rows()).toEqual([row()]);
  });

  it('skips the business of a repeated request and reports a duplicate', async () => {
    const db = new BarrierDB();
    let runs = 0;
    await request('action').callWithDB(db, () => void runs++);
    await expect(request('action').callWithDB(db, () => void runs++)).resolves.toBe('duplicate');
    expect(runs).toBe(1);
    expect(lines(db)).toEqual(['01 action 01 action']);
  });

  it('rolls the barrier rows back with a failing business, so the retry runs it again', async () => {
    const db = new BarrierDB();
    let balance = 100;
    const debit = (fail: boolean) => (tx: Transaction) => {
      balance -= 30;
      tx.onRollback(() => (balance += 30));
      if (fail) throw new Error('db down');
    };
    await expect(request('action').callWithDB(db, debit(true))).rejects.toThrow('db down');
    expect(balance).toBe(100);
    expect(db.rows()).toEqual([]);
    await expect(request('action').callWithDB(db, debit(false))).resolves.toBe('executed');
    expect(balance).toBe(70);
  });

  it('gives each call on one barrier the next barrier id', async () => {
    const db = new BarrierDB();
    const bb = request('action');
    await expect(bb.callWithDB(db, () => {})).resolves.toBe('executed');
    await expect(bb.callWithDB(db, () => {})).resolves.toBe('executed');
    expect(lines(db)).toEqual(['01 action 01 action', '01 action 02 action']);
  });

  it('rejects incomplete trans info', () => {
    expect(() => new BranchBarrier('saga', '', '01', 'action')).toThrow(/invalid trans info/);
    expect(() => new BranchBarrier('saga', 'gid-1', '01', '')).toThrow(/invalid trans info/);
  });
});

describe('Task 3: Null compensation and hanging', () => {
  it('treats a compensation without a prior action as a null compensation and leaves the action row', async () => {
    const db = new BarrierDB();
    let refunds = 0;
    await expect(request('compensate').callWithDB(db, () => void refunds++)).resolves.toBe('null-compensation');
    expect(refunds).toBe(0);
    expect(lines(db)).toEqual(['01 action 01 compensate', '01 compensate 01 compensate']);
  });

  it('skips an action that arrives after its compensation (hanging)', async () => {
    const db = new BarrierDB();
    let charges = 0;
    await request('compensate').callWithDB(db, () => {});
    await expect(request('action').callWithDB(db, () => void charges++)).resolves.toBe('hanging');
    expect(charges).toBe(0);
    await expect(request('compensate').callWithDB(db, () => {})).resolves.toBe('duplicate');
  });

  it('runs a compensation after a committed action, once', async () => {
    const db = new BarrierDB();
    const trace: string[] = [];
    await request('action').callWithDB(db, () => void trace.push('charge'));
    await expect(request('compensate').callWithDB(db, () => void trace.push('refund'))).resolves.toBe('executed');
    await expect(request('compensate').callWithDB(db, () => void trace.push('refund'))).resolves.toBe('duplicate');
    expect(trace).toEqual(['charge', 'refund']);
    expect(lines(db)).toEqual(['01 action 01 action', '01 compensate 01 compensate']);
  });

  it('uses the origin ops of TCC: cancel before try is null, confirm has no origin', async () => {
    expect(ORIGIN_OP).toEqual({ cancel: 'try', compensate: 'action', rollback: 'action' });
    const db = new BarrierDB();
    let work = 0;
    await expect(request('cancel', 'gid-t', '01', 'tcc').callWithDB(db, () => void work++)).resolves.toBe('null-compensation');
    await expect(request('try', 'gid-t', '01', 'tcc').callWithDB(db, () => void work++)).resolves.toBe('hanging');
    await expect(request('confirm', 'gid-t', '02', 'tcc').callWithDB(db, () => void work++)).resolves.toBe('executed');
    expect(work).toBe(1);
    expect(db.rows().map((r) => `${r.op}/${r.reason}`)).toEqual(['try/cancel', 'cancel/cancel', 'confirm/confirm']);
  });
});

describe('Task 4: A compensation waits for an in-flight action', () => {
  it('makes an insert wait for the open transaction holding the key, then affect 0 rows after its commit', async () => {
    const db = new BarrierDB();
    const first = db.begin();
    await first.insertIgnore(row());
    const second = db.begin();
    let settled = false;
    const pending = later(
      second.insertIgnore(row()).then((n) => {
        settled = true;
        return n;
      }),
    );
    await settle();
    expect(settled).toBe(false);
    first.commit();
    expect(await pending).toBe(0);
  });

  it('lets the waiting insert affect 1 row when the holder rolls back', async () => {
    const db = new BarrierDB();
    const first = db.begin();
    await first.insertIgnore(row());
    const second = db.begin();
    const pending = later(second.insertIgnore(row()));
    await settle();
    first.rollback();
    expect(await pending).toBe(1);
    second.commit();
    expect(db.rows()).toHaveLength(1);
  });

  it('runs a compensation that arrived during the action only after the action committed', async () => {
    const db = new BarrierDB();
    const trace: string[] = [];
    const g = gate();
    const action = later(
      request('action').callWithDB(db, async () => {
        trace.push('charge start');
        await g.wait;
        trace.push('charge end');
      }),
    );
    await settle();
    const compensation = later(request('compensate').callWithDB(db, () => void trace.push('refund')));
    await settle();
    expect(trace).toEqual(['charge start']);
    g.open();
    await expect(action).resolves.toBe('executed');
    await expect(compensation).resolves.toBe('executed');
    expect(trace).toEqual(['charge start', 'charge end', 'refund']);
  });

  it('turns the waiting compensation into a null compensation when the action rolls back', async () => {
    const db = new BarrierDB();
    const g = gate();
    let refunds = 0;
    const action = later(
      request('action').callWithDB(db, async () => {
        await g.wait;
        throw new Error('timeout writing the ledger');
      }),
    );
    await settle();
    const compensation = later(request('compensate').callWithDB(db, () => void refunds++));
    await settle();
    g.open();
    await expect(action).rejects.toThrow('timeout writing the ledger');
    await expect(compensation).resolves.toBe('null-compensation');
    expect(refunds).toBe(0);
    await expect(request('action').callWithDB(db, () => {})).resolves.toBe('hanging');
  });

  it('does not block requests of other branches', async () => {
    const db = new BarrierDB();
    const g = gate();
    const slow = later(request('action', 'gid-1', '01').callWithDB(db, () => g.wait));
    await settle();
    await expect(request('action', 'gid-1', '02').callWithDB(db, () => {})).resolves.toBe('executed');
    await expect(request('compensate', 'gid-2', '01').callWithDB(db, () => {})).resolves.toBe('null-compensation');
    g.open();
    await expect(slow).resolves.toBe('executed');
  });
});
