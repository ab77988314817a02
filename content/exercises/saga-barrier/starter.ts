/**
 * dtm's sub-transaction barrier over an in-memory barrier table. Build the table (insert ignore,
 * commit, rollback, waiting on keys held by other open transactions), then BranchBarrier.callWithDB.
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

/** A local transaction on a BarrierDB: rows it inserts are visible to others only after commit. */
export class Transaction {
  /**
   * INSERT IGNORE: resolves 1 if the row was inserted, 0 if its key already exists. If another open
   * transaction holds the key, waits until that transaction commits (then 0) or rolls back (then
   * tries again). Rejects with "transaction already finished" after commit or rollback.
   */
  async insertIgnore(_row: BarrierRow): Promise<0 | 1> {
    throw new Error('not implemented');
  }

  /** The row with this key as this transaction sees it: committed rows and its own. */
  find(_gid: string, _branchId: string, _op: string, _barrierId: string): BarrierRow | undefined {
    throw new Error('not implemented');
  }

  /** Registers how to undo an in-memory business effect if the transaction rolls back. */
  onRollback(_undo: () => void): void {
    throw new Error('not implemented');
  }

  /** Makes the inserted rows visible to everyone. Throws "transaction already finished" if repeated. */
  commit(): void {
    throw new Error('not implemented');
  }

  /** Removes the rows this transaction inserted and runs the undo callbacks, last first. */
  rollback(): void {
    throw new Error('not implemented');
  }
}

/** The database that holds the barrier table. */
export class BarrierDB {
  begin(): Transaction {
    throw new Error('not implemented');
  }

  /** The committed rows, in insertion order. */
  rows(): BarrierRow[] {
    throw new Error('not implemented');
  }
}

/** The business function: it runs inside the barrier's transaction; throwing rolls everything back. */
export type BusiFn = (tx: Transaction) => void | Promise<void>;

/** What a barrier call did. dtm answers SUCCESS for all four; only 'executed' ran the business. */
export type BarrierResult = 'executed' | 'duplicate' | 'null-compensation' | 'hanging';

/** The barrier of one branch request, built from the request's trans info (dtmcli.BarrierFrom). */
export class BranchBarrier {
  /** Throws "invalid trans info: ..." when any field is empty. */
  constructor(
    readonly transType: string,
    readonly gid: string,
    readonly branchId: string,
    readonly op: string,
  ) {}

  /**
   * In one transaction: insert the origin op's row (compensating ops only) and this op's row with
   * barrier id "01" for the first call on this object, "02" for the second, ...; run the business
   * only when neither insert says "skip"; commit, or roll back and rethrow if the business throws.
   */
  async callWithDB(_db: BarrierDB, _busi: BusiFn): Promise<BarrierResult> {
    throw new Error('not implemented');
  }
}
