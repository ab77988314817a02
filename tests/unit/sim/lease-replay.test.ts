/** The `lease` replay of DESIGN.md ("The replay contract"), through the same session the CLI uses. */
import { describe, expect, it } from 'vitest';
import { createLeaseReplay } from '../../../src/lib/sim/replay/lease';
import { ReplaySession } from '../../../src/lib/sim/replay/session';
import { ReplayError, type JsonObject } from '../../../src/lib/sim/replay/types';

/** Feeds a config and ops as JSON lines; answers the parsed output lines. */
function replay(config: JsonObject, ops: JsonObject[]): JsonObject[] {
  const session = new ReplaySession(createLeaseReplay);
  return [config, ...ops]
    .map((line) => session.feed(JSON.stringify(line)))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line) as JsonObject);
}

describe('lease replay', () => {
  it('answers the examples of DESIGN.md', () => {
    expect(
      replay({ minTtlS: 2 }, [
        { op: 'grant', at: 0, id: 'l1', ttlS: 5 },
        { op: 'put', at: 0, key: '/svc/a', value: 'x', lease: 'l1' },
        { op: 'keepAlive', at: 0, lease: 'l1' },
        { op: 'get', at: 0, key: '/svc/a' },
        { op: 'timeToLive', at: 0, lease: 'l1' },
        { op: 'revoke', at: 0, lease: 'l1' },
      ]),
    ).toEqual([{ ttl: 5 }, { ok: true }, { ok: true }, { found: true, value: 'x' }, { ttl: 4 }, { ok: true }]);
  });

  it('raises a TTL below minTtlS silently and reports the granted TTL', () => {
    expect(replay({ minTtlS: 2 }, [{ op: 'grant', at: 0, id: 'l1', ttlS: 1 }])).toEqual([{ ttl: 2 }]);
    expect(replay({ minTtlS: 5 }, [{ op: 'grant', at: 0, id: 'l1', ttlS: 3 }])).toEqual([{ ttl: 5 }]);
    expect(replay({}, [{ op: 'grant', at: 0, id: 'l1', ttlS: 1 }])).toEqual([{ ttl: 2 }]);
  });

  it('follows a lease through renewal, expiry and the loss of its key', () => {
    expect(
      replay({ minTtlS: 2 }, [
        { op: 'grant', at: 0, id: 'l1', ttlS: 2 },
        { op: 'put', at: 0, key: '/svc/a', value: 'x', lease: 'l1' },
        { op: 'keepAlive', at: 1500, lease: 'l1' },
        { op: 'timeToLive', at: 2000, lease: 'l1' },
        { op: 'get', at: 3499.999999, key: '/svc/a' },
        { op: 'get', at: 3500, key: '/svc/a' },
        { op: 'timeToLive', at: 3500, lease: 'l1' },
        { op: 'keepAlive', at: 3500, lease: 'l1' },
        { op: 'put', at: 3500, key: '/svc/a', value: 'y', lease: 'l1' },
        { op: 'revoke', at: 3500, lease: 'l1' },
        { op: 'put', at: 3600, key: '/svc/b', value: 'z' },
        { op: 'get', at: 3600, key: '/svc/b' },
      ]),
    ).toEqual([
      { ttl: 2 },
      { ok: true },
      { ok: true },
      { ttl: 1 },
      { found: true, value: 'x' },
      { found: false },
      { ttl: -1 },
      { ok: false, error: 'lease not found' },
      { ok: false, error: 'lease not found' },
      { ok: false, error: 'lease not found' },
      { ok: true },
      { found: true, value: 'z' },
    ]);
  });

  it('answers puts and keepalives on unknown leases with lease not found', () => {
    expect(
      replay({ minTtlS: 2 }, [
        { op: 'put', at: 0, key: 'k', value: 'v', lease: 'nope' },
        { op: 'keepAlive', at: 0, lease: 'nope' },
        { op: 'timeToLive', at: 0, lease: 'nope' },
        { op: 'get', at: 0, key: 'k' },
      ]),
    ).toEqual([{ ok: false, error: 'lease not found' }, { ok: false, error: 'lease not found' }, { ttl: -1 }, { found: false }]);
  });

  it('revoking deletes every attached key at once', () => {
    expect(
      replay({ minTtlS: 2 }, [
        { op: 'grant', at: 0, id: 'l1', ttlS: 60 },
        { op: 'put', at: 1, key: '/a', value: '1', lease: 'l1' },
        { op: 'put', at: 2, key: '/b', value: '2', lease: 'l1' },
        { op: 'put', at: 3, key: '/c', value: '3', lease: null },
        { op: 'revoke', at: 4, lease: 'l1' },
        { op: 'get', at: 5, key: '/a' },
        { op: 'get', at: 5, key: '/b' },
        { op: 'get', at: 5, key: '/c' },
      ]).slice(4),
    ).toEqual([{ ok: true }, { found: false }, { found: false }, { found: true, value: '3' }]);
  });

  it('answers bad input with an error line and leaves the model as it was', () => {
    const out = replay({ minTtlS: 2 }, [
      { op: 'grant', at: 1000, id: 'l1', ttlS: 5 },
      { op: 'grant', at: 1000, id: 'l1', ttlS: 5 },
      { op: 'grant', at: 1000, id: 'l2', ttlS: 1.5 },
      { op: 'grant', at: 1000, id: 'l3', ttlS: 9_000_000_001 },
      { op: 'put', at: 999, key: 'k', value: 'v' },
      { op: 'put', at: -1, key: 'k', value: 'v' },
      { op: 'put', at: 5000, key: 7, value: 'v' },
      { op: 'put', at: 'soon', key: 'k', value: 'v' },
      { op: 'get', at: 1000 },
      { op: 'keepAlive', at: 1000, lease: '' },
      { op: 'frobnicate', at: 1000 },
      { at: 1000 },
      { op: 'timeToLive', at: 1000, lease: 'l1' },
    ]);
    expect(out).toEqual([
      { ttl: 5 },
      { error: 'lease already exists' },
      { error: '"ttlS" must be an integer number of seconds' },
      { error: 'too large lease TTL' },
      { error: '"at" went backwards: 999 ms is before 1000 ms' },
      { error: '"at" must not be negative' },
      { error: '"key" must be a string' },
      { error: '"at" must be a finite number' },
      { error: '"key" must be a string' },
      { error: '"lease" must not be empty' },
      { error: 'unknown op "frobnicate"' },
      { error: '"op" must be a string' },
      // The rejected put at 5000 ms did not move the clock: the lease granted at 1 s still has 5 s.
      { ttl: 4 },
    ]);
  });

  it('rejects a bad configuration', () => {
    expect(() => createLeaseReplay({ minTtlS: -1 })).toThrow(ReplayError);
    expect(() => createLeaseReplay({ minTtlS: 1.5 })).toThrow(ReplayError);
    expect(() => createLeaseReplay({ minTtlS: 'two' })).toThrow(ReplayError);
    expect(replay({ minTtlS: 0.5 }, [{ op: 'get', at: 0, key: 'k' }])).toEqual([{ error: 'bad configuration: "minTtlS" must be a non-negative integer' }]);
  });
});
