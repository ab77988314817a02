/**
 * The etcd lease model. Tests named Test… are ports of etcd's own tests (github.com/etcd-io/etcd at
 * c34dc7ee0048fd2bcc44d50beff002e5e8069b69); each cites its file. Goroutines, sleeps and cluster
 * plumbing become explicit virtual times.
 */
import { describe, expect, it } from 'vitest';
import {
  KeepAliveLoop,
  LEASE_EXISTS,
  LEASE_NOT_FOUND,
  LEASE_TTL_TOO_LARGE,
  LeaseStore,
  MAX_LEASE_TTL_S,
  minLeaseTtlSeconds,
  type KeyValue,
  type WatchEvent,
} from '../../../src/lib/sim/models/registry/lease';
import { runActors } from '../../../src/lib/sim/models/registry/registry';
import { MILLISECOND, SECOND } from '../../../src/lib/sim/time';
import { Random } from '../../../src/lib/sim/random';

/** A small seeded PRNG for the property tests (mulberry32). */
/** The project's seeded generator (src/lib/sim/random.ts) as a () => [0, 1) source. */
function seededSource(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

describe('ports of server/lease/lessor_test.go', () => {
  // lessor_test.go uses MinLeaseTTL = 5.
  const minLeaseTTL = 5;

  it('TestLessorGrant: a short TTL is raised to the minimum, ids are unique', () => {
    const le = new LeaseStore({ minTtlS: minLeaseTTL });
    const l = le.grant(0, '1', 1);
    expect(l).toEqual({ ok: true, id: '1', ttl: minLeaseTTL });
    // "term = %v, want at least %v": remaining >= minLeaseTTL - 1 s.
    expect(le.timeToLive(0, '1').ttl).toBeGreaterThanOrEqual(minLeaseTTL - 1);
    expect(le.grant(0, '1', 1)).toEqual({ ok: false, error: LEASE_EXISTS });
    expect(le.grant(0, '2', 1)).toEqual({ ok: true, id: '2', ttl: minLeaseTTL });
    expect(le.leases(0)).toEqual(['1', '2']);
  });

  it('TestLessorRevoke: revoking deletes the attached items, sorted, and forgets the lease', () => {
    const le = new LeaseStore({ minTtlS: minLeaseTTL });
    le.grant(0, '1', 100);
    le.put(0, 'foo', 'v', '1');
    le.put(0, 'bar', 'v', '1');
    const deleted: string[] = [];
    le.watch('', (e) => {
      if (e.type === 'delete') deleted.push(e.key);
    });
    expect(le.revoke(0, '1')).toEqual({ ok: true });
    expect(le.timeToLive(0, '1').ttl).toBe(-1); // Lookup(l.ID) == nil
    expect(deleted).toEqual(['bar', 'foo']);
    expect(le.get(0, 'foo')).toBeUndefined();
    expect(le.get(0, 'bar')).toBeUndefined();
  });

  it('TestLessorRenew: renew answers the granted TTL and restarts the full term', () => {
    const le = new LeaseStore({ minTtlS: minLeaseTTL });
    le.grant(0, '1', 10);
    const renewed = le.keepAlive(7 * SECOND, '1');
    expect(renewed).toEqual({ ok: true, ttl: 10 });
    // "l.Remaining() < 9*time.Second → failed to renew the lease"
    expect(le.timeToLive(7 * SECOND, '1').ttl).toBeGreaterThanOrEqual(9);
    expect(le.timeToLive(16 * SECOND, '1').ttl).toBeGreaterThanOrEqual(0); // alive past the first term
  });

  it('TestLessorDetach: a key written without the lease (or under another) is detached from it', () => {
    const le = new LeaseStore({ minTtlS: minLeaseTTL });
    le.grant(0, '1', 100);
    le.put(0, 'foo', 'v', '1');
    le.put(0, 'bar', 'v', '1');
    le.put(0, 'foo', 'v2'); // mvcc put: oldLease != leaseID → Detach(oldLease, foo)
    expect(le.timeToLive(0, '1').keys).toEqual(['bar']);
    le.revoke(0, '1');
    expect(le.get(0, 'foo')?.value).toBe('v2');
    expect(le.get(0, 'bar')).toBeUndefined();
  });

  it('TestLessorExpire: an expired lease is revoked and cannot be renewed', () => {
    const testMinTTL = 1;
    const le = new LeaseStore({ minTtlS: testMinTTL });
    le.grant(0, '1', testMinTTL);
    le.put(0, 'foo', 'bar', '1');
    const expired: WatchEvent[] = [];
    le.watch('', (e) => expired.push(e));
    le.advance(1 * SECOND);
    expect(expired).toMatchObject([{ type: 'delete', key: 'foo', cause: 'expire', at: 1 * SECOND }]);
    expect(le.keepAlive(1 * SECOND, '1')).toEqual({ ok: false, error: LEASE_NOT_FOUND });
    expect(le.revoke(1 * SECOND, '1')).toEqual({ ok: false, error: LEASE_NOT_FOUND });
  });

  it('TestLessorMaxTTL: a TTL above MaxLeaseTTL is refused', () => {
    const le = new LeaseStore({ minTtlS: minLeaseTTL });
    expect(le.grant(0, '1', MAX_LEASE_TTL_S + 1)).toEqual({ ok: false, error: LEASE_TTL_TOO_LARGE });
    expect(le.grant(0, '1', MAX_LEASE_TTL_S)).toMatchObject({ ok: true });
  });
});

describe('the minimum TTL (server/etcdserver/server.go: ⌈((3·electionTicks)/2)·heartbeat⌉ s)', () => {
  it('is 2 s with the default 100 ms heartbeat and 10-tick election timeout', () => {
    expect(minLeaseTtlSeconds()).toBe(2);
    expect(new LeaseStore().grant(0, 'l', 1)).toEqual({ ok: true, id: 'l', ttl: 2 });
  });

  it('divides the ticks as integers before multiplying, then rounds the seconds up', () => {
    expect(minLeaseTtlSeconds(5, 100 * MILLISECOND)).toBe(1); // 7 heartbeats = 0.7 s → 1
    expect(minLeaseTtlSeconds(11, 100 * MILLISECOND)).toBe(2); // 16 heartbeats = 1.6 s → 2
    expect(minLeaseTtlSeconds(10, 500 * MILLISECOND)).toBe(8); // 7.5 s → 8
    expect(minLeaseTtlSeconds(20, 100 * MILLISECOND)).toBe(3);
  });

  it('leaves a TTL at or above the minimum alone', () => {
    const le = new LeaseStore({ minTtlS: 2 });
    expect(le.grant(0, 'a', 2)).toMatchObject({ ttl: 2 });
    expect(le.grant(0, 'b', 3)).toMatchObject({ ttl: 3 });
    expect(le.grant(0, 'c', -7)).toMatchObject({ ttl: 2 });
  });
});

describe('ports of tests/integration/v3_lease_test.go', () => {
  /** testLeaseRemoveLeasedKey: hold a lease with "foo" attached, act, then "foo" must be gone. */
  function leaseRemovesKey(act: (store: LeaseStore) => number): void {
    const store = new LeaseStore();
    store.grant(0, 'L', 30);
    expect(store.put(0, 'foo', 'bar', 'L')).toMatchObject({ ok: true });
    const t = act(store);
    expect(store.get(t, 'foo')).toBeUndefined();
  }

  it('TestV3LeaseRevoke: a key is deleted once its lease is revoked', () => {
    leaseRemovesKey((store) => {
      expect(store.revoke(1 * SECOND, 'L')).toEqual({ ok: true });
      return 1 * SECOND;
    });
  });

  it('TestV3LeaseExpire: a watcher sees the put, then the delete when the lease lapses', () => {
    leaseRemovesKey((store) => {
      const events: WatchEvent[] = [];
      store.watch('foo', (e) => events.push(e), { startRevision: 1 });
      expect(events.map((e) => e.type)).toEqual(['put']);
      store.advance(29 * SECOND);
      expect(events).toHaveLength(1);
      store.advance(30 * SECOND);
      expect(events.map((e) => e.type)).toEqual(['put', 'delete']);
      return 30 * SECOND;
    });
  });

  it('TestV3LeaseKeepAlive: renewing every TTL/2 keeps the key past the TTL', () => {
    leaseRemovesKey((store) => {
      let t = 0;
      for (let i = 0; i < 3; i++) {
        const r = store.keepAlive(t, 'L');
        expect(r).toEqual({ ok: true, ttl: 30 });
        t += (30 / 2) * SECOND;
      }
      expect(store.get(t, 'foo')?.value).toBe('bar'); // 45 s > TTL
      expect(store.revoke(t, 'L')).toEqual({ ok: true });
      return t;
    });
  });

  it('TestV3LeaseGrantByID: leases may be created by a given id, once', () => {
    const store = new LeaseStore();
    expect(store.grant(0, '1', 1)).toMatchObject({ ok: true, id: '1' });
    expect(store.grant(0, '1', 1)).toEqual({ ok: false, error: LEASE_EXISTS });
    expect(store.grant(0, '2', 1)).toMatchObject({ ok: true, id: '2' });
  });

  it('TestV3PutOnNonExistLease: a put naming an unknown lease fails with lease not found', () => {
    const store = new LeaseStore();
    expect(store.put(0, 'foo', 'bar', '0x12345678')).toEqual({ ok: false, error: LEASE_NOT_FOUND });
    expect(store.get(0, 'foo')).toBeUndefined();
    expect(store.revision).toBe(1);
  });

  it('TestV3GetNonExistLease: TimeToLive of a revoked lease answers TTL -1', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 10);
    store.revoke(0, 'L');
    expect(store.timeToLive(0, 'L')).toEqual({ ttl: -1, grantedTtl: 0, keys: [] });
  });

  it('TestV3LeaseSwitch: a key can move from one lease to another', () => {
    const store = new LeaseStore();
    store.grant(0, 'L1', 30);
    store.grant(0, 'L2', 30);
    store.put(0, 'foo', '', 'L1');
    store.put(0, 'foo', '', 'L2');
    store.revoke(0, 'L1');
    expect(store.get(0, 'foo')).toBeDefined(); // revoking lease1 must not remove the key
    store.revoke(0, 'L2');
    expect(store.get(0, 'foo')).toBeUndefined();
  });

  it('TestV3LeaseFailover: a new leader extends every lease to at least TTL + election timeout', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 5);
    store.keepAlive(2 * SECOND, 'L'); // last renewal the client saw: expires at 7 s
    store.leaderChange(4 * SECOND, 1 * SECOND); // new leader: 4 + 1 + 5 = 10 s
    expect(store.timeToLive(7 * SECOND - 500 * MILLISECOND, 'L').ttl).toBeGreaterThanOrEqual(0);
    expect(store.timeToLive(9 * SECOND, 'L').ttl).toBe(0);
    expect(store.timeToLive(10 * SECOND, 'L').ttl).toBe(-1);
  });
});

