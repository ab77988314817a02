/**
 * Rate limiter scenarios: every algorithm of models/rate (token bucket as x/time/rate, leaky bucket,
 * fixed window, sliding log, sliding window counter, Sentinel's LeapArray) decides on the same load,
 * side by side.
 *
 * Trace events:
 * - `decision` {algorithm, n, allowed, used, delayMs}: one per request per algorithm, in time order;
 * - `burst` {size}: a burst of requests starts (from the load profile), for the timeline.
 * Summary: per algorithm, admitted and rejected requests and the most admitted in any window of
 * one second (`peakPerSecond`), the number a limiter promises to bound.
 */
import { Random } from '../random.ts';
import { MILLISECOND, SECOND, nanosToMs, type Nanos } from '../time.ts';
import { createComparisonMeters, runSideBySide, type Arrival } from '../models/rate/comparison.ts';
import type { TraceEvent } from '../kernel.ts';
import { defineScenario, num, type Fault, type Scenario, type ScenarioResult } from './types.ts';

interface Load {
  /** Poisson background traffic. */
  steadyPerSecond: number;
  /** Bursts: `size` requests within `spreadMs` starting at `atMs` (faults of kind 'burst'). */
  bursts: { atMs: number; size: number; spreadMs: number }[];
  durationMs: number;
}

