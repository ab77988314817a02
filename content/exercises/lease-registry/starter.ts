/**
 * An etcd-style key-value store with leases and watches, in explicit time (milliseconds).
 *
 * Expiry happens only in tick(now). Every method that takes `now` runs tick(now) first; get, range,
 * put, delete and revoke see the state as of the last tick. `now` never goes backwards.
 */

/** etcd's ErrLeaseNotFound: message 'lease not found', name 'LeaseNotFoundError'. */
export class LeaseNotFoundError extends Error {
  constructor(readonly leaseId: number) {
    super('lease not found');
    this.name = 'LeaseNotFoundError';
  }
}

export interface KeyValue {
  readonly key: string;
  readonly value: string;
  /** Revision of the put that created the key. */
  readonly createRevision: number;
  /** Revision of the last put. */
  readonly modRevision: number;
  /** Puts since the key was created: 1 for a new key. */
  readonly version: number;
  /** The lease the key is attached to; 0 for none. */
  readonly lease: number;
}

export type EventType = 'PUT' | 'DELETE';

export interface WatchEvent {
  readonly type: EventType;
  readonly key: string;
  /** The new value for PUT; '' for DELETE. */
  readonly value: string;
  /** The revision of the write that produced the event. */
  readonly revision: number;
}

export type WatchListener = (event: WatchEvent) => void;

export interface LeaseRegistryOptions {
  /** TTLs below this are raised to it (etcd: 1.5 election timeouts, 2 s by default). Default 0. */
  minTtlMs?: number;
}

export interface Lease {
  readonly id: number;
  /** The TTL actually granted (after the minimum was applied). */
  readonly ttlMs: number;
}

export class LeaseRegistry {
  constructor(_options: LeaseRegistryOptions = {}) {}

  /** The current revision: 1 before any write; +1 per write that changes something. */
  get revision(): number {
    throw new Error('not implemented');
  }

  /**
   * Revokes every lease whose expiry (grant or last renewal + TTL) is at or before `now`, earliest
   * first, ties by id, exactly as revoke() would.
   */
  tick(_now: number): void {
    throw new Error('not implemented');
  }

  /**
   * Creates a lease expiring at now + ttl, with ttl raised to minTtlMs if below it. Ids are 1, 2, 3, …
   * RangeError unless ttlMs is a positive integer.
   */
  grant(_ttlMs: number, _now: number): Lease {
    throw new Error('not implemented');
  }

  /** Renews the lease to now + its TTL and returns the TTL; LeaseNotFoundError if it is gone. */
  keepAlive(_id: number, _now: number): number {
    throw new Error('not implemented');
  }

  /** Milliseconds left on the lease, or -1 if it is gone. */
  timeToLive(_id: number, _now: number): number {
    throw new Error('not implemented');
  }

  /**
   * Ends the lease now: all its keys are deleted in one revision (DELETE events in key order); no
   * new revision if it had no keys. LeaseNotFoundError if it is gone.
   */
  revoke(_id: number): void {
    throw new Error('not implemented');
  }

  /**
   * Writes `key` in a new revision, attached to `leaseId` (0: no lease) and detached from any
   * previous lease. Returns the new revision. LeaseNotFoundError, and no write, if the lease is gone.
   */
  put(_key: string, _value: string, _leaseId = 0): number {
    throw new Error('not implemented');
  }

  /** Deletes `key` in a new revision; false (and no new revision) if it did not exist. */
  delete(_key: string): boolean {
    throw new Error('not implemented');
  }

  get(_key: string): KeyValue | undefined {
    throw new Error('not implemented');
  }

  /** Every key starting with `prefix`, sorted by key. */
  range(_prefix: string): KeyValue[] {
    throw new Error('not implemented');
  }

  /**
   * Calls `listener` synchronously for every write to a key starting with `prefix`, in revision order.
   * Without `fromRevision` only future writes are seen; with it, every event with revision >=
   * fromRevision is delivered, past ones (replayed at once from the kept history) included.
   * Returns a function that cancels the watch.
   */
  watch(_prefix: string, _listener: WatchListener, _fromRevision?: number): () => void {
    throw new Error('not implemented');
  }
}
