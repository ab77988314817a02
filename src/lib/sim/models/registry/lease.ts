/**
 * An etcd-like key-value store with leases, in explicit virtual time: what the registry lesson's
 * "etcd leases" section describes, ported from etcd's own sources (github.com/etcd-io/etcd at
 * c34dc7ee0048fd2bcc44d50beff002e5e8069b69):
 *
 * - `server/lease/lessor.go`: Grant raises a TTL below `minLeaseTTL` silently and refuses one above
 *   `MaxLeaseTTL`; Renew refreshes the expiry to now + the *granted* TTL and returns it; Revoke deletes
 *   every attached key (sorted, in one transaction); an expired lease is revoked like any other.
 * - `server/lease/lease.go`: `expired()` is `Remaining() <= 0`; `refresh` sets expiry = now + TTL.
 * - `server/etcdserver/server.go`: `minTTL := time.Duration((3*cfg.ElectionTicks)/2) * heartbeat`,
 *   `MinLeaseTTL: int64(math.Ceil(minTTL.Seconds()))` (see `minLeaseTtlSeconds`).
 * - `server/etcdserver/v3_server.go`: TimeToLive answers `int64(le.Remaining().Seconds())`, a
 *   truncation; `api/v3rpc/lease.go` turns "lease not found" into TTL -1. Deviation: this model
 *   answers the whole seconds strictly below the time left (`ceil - 1`), which differs from etcd only
 *   when the time left is a whole number of seconds. Real etcd never sees that instant (time passes
 *   before the leader answers), and it keeps DESIGN.md's example: a 5 s lease asked at once says 4.
 * - `server/etcdserver/txn/put.go` (`checkLease`): a put naming an unknown lease fails with "lease not
 *   found"; `server/storage/mvcc/kvstore_txn.go` (`put`): a put moves the key from its old lease to the
 *   new one (or to none), revisions grow by one per write transaction.
 * - `client/v3/lease.go`: KeepAlive sends a request right away, then TTL/3 after each response,
 *   checked on a 500 ms loop; a response with TTL <= 0 closes the channel (see `KeepAliveLoop`).
 *
 * Every operation takes its time `t` (integer nanoseconds, never decreasing). Expiry is processed at
 * the start of each operation, so a key attached to a lease is never readable at or after the lease's
 * expiry. Real etcd is a little later: its leader looks for expired leases every 500 ms and revokes
 * them through Raft, so a key can stay readable for up to about a second after its lease ran out.
 */
import { MILLISECOND, SECOND, type Nanos } from '../../time.ts';

export type LeaseId = string;

/** `lease.ErrLeaseNotFound`'s text, the one error the lesson and the replay contract show. */
export const LEASE_NOT_FOUND = 'lease not found';
/** `lease.ErrLeaseExists`. */
export const LEASE_EXISTS = 'lease already exists';
/** `lease.ErrLeaseTTLTooLarge`. */
export const LEASE_TTL_TOO_LARGE = 'too large lease TTL';
/** `lease.MaxLeaseTTL`, in seconds. */
export const MAX_LEASE_TTL_S = 9_000_000_000;

/** etcd's defaults: `--heartbeat-interval=100`, `--election-timeout=1000` (10 ticks of 100 ms). */
export const DEFAULT_HEARTBEAT: Nanos = 100 * MILLISECOND;
export const DEFAULT_ELECTION_TICKS = 10;

/**
 * The server's minimum lease TTL in whole seconds: 1.5 election timeouts, rounded up. Note the
 * integer division on ticks before multiplying, as in server.go: 11 ticks give 16, not 16.5, heartbeats.
 * With the defaults this is ⌈1.5 s⌉ = 2 s, so `Grant(ctx, 1)` answers TTL 2.
 */
export function minLeaseTtlSeconds(electionTicks = DEFAULT_ELECTION_TICKS, heartbeat: Nanos = DEFAULT_HEARTBEAT): number {
  const minTtl = Math.floor((3 * electionTicks) / 2) * heartbeat;
  return Math.ceil(minTtl / SECOND);
}

export interface KeyValue {
  readonly key: string;
  readonly value: string;
  /** Revision of the put that created the key (unchanged by later puts). */
  readonly createRevision: number;
  /** Revision of the last put. */
  readonly modRevision: number;
  /** Number of puts since the key was created. */
  readonly version: number;
  readonly lease: LeaseId | undefined;
}

