/** Client-side load balancers: go-micro's strategies, nginx's smooth WRR, a consistent hash ring. */
import { describe, expect, it } from 'vitest';
import {
  ConsistentHashRing,
  RandomBalancer,
  RoundRobinBalancer,
  SmoothWeightedRoundRobin,
  fnv1a32,
  murmur3_32,
  type RandomSource,
} from '../../../src/lib/sim/models/registry/balancers';
import { Random } from '../../../src/lib/sim/random';

/** The test's own seeded PRNG (mulberry32), so these tests depend on nothing else in the sim. */
/** The project's seeded generator (src/lib/sim/random.ts) is a RandomSource as it is. */
function seededSource(seed: number): RandomSource {
  return new Random(seed);
}

function randomKeys(seed: number, n: number): string[] {
  const rnd = seededSource(seed);
  return Array.from({ length: n }, () => `user-${Math.floor(rnd.next() * 2 ** 32).toString(16)}`);
}

function countBy<T>(items: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

describe('go-micro strategies', () => {
  // The nodes of go-micro's selector/strategy_test.go (v4.9.0), flattened across both versions.
  const nodes = ['test1-1', 'test1-2', 'test1-3', 'test1-4'];

  it('TestStrategies (go-micro selector/strategy_test.go): 100 picks each; round robin is exactly even', () => {
    const rr = new RoundRobinBalancer(nodes, { random: seededSource(7) });
    const rrCounts = countBy(Array.from({ length: 100 }, () => rr.next()));
    expect([...rrCounts.values()]).toEqual([25, 25, 25, 25]);

    const random = new RandomBalancer(nodes, seededSource(7));
    const randomCounts = countBy(Array.from({ length: 100 }, () => random.next()));
    expect(randomCounts.size).toBe(4);
    expect([...randomCounts.values()].reduce((a, b) => a + b)).toBe(100);
  });

  it('round robin walks the list in order from its start, wrapping', () => {
    const rr = new RoundRobinBalancer(nodes, { start: 2 });
    expect(Array.from({ length: 6 }, () => rr.next())).toEqual(['test1-3', 'test1-4', 'test1-1', 'test1-2', 'test1-3', 'test1-4']);
  });

  it('round robin draws its start from the random source (go-micro: i := rand.Int())', () => {
    const starts = new Set(Array.from({ length: 50 }, (_, seed) => new RoundRobinBalancer(nodes, { random: seededSource(seed) }).next()));
    expect(starts.size).toBe(4);
    expect(new RoundRobinBalancer(nodes, { random: { next: () => 0.75 } }).next()).toBe('test1-4');
  });

  it('random picks follow the injected source: same seed, same picks; the sim Random fits', () => {
    const a = new RandomBalancer(nodes, seededSource(42));
    const b = new RandomBalancer(nodes, seededSource(42));
    const picksA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(picksA);
    expect(new RandomBalancer(nodes, { next: () => 0.999999 }).next()).toBe('test1-4');
    expect(new RandomBalancer(nodes, { next: () => 1 }).next()).toBe('test1-4');
    const sim = new RandomBalancer(nodes, new Random(3));
    const counts = countBy(Array.from({ length: 4000 }, () => sim.next()));
    for (const c of counts.values()) expect(c).toBeGreaterThan(850);
  });

  it('answers undefined with no nodes (ErrNoneAvailable)', () => {
    expect(new RoundRobinBalancer([]).next()).toBeUndefined();
    expect(new RandomBalancer([], seededSource(1)).next()).toBeUndefined();
    expect(new SmoothWeightedRoundRobin([]).next()).toBeUndefined();
    expect(new ConsistentHashRing().lookup('k')).toBeUndefined();
  });
});

describe('smooth weighted round robin (nginx ngx_http_upstream_get_peer)', () => {
  it('weights {a:5, b:1, c:1} give a a b a c a a and return to zero, as the lesson table works out', () => {
    // Worked from the algorithm (current += weight; pick the max, first on ties; winner -= 7):
    // (5,1,1)→a (-2,1,1) | (3,2,2)→a (-4,2,2) | (1,3,3)→b (1,-4,3) | (6,-3,4)→a (-1,-3,4)
    // (4,-2,5)→c (4,-2,-2) | (9,-1,-1)→a (2,-1,-1) | (7,0,0)→a (0,0,0)
    const lb = new SmoothWeightedRoundRobin([
      { id: 'a', weight: 5 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
    ]);
    const currents: number[][] = [];
    const picks = Array.from({ length: 7 }, () => {
      const pick = lb.next();
      currents.push(lb.state().map((p) => p.currentWeight));
      return pick;
    });
    expect(picks.join(' ')).toBe('a a b a c a a');
    expect(currents).toEqual([
      [-2, 1, 1],
      [-4, 2, 2],
      [1, -4, 3],
      [-1, -3, 4],
      [4, -2, -2],
      [2, -1, -1],
      [0, 0, 0],
    ]);
    expect(Array.from({ length: 7 }, () => lb.next()).join(' ')).toBe('a a b a c a a');
  });

  it('gives each peer its weight per cycle of total-weight picks, each prefix within one pick of fair', () => {
    const rnd = seededSource(99);
    for (let trial = 0; trial < 50; trial++) {
      const peers = Array.from({ length: 1 + Math.floor(rnd.next() * 5) }, (_, i) => ({ id: `p${i}`, weight: 1 + Math.floor(rnd.next() * 9) }));
      const total = peers.reduce((s, p) => s + p.weight, 0);
      const lb = new SmoothWeightedRoundRobin(peers);
      const picks = Array.from({ length: total }, () => lb.next()!);
      const counts = countBy(picks);
      for (const p of peers) expect(counts.get(p.id)).toBe(p.weight);
      expect(lb.state().every((s) => s.currentWeight === 0)).toBe(true);
      // Smoothness: after any k picks, each peer's count is within one of its fair share k·w/T.
      // (Naive weighted round robin, a a a a a b c for 5/1/1, is 5 − 25/7 ≈ 1.43 off after 5 picks.)
      const seen = new Map<string, number>();
      picks.forEach((pick, i) => {
        seen.set(pick, (seen.get(pick) ?? 0) + 1);
        for (const p of peers) expect(Math.abs((seen.get(p.id) ?? 0) - ((i + 1) * p.weight) / total)).toBeLessThan(1);
      });
    }
  });

  it('breaks ties in list order, as nginx compares with ">"', () => {
    const lb = new SmoothWeightedRoundRobin([
      { id: 'x', weight: 1 },
      { id: 'y', weight: 1 },
    ]);
    expect([lb.next(), lb.next(), lb.next()]).toEqual(['x', 'y', 'x']);
  });

  it('damps a failing peer through its effective weight, which then climbs back by one per pick', () => {
    const lb = new SmoothWeightedRoundRobin([
      { id: 'a', weight: 5 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
    ]);
    lb.reportFailure('a'); // max_fails 1: effective weight 5 − 5 = 0
    expect(lb.state()[0]).toMatchObject({ effectiveWeight: 0 });
    const picks = Array.from({ length: 7 }, () => lb.next());
    expect(picks.filter((p) => p === 'a').length).toBeLessThan(5);
    expect(lb.state()[0]!.effectiveWeight).toBe(5);
    lb.reportFailure('b', 2); // 1 − ⌊1/2⌋ = 1
    expect(lb.state()[1]!.effectiveWeight).toBe(1);
  });

  it('rejects weights that are not positive integers', () => {
    expect(() => new SmoothWeightedRoundRobin([{ id: 'a', weight: 0 }])).toThrow(RangeError);
    expect(() => new SmoothWeightedRoundRobin([{ id: 'a', weight: 1.5 }])).toThrow(RangeError);
  });
});

describe('hash functions', () => {
  it('MurmurHash3_x86_32 matches the reference vectors (SMHasher)', () => {
    expect(murmur3_32('')).toBe(0);
    expect(murmur3_32('', 1)).toBe(0x514e28b7);
    expect(murmur3_32('test')).toBe(0xba6bd213);
    expect(murmur3_32('hello')).toBe(0x248bfa47);
    expect(murmur3_32('Hello, world!')).toBe(0xc0363e43);
    expect(murmur3_32('Hello, world!', 0x9747b28c)).toBe(0x24884cba);
    expect(murmur3_32('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
    expect(murmur3_32('special characters açb↓c')).toBe(0xbe83b140); // UTF-8, not UTF-16
  });

  it('FNV-1a 32 matches the reference vectors (Go hash/fnv New32a)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});

describe('consistent hashing with virtual nodes', () => {
  const five = ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080', '10.0.0.4:8080', '10.0.0.5:8080'];
  const keys = randomKeys(2024, 20_000);

  function ringOf(nodes: readonly string[], virtualNodes = 160): ConsistentHashRing {
    const ring = new ConsistentHashRing({ virtualNodes });
    for (const n of nodes) ring.add(n);
    return ring;
  }

  function shares(ring: ConsistentHashRing): number[] {
    const counts = countBy(keys.map((k) => ring.lookup(k)!));
    return ring.nodes.map((n) => (counts.get(n) ?? 0) / (keys.length / ring.nodes.length));
  }

  it('puts N × V points on the ring and answers the same node for the same key, whatever the insertion order', () => {
    const ring = ringOf(five);
    expect(ring.size).toBe(5 * 160);
    const reversed = ringOf([...five].reverse());
    for (const k of keys.slice(0, 2000)) expect(reversed.lookup(k)).toBe(ring.lookup(k));
  });

  it('spreads keys within ±25 % of a fair share with 160 virtual nodes', () => {
    for (const share of shares(ringOf(five))) {
      expect(share).toBeGreaterThan(0.75);
      expect(share).toBeLessThan(1.25);
    }
  });

  it('virtual nodes even out the shares: the spread with 160 points is far below that with 1', () => {
    const spread = (s: number[]) => Math.max(...s) - Math.min(...s);
    expect(spread(shares(ringOf(five, 160)))).toBeLessThan(spread(shares(ringOf(five, 1))) / 2);
  });

  it('adding a node moves about 1/(N+1) of the keys, all of them to the new node', () => {
    const ring = ringOf(five);
    const before = keys.map((k) => ring.lookup(k));
    ring.add('10.0.0.6:8080');
    const moved = keys.filter((k, i) => ring.lookup(k) !== before[i]);
    expect(moved.length / keys.length).toBeGreaterThan(0.1);
    expect(moved.length / keys.length).toBeLessThan(0.25); // 1/6 ≈ 0.167
    for (const k of moved) expect(ring.lookup(k)).toBe('10.0.0.6:8080');
  });

  it('removing a node moves only its keys, and spreads them over the survivors', () => {
    const ring = ringOf(five);
    const before = keys.map((k) => ring.lookup(k));
    ring.remove('10.0.0.3:8080');
    const heirs = new Set<string>();
    keys.forEach((k, i) => {
      const now = ring.lookup(k)!;
      if (before[i] === '10.0.0.3:8080') heirs.add(now);
      else expect(now).toBe(before[i]);
    });
    expect(heirs.size).toBe(4);
  });

  it('a plain hash(key) % N moves most keys when a node is added (what the ring avoids)', () => {
    const mod = (k: string, n: number) => murmur3_32(k) % n;
    const moved = keys.filter((k) => mod(k, 5) !== mod(k, 6)).length / keys.length;
    expect(moved).toBeGreaterThan(0.75); // about N/(N+1) = 5/6
  });

  it('gives a node of weight 2 about twice the keys', () => {
    const ring = new ConsistentHashRing();
    ring.add('small');
    ring.add('big', 2);
    const counts = countBy(keys.map((k) => ring.lookup(k)));
    const ratio = counts.get('big')! / counts.get('small')!;
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.5);
  });

  it('wraps past the top of the ring to the first point', () => {
    const ring = new ConsistentHashRing({ virtualNodes: 1, hash: (s) => ({ 'a#0': 100, 'b#0': 200, low: 50, mid: 150, high: 250 })[s] ?? 0 });
    ring.add('a');
    ring.add('b');
    expect([ring.lookup('low'), ring.lookup('mid'), ring.lookup('high')]).toEqual(['a', 'b', 'a']);
    expect(ring.remove('a')).toBe(true);
    expect(ring.remove('a')).toBe(false);
    expect(ring.lookup('low')).toBe('b');
  });
});