describe('ports of tests/integration/clientv3/lease/lease_test.go', () => {
  it('TestLeaseGrant: MaxLeaseTTL+1 is refused; a granted lease takes a key', () => {
    const store = new LeaseStore();
    expect(store.grant(0, 'x', MAX_LEASE_TTL_S + 1)).toEqual({ ok: false, error: LEASE_TTL_TOO_LARGE });
    expect(store.grant(0, 'L', 10)).toMatchObject({ ok: true, ttl: 10 });
    expect(store.put(0, 'foo', 'bar', 'L')).toMatchObject({ ok: true });
  });

  it('TestLeaseKeepAliveOnce: renews a live lease; an unknown one is not found', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 10);
    expect(store.keepAlive(0, 'L')).toEqual({ ok: true, ttl: 10 });
    expect(store.keepAlive(0, '0')).toEqual({ ok: false, error: LEASE_NOT_FOUND });
  });

  it('TestLeaseTimeToLive: granted TTL, a remaining TTL in (0, granted], and the attached keys', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 10);
    store.put(0, 'foo2', 'bar', 'L');
    store.put(0, 'foo1', 'bar', 'L');
    const r = store.timeToLive(0, 'L');
    expect(r.grantedTtl).toBe(10);
    expect(r.ttl).toBeGreaterThan(0);
    expect(r.ttl).toBeLessThanOrEqual(r.grantedTtl);
    expect(r.keys).toEqual(['foo1', 'foo2']);
  });

  it('TestLeaseTimeToLiveLeaseNotFound: TTL -1 after a revoke', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 10);
    store.revoke(0, 'L');
    expect(store.timeToLive(0, 'L').ttl).toBe(-1);
  });

  it('TestLeaseKeepAliveSeconds: a 3 s lease gets three keepalive responses in its first TTL', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 3);
    const loop = new KeepAliveLoop(store, 'L', 0);
    runActors([store, loop], 3 * SECOND);
    expect(loop.responses).toBeGreaterThanOrEqual(3);
    expect(loop.closed).toBe(false);
  });

  it('TestLeaseKeepAliveNotFound: revoking one lease closes only its keepalive channel', () => {
    const store = new LeaseStore();
    const loops = ['a', 'b', 'c'].map((id) => {
      store.grant(0, id, 5);
      return new KeepAliveLoop(store, id, 0);
    });
    runActors([store, ...loops], 1 * SECOND);
    store.revoke(1 * SECOND, 'b');
    runActors([store, ...loops], 20 * SECOND);
    expect(loops.map((l) => l.reason)).toEqual([undefined, LEASE_NOT_FOUND, undefined]);
  });

  it('TestLeaseKeepAliveTTLTimeout: a client cut off from the server closes the channel after the TTL', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 5);
    let up = true;
    const loop = new KeepAliveLoop(store, 'L', 0, { reachable: () => up });
    runActors([loop], 0);
    expect(loop.responses).toBe(1);
    up = false; // "keep client disconnected"
    runActors([store, loop], 10 * SECOND);
    expect(loop.reason).toBe('keepalive deadline exceeded');
    expect(store.timeToLive(10 * SECOND, 'L').ttl).toBe(-1);
  });
});

