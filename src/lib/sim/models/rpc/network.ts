/**
 * A simulated network between named nodes, in the simulator's virtual time. Each link has a
 * propagation latency drawn from a distribution, a loss probability and, optionally, a bandwidth;
 * partitions (pairs of nodes that cannot talk) can be set and healed while the simulation runs.
 *
 * What it models, and why:
 * - Latency is drawn per message, so messages on one link may overtake each other; RPC models on
 *   top of it correlate replies by call, not by order.
 * - A bandwidth-limited link sends one message at a time, first come first served: a message waits
 *   for the ones queued before it, then takes `bytes / bandwidth` to put on the wire, then travels.
 *   This queueing is what makes bigger encodings hurt tail latency long before the link is "full".
 * - Loss is decided when a message is sent (it still occupies the link: it was transmitted and lost
 *   on the way). The sender is not told; a caller notices only by waiting.
 * - A partition refuses new messages at once (`send` returns `dropped: 'partition'`: the sender's
 *   connection is known to be down) and also drops messages already in flight when it starts
 *   before they arrive (reported through `onDrop`).
 *
 * Random draws come from the simulator's seeded generator (or one given in the options) in the
 * order messages are sent, so the same seed and the same sends give the same deliveries.
 */
import type { EventId, Simulator } from '../../kernel.ts';
import type { Random } from '../../random.ts';
import { msToNanos, type Nanos } from '../../time.ts';

