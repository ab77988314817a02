/**
 * Circuit breaker scenarios: a client calls a dependency through sony/gobreaker (v2, two-step API,
 * models/breaker/gobreaker.ts) in virtual time; outages are faults on the dependency.
 *
 * Trace events:
 * - `call` {outcome: 'success' | 'failure' | 'rejected', reason?, latencyMs?, state}: one per call,
 *   at the moment it ends (rejections end at once);
 * - `state` {from, to}: every breaker state change;
 * - `sample` {inFlight, state}: every 100 ms, for charts of caller resources;
 * - `fault` {fault: 'outage' | 'recovered', ...}: an outage starts or ends.
 * Summary: calls, how many reached the dependency, rejections, failures, peak calls in flight,
 * calls still in flight at the end, state changes, and the time from the end of the outage to the
 * breaker closing again.
 */
import { Simulator } from '../kernel.ts';
import { MILLISECOND, nanosToMs, msToNanos } from '../time.ts';
import { TwoStepCircuitBreaker, stateString, type Counts } from '../models/breaker/gobreaker.ts';
import { defineScenario, num, str, type Fault, type Scenario, type ScenarioResult } from './types.ts';

interface Outage {
  atMs: number;
  durationMs: number;
  /** Share of calls that fail during the outage. */
  errorRate: number;
  /** Median latency during the outage (a slow dependency), in ms. */
  latencyMs: number;
}

interface BreakerRun {
  seed: number;
  durationMs: number;
  callsPerSecond: number;
  healthyLatencyMs: number;
  callerTimeoutMs: number;
  useBreaker: boolean;
  maxRequests: number;
  timeoutMs: number;
  intervalMs: number;
  readyToTrip: (c: Counts) => boolean;
  outages: Outage[];
}

/** Outage faults with usable numbers; a malformed one (negative time, NaN) is skipped, not fatal. */
function outagesFrom(faults: Fault[]): Outage[] {
  return faults
    .filter((f) => f.kind === 'outage')
    .map((f) => ({
      atMs: f.atMs,
      durationMs: Number(f.durationMs ?? 5000),
      errorRate: Number(f.errorRate ?? 1),
      latencyMs: Number(f.latencyMs ?? 5),
    }))
    .filter((o) => o.atMs >= 0 && [o.atMs, o.durationMs, o.errorRate, o.latencyMs].every(Number.isFinite) && o.durationMs > 0);
}

function run(cfg: BreakerRun): ScenarioResult {
  const sim = new Simulator(cfg.seed);
  const end = msToNanos(cfg.durationMs);
  const breaker = new TwoStepCircuitBreaker<2>(
    {
      name: 'dependency',
      maxRequests: cfg.maxRequests,
      timeout: msToNanos(cfg.timeoutMs),
      interval: msToNanos(cfg.intervalMs),
      readyToTrip: cfg.readyToTrip,
      onStateChange: (_name, from, to) => sim.emit('state', { from: stateString(from), to: stateString(to) }),
    },
    { clock: sim, version: 2 },
  );
  const stats = { calls: 0, reached: 0, rejected: 0, failures: 0, successes: 0, peakInFlight: 0, stateChanges: 0 };
  let inFlight = 0;

  const outageAt = (tMs: number) => cfg.outages.find((o) => tMs >= o.atMs && tMs < o.atMs + o.durationMs);
  for (const o of cfg.outages) {
    sim.at(msToNanos(o.atMs), () => sim.emit('fault', { fault: 'outage', errorRate: o.errorRate, latencyMs: o.latencyMs }));
    sim.at(msToNanos(o.atMs + o.durationMs), () => sim.emit('fault', { fault: 'recovered' }));
  }

  const state = () => (cfg.useBreaker ? stateString(breaker.state()) : 'none');

  const call = () => {
    stats.calls++;
    let done: ((err: Error | null) => void) | null = null;
    if (cfg.useBreaker) {
      const allowance = breaker.allow();
      if (allowance.error) {
        stats.rejected++;
        sim.emit('call', { outcome: 'rejected', reason: allowance.error.message === 'too many requests' ? 'too_many_requests' : 'open', state: state() });
        return;
      }
      done = allowance.done;
    }
    stats.reached++;
    inFlight++;
    stats.peakInFlight = Math.max(stats.peakInFlight, inFlight);
    const start = sim.now();
    const outage = outageAt(nanosToMs(start));
    const failing = outage ? sim.random.chance(outage.errorRate) : false;
    const median = outage ? outage.latencyMs : cfg.healthyLatencyMs;
    const latencyMs = sim.random.logNormal(median, 0.3);
    const timedOut = latencyMs >= cfg.callerTimeoutMs;
    const finishAfter = Math.min(latencyMs, cfg.callerTimeoutMs);
    sim.schedule(Math.round(finishAfter * MILLISECOND), () => {
      inFlight--;
      const ok = !failing && !timedOut;
      if (ok) stats.successes++;
      else stats.failures++;
      done?.(ok ? null : new Error(timedOut ? 'deadline exceeded' : 'unavailable'));
      const latency = Math.round(finishAfter * 1000) / 1000;
      if (ok) sim.emit('call', { outcome: 'success', latencyMs: latency, state: state() });
      else sim.emit('call', { outcome: 'failure', reason: timedOut ? 'timeout' : 'error', latencyMs: latency, state: state() });
    });
  };

  const arrive = () => {
    call();
    const next = Math.round(sim.random.exponential(1000 / cfg.callsPerSecond) * MILLISECOND);
    if (sim.now() + next < end) sim.schedule(next, arrive);
  };
  sim.schedule(0, arrive);
  const sample = () => {
    sim.emit('sample', { inFlight, state: state() });
    if (sim.now() + 100 * MILLISECOND <= end) sim.schedule(100 * MILLISECOND, sample);
  };
  sim.schedule(0, sample);
  sim.run({ until: end });

  const changes = sim.trace.filter((e) => e.kind === 'state');
  stats.stateChanges = changes.length;
  const lastOutageEnd = Math.max(...cfg.outages.map((o) => o.atMs + o.durationMs), -Infinity);
  const closedAgain = changes.find((e) => e.to === 'closed' && e.t >= lastOutageEnd);
  return {
    trace: sim.trace,
    summary: {
      ...stats,
      // Calls started but not finished when the run ends: counted in `calls`, with no `call` event.
      inFlightAtEnd: inFlight,
      closedAfterRecoveryMs: closedAgain && Number.isFinite(lastOutageEnd) ? Math.round(closedAgain.t - lastOutageEnd) : null,
    },
  };
}

