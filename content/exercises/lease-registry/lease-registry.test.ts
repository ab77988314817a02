// Cases follow etcd server/lease/lessor_test.go (TestLessorGrant: a TTL below the minimum is raised;
// TestLessorRenew; TestLessorExpire: an expired lease cannot be renewed; TestLessorRevoke: attached
// keys are deleted, in sorted order), server/storage/mvcc/kvstore_test.go (TestStoreRev: revisions
// start at 1 and grow by one per write; TestStorePut: create/mod revision and version) and
// server/storage/mvcc/watchable_store_test.go (TestWatchFutureRev; watching from a past revision
// replays history). Time is an explicit `now` in milliseconds.
import { describe, it, expect } from 'vitest';
import { LeaseNotFoundError, LeaseRegistry, type WatchEvent } from './lease-registry';

function recorder(): { events: WatchEvent[]; listener: (e: WatchEvent) => void } {
  const events: WatchEvent[] = [];
  return { events, listener: (e) => events.push(e) };
}

describe('Task 1: Grant and keep alive leases', () => {
  it('grants leases with ids 1, 2, … and raises a TTL below the minimum without an error', () => {
    const reg = new LeaseRegistry({ minTtlMs: 2_000 });
    expect(reg.grant(5_000, 0)).toEqual({ id: 1, ttlMs: 5_000 });
    expect(reg.grant(1_000, 0)).toEqual({ id: 2, ttlMs: 2_000 });
    expect(reg.timeToLive(1, 0)).toBe(5_000);
    expect(reg.timeToLive(2, 500)).toBe(1_500);
    expect(() => reg.grant(0, 0)).toThrow(RangeError);
  });

  it('expires a lease exactly at grant time + TTL', () => {
    const reg = new LeaseRegistry();
    const { id } = reg.grant(3_000, 1_000);
    reg.tick(3_999);
    expect(reg.timeToLive(id, 3_999)).toBe(1);
    reg.tick(4_000);
    expect(reg.timeToLive(id, 4_000)).toBe(-1);
  });

  it('keepAlive renews to now + TTL and returns the TTL', () => {
    const reg = new LeaseRegistry();
    const { id } = reg.grant(3_000, 0);
    expect(reg.keepAlive(id, 2_000)).toBe(3_000);
    expect(reg.timeToLive(id, 2_000)).toBe(3_000);
    reg.tick(4_999);
    expect(reg.keepAlive(id, 4_999)).toBe(3_000);
    reg.tick(7_998);
    expect(reg.timeToLive(id, 7_998)).toBe(1);
  });

  it('refuses to renew or revoke a lease that expired or never existed', () => {
    const reg = new LeaseRegistry();
    const { id } = reg.grant(1_000, 0);
    // No tick in between: keepAlive itself notices the expiry first.
    expect(() => reg.keepAlive(id, 1_000)).toThrow(LeaseNotFoundError);
    expect(() => reg.keepAlive(id, 1_000)).toThrow('lease not found');
    expect(() => reg.revoke(id)).toThrow(LeaseNotFoundError);
    expect(() => reg.keepAlive(42, 1_000)).toThrow(LeaseNotFoundError);
    const other = reg.grant(1_000, 1_000);
    reg.revoke(other.id);
    expect(() => reg.revoke(other.id)).toThrow('lease not found');
    expect(reg.timeToLive(other.id, 1_000)).toBe(-1);
  });
});