/** Why a key disappeared: an explicit delete, a revoke, or a lease that ran out. */
export type DeleteCause = 'delete' | 'revoke' | 'expire';

export type WatchEvent =
  | { readonly type: 'put'; readonly revision: number; readonly at: Nanos; readonly kv: KeyValue; readonly prevKv: KeyValue | undefined }
  | {
      readonly type: 'delete';
      readonly revision: number;
      /** When it happened: for an expiry, the lease's expiry time (not the later time it was noticed). */
      readonly at: Nanos;
      readonly key: string;
      readonly prevKv: KeyValue;
      readonly cause: DeleteCause;
    };

export type WatchListener = (event: WatchEvent) => void;

export interface WatchOptions {
  /** Also deliver past events from this revision on (etcd's `WithRev`); the store keeps its whole history. */
  startRevision?: number;
}

export interface Watch {
  cancel(): void;
}

export type Failure = { readonly ok: false; readonly error: string };
export type GrantResult = { readonly ok: true; readonly id: LeaseId; readonly ttl: number } | Failure;
export type KeepAliveResult = { readonly ok: true; readonly ttl: number } | Failure;
export type WriteResult = { readonly ok: true; readonly revision: number } | Failure;
export type RevokeResult = { readonly ok: true } | Failure;

export interface TimeToLive {
  /** Remaining whole seconds as etcd reports them; -1 once the lease is gone. */
  readonly ttl: number;
  /** The TTL granted (after the minimum was applied); 0 once the lease is gone. */
  readonly grantedTtl: number;
  /** Attached keys, sorted (`WithAttachedKeys`). */
  readonly keys: readonly string[];
}

export interface LeaseStoreOptions {
  /** Minimum lease TTL in seconds; defaults to etcd's, 2. */
  minTtlS?: number;
}

interface Lease {
  readonly id: LeaseId;
  readonly ttlS: number;
  expiry: Nanos;
  readonly keys: Set<string>;
  /** Grant order, to break ties between leases expiring at the same instant deterministically. */
  readonly seq: number;
}

interface Subscriber {
  readonly prefix: string;
  readonly listener: WatchListener;
  active: boolean;
}

export class LeaseStore {
  readonly minTtlS: number;
  private time: Nanos = 0;
  // etcd's mvcc store starts at revision 1; the first write is revision 2.
  private rev = 1;
  private leaseSeq = 0;
  private readonly leaseMap = new Map<LeaseId, Lease>();
  private readonly kvs = new Map<string, KeyValue>();
  private readonly log: WatchEvent[] = [];
  private readonly subscribers: Subscriber[] = [];
  // Events are delivered from a queue so that a listener writing to the store from inside its
  // callback cannot make other listeners see a later revision before an earlier one.
  private readonly outbox: [Subscriber, WatchEvent][] = [];
  private delivering = false;

  constructor(options: LeaseStoreOptions = {}) {
    const minTtlS = options.minTtlS ?? minLeaseTtlSeconds();
    if (!Number.isInteger(minTtlS) || minTtlS < 0) throw new RangeError(`minTtlS must be a non-negative integer, got ${minTtlS}`);
    this.minTtlS = minTtlS;
  }

  /** The latest time the store has seen. */
  get now(): Nanos {
    return this.time;
  }

  /** The current revision (etcd's response header revision). */
  get revision(): number {
    return this.rev;
  }

  /**
   * Moves time to `t` and revokes every lease whose expiry is at or before `t`, earliest first, each
   * in its own transaction, as the leader's revoke loop would. Throws RangeError if `t` goes back.
   */
  advance(t: Nanos): void {
    if (!Number.isFinite(t)) throw new RangeError(`time must be finite, got ${t}`);
    if (t < this.time) throw new RangeError(`time went backwards: ${t} < ${this.time}`);
    this.time = t;
    for (let lease = this.firstExpired(t); lease; lease = this.firstExpired(t)) {
      this.revokeLease(lease, lease.expiry, 'expire');
    }
  }