describe('TimeToLive rounding', () => {
  it('answers the whole seconds strictly below the remaining time (etcd truncates on a clock that has moved on)', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 5);
    expect(store.timeToLive(0, 'L').ttl).toBe(4);
    expect(store.timeToLive(1, 'L').ttl).toBe(4);
    expect(store.timeToLive(500 * MILLISECOND, 'L').ttl).toBe(4);
    expect(store.timeToLive(1 * SECOND, 'L').ttl).toBe(3);
    expect(store.timeToLive(1 * SECOND + 1, 'L').ttl).toBe(3);
    expect(store.timeToLive(4 * SECOND + 999 * MILLISECOND, 'L').ttl).toBe(0);
    expect(store.timeToLive(5 * SECOND, 'L').ttl).toBe(-1);
  });
});

describe('the client keepalive loop (client/v3/lease.go)', () => {
  it('sends at once, then on the first 500 ms tick at or after TTL/3 from each response', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 10);
    const sends: number[] = [];
    const loop = new KeepAliveLoop({ keepAlive: (t, id) => (sends.push(t), store.keepAlive(t, id)) }, 'L', 0);
    runActors([store, loop], 11 * SECOND);
    // TTL/3 = 3.333 s → next tick 3.5 s; 3.5 + 3.333 = 6.833 → 7 s; 7 + 3.333 → 10.5 s.
    expect(sends).toEqual([0, 3.5 * SECOND, 7 * SECOND, 10.5 * SECOND]);
  });

  it('sends exactly every TTL/3 (integer nanoseconds) without the send tick', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 5);
    const sends: number[] = [];
    const loop = new KeepAliveLoop({ keepAlive: (t, id) => (sends.push(t), store.keepAlive(t, id)) }, 'L', 0, { sendTick: 0 });
    runActors([store, loop], 4 * SECOND);
    expect(sends).toEqual([0, 1_666_666_666, 3_333_333_332]);
  });

  it('stops renewing when stopped, and the lease then expires one TTL after the last renewal', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 6);
    const loop = new KeepAliveLoop(store, 'L', 0, { sendTick: 0 });
    runActors([store, loop], 10 * SECOND); // renewals at 0, 2, 4, 6, 8, 10 s
    loop.stop();
    expect(store.timeToLive(10 * SECOND, 'L').ttl).toBe(5);
    runActors([store, loop], 16 * SECOND);
    expect(store.timeToLive(16 * SECOND, 'L').ttl).toBe(-1);
  });
});