describe('Task 2: Keys and revisions', () => {
  it('starts at revision 1 and gives every put the next revision', () => {
    const reg = new LeaseRegistry();
    expect(reg.revision).toBe(1);
    expect(reg.put('/services/user/a', '10.0.0.1:8080')).toBe(2);
    expect(reg.put('/services/user/b', '10.0.0.2:8080')).toBe(3);
    expect(reg.put('/services/user/a', '10.0.0.9:8080')).toBe(4);
    expect(reg.revision).toBe(4);
  });

  it('tracks create revision, mod revision and version per key', () => {
    const reg = new LeaseRegistry();
    reg.put('k', 'v1');
    reg.put('other', 'x');
    reg.put('k', 'v2');
    expect(reg.get('k')).toEqual({ key: 'k', value: 'v2', createRevision: 2, modRevision: 4, version: 2, lease: 0 });
    expect(reg.get('missing')).toBeUndefined();
  });

  it('deletes a key in a new revision, and a re-created key starts over', () => {
    const reg = new LeaseRegistry();
    reg.put('k', 'v1');
    reg.put('k', 'v2');
    expect(reg.delete('k')).toBe(true);
    expect(reg.revision).toBe(4);
    expect(reg.get('k')).toBeUndefined();
    expect(reg.delete('k')).toBe(false);
    expect(reg.revision).toBe(4); // nothing deleted, no new revision
    reg.put('k', 'v3');
    expect(reg.get('k')).toMatchObject({ createRevision: 5, modRevision: 5, version: 1 });
  });

  it('ranges over a prefix in key order', () => {
    const reg = new LeaseRegistry();
    reg.put('/services/user/c', '3');
    reg.put('/services/order/a', 'x');
    reg.put('/services/user/a', '1');
    reg.put('/services/userx', 'not a child');
    reg.put('/services/user/b', '2');
    expect(reg.range('/services/user/').map((kv) => kv.key)).toEqual(['/services/user/a', '/services/user/b', '/services/user/c']);
    expect(reg.range('/nothing/')).toEqual([]);
  });
});

describe('Task 3: Attach keys to leases', () => {
  it('revoke deletes every attached key in one revision and leaves other keys alone', () => {
    const reg = new LeaseRegistry();
    const { id } = reg.grant(10_000, 0);
    reg.put('/svc/a', '1', id);
    reg.put('/svc/b', '2', id);
    reg.put('/svc/c', '3');
    expect(reg.get('/svc/a')?.lease).toBe(id);
    reg.revoke(id);
    expect(reg.revision).toBe(5);
    expect(reg.range('/svc/').map((kv) => kv.key)).toEqual(['/svc/c']);
  });

  it('deletes attached keys when the lease expires, at the tick', () => {
    const reg = new LeaseRegistry();
    const { id } = reg.grant(3_000, 0);
    reg.put('/svc/a', '1', id);
    reg.tick(2_999);
    expect(reg.get('/svc/a')).toBeDefined();
    reg.tick(3_000);
    expect(reg.get('/svc/a')).toBeUndefined();
    expect(reg.revision).toBe(3);
  });

  it('refuses a put on an unknown or expired lease and writes nothing', () => {
    const reg = new LeaseRegistry();
    const { id } = reg.grant(1_000, 0);
    reg.tick(1_000);
    expect(() => reg.put('/svc/a', '1', id)).toThrow(LeaseNotFoundError);
    expect(() => reg.put('/svc/a', '1', 99)).toThrow('lease not found');
    expect(reg.get('/svc/a')).toBeUndefined();
    expect(reg.revision).toBe(1);
  });

  it('moves a key to the lease of its latest put (or to none)', () => {
    const reg = new LeaseRegistry();
    const l1 = reg.grant(10_000, 0).id;
    const l2 = reg.grant(10_000, 0).id;
    reg.put('/svc/a', '1', l1);
    reg.put('/svc/b', '1', l1);
    reg.put('/svc/a', '2', l2); // a leaves l1
    reg.put('/svc/b', '2'); // b has no lease now
    const revisionBefore = reg.revision;
    reg.revoke(l1);
    expect(reg.revision).toBe(revisionBefore); // l1 had no keys left: nothing changed
    expect(reg.get('/svc/a')).toMatchObject({ value: '2', lease: l2 });
    expect(reg.get('/svc/b')).toMatchObject({ value: '2', lease: 0 });
    reg.revoke(l2);
    expect(reg.range('/svc/').map((kv) => kv.key)).toEqual(['/svc/b']);
  });
});