  /** When the next lease expires, for a scheduler; undefined when no lease is held. */
  nextWakeAt(): Nanos | undefined {
    let next: Nanos | undefined;
    for (const lease of this.leaseMap.values()) if (next === undefined || lease.expiry < next) next = lease.expiry;
    return next;
  }

  /** Scheduler hook: process expiries up to `t`. */
  wake(t: Nanos): void {
    this.advance(t);
  }

  /**
   * Lessor.Grant with a caller-chosen id (etcd's `LeaseGrantRequest.ID`). TTLs are whole seconds
   * (int64 in etcd): anything else throws RangeError.
   */
  grant(t: Nanos, id: LeaseId, ttlS: number): GrantResult {
    this.advance(t);
    if (!Number.isInteger(ttlS)) throw new RangeError(`ttlS must be an integer number of seconds, got ${ttlS}`);
    if (ttlS > MAX_LEASE_TTL_S) return { ok: false, error: LEASE_TTL_TOO_LARGE };
    if (this.leaseMap.has(id)) return { ok: false, error: LEASE_EXISTS };
    // Raised without an error: the caller learns the real TTL only from the response.
    const granted = Math.max(ttlS, this.minTtlS);
    this.leaseMap.set(id, { id, ttlS: granted, expiry: t + granted * SECOND, keys: new Set(), seq: this.leaseSeq++ });
    return { ok: true, id, ttl: granted };
  }

  /** Grant with a server-chosen id, as when a client leaves `ID` at 0. */
  grantNew(t: Nanos, ttlS: number): GrantResult {
    let n = this.leaseSeq + 1;
    while (this.leaseMap.has(`lease-${n}`)) n++;
    return this.grant(t, `lease-${n}`, ttlS);
  }

  /** Lessor.Renew: expiry = t + the granted TTL; "lease not found" once expired or revoked. */
  keepAlive(t: Nanos, id: LeaseId): KeepAliveResult {
    this.advance(t);
    const lease = this.leaseMap.get(id);
    if (!lease) return { ok: false, error: LEASE_NOT_FOUND };
    lease.expiry = t + lease.ttlS * SECOND;
    return { ok: true, ttl: lease.ttlS };
  }

  /** Lessor.Revoke: the lease goes, and its keys with it, in one revision. */
  revoke(t: Nanos, id: LeaseId): RevokeResult {
    this.advance(t);
    const lease = this.leaseMap.get(id);
    if (!lease) return { ok: false, error: LEASE_NOT_FOUND };
    this.revokeLease(lease, t, 'revoke');
    return { ok: true };
  }

  /**
   * LeaseTimeToLive. etcd truncates `Remaining().Seconds()`, measured by the leader's clock when it
   * serves the request — always some time after the request's own instant. We model that instant as
   * "just after t": the answer is the largest whole number of seconds strictly below the remaining
   * time. So a 5 s lease asked at once answers 4 (as real etcd does), 4 after 0.5 s, 0 in its last second.
   */
  timeToLive(t: Nanos, id: LeaseId): TimeToLive {
    this.advance(t);
    const lease = this.leaseMap.get(id);
    if (!lease) return { ttl: -1, grantedTtl: 0, keys: [] };
    const remaining = lease.expiry - t; // > 0: advance() removed expired leases
    return { ttl: Math.ceil(remaining / SECOND) - 1, grantedTtl: lease.ttlS, keys: [...lease.keys].sort() };
  }

  /** Ids of the leases alive at `t`, in grant order. */
  leases(t: Nanos): LeaseId[] {
    this.advance(t);
    return [...this.leaseMap.values()].sort((a, b) => a.seq - b.seq).map((l) => l.id);
  }

  /**
   * A new leader takes over (Lessor.Promote): every lease is refreshed to t + extend + its full TTL,
   * extend being the election timeout. Remaining TTLs are not carried over: etcd checkpoints them
   * only for leases longer than the 5-minute checkpoint interval, so for registry-sized TTLs a leader
   * change gives a crashed instance's lease a second life. Promote's spreading of piled-up expiries
   * (more than 1000 leases) is not modelled.
   */
  leaderChange(t: Nanos, extend: Nanos): void {
    this.advance(t);
    for (const lease of this.leaseMap.values()) lease.expiry = t + extend + lease.ttlS * SECOND;
  }

