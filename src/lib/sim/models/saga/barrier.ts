/**
 * dtm's sub-transaction barrier, with an in-memory table in place of the `dtm_barrier.barrier` SQL
 * table. Ported from github.com/dtm-labs/dtm at 18146ee53bafbf094b1a5f12ca7e8a29bdb57edd:
 * client/dtmcli/barrier.go (BranchBarrier.Call, QueryPrepared; last changed in 8ef6348),
 * client/dtmcli/dtmimp/utils.go (InsertBarrier: an "insert ignore" whose affected-row count is the
 * whole trick; DeferDo: commit on nil, roll back on error or panic) and
 * sqls/dtmcli.barrier.mysql.sql (UNIQUE key (gid, branch_id, op, barrier_id); `reason` = the op of the
 * request that inserted the row).
 *
 * How one barrier call works, inside the business's local transaction:
 * 1. A compensating op first inserts the row its origin op would insert: compensate → action (saga),
 *    cancel → try (tcc), rollback → action (workflow). Other ops (action, try, confirm, commit, msg)
 *    have no origin op and insert nothing here.
 * 2. It inserts its own row (gid, branch_id, op, barrier_id).
 * 3. It skips the business, and still answers SUCCESS, when
 *    - the op is compensating and step 1 inserted a row: the action never ran (or rolled back), so
 *      there is nothing to undo — "null compensation" — and the row now left behind makes a late
 *      action skip itself — "suspension"/"hanging" prevention;
 *    - step 2 inserted nothing: a repeated request (idempotency) or an action arriving after its
 *      compensation (the dangling request).
 *    For `msg` (DoAndSubmit) a repeated insert answers DUPLICATED instead.
 * 4. Otherwise it runs the business function; its error rolls the whole local transaction back,
 *    barrier rows included, so a retried request runs the business again.
 *
 * Op names are dtm's: saga uses "action"/"compensate", TCC "try"/"confirm"/"cancel", XA
 * "commit"/"rollback", workflow "action"/"rollback", messages "msg". The barrier id is per request:
 * the n-th barrier call made while handling one request gets "%02d" of n ("01", "02", ...), which
 * `BranchBarrier` reproduces.
 *
 * Atomicity: each call runs to completion before the next, standing in for the database's lock on
 * the unique key, which makes a concurrent compensate wait for an in-flight action's transaction.
 * In-memory business effects take part in the rollback by registering an undo with
 * `LocalTransaction.onRollback`.
 */
import { RESULT_SUCCESS } from './saga.ts';

/** dtm's answer for a repeated msg DoAndSubmit (dtmcli.ErrDuplicated). */
export const RESULT_DUPLICATED = 'DUPLICATED';

/** The op whose row a compensating op inserts first (the `originOp` map of BranchBarrier.Call). */
export const ORIGIN_OP: Readonly<Record<string, string>> = {
  cancel: 'try', // tcc
  compensate: 'action', // saga
  rollback: 'action', // workflow
};

/** QueryPrepared's fixed coordinates (client/dtmcli/dtmimp/consts.go). */
export const MSG_DO_BRANCH = '00';
export const MSG_DO_OP = 'msg';
export const MSG_DO_BARRIER = '01';

export interface BarrierRow {
  transType: string;
  gid: string;
  branchId: string;
  op: string;
  barrierId: string;
  /** The op of the request that inserted this row. */
  reason: string;
}

/**
 * Why a call skipped its business. dtm does not tell these apart (they all answer SUCCESS); the
 * simulation does, reading the row's `reason`, to show which protection acted.
 */
export type BarrierSkip = 'null-compensation' | 'duplicate' | 'suspended';

export interface BarrierCallResult {
  /** What the branch handler returns to dtm: SUCCESS when skipped, else the business's answer. */
  result: string;
  /** Whether the business function ran (whatever it answered). */
  executed: boolean;
  /** Whether the local transaction committed (its barrier rows and business effects stay). */
  committed: boolean;
  skipped?: BarrierSkip;
}

/** The business's local transaction, for registering how to undo in-memory effects on rollback. */
export interface LocalTransaction {
  onRollback(undo: () => void): void;
}

/** A business function: answers SUCCESS to commit; any other answer (an error) rolls back. */
export type BusinessFn = (tx: LocalTransaction) => string;

export class BarrierTable {
  private readonly rows = new Map<string, BarrierRow>();

