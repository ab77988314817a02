import { describe, expect, it } from 'vitest';
import { Signal, Simulator, type Process } from '../../../src/lib/sim/kernel';
import { Random } from '../../../src/lib/sim/random';
import { MILLISECOND, SECOND } from '../../../src/lib/sim/time';

describe('Simulator', () => {
  it('runs events in time order, and events at the same time in the order they were scheduled', () => {
    const sim = new Simulator();
    const order: string[] = [];
    sim.schedule(30, () => order.push('c@30'));
    sim.schedule(10, () => order.push('a@10'));
    sim.schedule(10, () => order.push('b@10'));
    sim.schedule(0, () => {
      order.push('now');
      sim.schedule(0, () => order.push('now+0'));
    });
    sim.run();
    expect(order).toEqual(['now', 'now+0', 'a@10', 'b@10', 'c@30']);
    expect(sim.now()).toBe(30);
  });

  it('keeps insertion order for ties across many events (a stable heap)', () => {
    const sim = new Simulator();
    const seen: number[] = [];
    for (let i = 0; i < 1000; i++) sim.at((i % 7) * MILLISECOND, () => seen.push(i));
    sim.run();
    const expected = [...Array(1000).keys()].sort((a, b) => (a % 7) - (b % 7) || a - b);
    expect(seen).toEqual(expected);
  });

  it('cancels pending events', () => {
    const sim = new Simulator();
    let fired = false;
    const id = sim.schedule(5, () => (fired = true));
    expect(sim.cancel(id)).toBe(true);
    expect(sim.cancel(id)).toBe(false);
    sim.run();
    expect(fired).toBe(false);
  });

  it('stops at `until`, leaving later events pending and the clock at `until`', () => {
    const sim = new Simulator();
    const fired: number[] = [];
    sim.at(1 * SECOND, () => fired.push(1));
    sim.at(3 * SECOND, () => fired.push(3));
    sim.run({ until: 2 * SECOND });
    expect(fired).toEqual([1]);
    expect(sim.now()).toBe(2 * SECOND);
    expect(sim.pending).toBe(1);
    sim.run();
    expect(fired).toEqual([1, 3]);
  });

  it('refuses to schedule in the past or with a negative delay', () => {
    const sim = new Simulator();
    sim.run({ until: 100 });
    expect(() => sim.at(50, () => undefined)).toThrow(RangeError);
    expect(() => sim.schedule(-1, () => undefined)).toThrow(RangeError);
    expect(() => sim.schedule(Number.NaN, () => undefined)).toThrow(RangeError);
  });

  it('stops a runaway model after maxEvents', () => {
    const sim = new Simulator();
    const tick = () => sim.schedule(1, tick);
    tick();
    sim.run({ maxEvents: 500 });
    expect(sim.eventsProcessed).toBe(500);
  });

  it('runs generator processes that sleep and wait for signals', () => {
    const sim = new Simulator();
    const ready = new Signal<string>();
    const log: string[] = [];
    function* worker(): Process {
      log.push(`worker waits at ${sim.now()}`);
      const value = yield ready;
      log.push(`worker got ${String(value)} at ${sim.now()}`);
      yield 5;
      log.push(`worker done at ${sim.now()}`);
    }
    function* producer(): Process {
      yield 10;
      ready.fire('job');
      log.push(`producer fired at ${sim.now()}`);
    }
    sim.spawn(worker());
    sim.spawn(producer());
    sim.run();
    expect(log).toEqual(['worker waits at 0', 'worker got job at 10', 'producer fired at 10', 'worker done at 15']);
  });

  it('emits trace events stamped with virtual time in milliseconds', () => {
    const sim = new Simulator();
    sim.schedule(1_500_000, () => sim.emit('call', { ok: true }));
    sim.run();
    expect(sim.trace).toEqual([{ t: 1.5, kind: 'call', ok: true }]);
    expect(() => sim.emit('fault', { kind: 'outage' })).toThrow(/reserved/);
    expect(() => sim.emit('fault', { t: -1 })).toThrow(/reserved/);
  });

  it('is deterministic: the same seed gives the same trace, another seed another', () => {
    const traceFor = (seed: number) => {
      const sim = new Simulator(seed);
      function* client(id: number): Process {
        for (let i = 0; i < 50; i++) {
          yield Math.round(sim.random.exponential(10 * MILLISECOND));
          sim.emit('request', { client: id, ok: sim.random.chance(0.9) });
        }
      }
      for (let c = 0; c < 5; c++) sim.spawn(client(c));
      sim.run();
      return JSON.stringify(sim.trace);
    };
    expect(traceFor(42)).toBe(traceFor(42));
    expect(traceFor(42)).not.toBe(traceFor(43));
  });
});

describe('Random', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('gives floats in [0, 1) with the mean and spread of a uniform distribution', () => {
    const r = new Random(2026);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    const buckets = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outOfRange++;
      sum += x;
      sumSq += x * x;
      buckets[Math.floor(x * 10)]!++;
    }
    expect(outOfRange).toBe(0);
    const mean = sum / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sumSq / n - mean * mean).toBeCloseTo(1 / 12, 2);
    // Chi-squared with 9 degrees of freedom: 27.9 is the 0.999 quantile.
    const chi2 = buckets.reduce((s, count) => s + (count - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it('draws exponential values with the requested mean and integers within range', () => {
    const r = new Random(99);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += r.exponential(20);
    expect(sum / 50_000).toBeGreaterThan(19);
    expect(sum / 50_000).toBeLessThan(21);
    for (let i = 0; i < 1000; i++) {
      const k = r.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
    }
  });

  it('forks independent but reproducible streams', () => {
    const parent1 = new Random(5);
    const parent2 = new Random(5);
    const f1 = parent1.fork();
    const f2 = parent2.fork();
    expect(f1.nextUint32()).toBe(f2.nextUint32());
    expect(parent1.nextUint32()).not.toBe(f1.nextUint32());
  });
});