  /** Put, optionally attached to a lease; "lease not found" if that lease is unknown or expired. */
  put(t: Nanos, key: string, value: string, leaseId?: LeaseId): WriteResult {
    this.advance(t);
    const lease = leaseId === undefined ? undefined : this.leaseMap.get(leaseId);
    if (leaseId !== undefined && !lease) return { ok: false, error: LEASE_NOT_FOUND };
    const revision = ++this.rev;
    const prevKv = this.kvs.get(key);
    const kv: KeyValue = {
      key,
      value,
      createRevision: prevKv ? prevKv.createRevision : revision,
      modRevision: revision,
      version: (prevKv?.version ?? 0) + 1,
      lease: leaseId,
    };
    this.kvs.set(key, kv);
    if (prevKv?.lease !== leaseId) {
      if (prevKv?.lease !== undefined) this.leaseMap.get(prevKv.lease)?.keys.delete(key);
      lease?.keys.add(key);
    }
    this.publish({ type: 'put', revision, at: t, kv, prevKv });
    return { ok: true, revision };
  }

  /** DeleteRange of one key; detaches it from its lease. Answers how many keys went (0 or 1). */
  delete(t: Nanos, key: string): { deleted: number; revision: number } {
    this.advance(t);
    const prevKv = this.kvs.get(key);
    if (!prevKv) return { deleted: 0, revision: this.rev };
    const revision = ++this.rev;
    this.removeKey(prevKv, revision, t, 'delete');
    return { deleted: 1, revision };
  }

  get(t: Nanos, key: string): KeyValue | undefined {
    this.advance(t);
    return this.kvs.get(key);
  }

  /** Every key with the prefix, sorted, and the revision they were read at (for list-then-watch). */
  range(t: Nanos, prefix: string): { kvs: KeyValue[]; revision: number } {
    this.advance(t);
    const kvs = [...this.kvs.values()].filter((kv) => kv.key.startsWith(prefix)).sort((a, b) => compare(a.key, b.key));
    return { kvs, revision: this.rev };
  }

  /** Past events on keys with the prefix, from `fromRevision` on, in revision order. */
  history(prefix: string, fromRevision: number): WatchEvent[] {
    return this.log.filter((e) => e.revision >= fromRevision && eventKey(e).startsWith(prefix));
  }

  /**
   * Watches keys with the prefix. Events arrive synchronously, in revision order; the events of one
   * transaction (a revoke deleting several keys) share a revision and come in key order.
   */
  watch(prefix: string, listener: WatchListener, options: WatchOptions = {}): Watch {
    const subscriber: Subscriber = { prefix, listener, active: true };
    if (options.startRevision !== undefined) {
      for (const event of this.history(prefix, options.startRevision)) this.outbox.push([subscriber, event]);
    }
    this.subscribers.push(subscriber);
    this.deliver();
    return {
      cancel: () => {
        subscriber.active = false;
        const i = this.subscribers.indexOf(subscriber);
        if (i >= 0) this.subscribers.splice(i, 1);
      },
    };
  }

  private firstExpired(t: Nanos): Lease | undefined {
    let first: Lease | undefined;
    for (const lease of this.leaseMap.values()) {
      if (lease.expiry > t) continue;
      if (!first || lease.expiry < first.expiry || (lease.expiry === first.expiry && lease.seq < first.seq)) first = lease;
    }
    return first;
  }

  private revokeLease(lease: Lease, at: Nanos, cause: DeleteCause): void {
    this.leaseMap.delete(lease.id);
    // Sorted so every member deletes in the same order (lessor.go); one transaction, one revision.
    const keys = [...lease.keys].sort(compare);
    if (keys.length === 0) return;
    const revision = ++this.rev;
    for (const key of keys) {
      const prevKv = this.kvs.get(key);
      if (prevKv) this.removeKey(prevKv, revision, at, cause);
    }
  }

  private removeKey(prevKv: KeyValue, revision: number, at: Nanos, cause: DeleteCause): void {
    this.kvs.delete(prevKv.key);
    if (prevKv.lease !== undefined) this.leaseMap.get(prevKv.lease)?.keys.delete(prevKv.key);
    this.publish({ type: 'delete', revision, at, key: prevKv.key, prevKv, cause });
  }

