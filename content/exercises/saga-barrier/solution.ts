/**
 * dtm's sub-transaction barrier (github.com/dtm-labs/dtm, client/dtmcli/barrier.go) over an in-memory
 * table that behaves like `dtm_barrier.barrier`: a UNIQUE key on (gid, branch_id, op, barrier_id),
 * "insert ignore" that reports the affected-row count, and transactions whose uncommitted rows lock
 * their keys, so a second insert of the same key waits for the first transaction to end.
 */

/** A compensating op first inserts the row of its origin op (BranchBarrier.Call's originOp map). */
export const ORIGIN_OP: Readonly<Record<string, string>> = {
  cancel: 'try', // tcc
  compensate: 'action', // saga
  rollback: 'action', // workflow
};

/** One row of the barrier table. The unique key is (gid, branchId, op, barrierId). */
export interface BarrierRow {
  transType: string;
  gid: string;
  branchId: string;
  op: string;
  barrierId: string;
  /** The op of the request that inserted the row. */
  reason: string;
}

interface Entry {
  row: BarrierRow;
  /** The transaction that inserted the row while it is uncommitted; null once committed. */
  owner: Transaction | null;
}

function keyOf(gid: string, branchId: string, op: string, barrierId: string): string {
  return JSON.stringify([gid, branchId, op, barrierId]); // keeps the four parts apart
}

/** A local transaction on a BarrierDB: rows it inserts are visible to others only after commit. */
export class Transaction {
  private readonly inserted: string[] = [];
  private readonly undos: (() => void)[] = [];
  private finished = false;
  private readonly ended: Promise<void>;
  private signalEnd!: () => void;

  constructor(private readonly entries: Map<string, Entry>) {
    this.ended = new Promise((resolve) => (this.signalEnd = resolve));
  }

  /**
   * INSERT IGNORE: resolves 1 if the row was inserted, 0 if its key already exists. If another open
   * transaction holds the key, waits until that transaction commits (then 0) or rolls back (then
   * tries again), as the database's lock on the unique key would.
   */
  async insertIgnore(row: BarrierRow): Promise<0 | 1> {
    const key = keyOf(row.gid, row.branchId, row.op, row.barrierId);
    for (;;) {
      this.assertOpen();
      const existing = this.entries.get(key);
      if (existing === undefined) {
        this.entries.set(key, { row: { ...row }, owner: this });
        this.inserted.push(key);
        return 1;
      }
      if (existing.owner === null || existing.owner === this) return 0;
      await existing.owner.ended;
    }
  }

  /** The row with this key as this transaction sees it: committed rows and its own. */
  find(gid: string, branchId: string, op: string, barrierId: string): BarrierRow | undefined {
    const entry = this.entries.get(keyOf(gid, branchId, op, barrierId));
    if (entry === undefined || (entry.owner !== null && entry.owner !== this)) return undefined;
    return { ...entry.row };
  }

  /** Registers how to undo an in-memory business effect if the transaction rolls back. */
  onRollback(undo: () => void): void {
    this.assertOpen();
    this.undos.push(undo);
  }

  commit(): void {
    this.assertOpen();
    for (const key of this.inserted) {
      const entry = this.entries.get(key);
      if (entry) entry.owner = null;
    }
    this.finish();
  }

  /** Removes the rows this transaction inserted and runs the undo callbacks, last first. */
  rollback(): void {
    this.assertOpen();
    for (const key of this.inserted) this.entries.delete(key);
    for (const undo of [...this.undos].reverse()) undo();
    this.finish();
  }

  private finish(): void {
    this.finished = true;
    this.signalEnd(); // wakes every insert waiting for one of our keys
  }

  private assertOpen(): void {
    if (this.finished) throw new Error('transaction already finished');
  }
}

/** The database that holds the barrier table. */
export class BarrierDB {
  private readonly entries = new Map<string, Entry>();

  begin(): Transaction {
    return new Transaction(this.entries);
  }

  /** The committed rows, in insertion order. */
  rows(): BarrierRow[] {
    return [...this.entries.values()].filter((e) => e.owner === null).map((e) => ({ ...e.row }));
  }
}

/** The business function: it runs inside the barrier's transaction; throwing rolls everything back. */
export type BusiFn = (tx: Transaction) => void | Promise<void>;

/** What a barrier call did. dtm answers SUCCESS for all four; only 'executed' ran the business. */
export type BarrierResult = 'executed' | 'duplicate' | 'null-compensation' | 'hanging';

/** The barrier of one branch request, built from the request's trans info (dtmcli.BarrierFrom). */
export class BranchBarrier {
  private barrierCount = 0;

  constructor(
    readonly transType: string,
    readonly gid: string,
    readonly branchId: string,
    readonly op: string,
  ) {
    if (!transType || !gid || !branchId || !op) {
      throw new Error(`invalid trans info: ${JSON.stringify({ transType, gid, branchId, op })}`);
    }
  }

  /**
   * BranchBarrier.CallWithDB: in one transaction, insert the origin op's row (compensating ops only)
   * and this op's row; run the business only if neither says "skip"; commit, or roll back on error.
   */
  async callWithDB(db: BarrierDB, busi: BusiFn): Promise<BarrierResult> {
    this.barrierCount++;
    const barrierId = String(this.barrierCount).padStart(2, '0');
    const { transType, gid, branchId, op } = this;
    const tx = db.begin();
    try {
      const originOp = ORIGIN_OP[op];
      const originAffected = originOp === undefined ? 0 : await tx.insertIgnore({ transType, gid, branchId, op: originOp, barrierId, reason: op });
      const currentAffected = await tx.insertIgnore({ transType, gid, branchId, op, barrierId, reason: op });
      let result: BarrierResult;
      if (originOp !== undefined && originAffected === 1) {
        // The action never committed: nothing to undo, and the row we left blocks a late action.
        result = 'null-compensation';
      } else if (currentAffected === 0) {
        // Our row exists: inserted by an earlier request of this op (a retry), or by the compensation.
        result = tx.find(gid, branchId, op, barrierId)?.reason === op ? 'duplicate' : 'hanging';
      } else {
        await busi(tx);
        result = 'executed';
      }
      tx.commit();
      return result;
    } catch (err) {
      tx.rollback();
      throw err;
    }
  }
}
