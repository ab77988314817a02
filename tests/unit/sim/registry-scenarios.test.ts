/**
 * The registry scenarios (src/lib/sim/scenarios/registry.ts): each story is checked against the
 * trace it produces, not only against the summary, so a summary that lies fails too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../src/lib/sim/kernel';
import { REGISTRY_SCENARIOS } from '../../../src/lib/sim/scenarios/registry';
import type { Scenario, ScenarioResult } from '../../../src/lib/sim/scenarios/types';

const byId = (id: string): Scenario => {
  const s = REGISTRY_SCENARIOS.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
};
const CLIENTS = ['client-1', 'client-2'];
const of = (r: ScenarioResult, kind: string, pred: (e: TraceEvent) => boolean = () => true) => r.trace.filter((e) => e.kind === kind && pred(e));
const first = (r: ScenarioResult, kind: string, pred: (e: TraceEvent) => boolean = () => true) => r.trace.find((e) => e.kind === kind && pred(e));
const calls = (r: ScenarioResult, pred: (e: TraceEvent) => boolean = () => true) => of(r, 'call', pred);
const removalAt = (r: ScenarioResult, client: string, instance: string, after: number) =>
  first(r, 'watch', (e) => e.client === client && e.action === 'delete' && e.instance === instance && e.t >= after)?.t;

/** Heading ids of a lesson (`## Title {#id}`), or undefined when the lesson is not written yet. */
function lessonHeadings(lessonId: string): Set<string> | undefined {
  const path = `content/lessons/${lessonId}/en.md`;
  if (!existsSync(path)) return undefined;
  return new Set([...readFileSync(path, 'utf8').matchAll(/^#{2,3} .*\{#([\w-]+)\}\s*$/gm)].map((m) => m[1]!));
}

describe('registry scenarios: shape', () => {
  it('there are at least three, with unique ids, bilingual titles and stories', () => {
    expect(REGISTRY_SCENARIOS.length).toBeGreaterThanOrEqual(3);
    expect(new Set(REGISTRY_SCENARIOS.map((s) => s.id)).size).toBe(REGISTRY_SCENARIOS.length);
    for (const s of REGISTRY_SCENARIOS) {
      expect(s.model).toBe('registry');
      for (const text of [s.title, s.story]) {
        expect(text.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(text.en).not.toMatch(/[\u4e00-\u9fff]/);
        expect(text.en.length).toBeGreaterThan(10);
      }
    }
  });

  it.each(REGISTRY_SCENARIOS.map((s) => [s.id, s] as const))('%s links to a heading that exists in its lesson', (_id, s) => {
    const m = /^\/lessons\/([\w-]+)(?:#([\w-]+))?$/.exec(s.lesson);
    expect(m).not.toBeNull();
    const headings = lessonHeadings(m![1]!);
    expect(headings, `lesson ${m![1]} should exist`).toBeDefined();
    if (m![2]) expect([...headings!]).toContain(m![2]);
  });

  it.each(REGISTRY_SCENARIOS.map((s) => [s.id, s] as const))('%s has sane parameter specs and default faults', (_id, s) => {
    for (const spec of Object.values(s.params)) {
      if (spec.kind === 'number') {
        expect(spec.min).toBeLessThanOrEqual(spec.default);
        expect(spec.default).toBeLessThanOrEqual(spec.max);
      } else {
        expect(spec.options).toContain(spec.default);
      }
      expect(spec.label.zh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(s.faults.length).toBeGreaterThan(0);
    for (const f of s.faults) expect(f.atMs).toBeLessThanOrEqual(s.durationMs);
  });
});

describe('registry scenarios: determinism and ordering', () => {
  it.each(REGISTRY_SCENARIOS.map((s) => [s.id, s] as const))('%s: same seed, same trace; another seed, another trace; time-ordered', (_id, s) => {
    const a = s.run();
    expect(JSON.stringify(s.run())).toBe(JSON.stringify(a));
    expect(JSON.stringify(s.run({}, { seed: s.seed }))).toBe(JSON.stringify(a));
    // Arrivals, keys and watch latency are random.
    expect(JSON.stringify(s.run({}, { seed: s.seed + 1000 }).trace)).not.toBe(JSON.stringify(a.trace));
    const times = a.trace.map((e) => e.t);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(a.trace.every((e) => e.t >= 0 && e.t <= s.durationMs)).toBe(true);
  });
});

describe('registry-crash-lease-expiry', () => {
  const scenario = byId('registry-crash-lease-expiry');

  it('its own fault is the crash of inst-2 at the default time', () => {
    expect(scenario.faults).toEqual([{ atMs: 10_000, kind: 'crash', instance: 'inst-2' }]);
  });

  const cases: [string, number, number, number][] = [];
  for (const balancer of ['round-robin', 'random', 'weighted', 'consistent-hash']) cases.push([balancer, 10, 0.33, 10]);
  cases.push(['round-robin', 2, 0.33, 5], ['random', 30, 0.5, 25], ['weighted', 7, 0.9, 3], ['consistent-hash', 15, 0.1, 12]);

  it.each(cases)('%s, TTL %i s, keepalive × %f, crash at %i s: removed at lease expiry, then never called again', (balancer, ttlS, fraction, crashAtS) => {
    const r = scenario.run({ balancer, ttlS, keepAliveFraction: fraction, crashAtS });
    const crashAt = crashAtS * 1000;
    expect(first(r, 'crash')).toMatchObject({ t: crashAt, instance: 'inst-2' });
    expect(of(r, 'registered').map((e) => e.ttlS)).toEqual([ttlS, ttlS, ttlS]);

    // The lease expires exactly one TTL after the last renewal before the crash: not earlier, not later.
    const renewals = r.trace.filter((e) => (e.kind === 'heartbeat' || e.kind === 'registered') && e.instance === 'inst-2');
    expect(renewals.every((e) => e.t <= crashAt)).toBe(true);
    const lastRenewal = renewals.at(-1)!.t;
    expect(crashAt - lastRenewal).toBeLessThanOrEqual(fraction * ttlS * 1000 + 1e-3);
    const expired = first(r, 'lease-expired', (e) => e.instance === 'inst-2')!;
    expect(expired).toBeDefined();
    expect(expired.t).toBeCloseTo(lastRenewal + ttlS * 1000, 6);
    expect(expired.t).toBeGreaterThanOrEqual(crashAt);
    // Healthy instances renew in time and never lose their lease.
    expect(of(r, 'lease-expired', (e) => e.instance !== 'inst-2')).toEqual([]);
    expect(of(r, 'heartbeat', (e) => e.instance === 'inst-1' && e.t > expired.t).length).toBeGreaterThan(0);

    for (const client of CLIENTS) {
      const removed = removalAt(r, client, 'inst-2', crashAt);
      expect(removed, client).toBeDefined();
      expect(removed!).toBeGreaterThanOrEqual(expired.t);
      expect(removed! - expired.t).toBeLessThan(50); // watch latency only
      // Not a single call to inst-2 once this client's cache dropped it.
      expect(calls(r, (e) => e.client === client && e.instance === 'inst-2' && e.t >= removed!)).toEqual([]);
      // Before the crash it answered; between crash and removal it refused.
      expect(calls(r, (e) => e.client === client && e.instance === 'inst-2' && e.t < crashAt).every((e) => e.ok === true)).toBe(true);
      expect(calls(r, (e) => e.client === client && e.instance === 'inst-2' && e.t >= crashAt).every((e) => e.ok === false)).toBe(true);
    }
    // Every failed call went to inst-2 inside the gap; with the balancers spreading load, some did.
    const failed = calls(r, (e) => e.ok === false);
    expect(failed.every((e) => e.instance === 'inst-2' && e.t >= crashAt && e.t < expired.t + 50)).toBe(true);
    expect(failed.length).toBeGreaterThan(0);

    const s = r.summary;
    expect(s.grantedTtlS).toBe(ttlS);
    expect(s.crashAtMs).toBe(crashAt);
    expect(s.leaseExpiredAtMs).toBe(expired.t);
    expect(s.failedCallsInGap).toBe(failed.length);
    expect(s.crashToRemovalMs as number).toBeGreaterThanOrEqual(ttlS * 1000 * (1 - fraction) - 1);
    expect(s.crashToRemovalMs as number).toBeLessThan(ttlS * 1000 + 50);
    const perInstance = s.callsPerInstance as Record<string, number>;
    expect(Object.values(perInstance).reduce((a, b) => a + b, 0)).toBe(calls(r).length);
    expect(perInstance['inst-2']).toBe(calls(r, (e) => e.instance === 'inst-2').length);
  });

  it('a longer TTL means a longer gap and more failed calls', () => {
    const short = scenario.run({ ttlS: 3 });
    const long = scenario.run({ ttlS: 30 });
    expect(long.summary.crashToRemovalMs as number).toBeGreaterThan((short.summary.crashToRemovalMs as number) + 15_000);
    expect(long.summary.failedCallsInGap as number).toBeGreaterThan((short.summary.failedCallsInGap as number) * 3);
  });

  it('shows heartbeats every keepalive interval', () => {
    const r = scenario.run({ ttlS: 9, keepAliveFraction: 1 / 3 });
    const beats = of(r, 'heartbeat', (e) => e.instance === 'inst-1').map((e) => e.t);
    expect(beats.length).toBeGreaterThan(10);
    const gaps = beats.slice(1).map((t, i) => t - beats[i]!);
    for (const g of gaps) expect(g).toBeCloseTo(3000, 3);
  });

  it('a keepalive interval equal to the TTL loses the lease of healthy instances: they flap', () => {
    const r = scenario.run({ ttlS: 5, keepAliveFraction: 1 });
    expect(of(r, 'lease-expired', (e) => e.instance === 'inst-1').length).toBeGreaterThan(3);
    expect(of(r, 'registered', (e) => e.instance === 'inst-1').length).toBeGreaterThan(3);
    const steady = scenario.run({ ttlS: 5, keepAliveFraction: 0.9 });
    expect(of(steady, 'lease-expired', (e) => e.instance === 'inst-1')).toEqual([]);
  });

  it('the weighted balancer follows the weights 3:2:1 before the crash', () => {
    const r = scenario.run({ balancer: 'weighted', crashAtS: 25 });
    const before = calls(r, (e) => e.t < 25_000);
    const share = (id: string) => before.filter((e) => e.instance === id).length / before.length;
    expect(share('inst-1')).toBeCloseTo(3 / 6, 1);
    expect(share('inst-2')).toBeCloseTo(2 / 6, 1);
    expect(share('inst-3')).toBeCloseTo(1 / 6, 1);
  });

  it('clamps parameters to their ranges and falls back to defaults for unknown choices', () => {
    const low = scenario.run({ ttlS: 0.5, crashAtS: -3, keepAliveFraction: 0 });
    expect(low.summary.grantedTtlS).toBe(2);
    expect(low.summary.crashAtMs).toBe(1000);
    expect(low.summary.keepAliveIntervalMs).toBe(200); // 0.1 × 2 s
    const high = scenario.run({ ttlS: 999, crashAtS: 1e9, keepAliveFraction: 7 });
    expect(high.summary.grantedTtlS).toBe(30);
    expect(high.summary.crashAtMs).toBe(25_000);
    expect(high.summary.keepAliveIntervalMs).toBe(30_000);
    expect(JSON.stringify(scenario.run({ balancer: 'nope', ttlS: Number.NaN }))).toBe(JSON.stringify(scenario.run()));
  });

  it('takes faults from the caller on top of its own, and reports the ones it cannot apply', () => {
    const r = scenario.run({}, {
      faults: [
        { atMs: 5000, kind: 'crash', instance: 'inst-3' },
        { atMs: 6000, kind: 'crash', instance: 'inst-9' },
        { atMs: 7000, kind: 'meteor' },
      ],
    });
    expect(of(r, 'crash').map((e) => [e.t, e.instance])).toEqual([
      [5000, 'inst-3'],
      [10_000, 'inst-2'],
    ]);
    expect(of(r, 'fault-ignored').map((e) => e.t)).toEqual([6000, 7000]);
    expect(first(r, 'lease-expired', (e) => e.instance === 'inst-3')).toBeDefined();
    for (const client of CLIENTS) {
      const removed = removalAt(r, client, 'inst-3', 5000)!;
      expect(calls(r, (e) => e.client === client && e.instance === 'inst-3' && e.t >= removed)).toEqual([]);
    }
  });
});

describe('registry-partition-cache', () => {
  const scenario = byId('registry-partition-cache');

  it.each([
    [10, 10, 25, 15],
    [5, 20, 30, 22],
    [3, 2, 40, 30],
  ])('TTL %i s, partition from %i s for %i s, crash at %i s: clients serve from cache and keep calling the dead instance until it heals', (ttlS, fromS, forS, crashS) => {
    const r = scenario.run({ ttlS, partitionAtS: fromS, partitionS: forS, crashAtS: crashS });
    const from = fromS * 1000;
    const to = from + forS * 1000;
    expect(first(r, 'partition')!.t).toBe(from);
    expect(first(r, 'heal')!.t).toBe(to);
    // Cut off from etcd, the clients hear nothing, but their cache never empties.
    expect(of(r, 'watch', (e) => e.t >= from && e.t < to)).toEqual([]);
    expect(of(r, 'no-instance')).toEqual([]);
    const during = calls(r, (e) => e.t >= from && e.t < to);
    expect(during.length).toBeGreaterThan(forS * 10); // two clients at 10/s
    expect(during.filter((e) => e.instance !== 'inst-2').every((e) => e.ok === true)).toBe(true);
    // The instances still reach etcd and keep renewing.
    expect(of(r, 'heartbeat', (e) => e.instance === 'inst-1' && e.t >= from && e.t < to).length).toBeGreaterThan(0);
    expect(of(r, 'lease-expired', (e) => e.instance !== 'inst-2')).toEqual([]);

    const expired = first(r, 'lease-expired', (e) => e.instance === 'inst-2')!;
    expect(expired.t).toBeGreaterThan(crashS * 1000);
    expect(expired.t).toBeLessThan(to); // etcd dropped it during the partition...
    for (const client of CLIENTS) {
      const removed = removalAt(r, client, 'inst-2', crashS * 1000)!;
      expect(removed).toBeGreaterThanOrEqual(to); // ...but the clients learn only when it heals
      expect(removed - to).toBeLessThan(50);
      expect(calls(r, (e) => e.client === client && e.instance === 'inst-2' && e.t > expired.t && e.t < to).length).toBeGreaterThan(0);
      expect(calls(r, (e) => e.client === client && e.instance === 'inst-2' && e.t >= removed)).toEqual([]);
    }
    expect(r.summary.noInstanceDuringPartition).toBe(0);
    expect(r.summary.failedCallsToCrashed).toBe(calls(r, (e) => e.ok === false).length);
    expect(r.summary.crashToRemovalMs as number).toBeGreaterThanOrEqual(to - crashS * 1000);
  });

  it('without a partition the same crash is noticed one TTL later, not at the heal', () => {
    const partitioned = scenario.run({ ttlS: 5 });
    const healed = scenario.run({ ttlS: 5 }, { faults: [{ atMs: 10_001, kind: 'heal' }] });
    expect(healed.summary.crashToRemovalMs as number).toBeLessThan(5050);
    expect(partitioned.summary.crashToRemovalMs as number).toBeGreaterThan(19_000);
    expect(healed.summary.failedCallsToCrashed as number).toBeLessThan(partitioned.summary.failedCallsToCrashed as number);
  });

  it('a partition between one instance and etcd removes that healthy instance after its TTL (the price of CP)', () => {
    const r = scenario.run({ ttlS: 5, crashAtS: 50 }, { faults: [{ atMs: 2000, kind: 'partition', instances: ['inst-3'], durationMs: 20_000 }] });
    expect(of(r, 'heartbeat-failed', (e) => e.instance === 'inst-3').length).toBeGreaterThan(0);
    const expired = first(r, 'lease-expired', (e) => e.instance === 'inst-3')!;
    expect(expired.t).toBeLessThan(2000 + 5000 + 1);
    // It registers again with a new lease once it reaches etcd again.
    expect(of(r, 'registered', (e) => e.instance === 'inst-3' && e.t >= 22_000).length).toBe(1);
  });
});

describe('registry-graceful-vs-crash', () => {
  const scenario = byId('registry-graceful-vs-crash');

  it.each([
    ['revoke', 10, 1000],
    ['delete', 10, 500],
    ['revoke', 25, 2000],
  ])('deregistering by %s removes inst-2 at once with no failed call; the crashed inst-3 waits for its lease (TTL %i s, drain %i ms)', (how, ttlS, drainMs) => {
    const r = scenario.run({ how, ttlS, drainMs });
    const stopAt = 10_000;
    expect(first(r, 'deregistered', (e) => e.instance === 'inst-2')).toMatchObject({ t: stopAt, cause: how });
    expect(first(r, 'exit', (e) => e.instance === 'inst-2')!.t).toBe(stopAt + drainMs);
    for (const client of CLIENTS) {
      const gone = removalAt(r, client, 'inst-2', stopAt)!;
      expect(gone - stopAt).toBeLessThan(50);
      expect(calls(r, (e) => e.client === client && e.instance === 'inst-2' && e.t >= gone)).toEqual([]);
    }
    expect(calls(r, (e) => e.instance === 'inst-2' && e.ok === false)).toEqual([]);
    expect(of(r, 'lease-expired', (e) => e.instance === 'inst-2')).toEqual([]);

    const expired = first(r, 'lease-expired', (e) => e.instance === 'inst-3')!;
    expect(expired.t).toBeGreaterThanOrEqual(stopAt + (ttlS * 1000 * 2) / 3 - 1);
    expect(r.summary.gracefulFailedCalls).toBe(0);
    expect(r.summary.gracefulRemovalMs as number).toBeLessThan(50);
    expect(r.summary.crashRemovalMs as number).toBeGreaterThan((ttlS * 1000 * 2) / 3 - 1);
    expect(r.summary.crashFailedCalls as number).toBeGreaterThan(0);
    expect(r.summary.crashFailedCalls).toBe(calls(r, (e) => e.instance === 'inst-3' && e.ok === false).length);
  });

  it('with a drain of 0 the instance exits as it deregisters', () => {
    const r = scenario.run({ drainMs: 0 });
    expect(first(r, 'exit')!.t).toBe(10_000);
  });
});

describe('registry-join-rebalance', () => {
  const scenario = byId('registry-join-rebalance');

  it('the newcomer registers at the join time and every client starts calling it after its watch says so', () => {
    const r = scenario.run({ joinAtS: 8 });
    expect(first(r, 'join')).toMatchObject({ t: 8000, instance: 'inst-4' });
    for (const client of CLIENTS) {
      const seen = first(r, 'watch', (e) => e.client === client && e.action === 'create' && e.instance === 'inst-4')!;
      expect(seen.t).toBeGreaterThan(8000);
      expect(calls(r, (e) => e.client === client && e.instance === 'inst-4' && e.t < seen.t)).toEqual([]);
      expect(calls(r, (e) => e.client === client && e.instance === 'inst-4').length).toBeGreaterThan(0);
    }
  });

  it.each([11, 12, 13])('consistent hashing moves about 1/(N+1) of the users, all to the newcomer; modulo hashing moves most (seed %i)', (seed) => {
    const ring = scenario.run({ balancer: 'consistent-hash' }, { seed });
    const modulo = scenario.run({ balancer: 'modulo-hash' }, { seed });
    expect(ring.summary.usersCompared as number).toBeGreaterThan(150);
    expect(ring.summary.usersMovedPct as number).toBeGreaterThan(10);
    expect(ring.summary.usersMovedPct as number).toBeLessThan(40);
    expect(ring.summary.usersMovedToNewcomerPct).toBe(ring.summary.usersMovedPct);
    expect(modulo.summary.usersMovedPct as number).toBeGreaterThan(55);
  });

  it('a hashed user keeps its instance while membership is unchanged', () => {
    const r = scenario.run({ balancer: 'consistent-hash' });
    const owner = new Map<string, string>();
    for (const e of calls(r, (c) => c.t < 10_000)) {
      const key = String(e.key);
      if (owner.has(key)) expect(e.instance).toBe(owner.get(key));
      owner.set(key, String(e.instance));
    }
  });

  it('smooth weighted round robin gives the newcomer its weighted share at once', () => {
    const r = scenario.run({ balancer: 'weighted', newWeight: 3 });
    const before = r.summary.sharesBeforePct as Record<string, number>;
    const after = r.summary.sharesAfterPct as Record<string, number>;
    for (const id of ['inst-1', 'inst-2', 'inst-3']) expect(before[id]).toBeCloseTo(33.3, -1);
    expect(after['inst-4']).toBeGreaterThan(45);
    expect(after['inst-4']).toBeLessThan(55);
    // No key affinity: most users land somewhere else.
    expect(r.summary.usersMovedPct as number).toBeGreaterThan(50);
  });

  it('clamps the virtual nodes and the weight', () => {
    expect(JSON.stringify(scenario.run({ virtualNodes: 10_000, newWeight: 0 }))).toBe(JSON.stringify(scenario.run({ virtualNodes: 320, newWeight: 1 })));
  });
});

describe('restarting a crashed instance', () => {
  const scenario = byId('registry-crash-lease-expiry');

  it('registers again with a new lease, reaches every client through the watch, and takes calls again', () => {
    const r = scenario.run({}, { faults: [{ atMs: 25_000, kind: 'restart', instance: 'inst-2' }] });
    const registered = r.trace.filter((e) => e.kind === 'registered' && e.instance === 'inst-2');
    expect(registered.map((e) => e.t)).toEqual([100, 25_000]);
    expect(registered[1]!.lease).not.toBe(registered[0]!.lease);
    for (const client of CLIENTS) {
      const back = first(r, 'view', (e) => e.client === client && e.t >= 25_000 && Array.isArray(e.instances) && e.instances.includes('inst-2'))!;
      expect(back).toBeDefined();
      expect(calls(r, (e) => e.client === client && e.instance === 'inst-2' && e.t > back.t && e.ok === true).length).toBeGreaterThan(0);
    }
  });

  it('refuses to restart an instance that is running', () => {
    const r = scenario.run({}, { faults: [{ atMs: 5000, kind: 'restart', instance: 'inst-1' }] });
    expect(first(r, 'fault-ignored')).toMatchObject({ t: 5000, fault: 'restart', reason: 'instance "inst-1" is not stopped' });
  });
});