  private publish(event: WatchEvent): void {
    this.log.push(event);
    const key = eventKey(event);
    for (const s of this.subscribers) if (key.startsWith(s.prefix)) this.outbox.push([s, event]);
    this.deliver();
  }

  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.outbox.shift(); next; next = this.outbox.shift()) {
        const [subscriber, event] = next;
        if (subscriber.active) subscriber.listener(event);
      }
    } finally {
      this.delivering = false;
    }
  }
}

function eventKey(event: WatchEvent): string {
  return event.type === 'put' ? event.kv.key : event.key;
}

/** Byte order, as etcd sorts keys (JS `<` on strings compares UTF-16 units: the same for ASCII keys). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What KeepAliveLoop talks to: a LeaseStore, or a wrapper that can fail like a network. */
export interface LeaseRenewer {
  keepAlive(t: Nanos, id: LeaseId): KeepAliveResult;
}

export interface KeepAliveLoopOptions {
  /** clientv3 checks for due keepalives every `retryConnWait` (500 ms); 0 sends exactly at TTL/3. */
  sendTick?: Nanos;
  /** Deadline before the first response (`defaultTTL`, 5 s). */
  firstKeepAliveTimeout?: Nanos;
  /** Whether the server can be reached right now; when not, the client retries every 500 ms. */
  reachable?: () => boolean;
}

export const KEEPALIVE_RETRY_WAIT: Nanos = 500 * MILLISECOND;
export const KEEPALIVE_FIRST_TIMEOUT: Nanos = 5 * SECOND;

/**
 * clientv3's `KeepAlive` for one lease (client/v3/lease.go): a request at once, then one TTL/3 after
 * each response (`(TTL * time.Second) / 3`, integer nanoseconds), sent on the first 500 ms tick of
 * `sendKeepAliveLoop` at or after that time. Each response also sets a deadline of one TTL; a
 * response with TTL <= 0 (lease gone) or a missed deadline closes the loop — the moment the real
 * channel closes and a program must register again.
 */
export class KeepAliveLoop {
  private readonly sendTick: Nanos;
  private readonly reachable: () => boolean;
  private nextKeepAlive: Nanos;
  private deadline: Nanos;
  private retryAt: Nanos | undefined;
  private closeReason: string | undefined;
  /** TTL of the last response. */
  ttl: number | undefined;
  /** Responses received (what the caller must drain from the channel). */
  responses = 0;

  constructor(
    private readonly renewer: LeaseRenewer,
    readonly leaseId: LeaseId,
    private readonly start: Nanos,
    options: KeepAliveLoopOptions = {},
  ) {
    this.sendTick = options.sendTick ?? KEEPALIVE_RETRY_WAIT;
    this.reachable = options.reachable ?? (() => true);
    this.nextKeepAlive = start;
    this.deadline = start + (options.firstKeepAliveTimeout ?? KEEPALIVE_FIRST_TIMEOUT);
  }

  get closed(): boolean {
    return this.closeReason !== undefined;
  }

  /** Why the channel closed: "lease not found" or "keepalive deadline exceeded". */
  get reason(): string | undefined {
    return this.closeReason;
  }

  /** The client's own decision to stop (its context was cancelled). */
  stop(): void {
    this.closeReason ??= 'stopped';
  }

  nextWakeAt(): Nanos | undefined {
    if (this.closed) return undefined;
    if (this.retryAt !== undefined) return this.retryAt;
    if (this.sendTick <= 0) return this.nextKeepAlive;
    const ticks = Math.ceil((this.nextKeepAlive - this.start) / this.sendTick);
    return this.start + Math.max(0, ticks) * this.sendTick;
  }

  wake(t: Nanos): void {
    if (this.closed) return;
    if (t > this.deadline) {
      this.closeReason = 'keepalive deadline exceeded';
      return;
    }
    if (!this.reachable()) {
      this.retryAt = t + KEEPALIVE_RETRY_WAIT;
      return;
    }
    this.retryAt = undefined;
    const response = this.renewer.keepAlive(t, this.leaseId);
    if (!response.ok) {
      this.closeReason = response.error;
      return;
    }
    this.responses++;
    this.ttl = response.ttl;
    this.nextKeepAlive = t + Math.floor((response.ttl * SECOND) / 3);
    this.deadline = t + response.ttl * SECOND;
  }
}