const common = {
  rate: { kind: 'number', label: { zh: '调用速率(每秒)', en: 'Calls per second' }, default: 50, min: 1, max: 500, step: 1, unit: '/s' },
  timeoutMs: { kind: 'number', label: { zh: 'Timeout(打开持续时间)', en: 'Timeout (time spent open)' }, default: 3000, min: 100, max: 60_000, step: 100, unit: 'ms' },
  maxRequests: { kind: 'number', label: { zh: 'MaxRequests(半开试探数)', en: 'MaxRequests (half-open probes)' }, default: 1, min: 1, max: 20, step: 1 },
} as const;

export const BREAKER_SCENARIOS: Scenario[] = [
  defineScenario({
    id: 'breaker-outage',
    model: 'breaker',
    title: { zh: '依赖故障:熔断器打开,半开试探后恢复', en: 'A dependency outage trips the breaker; half-open probes recover it' },
    story: {
      zh: '第 5 秒起依赖全部报错,持续 10 秒。连续失败超过 5 次后熔断器打开,调用直接被拒绝,不再打到依赖上;每过 Timeout 进入半开,放 MaxRequests 个试探请求,失败就重新打开。依赖恢复后,第一个成功的试探让熔断器闭合。',
      en: 'From t = 5 s the dependency fails every call for 10 s. After more than 5 consecutive failures the breaker opens and calls are rejected without reaching the dependency. Every Timeout it goes half-open and lets MaxRequests probes through; a failed probe reopens it. Once the dependency is back, the first successful probe closes the breaker.',
    },
    lesson: '/lessons/circuit-breaking#gobreaker-transitions',
    durationMs: 25_000,
    seed: 11,
    params: {
      ...common,
      consecutiveFailures: { kind: 'number', label: { zh: '连续失败阈值(>)', en: 'Trip after consecutive failures (>)' }, default: 5, min: 1, max: 100, step: 1 },
      outageSeconds: { kind: 'number', label: { zh: '故障时长', en: 'Outage length' }, default: 10, min: 1, max: 20, step: 1, unit: 's' },
    },
    ownFaults: (p) => [{ atMs: 5000, kind: 'outage', durationMs: num(p, 'outageSeconds') * 1000, errorRate: 1, latencyMs: 5 }],
    execute: (p, seed, faults) => {
      const threshold = num(p, 'consecutiveFailures');
      return run({
        seed,
        durationMs: 25_000,
        callsPerSecond: num(p, 'rate'),
        healthyLatencyMs: 20,
        callerTimeoutMs: 1000,
        useBreaker: true,
        maxRequests: num(p, 'maxRequests'),
        timeoutMs: num(p, 'timeoutMs'),
        intervalMs: 0,
        readyToTrip: (c) => c.consecutiveFailures > threshold,
        outages: outagesFrom(faults),
      });
    },
  }),
  defineScenario({
    id: 'breaker-slow-dependency',
    model: 'breaker',
    title: { zh: '慢依赖:没有熔断器时调用方被拖垮', en: 'A slow dependency: without a breaker the caller drowns' },
    story: {
      zh: '依赖没有报错,只是变慢:第 5 秒起响应要 2 秒,而调用方超时是 1 秒。没有熔断器时,每个调用都占着资源等满 1 秒,同时在途的调用数一路涨到“速率 × 超时”;打开熔断器后,超时被算作失败,熔断器打开,在途调用很快回落。切换“熔断器”参数对比两条曲线。',
      en: 'The dependency does not fail, it slows down: from t = 5 s it answers in 2 s while the caller times out at 1 s. Without a breaker every call holds its resources for the full second and calls in flight climb to rate × timeout; with the breaker, timeouts count as failures, it opens, and calls in flight drop. Flip the "breaker" parameter to compare the curves.',
    },
    lesson: '/lessons/circuit-breaking#timeouts-are-not-enough',
    durationMs: 20_000,
    seed: 12,
    params: {
      ...common,
      breaker: { kind: 'choice', label: { zh: '熔断器', en: 'Breaker' }, default: 'on', options: ['on', 'off'] },
      callerTimeoutMs: { kind: 'number', label: { zh: '调用方超时', en: 'Caller timeout' }, default: 1000, min: 50, max: 5000, step: 50, unit: 'ms' },
    },
    ownFaults: () => [{ atMs: 5000, kind: 'outage', durationMs: 10_000, errorRate: 0, latencyMs: 2000 }],
    execute: (p, seed, faults) =>
      run({
        seed,
        durationMs: 20_000,
        callsPerSecond: num(p, 'rate'),
        healthyLatencyMs: 20,
        callerTimeoutMs: num(p, 'callerTimeoutMs'),
        useBreaker: str(p, 'breaker') === 'on',
        maxRequests: num(p, 'maxRequests'),
        timeoutMs: num(p, 'timeoutMs'),
        intervalMs: 0,
        readyToTrip: (c) => c.consecutiveFailures > 5,
        outages: outagesFrom(faults),
      }),
  }),
  defineScenario({
    id: 'breaker-flapping',
    model: 'breaker',
    title: { zh: '没恢复彻底的依赖:按失败率熔断,反复打开', en: 'A dependency that has not fully recovered: a ratio trip that keeps cycling' },
    story: {
      zh: '熔断条件改成“10 秒窗口内至少 20 个请求且失败率 ≥ 50%”。第 2 秒起依赖 90% 报错,第 10 秒后降到“恢复期失败率”(默认 60%)。半开时只要一个试探失败就重新打开;闭合后失败率仍高于阈值,很快又会熔断,于是熔断器在打开、半开、闭合之间反复。把恢复期失败率调到 50% 以下,它闭合后就稳定下来,尽管仍有部分调用失败。',
      en: 'The breaker now trips on "at least 20 requests in a 10 s interval and a failure ratio ≥ 50%". From t = 2 s the dependency fails 90% of calls, and after t = 10 s it falls to the "recovering error rate" (60% by default). In half-open one failed probe reopens the breaker; once closed, an error rate still above the threshold trips it again, so it keeps cycling through open, half-open and closed. Set the recovering error rate below 50% and it settles closed, although some calls still fail.',
    },
    lesson: '/lessons/circuit-breaking#gobreaker-settings',
    durationMs: 30_000,
    seed: 13,
    params: {
      ...common,
      maxRequests: { ...common.maxRequests, default: 3 },
      residualErrorRate: { kind: 'number', label: { zh: '恢复期失败率', en: 'Recovering error rate' }, default: 0.6, min: 0, max: 1, step: 0.05 },
    },
    ownFaults: (p) => [
      { atMs: 2000, kind: 'outage', durationMs: 8000, errorRate: 0.9, latencyMs: 20 },
      { atMs: 10_000, kind: 'outage', durationMs: 15_000, errorRate: num(p, 'residualErrorRate'), latencyMs: 20 },
    ],
    execute: (p, seed, faults) =>
      run({
        seed,
        durationMs: 30_000,
        callsPerSecond: num(p, 'rate'),
        healthyLatencyMs: 20,
        callerTimeoutMs: 1000,
        useBreaker: true,
        maxRequests: num(p, 'maxRequests'),
        timeoutMs: num(p, 'timeoutMs'),
        intervalMs: 10_000,
        readyToTrip: (c) => c.requests >= 20 && c.totalFailures / c.requests >= 0.5,
        outages: outagesFrom(faults),
      }),
  }),
];
