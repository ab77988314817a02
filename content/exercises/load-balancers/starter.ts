/**
 * Three client-side load balancers: nginx's smooth weighted round robin, a consistent hash ring with
 * virtual nodes, and power of two choices.
 */

// ---------------------------------------------------------------------------------------------
// Smooth weighted round robin

export interface WeightedPeer {
  readonly id: string;
  /** A positive integer. */
  readonly weight: number;
}

export interface PeerState {
  readonly id: string;
  readonly weight: number;
  readonly effectiveWeight: number;
  readonly currentWeight: number;
}

export class SmoothWeightedRoundRobin {
  /**
   * Every peer starts with effectiveWeight = weight and currentWeight = 0. Throws RangeError if a
   * weight is not a positive integer.
   */
  constructor(_peers: readonly WeightedPeer[]) {}

  /**
   * For every peer, in order: currentWeight += effectiveWeight; total += effectiveWeight; if
   * effectiveWeight < weight, effectiveWeight++. The peer with the largest currentWeight wins (the
   * first listed on a tie) and loses `total`. Returns its id, or undefined when there are no peers.
   */
  next(): string | undefined {
    throw new Error('not implemented');
  }

  /** effectiveWeight -= floor(weight / maxFails), not below 0. Unknown ids (and maxFails <= 0) do nothing. */
  reportFailure(_id: string, _maxFails = 1): void {
    throw new Error('not implemented');
  }

  /** A snapshot of every peer, in the order given to the constructor. */
  state(): PeerState[] {
    throw new Error('not implemented');
  }
}

// ---------------------------------------------------------------------------------------------
// FNV-1a

/** FNV-1a 32-bit over the UTF-8 bytes of `s` (Go's hash/fnv New32a), as an unsigned integer. */
export function fnv1a32(_s: string): number {
  throw new Error('not implemented');
}

// ---------------------------------------------------------------------------------------------
// Consistent hashing

export type Hash = (s: string) => number;

export class HashRing {
  /**
   * Each node gets `replicas` points; point i of node n sits at hash(`${i}${n}`). `hash` defaults to
   * fnv1a32. Throws RangeError unless `replicas` is a positive integer.
   */
  constructor(
    readonly replicas: number,
    _hash: Hash = fnv1a32,
  ) {}

  /** Adds nodes; adding a node that is already there changes nothing. */
  add(..._nodes: string[]): void {
    throw new Error('not implemented');
  }

  /** Removes a node and all its points; unknown nodes are ignored. */
  remove(_node: string): void {
    throw new Error('not implemented');
  }

  /** The nodes on the ring, sorted. */
  nodes(): string[] {
    throw new Error('not implemented');
  }

  /**
   * The node owning `key`: the first point whose hash is >= hash(key), wrapping around to the
   * smallest point; undefined on an empty ring. Equal point hashes are ordered by node name.
   */
  get(_key: string): string | undefined {
    throw new Error('not implemented');
  }
}

// ---------------------------------------------------------------------------------------------
// Power of two choices

export class P2CBalancer {
  /** `random` returns floats in [0, 1). Every node starts with nothing in flight. */
  constructor(
    _nodes: readonly string[],
    _random: () => number,
  ) {}

  /** Requests picked for `node` and not yet done. */
  inflight(_node: string): number {
    throw new Error('not implemented');
  }

  /**
   * 0 nodes: undefined. 1 node: that node. 2 nodes: compare both, no drawing. More: a = floor(r() * n),
   * b = floor(r() * (n - 1)), and b++ if b >= a. Return the node of the pair with fewer requests in
   * flight (the first, a, on a tie) and count the new request against it.
   */
  pick(): string | undefined {
    throw new Error('not implemented');
  }

  /** A request to `node` finished: one less in flight, never below zero. */
  done(_node: string): void {
    throw new Error('not implemented');
  }
}