describe('watch', () => {
  it('numbers writes from revision 2 and gives the events of one revoke a single revision, in key order', () => {
    const store = new LeaseStore();
    const events: WatchEvent[] = [];
    store.watch('/svc/', (e) => events.push(e));
    store.grant(0, 'L', 10);
    store.put(0, '/svc/b', '1', 'L');
    store.put(0, '/svc/a', '1', 'L');
    store.put(0, '/other', '1', 'L');
    store.put(0, '/svc/a', '2', 'L');
    store.revoke(1 * SECOND, 'L');
    expect(events.map((e) => [e.type, e.type === 'put' ? e.kv.key : e.key, e.revision])).toEqual([
      ['put', '/svc/b', 2],
      ['put', '/svc/a', 3],
      ['put', '/svc/a', 5],
      ['delete', '/svc/a', 6],
      ['delete', '/svc/b', 6],
    ]);
    const update = events[2]!;
    expect(update.type === 'put' && [update.kv.createRevision, update.kv.modRevision, update.kv.version]).toEqual([3, 5, 2]);
    expect(events[3]).toMatchObject({ cause: 'revoke', prevKv: { value: '2' } });
  });

  it('replays history from a start revision (list, then watch from revision + 1)', () => {
    const store = new LeaseStore();
    store.put(0, '/svc/a', '1');
    const { revision } = store.range(0, '/svc/');
    store.put(0, '/svc/b', '1');
    const seen: string[] = [];
    store.watch('/svc/', (e) => seen.push(`${e.type}@${e.revision}`), { startRevision: revision + 1 });
    store.delete(0, '/svc/a');
    expect(seen).toEqual(['put@3', 'delete@4']);
  });
});

