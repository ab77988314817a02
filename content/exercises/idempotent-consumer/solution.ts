/**
 * An idempotent consumer for at-least-once delivery: the message id is claimed in a processed-messages
 * table inside the same local transaction as the business write, with insert-if-absent semantics
 * (a unique key), so a redelivery, even a concurrent one, applies nothing a second time.
 *
 * MemoryStore stands in for a database: business values plus a `processed_messages` table whose
 * uncommitted rows lock their key, as a unique index does in MySQL or PostgreSQL.
 */

export interface Message<T = unknown> {
  /** Identifies the event (outbox row id, business key), not the delivery: never the offset. */
  id: string;
  body: T;
}

/** The view of the store inside one transaction. */
export interface Tx {
  /** The value as this transaction sees it: its own writes first, then committed values. */
  get(key: string): number | undefined;
  /** Buffers a write; it becomes visible to others only when the transaction commits. */
  put(key: string, value: number): void;
  /**
   * INSERT ... ON CONFLICT DO NOTHING on processed_messages: resolves true if this transaction now
   * owns the id, false if a live record exists. Waits while another open transaction holds the id.
   */
  claim(messageId: string, now: number): Promise<boolean>;
}

export interface StoreOptions {
  /** How long a processed id is remembered, in ms (default: forever). */
  dedupeWindowMs?: number;
}

interface ClaimRow {
  claimedAt: number;
  /** The open transaction that inserted or refreshed the row; null once committed. */
  owner: TxImpl | null;
  /** The expired committed row this claim replaced, restored if the claim rolls back. */
  replaced?: ClaimRow;
}

/** The committed state of a MemoryStore, shared with its transactions. */
class Tables {
  readonly values = new Map<string, number>();
  /** processed_messages, by message id. */
  readonly claims = new Map<string, ClaimRow>();

  constructor(readonly windowMs: number) {}

  /** A record claimed at t is remembered while now < t + window. */
  expired(row: ClaimRow, now: number): boolean {
    return now >= row.claimedAt + this.windowMs;
  }
}

class TxImpl implements Tx {
  readonly writes = new Map<string, number>();
  readonly claimed: string[] = [];
  readonly ended: Promise<void>;
  private closed = false;
  private signalEnd!: () => void;

  constructor(private readonly tables: Tables) {
    this.ended = new Promise((resolve) => (this.signalEnd = resolve));
  }

  get(key: string): number | undefined {
    this.assertOpen();
    return this.writes.has(key) ? this.writes.get(key) : this.tables.values.get(key);
  }

  put(key: string, value: number): void {
    this.assertOpen();
    this.writes.set(key, value);
  }

  async claim(messageId: string, now: number): Promise<boolean> {
    for (;;) {
      this.assertOpen();
      const row = this.tables.claims.get(messageId);
      if (row?.owner && row.owner !== this) {
        await row.owner.ended; // the unique key's row lock: wait for the other transaction
        continue;
      }
      if (row && (row.owner === this || !this.tables.expired(row, now))) return false;
      // Absent, or committed but expired: insert (or refresh) the record.
      this.tables.claims.set(messageId, { claimedAt: now, owner: this, replaced: row });
      this.claimed.push(messageId);
      return true;
    }
  }

  commit(): void {
    for (const [key, value] of this.writes) this.tables.values.set(key, value);
    for (const id of this.claimed) {
      const row = this.tables.claims.get(id);
      if (row) this.tables.claims.set(id, { claimedAt: row.claimedAt, owner: null });
    }
    this.end();
  }

  rollback(): void {
    for (const id of this.claimed) {
      const row = this.tables.claims.get(id);
      if (row?.replaced) this.tables.claims.set(id, row.replaced);
      else this.tables.claims.delete(id);
    }
    this.end(); // the buffered writes are simply dropped
  }

  private end(): void {
    this.closed = true;
    this.signalEnd(); // wakes every claim waiting for one of our ids
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('transaction is closed');
  }
}

export class MemoryStore {
  private readonly tables: Tables;

  constructor(options: StoreOptions = {}) {
    this.tables = new Tables(options.dedupeWindowMs ?? Infinity);
  }

  /**
   * Runs fn in a transaction: commits its writes and claims if it resolves, discards them all and
   * rethrows if it throws.
   */
  async transaction<R>(fn: (tx: Tx) => R | Promise<R>): Promise<R> {
    const tx = new TxImpl(this.tables);
    let result: R;
    try {
      result = await fn(tx);
    } catch (err) {
      tx.rollback();
      throw err;
    }
    tx.commit();
    return result;
  }

  /** The committed value of a business key. */
  get(key: string): number | undefined {
    return this.tables.values.get(key);
  }

  /** The ids with a committed record, expired or not, until purgeExpired removes them. */
  processedIds(): string[] {
    return [...this.tables.claims].filter(([, row]) => row.owner === null).map(([id]) => id);
  }

  /** Deletes committed records whose window has passed at `now`; returns how many. */
  purgeExpired(now: number): number {
    let purged = 0;
    for (const [id, row] of this.tables.claims) {
      if (row.owner === null && this.tables.expired(row, now)) {
        this.tables.claims.delete(id);
        purged++;
      }
    }
    return purged;
  }
}

export type MessageHandler<T> = (tx: Tx, msg: Message<T>) => void | Promise<void>;

export class IdempotentConsumer<T = unknown> {
  constructor(
    private readonly store: MemoryStore,
    private readonly handler: MessageHandler<T>,
  ) {}

  /**
   * Processes one delivery received at `now`: claim the id and apply the handler in one transaction.
   * Resolves 'applied' or 'duplicate' (ack both); rejects if the handler throws (do not ack: the broker
   * redelivers and nothing was recorded).
   */
  handle(msg: Message<T>, now: number): Promise<'applied' | 'duplicate'> {
    return this.store.transaction(async (tx) => {
      if (!(await tx.claim(msg.id, now))) return 'duplicate';
      await this.handler(tx, msg);
      return 'applied';
    });
  }
}
