/**
 * Seeded shuffles, so that the order a session shows is reproducible from its seed. Randomness comes
 * only from the project's generator (src/lib/sim/random.ts), never from Math.random.
 */
import { Random } from '../sim/random.ts';

/** A shuffled copy of `items` (Fisher–Yates), drawing from `random`. */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** FNV-1a, 32 bits: a stable hash of a string (to derive per-question seeds). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seed for `key` within the session seeded by `seed`: independent of the order keys are asked for. */
export function deriveSeed(seed: number, key: string): number {
  return (hashString(key) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
}

/**
 * The order in which to show `count` things (e.g. the items of an ordering question) for `key` in
 * the session `seed`: `order[k]` is the index, in the stored order, of the thing shown at position k.
 * For two or more things it is never the stored order itself, since for an ordering question the
 * stored order is the answer.
 */
export function displayOrder(count: number, seed: number, key: string): number[] {
  const identity = Array.from({ length: count }, (_, i) => i);
  if (count < 2) return identity;
  const random = new Random(deriveSeed(seed, key));
  for (;;) {
    const order = shuffle(identity, random);
    if (order.some((v, i) => v !== i)) return order;
  }
}

/**
 * Merges lists so that each is spread evenly over the result: the k-th of a list of n sits at the
 * fraction (k + ½) / n of the way through (ties: the earlier list first). Every prefix then holds
 * each list in proportion to its length, within one item.
 */
export function interleave<T>(lists: readonly (readonly T[])[]): T[] {
  const keyed = lists.flatMap((list, g) => list.map((item, k) => ({ item, g, at: (k + 0.5) / list.length })));
  keyed.sort((a, b) => a.at - b.at || a.g - b.g);
  return keyed.map((e) => e.item);
}
