// Cases follow nginx src/http/ngx_http_upstream_round_robin.c (ngx_http_upstream_get_peer: the
// a a b a c a a cycle; ngx_http_upstream_free_round_robin_peer: effective_weight -= weight / max_fails),
// Go's src/hash/fnv/fnv_test.go golden32a values (plus the FNV reference vector for "foobar"), golang/groupcache
// consistenthash/consistenthash_test.go (TestHashing with an integer "hash", TestConsistency), and
// go-zero zrpc/internal/balancer/p2c/p2c.go for drawing two distinct nodes.
import { describe, it, expect } from 'vitest';
import { HashRing, P2CBalancer, SmoothWeightedRoundRobin, fnv1a32 } from './load-balancers';

function take(lb: SmoothWeightedRoundRobin, n: number): (string | undefined)[] {
  return Array.from({ length: n }, () => lb.next());
}

/** A "random" source that returns the given values in order, then starts over. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

const ABC = [
  { id: 'a', weight: 5 },
  { id: 'b', weight: 1 },
  { id: 'c', weight: 1 },
];

describe('Task 1: Smooth weighted round robin', () => {
  it('spreads weights 5, 1, 1 as a a b a c a a and returns to zero after the cycle', () => {
    const lb = new SmoothWeightedRoundRobin(ABC);
    expect(take(lb, 7)).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
    expect(lb.state().map((p) => p.currentWeight)).toEqual([0, 0, 0]);
    expect(take(lb, 7)).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
  });

  it('follows the same rule for other weights (nginx: 5, 1, 2 gives a c a a b a c a)', () => {
    const lb = new SmoothWeightedRoundRobin([
      { id: 'a', weight: 5 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 2 },
    ]);
    expect(take(lb, 8)).toEqual(['a', 'c', 'a', 'a', 'b', 'a', 'c', 'a']);
  });

  it('breaks ties in favour of the peer listed first', () => {
    const lb = new SmoothWeightedRoundRobin([
      { id: 'x', weight: 1 },
      { id: 'y', weight: 1 },
      { id: 'z', weight: 1 },
    ]);
    expect(take(lb, 6)).toEqual(['x', 'y', 'z', 'x', 'y', 'z']);
  });

  it('returns undefined without peers and rejects weights that are not positive integers', () => {
    expect(new SmoothWeightedRoundRobin([]).next()).toBeUndefined();
    expect(() => new SmoothWeightedRoundRobin([{ id: 'a', weight: 0 }])).toThrow(RangeError);
    expect(() => new SmoothWeightedRoundRobin([{ id: 'a', weight: -2 }])).toThrow(RangeError);
    expect(() => new SmoothWeightedRoundRobin([{ id: 'a', weight: 1.5 }])).toThrow(RangeError);
  });
});

describe('Task 2: Damp a failing peer', () => {
  it('drops the effective weight by weight / maxFails, never below zero', () => {
    const lb = new SmoothWeightedRoundRobin(ABC);
    lb.reportFailure('a', 2);
    expect(lb.state()[0]).toMatchObject({ weight: 5, effectiveWeight: 3 });
    lb.reportFailure('a', 2);
    lb.reportFailure('a', 2);
    expect(lb.state()[0]).toMatchObject({ weight: 5, effectiveWeight: 0 });
    lb.reportFailure('nobody');
    expect(lb.state().map((p) => p.effectiveWeight)).toEqual([0, 1, 1]);
  });

  it('skips a failed peer at first and gives it one point back per pick', () => {
    const lb = new SmoothWeightedRoundRobin(ABC);
    lb.reportFailure('a'); // maxFails 1: effective weight 5 -> 0
    expect(lb.next()).toBe('b');
    expect(lb.state()[0]!.effectiveWeight).toBe(1);
    expect(take(lb, 6)).toEqual(['c', 'a', 'a', 'b', 'a', 'a']);
    expect(lb.state()[0]!.effectiveWeight).toBe(5);
  });

  it('leaves the weight itself alone, so the peer recovers fully', () => {
    const lb = new SmoothWeightedRoundRobin(ABC);
    lb.reportFailure('a');
    take(lb, 7);
    const counts = new Map<string, number>();
    for (const id of take(lb, 70)) counts.set(id!, (counts.get(id!) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ a: 50, b: 10, c: 10 });
    expect(lb.state()[0]).toMatchObject({ weight: 5, effectiveWeight: 5 });
  });
});

describe('Task 3: FNV-1a hash', () => {
  it('matches Go’s golden values for ASCII input', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('ab')).toBe(0x4d2505ca);
    expect(fnv1a32('abc')).toBe(0x1a47e90b);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes UTF-8 bytes and always returns an unsigned 32-bit integer', () => {
    expect(fnv1a32('é')).toBe(0x1e9de8c1); // bytes c3 a9, not the code unit e9
    expect(fnv1a32('服务')).toBe(0x86279f48);
    for (const s of ['user-1', 'user-2', '10.0.0.1:8080', '0node']) {
      const h = fnv1a32(s);
      expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
    }
  });
});

describe('Task 4: Consistent hashing with virtual nodes', () => {
  // groupcache's trick: a "hash" that just parses the number, so the ring is easy to reason about.
  const atoi = (s: string) => Number.parseInt(s, 10);

  it('maps keys to the first point clockwise and wraps past the end (TestHashing)', () => {
    const ring = new HashRing(3, atoi);
    ring.add('6', '4', '2'); // points 2, 4, 6, 12, 14, 16, 22, 24, 26
    expect(['2', '11', '23', '27'].map((k) => ring.get(k))).toEqual(['2', '2', '4', '2']);
    ring.add('8'); // adds 8, 18, 28
    expect(['2', '11', '23', '27'].map((k) => ring.get(k))).toEqual(['2', '2', '4', '8']);
  });

  it('hands a removed node’s keys to the next point clockwise', () => {
    const ring = new HashRing(3, atoi);
    ring.add('6', '4', '2');
    ring.remove('4');
    expect(['3', '13', '23', '25'].map((k) => ring.get(k))).toEqual(['6', '6', '6', '6']);
    expect(ring.get('1')).toBe('2');
    expect(ring.nodes()).toEqual(['2', '6']);
    ring.remove('missing');
    expect(ring.nodes()).toEqual(['2', '6']);
  });

  it('gives the same answer whatever order nodes were added in, and undefined when empty (TestConsistency)', () => {
    const empty = new HashRing(10);
    expect(empty.get('Ben')).toBeUndefined();
    const one = new HashRing(1);
    const two = new HashRing(1);
    one.add('Bill', 'Bob', 'Bonny');
    two.add('Bob', 'Bonny', 'Bill');
    for (const key of ['Ben', 'Bo', 'Bert', 'Beth']) expect(one.get(key)).toBe(two.get(key));
  });

  const keys = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
  const servers = ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080', '10.0.0.4:8080', '10.0.0.5:8080'];

  it('spreads keys roughly evenly with 100 virtual nodes per server (FNV-1a by default)', () => {
    const ring = new HashRing(100);
    ring.add(...servers);
    const counts = new Map<string, number>();
    for (const key of keys) {
      const node = ring.get(key)!;
      counts.set(node, (counts.get(node) ?? 0) + 1);
    }
    expect(counts.size).toBe(5);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(250); // fair share is 400
      expect(n).toBeLessThan(550);
    }
  });

  it('moves only about 1/(N+1) of the keys when a node joins, all of them to the new node', () => {
    const ring = new HashRing(100);
    ring.add(...servers);
    const before = new Map(keys.map((k) => [k, ring.get(k)]));
    ring.add('10.0.0.6:8080');
    const moved = keys.filter((k) => ring.get(k) !== before.get(k));
    expect(moved.every((k) => ring.get(k) === '10.0.0.6:8080')).toBe(true);
    expect(moved.length / keys.length).toBeGreaterThan(0.1); // 1/6 ≈ 0.17; hash % N would move ~0.83
    expect(moved.length / keys.length).toBeLessThan(0.25);

    const beforeRemove = new Map(keys.map((k) => [k, ring.get(k)]));
    ring.remove('10.0.0.3:8080');
    for (const k of keys) {
      if (beforeRemove.get(k) !== '10.0.0.3:8080') expect(ring.get(k)).toBe(beforeRemove.get(k));
      else expect(ring.get(k)).not.toBe('10.0.0.3:8080');
    }
  });
});

describe('Task 5: Power of two choices', () => {
  it('returns undefined with no nodes and the only node with one, without drawing', () => {
    let draws = 0;
    const random = () => {
      draws++;
      return 0.5;
    };
    expect(new P2CBalancer([], random).pick()).toBeUndefined();
    const single = new P2CBalancer(['a'], random);
    expect([single.pick(), single.pick()]).toEqual(['a', 'a']);
    expect(single.inflight('a')).toBe(2);
    expect(draws).toBe(0);
  });

  it('compares both nodes when there are two, preferring the first on a tie', () => {
    const lb = new P2CBalancer(['a', 'b'], () => 0.99);
    expect(lb.pick()).toBe('a'); // 0 vs 0
    expect(lb.pick()).toBe('b'); // 1 vs 0
    expect(lb.pick()).toBe('a'); // 1 vs 1
    lb.done('a');
    lb.done('a');
    expect([lb.inflight('a'), lb.inflight('b')]).toEqual([0, 1]);
    lb.done('a'); // nothing in flight: stays at 0
    expect(lb.inflight('a')).toBe(0);
    expect(lb.pick()).toBe('a');
  });

  it('draws two distinct nodes as go-zero does: a = ⌊r·n⌋, b = ⌊r·(n−1)⌋, skipping over a', () => {
    const nodes = ['n0', 'n1', 'n2', 'n3'];
    // (0.0, 0.0): a = 0, b = 0 -> 1. The pair is n0, n1; tie, so the first drawn wins.
    expect(new P2CBalancer(nodes, sequence(0.0, 0.0)).pick()).toBe('n0');
    // (0.5, 0.0): a = 2, b = 0. Tie, first drawn: n2.
    expect(new P2CBalancer(nodes, sequence(0.5, 0.0)).pick()).toBe('n2');
    // (0.5, 0.7): a = 2, b = 2 -> 3. Tie: n2.
    expect(new P2CBalancer(nodes, sequence(0.5, 0.7)).pick()).toBe('n2');
    // (0.9, 0.9): a = 3, b = 2. Tie: n3.
    expect(new P2CBalancer(nodes, sequence(0.9, 0.9)).pick()).toBe('n3');
  });

  it('sends the request to the less loaded node of the pair and counts it', () => {
    const lb = new P2CBalancer(['n0', 'n1', 'n2'], sequence(0.0, 0.0, 0.0, 0.0, 0.5, 0.9));
    expect(lb.pick()).toBe('n0'); // pair n0, n1: 0 vs 0
    expect(lb.pick()).toBe('n1'); // pair n0, n1: 1 vs 0
    expect(lb.pick()).toBe('n2'); // pair n1, n2 (a = 1, b = 1 -> 2): 1 vs 0
    expect([lb.inflight('n0'), lb.inflight('n1'), lb.inflight('n2')]).toEqual([1, 1, 1]);
  });
});