function arrivals(load: Load, seed: number): Arrival[] {
  const random = new Random(seed);
  const out: Arrival[] = [];
  if (load.steadyPerSecond > 0) {
    const meanGap = SECOND / load.steadyPerSecond;
    for (let t = random.exponential(meanGap); t < load.durationMs * MILLISECOND; t += random.exponential(meanGap)) {
      out.push({ t: Math.round(t), n: 1 });
    }
  }
  for (const burst of load.bursts) {
    for (let i = 0; i < burst.size; i++) {
      const offset = burst.size > 1 ? (burst.spreadMs * i) / (burst.size - 1) : 0;
      out.push({ t: Math.round((burst.atMs + offset) * MILLISECOND), n: 1 });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

function burstsFrom(faults: Fault[]): Load['bursts'] {
  return faults
    .filter((f) => f.kind === 'burst')
    .map((f) => ({ atMs: f.atMs, size: Number(f.size ?? 20), spreadMs: Number(f.spreadMs ?? 0) }));
}

/** The most events admitted in any window of length `window` (two pointers over admitted times). */
export function peakInWindow(times: readonly Nanos[], window: Nanos): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= window) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

function runLoad(load: Load, ratePerSecond: number, burst: number, seed: number): ScenarioResult {
  const requests = arrivals(load, seed);
  const meters = createComparisonMeters({ ratePerSecond, burst });
  const decisions = runSideBySide(meters, requests);
  const trace: TraceEvent[] = [];
  for (const b of load.bursts) trace.push({ t: b.atMs, kind: 'burst', size: b.size });
  const summary: Record<string, Record<string, number>> = {};
  for (const meter of meters) {
    const admittedTimes: Nanos[] = [];
    let rejected = 0;
    decisions.get(meter.kind)!.forEach((d, i) => {
      const arrival = requests[i]!;
      if (d.allowed) admittedTimes.push(arrival.t + d.delay);
      else rejected++;
      trace.push({ t: nanosToMs(arrival.t), kind: 'decision', algorithm: meter.kind, n: arrival.n, allowed: d.allowed, used: d.used, delayMs: nanosToMs(d.delay) });
    });
    admittedTimes.sort((a, b) => a - b);
    summary[meter.kind] = { admitted: admittedTimes.length, rejected, peakPerSecond: peakInWindow(admittedTimes, SECOND) };
  }
  // Stable sort: same-time events keep algorithm order, so the trace is deterministic.
  trace.sort((a, b) => a.t - b.t);
  return { trace, summary: { requests: requests.length, algorithms: summary } };
}

const rateParam = { kind: 'number', label: { zh: '速率(每秒)', en: 'Rate (per second)' }, default: 10, min: 1, max: 200, step: 1, unit: '/s' } as const;
const burstParam = { kind: 'number', label: { zh: '突发(桶容量)', en: 'Burst (bucket size)' }, default: 10, min: 1, max: 200, step: 1 } as const;

export const LIMITER_SCENARIOS: Scenario[] = [
  defineScenario({
    id: 'limiter-burst',
    model: 'limiter',
    title: { zh: '突发流量:令牌桶与各种窗口', en: 'A burst against a token bucket and the window counters' },
    story: {
      zh: '平稳的 5 个/秒背景流量上,第 3 秒突然来了 40 个请求。令牌桶先用满桶的突发额度放行一批,之后按速率放行;漏桶把请求排队、匀速流出;各种窗口算法在窗口内按计数放行。对比每种算法放行了多少、任意一秒内最多放行多少。',
      en: 'Steady background traffic of 5 requests/s, then 40 requests at once at t = 3 s. The token bucket spends its full bucket at once and then admits at the rate; the leaky bucket queues and drains evenly; the window counters admit up to their count per window. Compare how many each admits, and the most each lets through in any one second.',
    },
    lesson: '/lessons/rate-limiting#token-bucket',
    durationMs: 10_000,
    seed: 1,
    params: {
      rate: rateParam,
      burst: burstParam,
      burstSize: { kind: 'number', label: { zh: '突发请求数', en: 'Burst size' }, default: 40, min: 1, max: 500, step: 1 },
      steady: { kind: 'number', label: { zh: '背景流量(每秒)', en: 'Background traffic (per second)' }, default: 5, min: 0, max: 200, step: 1, unit: '/s' },
    },
    ownFaults: (p) => [{ atMs: 3000, kind: 'burst', size: num(p, 'burstSize'), spreadMs: 0 }],
    execute: (p, seed, faults) =>
      runLoad({ steadyPerSecond: num(p, 'steady'), bursts: burstsFrom(faults), durationMs: 10_000 }, num(p, 'rate'), num(p, 'burst'), seed),
  }),
  defineScenario({
    id: 'limiter-window-boundary',
    model: 'limiter',
    title: { zh: '固定窗口的边界问题', en: 'The fixed window boundary problem' },
    story: {
      zh: '两波请求分别落在第 1 秒窗口的最后 50 毫秒和第 2 秒窗口的最初 50 毫秒。固定窗口在两个窗口里各放行满额,于是 100 毫秒内放行了两倍的限额;滑动日志和滑动窗口计数器看的是“最近一秒”,不会被边界骗过。',
      en: 'Two waves of requests land in the last 50 ms of one window and the first 50 ms of the next. The fixed window admits its full count in each, so twice the limit gets through within 100 ms; the sliding log and the sliding window counter look at "the last second" and are not fooled by the boundary.',
    },
    lesson: '/lessons/rate-limiting#fixed-window',
    durationMs: 3000,
    seed: 2,
    params: {
      rate: rateParam,
      burst: burstParam,
      waveSize: { kind: 'number', label: { zh: '每波请求数', en: 'Requests per wave' }, default: 20, min: 1, max: 400, step: 1 },
    },
    ownFaults: (p) => [
      { atMs: 950, kind: 'burst', size: num(p, 'waveSize'), spreadMs: 49 },
      { atMs: 1000, kind: 'burst', size: num(p, 'waveSize'), spreadMs: 49 },
    ],
    execute: (p, seed, faults) => runLoad({ steadyPerSecond: 0, bursts: burstsFrom(faults), durationMs: 3000 }, num(p, 'rate'), num(p, 'burst'), seed),
  }),
  defineScenario({
    id: 'limiter-overload',
    model: 'limiter',
    title: { zh: '持续过载:令牌桶削峰,漏桶排队', en: 'Sustained overload: the token bucket sheds, the leaky bucket queues' },
    story: {
      zh: '请求以两倍于限额的速率持续到来。所有算法的长期放行速率都收敛到限额;区别在于怎么拒绝:令牌桶和窗口算法直接拒绝多出来的请求,漏桶把能排下的请求排队,代价是排队延迟。',
      en: 'Requests arrive at twice the limit for the whole run. Every algorithm converges on the same long-run admitted rate; they differ in how they say no. The token bucket and the window counters reject the excess at once; the leaky bucket queues what fits, and the price is queueing delay.',
    },
    lesson: '/lessons/rate-limiting#leaky-bucket',
    durationMs: 10_000,
    seed: 3,
    params: {
      rate: rateParam,
      burst: burstParam,
      overload: { kind: 'number', label: { zh: '负载倍数', en: 'Load (× rate)' }, default: 2, min: 1, max: 10, step: 0.5, unit: '×' },
    },
    ownFaults: () => [],
    execute: (p, seed, faults) =>
      runLoad({ steadyPerSecond: num(p, 'rate') * num(p, 'overload'), bursts: burstsFrom(faults), durationMs: 10_000 }, num(p, 'rate'), num(p, 'burst'), seed),
  }),
];