/** A one-way propagation delay distribution, in milliseconds. */
export type LatencySpec =
  | { readonly kind: 'constant'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  /** Clamped at 0: a normal distribution has a left tail that time does not. */
  | { readonly kind: 'normal'; readonly meanMs: number; readonly stddevMs: number }
  /** The usual shape of real latencies: a median and a long right tail (sigma of the underlying normal). */
  | { readonly kind: 'logNormal'; readonly medianMs: number; readonly sigma: number };

export interface LinkSpec {
  readonly latency: LatencySpec;
  /** Probability in [0, 1] that a message is lost (default 0). */
  readonly loss?: number;
  /** Bytes per millisecond (1 B/ms = 8 kbit/s); absent or Infinity: size adds no delay. */
  readonly bandwidthBytesPerMs?: number;
}

export type DropReason = 'loss' | 'partition' | 'no-route';

export interface Delivery {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly bytes: number;
  readonly sentAt: Nanos;
  readonly deliveredAt: Nanos;
  /** Waiting for earlier messages on a bandwidth-limited link. */
  readonly queued: Nanos;
  /** Putting the bytes on the wire: bytes / bandwidth. */
  readonly transfer: Nanos;
  /** The drawn propagation delay. */
  readonly propagation: Nanos;
}

/** What the sender can know when it sends: either the message is on its way, or it was refused. */
export type SendOutcome =
  | { readonly id: number; readonly dropped: null; readonly deliverAt: Nanos }
  /** `loss` is returned for the simulation's bookkeeping only; a real sender would not know. */
  | { readonly id: number; readonly dropped: DropReason };

export interface NetworkStats {
  sent: number;
  delivered: number;
  bytesSent: number;
  dropped: Record<DropReason, number>;
}

export interface NetworkOptions {
  /** The link used between nodes that have none of their own; absent: such sends are dropped as no-route. */
  readonly defaultLink?: LinkSpec;
  /** Where the random draws come from (default: the simulator's generator). */
  readonly random?: Random;
}

/** Draws one delay from a latency distribution, in nanoseconds (never negative). */
export function sampleLatency(spec: LatencySpec, random: Random): Nanos {
  let ms: number;
  switch (spec.kind) {
    case 'constant':
      ms = spec.ms;
      break;
    case 'uniform':
      ms = random.uniform(spec.minMs, spec.maxMs);
      break;
    case 'normal':
      ms = random.normal(spec.meanMs, spec.stddevMs);
      break;
    case 'logNormal':
      ms = random.logNormal(spec.medianMs, spec.sigma);
      break;
  }
  return Math.max(0, msToNanos(ms));
}

/** Rejects link settings that would make delays meaningless (negative, NaN, loss outside [0, 1]). */
export function validateLink(spec: LinkSpec): LinkSpec {
  const l = spec.latency;
  const bad = (what: string): never => {
    throw new RangeError(`invalid link: ${what}`);
  };
  if (l.kind === 'constant' && !(l.ms >= 0)) bad(`constant latency ${l.ms}`);
  if (l.kind === 'uniform' && !(l.minMs >= 0 && l.maxMs >= l.minMs)) bad(`uniform latency [${l.minMs}, ${l.maxMs}]`);
  if (l.kind === 'normal' && !(Number.isFinite(l.meanMs) && l.stddevMs >= 0)) bad(`normal latency ${l.meanMs} ± ${l.stddevMs}`);
  if (l.kind === 'logNormal' && !(l.medianMs >= 0 && l.sigma >= 0)) bad(`log-normal latency median ${l.medianMs} sigma ${l.sigma}`);
  const loss = spec.loss ?? 0;
  if (!(loss >= 0 && loss <= 1)) bad(`loss ${loss}`);
  const bw = spec.bandwidthBytesPerMs;
  if (bw !== undefined && !(bw > 0)) bad(`bandwidth ${bw}`);
  return spec;
}

interface InFlight {
  readonly event: EventId;
  readonly from: string;
  readonly to: string;
  readonly onDrop: ((reason: DropReason) => void) | undefined;
}

export class Network {
  private readonly links = new Map<string, LinkSpec>();
  private readonly partitions = new Set<string>();
  /** Per directed link: when the wire is free again (bandwidth-limited links only). */
  private readonly busyUntil = new Map<string, Nanos>();
  private readonly inFlight = new Map<number, InFlight>();
  private readonly random: Random;
  private readonly defaultLink: LinkSpec | undefined;
  private nextId = 0;
  readonly stats: NetworkStats = { sent: 0, delivered: 0, bytesSent: 0, dropped: { loss: 0, partition: 0, 'no-route': 0 } };

  constructor(
    private readonly sim: Simulator,
    options: NetworkOptions = {},
  ) {
    this.random = options.random ?? sim.random;
    this.defaultLink = options.defaultLink ? validateLink(options.defaultLink) : undefined;
  }

  /** Connects a and b both ways with the same settings (each direction has its own queue). */
  link(a: string, b: string, spec: LinkSpec): this {
    validateLink(spec);
    this.links.set(directed(a, b), spec);
    this.links.set(directed(b, a), spec);
    return this;
  }

  /** Sets the settings of one direction only (e.g. an asymmetric uplink). */
  linkOneWay(from: string, to: string, spec: LinkSpec): this {
    this.links.set(directed(from, to), validateLink(spec));
    return this;
  }

  linkBetween(from: string, to: string): LinkSpec | undefined {
    return this.links.get(directed(from, to)) ?? this.defaultLink;
  }

  /** Cuts a and b apart, both ways; messages between them in flight are lost. */
  partition(a: string, b: string): void {
    this.partitions.add(unordered(a, b));
    for (const [id, m] of this.inFlight) {
      if (unordered(m.from, m.to) !== unordered(a, b)) continue;
      this.sim.cancel(m.event);
      this.inFlight.delete(id);
      this.stats.dropped.partition++;
      m.onDrop?.('partition');
    }
  }

  /** Cuts every node of `side` from every node of `other`. */
  partitionGroups(side: readonly string[], other: readonly string[]): void {
    for (const a of side) for (const b of other) this.partition(a, b);
  }

  heal(a: string, b: string): void {
    this.partitions.delete(unordered(a, b));
  }

  healAll(): void {
    this.partitions.clear();
  }

  isPartitioned(a: string, b: string): boolean {
    return this.partitions.size > 0 && this.partitions.has(unordered(a, b));
  }

  /** The node pairs currently cut apart, each as [a, b] with a < b. */
  partitionedPairs(): [string, string][] {
    return [...this.partitions].map((key) => key.split(SEP) as [string, string]);
  }

  /**
   * Sends `bytes` from `from` to `to`. On success `onDeliver` runs at the delivery time; `onDrop`
   * runs only if the message is lost in flight to a partition. Refusals known at send time
   * (partition, no route) and random loss are in the returned outcome and call neither callback.
   */
  send(
    from: string,
    to: string,
    bytes: number,
    onDeliver: (delivery: Delivery) => void,
    onDrop?: (reason: DropReason) => void,
  ): SendOutcome {
    if (!(bytes >= 0)) throw new RangeError(`message size must be >= 0, got ${bytes}`);
    const id = this.nextId++;
    const spec = this.linkBetween(from, to);
    if (!spec) return this.refuse(id, 'no-route');
    if (this.isPartitioned(from, to)) return this.refuse(id, 'partition');

    const now = this.sim.now();
    const key = directed(from, to);
    let queued = 0;
    let transfer = 0;
    const bw = spec.bandwidthBytesPerMs;
    if (bw !== undefined && Number.isFinite(bw)) {
      const start = Math.max(now, this.busyUntil.get(key) ?? 0);
      queued = start - now;
      transfer = msToNanos(bytes / bw);
      this.busyUntil.set(key, start + transfer);
    }
    this.stats.sent++;
    this.stats.bytesSent += bytes;
    // Draw loss before latency, always both, so one message consumes the same draws whatever happens.
    const lost = this.random.chance(spec.loss ?? 0);
    const propagation = sampleLatency(spec.latency, this.random);
    if (lost) {
      this.stats.dropped.loss++;
      return { id, dropped: 'loss' };
    }
    const deliverAt = now + queued + transfer + propagation;
    const event = this.sim.at(deliverAt, () => {
      this.inFlight.delete(id);
      this.stats.delivered++;
      onDeliver({ id, from, to, bytes, sentAt: now, deliveredAt: deliverAt, queued, transfer, propagation });
    });
    this.inFlight.set(id, { event, from, to, onDrop });
    return { id, dropped: null, deliverAt };
  }

  /** Messages sent and not yet delivered or dropped. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private refuse(id: number, reason: DropReason): SendOutcome {
    this.stats.dropped[reason]++;
    return { id, dropped: reason };
  }
}

// Keys joined with a NUL, which node names do not contain, so "a" + "b|c" and "a|b" + "c" differ.
const SEP = '\u0000';

function directed(from: string, to: string): string {
  return from + SEP + to;
}

function unordered(a: string, b: string): string {
  return a < b ? a + SEP + b : b + SEP + a;
}