  /**
   * BranchBarrier.Call for the request (gid, branchId, op) and its barrier id: the business runs only
   * when the barrier lets it, inside one local transaction with the barrier rows.
   */
  call(gid: string, branchId: string, op: string, barrierId: string, business: BusinessFn, transType = 'saga'): BarrierCallResult {
    const tx = new InMemoryTransaction(this.rows);
    const originOp = ORIGIN_OP[op];
    const originAffected = originOp === undefined ? 0 : tx.insertIgnore({ transType, gid, branchId, op: originOp, barrierId, reason: op });
    const currentAffected = tx.insertIgnore({ transType, gid, branchId, op, barrierId, reason: op });
    if (op === MSG_DO_OP && currentAffected === 0) {
      tx.rollback();
      return { result: RESULT_DUPLICATED, executed: false, committed: false };
    }
    if (originOp !== undefined && originAffected > 0) {
      tx.commit();
      return { result: RESULT_SUCCESS, executed: false, committed: true, skipped: 'null-compensation' };
    }
    if (currentAffected === 0) {
      tx.commit();
      const existing = this.rows.get(rowKey(gid, branchId, op, barrierId));
      return { result: RESULT_SUCCESS, executed: false, committed: true, skipped: existing?.reason === op ? 'duplicate' : 'suspended' };
    }
    let result: string;
    try {
      result = business(tx);
    } catch (panic) {
      tx.rollback(); // DeferDo rolls back, then re-panics
      throw panic;
    }
    if (result !== RESULT_SUCCESS) {
      tx.rollback();
      return { result, executed: true, committed: false };
    }
    tx.commit();
    return { result, executed: true, committed: true };
  }

  /**
   * BranchBarrier.QueryPrepared, the msg check-back: inserts the "msg" row with reason "rollback" if
   * DoAndSubmit has not inserted it, so a late DoAndSubmit is refused; answers FAILURE when the row is
   * the rollback marker (the local transaction never committed) and SUCCESS when DoAndSubmit's is.
   */
  queryPrepared(gid: string, transType = 'msg'): string {
    const tx = new InMemoryTransaction(this.rows);
    tx.insertIgnore({ transType, gid, branchId: MSG_DO_BRANCH, op: MSG_DO_OP, barrierId: MSG_DO_BARRIER, reason: 'rollback' });
    tx.commit();
    const row = this.rows.get(rowKey(gid, MSG_DO_BRANCH, MSG_DO_OP, MSG_DO_BARRIER));
    return row?.reason === 'rollback' ? 'FAILURE' : RESULT_SUCCESS;
  }

  find(gid: string, branchId: string, op: string, barrierId: string): BarrierRow | undefined {
    const row = this.rows.get(rowKey(gid, branchId, op, barrierId));
    return row && { ...row };
  }

  /** The committed rows, in insertion order. */
  snapshot(): BarrierRow[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }
}

/**
 * The barrier object a handler builds from one request's query (dtmcli.BarrierFrom): every call it
 * makes gets the next barrier id, so a handler touching two resources uses "01" then "02".
 */
export class BranchBarrier {
  private barrierCount = 0;

  constructor(
    private readonly table: BarrierTable,
    readonly transType: string,
    readonly gid: string,
    readonly branchId: string,
    readonly op: string,
  ) {}

  call(business: BusinessFn): BarrierCallResult {
    this.barrierCount++;
    const barrierId = String(this.barrierCount).padStart(2, '0');
    return this.table.call(this.gid, this.branchId, this.op, barrierId, business, this.transType);
  }
}

/** Rows inserted by one call, pending until commit; rollback removes them and runs the undos. */
class InMemoryTransaction implements LocalTransaction {
  private readonly inserted: string[] = [];
  private readonly undos: (() => void)[] = [];

  constructor(private readonly rows: Map<string, BarrierRow>) {}

  /** "insert ignore": 1 row affected, or 0 when the unique key already exists. */
  insertIgnore(row: BarrierRow): 0 | 1 {
    const key = rowKey(row.gid, row.branchId, row.op, row.barrierId);
    if (this.rows.has(key)) return 0;
    this.rows.set(key, row);
    this.inserted.push(key);
    return 1;
  }

  onRollback(undo: () => void): void {
    this.undos.push(undo);
  }

  commit(): void {
    this.inserted.length = 0;
    this.undos.length = 0;
  }

  rollback(): void {
    for (const key of this.inserted) this.rows.delete(key);
    for (const undo of this.undos.reverse()) undo();
    this.commit();
  }
}

function rowKey(gid: string, branchId: string, op: string, barrierId: string): string {
  // JSON keeps the four parts apart whatever characters they contain.
  return JSON.stringify([gid, branchId, op, barrierId]);
}