describe('properties', () => {
  it('a key attached to a lease is never readable at or after the lease expiry (random ops, independent bookkeeping)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = seededSource(seed);
      const store = new LeaseStore({ minTtlS: 2 });
      // The test's own view: when each lease expires, and which lease each key was last put under.
      const expiry = new Map<string, number>();
      const keyLease = new Map<string, string | undefined>();
      let t = 0;
      for (let step = 0; step < 400; step++) {
        t += Math.floor(rnd() * 1500) * MILLISECOND;
        for (const [id, at] of expiry) if (at <= t) expiry.delete(id);
        for (const [key, lease] of keyLease) if (lease !== undefined && !expiry.has(lease)) keyLease.delete(key);
        const lease = `l${Math.floor(rnd() * 4)}`;
        const key = `/k${Math.floor(rnd() * 6)}`;
        const r = rnd();
        if (r < 0.2) {
          const existed = expiry.has(lease);
          const g = store.grant(t, lease, 1 + Math.floor(rnd() * 5));
          expect(g.ok).toBe(!existed);
          if (g.ok) expiry.set(lease, t + g.ttl * SECOND);
        } else if (r < 0.45) {
          const p = store.put(t, key, String(step), lease);
          expect(p.ok).toBe(expiry.has(lease));
          if (p.ok) keyLease.set(key, lease);
        } else if (r < 0.6) {
          const k = store.keepAlive(t, lease);
          expect(k.ok).toBe(expiry.has(lease));
          if (k.ok) expiry.set(lease, t + k.ttl * SECOND);
        } else if (r < 0.65) {
          expect(store.revoke(t, lease).ok).toBe(expiry.has(lease));
          expiry.delete(lease);
          for (const [k2, l2] of keyLease) if (l2 === lease) keyLease.delete(k2);
        } else {
          const kv: KeyValue | undefined = store.get(t, key);
          expect(kv !== undefined).toBe(keyLease.has(key));
          if (kv?.lease !== undefined) expect(expiry.get(kv.lease)!).toBeGreaterThan(t);
        }
      }
    }
  });

  it('keepalives every TTL/3 keep a lease alive for a simulated day, for every TTL from 2 to 30 s', () => {
    for (let ttl = 2; ttl <= 30; ttl++) {
      const store = new LeaseStore();
      store.grant(0, 'L', ttl);
      store.put(0, '/svc/a', 'x', 'L');
      const loop = new KeepAliveLoop(store, 'L', 0);
      runActors([store, loop], 24 * 3600 * SECOND);
      expect(loop.closed).toBe(false);
      expect(store.get(24 * 3600 * SECOND, '/svc/a')?.value).toBe('x');
    }
  });

  it('keepalives slower than the TTL do not (the property above can fail)', () => {
    const store = new LeaseStore();
    store.grant(0, 'L', 5);
    let t = 0;
    let alive = true;
    for (let i = 0; i < 5 && alive; i++) {
      t += 5 * SECOND;
      alive = store.keepAlive(t, 'L').ok;
    }
    expect(alive).toBe(false);
  });

  it('watch events arrive in revision order, even when a listener writes from inside its callback', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const rnd = seededSource(seed);
      const store = new LeaseStore();
      const first: WatchEvent[] = [];
      const second: WatchEvent[] = [];
      let t = 0;
      store.watch('', (e) => {
        first.push(e);
        // A reactive client: echo every put of /k0 to /echo, at the same instant.
        if (e.type === 'put' && e.kv.key === '/k0') store.put(t, '/echo', e.kv.value);
      });
      store.watch('', (e) => second.push(e));
      for (let step = 0; step < 300; step++) {
        t += Math.floor(rnd() * 800) * MILLISECOND;
        const lease = `l${Math.floor(rnd() * 3)}`;
        const r = rnd();
        if (r < 0.2) store.grant(t, lease, 2 + Math.floor(rnd() * 3));
        else if (r < 0.7) store.put(t, `/k${Math.floor(rnd() * 4)}`, String(step), rnd() < 0.7 ? lease : undefined);
        else if (r < 0.8) store.keepAlive(t, lease);
        else if (r < 0.85) store.revoke(t, lease);
        else store.delete(t, `/k${Math.floor(rnd() * 4)}`);
      }
      store.advance(t + 60 * SECOND);
      for (const events of [first, second]) {
        for (let i = 1; i < events.length; i++) expect(events[i]!.revision).toBeGreaterThanOrEqual(events[i - 1]!.revision);
        // Replaying the events rebuilds the store's contents.
        const replayed = new Map<string, string>();
        for (const e of events) {
          if (e.type === 'put') replayed.set(e.kv.key, e.kv.value);
          else replayed.delete(e.key);
        }
        const actual = new Map(store.range(t + 60 * SECOND, '').kvs.map((kv) => [kv.key, kv.value]));
        expect(replayed).toEqual(actual);
      }
      expect(second).toEqual(first);
    }
  });
});