describe('Task 4: Watch a prefix', () => {
  it('delivers PUT and DELETE events for the prefix only, with their revisions', () => {
    const reg = new LeaseRegistry();
    const { events, listener } = recorder();
    reg.watch('/svc/user/', listener);
    reg.put('/svc/user/a', '10.0.0.1');
    reg.put('/svc/order/a', '10.0.0.7');
    reg.put('/svc/user/a', '10.0.0.2');
    reg.delete('/svc/user/a');
    expect(events).toEqual([
      { type: 'PUT', key: '/svc/user/a', value: '10.0.0.1', revision: 2 },
      { type: 'PUT', key: '/svc/user/a', value: '10.0.0.2', revision: 4 },
      { type: 'DELETE', key: '/svc/user/a', value: '', revision: 5 },
    ]);
  });

  it('reports a lease expiry as DELETE events that share one revision, in key order', () => {
    const reg = new LeaseRegistry();
    const { id } = reg.grant(5_000, 0);
    reg.put('/svc/user/b', '2', id);
    reg.put('/svc/user/a', '1', id);
    const { events, listener } = recorder();
    reg.watch('/svc/user/', listener);
    reg.tick(5_000);
    expect(events).toEqual([
      { type: 'DELETE', key: '/svc/user/a', value: '', revision: 4 },
      { type: 'DELETE', key: '/svc/user/b', value: '', revision: 4 },
    ]);
  });

  it('does not replay the past without a start revision', () => {
    const reg = new LeaseRegistry();
    reg.put('/svc/a', 'old');
    const { events, listener } = recorder();
    reg.watch('/svc/', listener);
    expect(events).toEqual([]);
    reg.put('/svc/a', 'new');
    expect(events.map((e) => e.value)).toEqual(['new']);
  });

  it('stops delivering after cancel, without disturbing other watchers', () => {
    const reg = new LeaseRegistry();
    const first = recorder();
    const second = recorder();
    const cancel = reg.watch('/svc/', first.listener);
    reg.watch('/svc/', second.listener);
    reg.put('/svc/a', '1');
    cancel();
    cancel();
    reg.put('/svc/a', '2');
    expect(first.events.map((e) => e.revision)).toEqual([2]);
    expect(second.events.map((e) => e.revision)).toEqual([2, 3]);
  });
});

describe('Task 5: Replay from a revision', () => {
  it('replays history from the given revision, then continues live', () => {
    const reg = new LeaseRegistry();
    reg.put('/svc/a', '1'); // 2
    reg.put('/other', 'x'); // 3
    reg.put('/svc/b', '1'); // 4
    reg.delete('/svc/a'); // 5
    const { events, listener } = recorder();
    reg.watch('/svc/', listener, 3);
    expect(events).toEqual([
      { type: 'PUT', key: '/svc/b', value: '1', revision: 4 },
      { type: 'DELETE', key: '/svc/a', value: '', revision: 5 },
    ]);
    reg.put('/svc/c', '1');
    expect(events.map((e) => e.revision)).toEqual([4, 5, 6]);
  });

  it('supports list-then-watch from range revision + 1 with no gap and no duplicate', () => {
    const reg = new LeaseRegistry();
    const { id } = reg.grant(3_000, 0);
    reg.put('/svc/user/a', '10.0.0.1', id);
    reg.put('/svc/user/b', '10.0.0.2');
    const listed = reg.range('/svc/user/');
    const listedAt = reg.revision;
    // Changes that happen between the list and the watch must not be lost.
    reg.put('/svc/user/c', '10.0.0.3');
    reg.tick(3_000);
    const { events, listener } = recorder();
    reg.watch('/svc/user/', listener, listedAt + 1);
    expect(listed.map((kv) => kv.key)).toEqual(['/svc/user/a', '/svc/user/b']);
    expect(events).toEqual([
      { type: 'PUT', key: '/svc/user/c', value: '10.0.0.3', revision: 4 },
      { type: 'DELETE', key: '/svc/user/a', value: '', revision: 5 },
    ]);
  });

  it('waits for a start revision that lies in the future', () => {
    const reg = new LeaseRegistry();
    const { events, listener } = recorder();
    reg.watch('/svc/', listener, 4);
    reg.put('/svc/a', '1'); // 2
    reg.put('/svc/a', '2'); // 3
    reg.put('/svc/a', '3'); // 4
    expect(events).toEqual([{ type: 'PUT', key: '/svc/a', value: '3', revision: 4 }]);
  });
});
