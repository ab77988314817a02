/**
 * The simulated network (src/lib/sim/models/rpc/network.ts): delivery times, bandwidth queueing,
 * loss, partitions (at send time and in flight), latency distributions, and determinism by seed.
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../../src/lib/sim/kernel.ts';
import { Network, sampleLatency, validateLink, type Delivery, type LatencySpec } from '../../../src/lib/sim/models/rpc/network.ts';
import { Random } from '../../../src/lib/sim/random.ts';
import { MILLISECOND, nanosToMs } from '../../../src/lib/sim/time.ts';

function quantileOf(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function samples(spec: LatencySpec, n: number, seed = 1): number[] {
  const random = new Random(seed);
  return Array.from({ length: n }, () => nanosToMs(sampleLatency(spec, random)));
}

describe('delivery times', () => {
  it('a constant-latency link delivers after exactly that latency, each message on its own', () => {
    const sim = new Simulator(1);
    const net = new Network(sim).link('a', 'b', { latency: { kind: 'constant', ms: 5 } });
    const got: Delivery[] = [];
    net.send('a', 'b', 100, (d) => got.push(d));
    sim.schedule(2 * MILLISECOND, () => net.send('b', 'a', 100, (d) => got.push(d)));
    sim.run();
    expect(got.map((d) => [d.from, d.to, nanosToMs(d.deliveredAt)])).toEqual([
      ['a', 'b', 5],
      ['b', 'a', 7],
    ]);
    expect(got[0]).toMatchObject({ queued: 0, transfer: 0, propagation: 5 * MILLISECOND, bytes: 100 });
  });

  it('bandwidth adds bytes / bandwidth, and messages on one direction queue behind each other', () => {
    const sim = new Simulator(1);
    const net = new Network(sim).link('a', 'b', { latency: { kind: 'constant', ms: 1 }, bandwidthBytesPerMs: 100 });
    const got: Delivery[] = [];
    net.send('a', 'b', 1000, (d) => got.push(d)); // 10 ms on the wire
    net.send('a', 'b', 500, (d) => got.push(d)); // waits 10 ms, then 5 ms
    net.send('b', 'a', 200, (d) => got.push(d)); // the other direction has its own wire
    sim.run();
    const byBytes = new Map(got.map((d) => [d.bytes, d]));
    expect(nanosToMs(byBytes.get(1000)!.deliveredAt)).toBe(11);
    expect(nanosToMs(byBytes.get(500)!.queued)).toBe(10);
    expect(nanosToMs(byBytes.get(500)!.deliveredAt)).toBe(16);
    expect(nanosToMs(byBytes.get(200)!.deliveredAt)).toBe(3);
  });

  it('the wire frees up: a message sent after the queue drained does not wait', () => {
    const sim = new Simulator(1);
    const net = new Network(sim).link('a', 'b', { latency: { kind: 'constant', ms: 0 }, bandwidthBytesPerMs: 10 });
    const got: Delivery[] = [];
    net.send('a', 'b', 100, (d) => got.push(d));
    sim.schedule(50 * MILLISECOND, () => net.send('a', 'b', 100, (d) => got.push(d)));
    sim.run();
    expect(got.map((d) => nanosToMs(d.queued))).toEqual([0, 0]);
    expect(got.map((d) => nanosToMs(d.deliveredAt))).toEqual([10, 60]);
  });

  it('without a link and without a default link, a send is refused as no-route', () => {
    const sim = new Simulator(1);
    const net = new Network(sim);
    let delivered = false;
    expect(net.send('a', 'b', 1, () => (delivered = true)).dropped).toBe('no-route');
    const withDefault = new Network(sim, { defaultLink: { latency: { kind: 'constant', ms: 1 } } });
    expect(withDefault.send('a', 'b', 1, () => (delivered = true)).dropped).toBeNull();
    sim.run();
    expect(delivered).toBe(true);
    expect(net.stats.dropped['no-route']).toBe(1);
  });

  it('one-way links can differ from the way back', () => {
    const sim = new Simulator(1);
    const net = new Network(sim).link('a', 'b', { latency: { kind: 'constant', ms: 1 } }).linkOneWay('b', 'a', { latency: { kind: 'constant', ms: 9 } });
    const times: number[] = [];
    net.send('a', 'b', 1, (d) => times.push(nanosToMs(d.deliveredAt)));
    net.send('b', 'a', 1, (d) => times.push(nanosToMs(d.deliveredAt)));
    sim.run();
    expect(times).toEqual([1, 9]);
  });

  it('rejects meaningless link settings', () => {
    expect(() => validateLink({ latency: { kind: 'constant', ms: -1 } })).toThrow(RangeError);
    expect(() => validateLink({ latency: { kind: 'uniform', minMs: 5, maxMs: 1 } })).toThrow(RangeError);
    expect(() => validateLink({ latency: { kind: 'constant', ms: 1 }, loss: 1.5 })).toThrow(RangeError);
    expect(() => validateLink({ latency: { kind: 'constant', ms: 1 }, bandwidthBytesPerMs: 0 })).toThrow(RangeError);
    expect(() => validateLink({ latency: { kind: 'logNormal', medianMs: 1, sigma: -1 } })).toThrow(RangeError);
    expect(() => new Network(new Simulator(1)).send('a', 'b', -1, () => {})).toThrow(RangeError);
  });
});

describe('loss', () => {
  function lossPattern(seed: number, loss: number, n: number): boolean[] {
    const sim = new Simulator(seed);
    const net = new Network(sim).link('a', 'b', { latency: { kind: 'constant', ms: 1 }, loss });
    return Array.from({ length: n }, () => net.send('a', 'b', 10, () => {}).dropped === 'loss');
  }

  it('drops about the configured fraction', () => {
    for (const loss of [0.05, 0.2, 0.5]) {
      const lost = lossPattern(42, loss, 20_000).filter(Boolean).length / 20_000;
      expect(Math.abs(lost - loss)).toBeLessThan(0.015);
    }
    expect(lossPattern(42, 0, 2000).some(Boolean)).toBe(false);
    expect(lossPattern(42, 1, 2000).every(Boolean)).toBe(true);
  });

  it('lost messages are never delivered, and the counts add up', () => {
    const sim = new Simulator(3);
    const net = new Network(sim).link('a', 'b', { latency: { kind: 'uniform', minMs: 1, maxMs: 3 }, loss: 0.3 });
    let delivered = 0;
    for (let i = 0; i < 1000; i++) net.send('a', 'b', 10, () => delivered++);
    sim.run();
    expect(delivered).toBe(net.stats.delivered);
    expect(delivered + net.stats.dropped.loss).toBe(1000);
    expect(net.stats.sent).toBe(1000);
    expect(net.stats.bytesSent).toBe(10_000);
  });

  it('is deterministic by seed: same seed, same pattern; another seed, another', () => {
    expect(lossPattern(7, 0.3, 500)).toEqual(lossPattern(7, 0.3, 500));
    expect(lossPattern(7, 0.3, 500)).not.toEqual(lossPattern(8, 0.3, 500));
  });
});

describe('partitions', () => {
  it('refuse sends both ways until healed', () => {
    const sim = new Simulator(1);
    const net = new Network(sim).link('a', 'b', { latency: { kind: 'constant', ms: 1 } });
    net.partition('b', 'a');
    expect(net.isPartitioned('a', 'b')).toBe(true);
    expect(net.isPartitioned('b', 'a')).toBe(true);
    expect(net.partitionedPairs()).toEqual([['a', 'b']]);
    expect(net.send('a', 'b', 1, () => {}).dropped).toBe('partition');
    expect(net.send('b', 'a', 1, () => {}).dropped).toBe('partition');
    net.heal('a', 'b');
    expect(net.send('a', 'b', 1, () => {}).dropped).toBeNull();
    expect(net.stats.dropped.partition).toBe(2);
  });

  it('drop messages in flight when they start, and tell the sender through onDrop', () => {
    const sim = new Simulator(1);
    const net = new Network(sim).link('a', 'b', { latency: { kind: 'constant', ms: 10 } }).link('a', 'c', { latency: { kind: 'constant', ms: 10 } });
    const events: string[] = [];
    net.send('a', 'b', 1, () => events.push('b delivered'), (r) => events.push(`b dropped: ${r}`));
    net.send('a', 'c', 1, () => events.push('c delivered'), (r) => events.push(`c dropped: ${r}`));
    expect(net.inFlightCount).toBe(2);
    sim.schedule(5 * MILLISECOND, () => net.partition('a', 'b'));
    sim.run();
    expect(events).toEqual(['b dropped: partition', 'c delivered']);
    expect(net.inFlightCount).toBe(0);
  });

  it('change at runtime: messages sent after a heal get through', () => {
    const sim = new Simulator(1);
    const net = new Network(sim).link('a', 'b', { latency: { kind: 'constant', ms: 1 } });
    const outcomes: string[] = [];
    for (let t = 0; t < 10; t++) {
      sim.schedule(t * MILLISECOND, () => outcomes.push(net.send('a', 'b', 1, () => {}).dropped ?? 'sent'));
    }
    sim.schedule(3 * MILLISECOND - 1, () => net.partition('a', 'b'));
    sim.schedule(7 * MILLISECOND - 1, () => net.heal('a', 'b'));
    sim.run();
    expect(outcomes).toEqual(['sent', 'sent', 'sent', 'partition', 'partition', 'partition', 'partition', 'sent', 'sent', 'sent']);
  });

  it('partitionGroups cuts every pair across two sides, healAll restores all', () => {
    const sim = new Simulator(1);
    const net = new Network(sim, { defaultLink: { latency: { kind: 'constant', ms: 1 } } });
    net.partitionGroups(['a', 'b'], ['c', 'd']);
    expect(net.isPartitioned('a', 'd')).toBe(true);
    expect(net.isPartitioned('b', 'c')).toBe(true);
    expect(net.isPartitioned('a', 'b')).toBe(false);
    expect(net.partitionedPairs()).toHaveLength(4);
    net.healAll();
    expect(net.partitionedPairs()).toEqual([]);
  });
});

describe('latency distributions', () => {
  it('constant is constant', () => {
    expect(new Set(samples({ kind: 'constant', ms: 3.5 }, 100))).toEqual(new Set([3.5]));
  });

  it('uniform quantiles are linear between min and max', () => {
    const xs = samples({ kind: 'uniform', minMs: 2, maxMs: 6 }, 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xs)).toBeLessThan(6);
    expect(quantileOf(xs, 0.25)).toBeCloseTo(3, 1);
    expect(quantileOf(xs, 0.5)).toBeCloseTo(4, 1);
    expect(quantileOf(xs, 0.9)).toBeCloseTo(5.6, 1);
  });

  it('normal: mean and spread, clamped at zero', () => {
    const xs = samples({ kind: 'normal', meanMs: 50, stddevMs: 10 }, 20_000);
    expect(quantileOf(xs, 0.5)).toBeGreaterThan(49.5);
    expect(quantileOf(xs, 0.5)).toBeLessThan(50.5);
    // z(0.8413) = 1: one standard deviation above the mean.
    expect(Math.abs(quantileOf(xs, 0.8413) - 60)).toBeLessThan(0.6);
    const wide = samples({ kind: 'normal', meanMs: 1, stddevMs: 5 }, 20_000);
    expect(Math.min(...wide)).toBe(0);
    // P(N(1, 5) < 0) = Φ(-0.2) ≈ 0.4207: that share is clamped to exactly 0.
    expect(Math.abs(wide.filter((x) => x === 0).length / 20_000 - 0.4207)).toBeLessThan(0.015);
  });

  it('log-normal: the median is the given one and the tail follows sigma', () => {
    const xs = samples({ kind: 'logNormal', medianMs: 10, sigma: 0.5 }, 40_000);
    expect(Math.abs(quantileOf(xs, 0.5) / 10 - 1)).toBeLessThan(0.03);
    // p90 = median · e^(1.2816 σ), p99 = median · e^(2.3263 σ)
    expect(Math.abs(quantileOf(xs, 0.9) / (10 * Math.exp(1.2816 * 0.5)) - 1)).toBeLessThan(0.04);
    expect(Math.abs(quantileOf(xs, 0.99) / (10 * Math.exp(2.3263 * 0.5)) - 1)).toBeLessThan(0.08);
  });

  it('the network draws from the simulator’s seeded generator: same seed, same deliveries', () => {
    const run = (seed: number): number[] => {
      const sim = new Simulator(seed);
      const net = new Network(sim).link('a', 'b', { latency: { kind: 'logNormal', medianMs: 5, sigma: 0.8 }, loss: 0.1 });
      const times: number[] = [];
      for (let i = 0; i < 200; i++) net.send('a', 'b', 10, (d) => times.push(d.deliveredAt));
      sim.run();
      return times;
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });
});
