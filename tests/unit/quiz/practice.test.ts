import { describe, expect, it } from 'vitest';
import { bankTopics, resolveTopics } from '../../../src/lib/quiz/bank.ts';
import { selectPractice } from '../../../src/lib/quiz/practice.ts';
import { deriveSeed, displayOrder, interleave, shuffle } from '../../../src/lib/quiz/shuffle.ts';
import { Random } from '../../../src/lib/sim/random.ts';
import { syntheticBank } from './fixtures.ts';

const bank = syntheticBank();
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const ids = (qs: readonly { id: string }[]) => qs.map((q) => q.id);

describe('shuffle', () => {
  it('is a permutation, reproducible from the seed, and different for another seed', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const a = shuffle(items, new Random(42));
    expect(sorted(a)).toEqual(items);
    expect(shuffle(items, new Random(42))).toEqual(a);
    expect(shuffle(items, new Random(43))).not.toEqual(a);
    expect(items).toEqual(Array.from({ length: 20 }, (_, i) => i)); // input untouched
  });

  it('puts each item at each position about equally often', () => {
    const random = new Random(7);
    const counts = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    for (let n = 0; n < 8000; n++) shuffle([0, 1, 2, 3], random).forEach((item, pos) => counts[item]![pos]!++);
    for (const row of counts) for (const c of row) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });
});

describe('displayOrder', () => {
  it('never shows an ordering question already solved, and depends only on seed and key', () => {
    for (let seed = 0; seed < 300; seed++) {
      for (const n of [2, 3, 4, 6]) {
        const order = displayOrder(n, seed, 'rl-where-to-limit');
        expect(sorted(order)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(order.some((v, i) => v !== i)).toBe(true);
      }
    }
    expect(displayOrder(5, 9, 'a')).toEqual(displayOrder(5, 9, 'a'));
    expect(displayOrder(1, 9, 'a')).toEqual([0]);
    const perKey = ['a', 'b', 'c', 'd', 'e'].map((k) => displayOrder(6, 9, k).join());
    expect(new Set(perKey).size).toBeGreaterThan(1);
    expect(deriveSeed(9, 'a')).not.toBe(deriveSeed(10, 'a'));
  });
});

describe('interleave', () => {
  it('spreads each list evenly, every prefix within one item of proportional', () => {
    const lists = [Array(12).fill('a'), Array(6).fill('b'), Array(3).fill('c')];
    const merged = interleave(lists);
    expect(merged).toHaveLength(21);
    for (let m = 1; m <= merged.length; m++) {
      const prefix = merged.slice(0, m);
      for (const [name, size] of [['a', 12], ['b', 6], ['c', 3]] as const) {
        const n = prefix.filter((x) => x === name).length;
        expect(Math.abs(n - (size / 21) * m), `${name} in the first ${m}`).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('bank helpers', () => {
  it('lists topics with counts and resolves a focus', () => {
    expect(bankTopics(bank)).toEqual([
      { topic: 'alpha', count: 18 },
      { topic: 'beta', count: 12 },
      { topic: 'delta', count: 6 },
      { topic: 'epsilon', count: 3 },
      { topic: 'gamma', count: 9 },
    ]);
    expect(resolveTopics(bank, 'all')).toEqual(['alpha', 'beta', 'delta', 'epsilon', 'gamma']);
    expect(resolveTopics(bank, ['gamma', 'alpha', 'gamma'])).toEqual(['alpha', 'gamma']);
    expect(() => resolveTopics(bank, [])).toThrow(/at least one topic/);
    expect(() => resolveTopics(bank, ['alpha', 'nope'])).toThrow(/"nope"/);
  });
});

describe('selectPractice', () => {
  it('picks exactly the questions of the chosen topics and difficulties', () => {
    const picked = selectPractice(bank, { topics: ['beta', 'delta'], difficulties: [1, 3], seed: 1 });
    const expected = bank.filter((q) => ['beta', 'delta'].includes(q.topic) && q.difficulty !== 2);
    expect(sorted(ids(picked).map((id) => ids(bank).indexOf(id)))).toEqual(sorted(ids(expected).map((id) => ids(bank).indexOf(id))));
    expect(new Set(ids(picked)).size).toBe(picked.length);
  });

  it('defaults to every difficulty, and "all" to every topic', () => {
    expect(selectPractice(bank, { topics: 'all', seed: 3 })).toHaveLength(bank.length);
    expect(selectPractice(bank, { topics: ['gamma'], seed: 3 })).toHaveLength(9);
  });

  it('is reproducible from the seed, and another seed gives another order', () => {
    const a = ids(selectPractice(bank, { topics: 'all', seed: 11 }));
    expect(ids(selectPractice(bank, { topics: 'all', seed: 11 }))).toEqual(a);
    expect(ids(selectPractice(bank, { topics: 'all', seed: 12 }))).not.toEqual(a);
  });

  it('interleaves the topics so that a count limit keeps them in proportion', () => {
    for (let seed = 0; seed < 20; seed++) {
      const picked = selectPractice(bank, { topics: 'all', count: 16, seed });
      expect(picked).toHaveLength(16);
      for (const { topic, count } of bankTopics(bank)) {
        const n = picked.filter((q) => q.topic === topic).length;
        expect(Math.abs(n - (count / bank.length) * 16), `${topic} (seed ${seed})`).toBeLessThanOrEqual(1);
      }
      // Interleaved, not blocked: no topic runs more than twice in a row in the full list.
      const all = selectPractice(bank, { topics: 'all', seed });
      let run = 1;
      for (let i = 1; i < all.length; i++) {
        run = all[i]!.topic === all[i - 1]!.topic ? run + 1 : 1;
        expect(run).toBeLessThanOrEqual(2);
      }
    }
  });

  it('rejects bad options', () => {
    expect(() => selectPractice(bank, { topics: ['nope'], seed: 1 })).toThrow(/"nope"/);
    expect(() => selectPractice(bank, { topics: 'all', difficulties: [], seed: 1 })).toThrow(/difficulties/);
    expect(() => selectPractice(bank, { topics: 'all', difficulties: [4 as 1], seed: 1 })).toThrow(/difficulties/);
    expect(() => selectPractice(bank, { topics: 'all', count: 0, seed: 1 })).toThrow(/count/);
    expect(() => selectPractice(bank, { topics: 'all', count: 2.5, seed: 1 })).toThrow(/count/);
  });
});
