/**
 * An idempotent consumer for at-least-once delivery. Build MemoryStore (transactions, a
 * processed_messages table with insert-if-absent claims and a dedupe window), then
 * IdempotentConsumer.handle on top of it.
 */

export interface Message<T = unknown> {
  /** Identifies the event (outbox row id, business key), not the delivery: never the offset. */
  id: string;
  body: T;
}

/** The view of the store inside one transaction. Every method throws once the transaction ended. */
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

export class MemoryStore {
  constructor(_options: StoreOptions = {}) {}

  /**
   * Runs fn in a transaction: commits its writes and claims if it resolves, discards them all and
   * rethrows if it throws.
   */
  async transaction<R>(_fn: (tx: Tx) => R | Promise<R>): Promise<R> {
    throw new Error('not implemented');
  }

  /** The committed value of a business key. */
  get(_key: string): number | undefined {
    throw new Error('not implemented');
  }

  /** The ids with a committed record, expired or not, until purgeExpired removes them. */
  processedIds(): string[] {
    throw new Error('not implemented');
  }

  /** Deletes committed records whose window has passed at `now`; returns how many. */
  purgeExpired(_now: number): number {
    throw new Error('not implemented');
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
   * Resolves 'applied' or 'duplicate' (ack both); rejects if the handler throws.
   */
  async handle(_msg: Message<T>, _now: number): Promise<'applied' | 'duplicate'> {
    throw new Error('not implemented');
  }
}
