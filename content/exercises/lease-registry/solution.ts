/**
 * An etcd-style key-value store with leases and watches, in explicit time (milliseconds).
 *
 * Semantics follow etcd (server/lease/lessor.go, server/storage/mvcc):
 * - the store starts at revision 1; every write transaction that changes something adds one;
 * - Grant raises a TTL below the minimum without an error; Renew (keepAlive) resets the expiry to
 *   now + TTL and fails with "lease not found" once the lease has expired or been revoked;
 * - Revoke, or expiry, deletes every attached key in one transaction (one revision, keys sorted);
 * - a put with a lease attaches the key to that lease and detaches it from its previous one;
 * - a watch delivers PUT and DELETE events in revision order and can replay history from a revision.
 *
 * Expiry happens in tick(now), like etcd's leader revoking expired leases in its own loop: every
 * method that takes `now` runs tick(now) first; get/range/put see the state as of the last tick.
 */

/** etcd's ErrLeaseNotFound. */
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

interface LeaseState {
  readonly id: number;
  readonly ttlMs: number;
  expiresAt: number;
  readonly keys: Set<string>;
}

interface Watcher {
  readonly prefix: string;
  readonly listener: WatchListener;
  readonly fromRevision: number;
  active: boolean;
}

export class LeaseRegistry {
  private readonly minTtlMs: number;
  private rev = 1;
  private time = 0;
  private nextLeaseId = 1;
  private readonly leases = new Map<number, LeaseState>();
  private readonly kvs = new Map<string, KeyValue>();
  private readonly history: WatchEvent[] = [];
  private readonly watchers: Watcher[] = [];
  // Deliveries go through a queue so a listener that writes cannot reorder what others see.
  private readonly outbox: [Watcher, WatchEvent][] = [];
  private delivering = false;

  constructor(options: LeaseRegistryOptions = {}) {
    this.minTtlMs = options.minTtlMs ?? 0;
  }

  /** The current revision: 1 before any write. */
  get revision(): number {
    return this.rev;
  }

  /** Revokes every lease whose expiry is at or before `now`, earliest first (ties by id). */
  tick(now: number): void {
    this.time = Math.max(this.time, now);
    const due = [...this.leases.values()]
      .filter((l) => l.expiresAt <= this.time)
      .sort((a, b) => a.expiresAt - b.expiresAt || a.id - b.id);
    for (const lease of due) this.revokeLease(lease);
  }

  /** Creates a lease expiring at now + ttl (ttl raised to the minimum). Ids are 1, 2, 3, … */
  grant(ttlMs: number, now: number): Lease {
    if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive integer, got ${ttlMs}`);
    this.tick(now);
    const granted = Math.max(ttlMs, this.minTtlMs);
    const id = this.nextLeaseId++;
    this.leases.set(id, { id, ttlMs: granted, expiresAt: this.time + granted, keys: new Set() });
    return { id, ttlMs: granted };
  }

  /** Renews the lease to now + its TTL and returns the TTL; LeaseNotFoundError if it is gone. */
  keepAlive(id: number, now: number): number {
    this.tick(now);
    const lease = this.leases.get(id);
    if (!lease) throw new LeaseNotFoundError(id);
    lease.expiresAt = this.time + lease.ttlMs;
    return lease.ttlMs;
  }

  /** Milliseconds left on the lease, or -1 if it is gone. */
  timeToLive(id: number, now: number): number {
    this.tick(now);
    const lease = this.leases.get(id);
    return lease ? lease.expiresAt - this.time : -1;
  }

  /** Ends the lease now, deleting its keys; LeaseNotFoundError if it is gone. */
  revoke(id: number): void {
    const lease = this.leases.get(id);
    if (!lease) throw new LeaseNotFoundError(id);
    this.revokeLease(lease);
  }

  /**
   * Writes `key`, attached to `leaseId` if given (0 or undefined: no lease). Returns the new
   * revision. LeaseNotFoundError, and no write, if the lease does not exist.
   */
  put(key: string, value: string, leaseId = 0): number {
    const lease = leaseId === 0 ? undefined : this.leases.get(leaseId);
    if (leaseId !== 0 && !lease) throw new LeaseNotFoundError(leaseId);
    const revision = ++this.rev;
    const prev = this.kvs.get(key);
    if (prev && prev.lease !== leaseId) this.leases.get(prev.lease)?.keys.delete(key);
    lease?.keys.add(key);
    this.kvs.set(key, {
      key,
      value,
      createRevision: prev ? prev.createRevision : revision,
      modRevision: revision,
      version: prev ? prev.version + 1 : 1,
      lease: leaseId,
    });
    this.publish({ type: 'PUT', key, value, revision });
    return revision;
  }

  /** Deletes `key`; true if it existed (and the revision moved), false otherwise. */
  delete(key: string): boolean {
    const prev = this.kvs.get(key);
    if (!prev) return false;
    const revision = ++this.rev;
    this.removeKey(prev, revision);
    return true;
  }

  get(key: string): KeyValue | undefined {
    return this.kvs.get(key);
  }

  /** Every key starting with `prefix`, sorted by key. */
  range(prefix: string): KeyValue[] {
    return [...this.kvs.values()].filter((kv) => kv.key.startsWith(prefix)).sort((a, b) => compareKeys(a.key, b.key));
  }

  /**
   * Calls `listener` for every write to a key starting with `prefix`. Without `fromRevision` only
   * future writes are seen; with it, past events from that revision on are replayed first (all
   * history is kept). Returns a function that cancels the watch.
   */
  watch(prefix: string, listener: WatchListener, fromRevision?: number): () => void {
    const watcher: Watcher = { prefix, listener, fromRevision: fromRevision ?? this.rev + 1, active: true };
    for (const event of this.history) {
      if (event.revision >= watcher.fromRevision && event.key.startsWith(prefix)) this.outbox.push([watcher, event]);
    }
    this.watchers.push(watcher);
    this.deliver();
    return () => {
      watcher.active = false;
      const i = this.watchers.indexOf(watcher);
      if (i >= 0) this.watchers.splice(i, 1);
    };
  }

  private revokeLease(lease: LeaseState): void {
    this.leases.delete(lease.id);
    const keys = [...lease.keys].sort(compareKeys);
    // No keys, no change: etcd's transaction only bumps the revision when it wrote something.
    if (keys.length === 0) return;
    const revision = ++this.rev;
    for (const key of keys) {
      const kv = this.kvs.get(key);
      if (kv) this.removeKey(kv, revision);
    }
  }

  private removeKey(kv: KeyValue, revision: number): void {
    this.kvs.delete(kv.key);
    this.leases.get(kv.lease)?.keys.delete(kv.key);
    this.publish({ type: 'DELETE', key: kv.key, value: '', revision });
  }

  private publish(event: WatchEvent): void {
    this.history.push(event);
    for (const w of this.watchers) {
      if (event.key.startsWith(w.prefix) && event.revision >= w.fromRevision) this.outbox.push([w, event]);
    }
    this.deliver();
  }

  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.outbox.shift(); next; next = this.outbox.shift()) {
        const [watcher, event] = next;
        if (watcher.active) watcher.listener(event);
      }
    } finally {
      this.delivering = false;
    }
  }
}

/** etcd orders keys by bytes; for the ASCII keys used here that is plain string order. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
