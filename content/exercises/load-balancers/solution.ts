/**
 * Three client-side load balancers:
 * - nginx's smooth weighted round robin (ngx_http_upstream_get_peer and the effective-weight damping
 *   of ngx_http_upstream_free_round_robin_peer, src/http/ngx_http_upstream_round_robin.c);
 * - a consistent hash ring with virtual nodes, laid out like golang/groupcache's consistenthash
 *   (replica i of node n is hashed from `${i}${n}`; a key goes to the first point at or after its
 *   hash, wrapping around), hashed with FNV-1a 32-bit by default;
 * - power of two choices, picking like go-zero's p2c balancer but with in-flight requests as the load.
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

interface Peer {
  readonly id: string;
  readonly weight: number;
  effectiveWeight: number;
  currentWeight: number;
}

export class SmoothWeightedRoundRobin {
  private readonly peers: Peer[];

  constructor(peers: readonly WeightedPeer[]) {
    this.peers = peers.map((p) => {
      if (!Number.isInteger(p.weight) || p.weight <= 0) throw new RangeError(`peer ${p.id}: weight must be a positive integer, got ${p.weight}`);
      return { id: p.id, weight: p.weight, effectiveWeight: p.weight, currentWeight: 0 };
    });
  }

  /** The next peer, or undefined when there are none. */
  next(): string | undefined {
    let best: Peer | undefined;
    let total = 0;
    for (const peer of this.peers) {
      peer.currentWeight += peer.effectiveWeight;
      total += peer.effectiveWeight;
      // A damped peer earns one point of effective weight back per pick.
      if (peer.effectiveWeight < peer.weight) peer.effectiveWeight++;
      // Strictly greater: on a tie the peer listed first wins.
      if (!best || peer.currentWeight > best.currentWeight) best = peer;
    }
    if (!best) return undefined;
    best.currentWeight -= total;
    return best.id;
  }

  /** A failed request at `id`: lower its effective weight by weight / maxFails (not below 0). */
  reportFailure(id: string, maxFails = 1): void {
    const peer = this.peers.find((p) => p.id === id);
    if (!peer || maxFails <= 0) return;
    peer.effectiveWeight = Math.max(0, peer.effectiveWeight - Math.floor(peer.weight / maxFails));
  }

  /** A snapshot of every peer, in the order given. */
  state(): PeerState[] {
    return this.peers.map((p) => ({ ...p }));
  }
}

// ---------------------------------------------------------------------------------------------
// FNV-1a

const encoder = new TextEncoder();

/** FNV-1a 32-bit over the UTF-8 bytes of `s` (Go's hash/fnv New32a), as an unsigned integer. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5; // offset basis 2166136261
  for (const byte of encoder.encode(s)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193); // prime 16777619, modulo 2^32
  }
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Consistent hashing

export type Hash = (s: string) => number;

interface Point {
  readonly hash: number;
  readonly node: string;
}

export class HashRing {
  private readonly nodeSet = new Set<string>();
  private points: Point[] = [];

  constructor(
    readonly replicas: number,
    private readonly hash: Hash = fnv1a32,
  ) {
    if (!Number.isInteger(replicas) || replicas <= 0) throw new RangeError(`replicas must be a positive integer, got ${replicas}`);
  }

  /** Adds nodes, each with `replicas` points hashed from `${i}${node}`. Adding a node twice changes nothing. */
  add(...nodes: string[]): void {
    for (const node of nodes) this.nodeSet.add(node);
    this.rebuild();
  }

  /** Removes a node and all its points; unknown nodes are ignored. */
  remove(node: string): void {
    if (this.nodeSet.delete(node)) this.rebuild();
  }

  /** The nodes on the ring, sorted. */
  nodes(): string[] {
    return [...this.nodeSet].sort();
  }

  /** The owner of `key`: the first point clockwise from hash(key); undefined on an empty ring. */
  get(key: string): string | undefined {
    const points = this.points;
    if (points.length === 0) return undefined;
    const h = this.hash(key) >>> 0;
    // Binary search for the first point with hash >= h.
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]!.hash < h) lo = mid + 1;
      else hi = mid;
    }
    // Past the last point we wrap around to the first.
    return points[lo === points.length ? 0 : lo]!.node;
  }

  private rebuild(): void {
    const points: Point[] = [];
    for (const node of this.nodeSet) {
      for (let i = 0; i < this.replicas; i++) points.push({ hash: this.hash(`${i}${node}`) >>> 0, node });
    }
    // Ties are broken by node name, so the ring never depends on the order nodes were added.
    points.sort((a, b) => a.hash - b.hash || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
    this.points = points;
  }
}

// ---------------------------------------------------------------------------------------------
// Power of two choices

export class P2CBalancer {
  private readonly load = new Map<string, number>();

  constructor(
    private readonly nodeList: readonly string[],
    private readonly random: () => number,
  ) {
    for (const node of nodeList) this.load.set(node, 0);
  }

  /** Requests picked for `node` and not yet done. */
  inflight(node: string): number {
    return this.load.get(node) ?? 0;
  }

  /**
   * Draws two different nodes and returns the one with fewer requests in flight (the first drawn on
   * a tie), counting the new request against it. With two nodes both are compared without drawing;
   * with one it is returned; with none, undefined.
   */
  pick(): string | undefined {
    const nodes = this.nodeList;
    const n = nodes.length;
    if (n === 0) return undefined;
    let chosen: string;
    if (n === 1) {
      chosen = nodes[0]!;
    } else {
      let a = 0;
      let b = 1;
      if (n > 2) {
        a = this.draw(n);
        b = this.draw(n - 1);
        // Skip over a, so b is uniform over the other n - 1 nodes.
        if (b >= a) b++;
      }
      const first = nodes[a]!;
      const second = nodes[b]!;
      chosen = this.inflight(second) < this.inflight(first) ? second : first;
    }
    this.load.set(chosen, this.inflight(chosen) + 1);
    return chosen;
  }

  /** A request to `node` finished; never goes below zero. */
  done(node: string): void {
    const current = this.inflight(node);
    if (current > 0) this.load.set(node, current - 1);
  }

  private draw(n: number): number {
    return Math.min(n - 1, Math.floor(this.random() * n));
  }
}
