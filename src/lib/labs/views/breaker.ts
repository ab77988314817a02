/** The circuit-breaker lab: gobreaker's state machine, outcomes and latency, outages to inject. */
import type { TraceEvent } from '../../sim/kernel.ts';
import { countPerBin, quantilePerBin, stateSpans } from '../trace.ts';
import { binFor, fmtMs, pick, type Band, type LabView } from '../types.ts';

const NODE: Record<string, string> = { closed: 'closed', open: 'open', 'half-open': 'half_open' };
const TONE: Record<string, Band['tone']> = { closed: 'ok', open: 'bad', 'half-open': 'warn' };

function stateAt(trace: readonly TraceEvent[], count: number): string {
  for (let i = count - 1; i >= 0; i--) {
    const e = trace[i]!;
    if (e.kind === 'state') return String(e.to);
  }
  return 'closed';
}

export const breakerView: LabView = {
  charts(trace, durationMs, lang) {
    const binMs = binFor(durationMs);
    const perSecond = 1000 / binMs;
    const outcome = (o: string) => countPerBin(trace, durationMs, binMs, (e) => e.kind === 'call' && e.outcome === o).map((n) => n * perSecond);
    const bands = stateSpans(trace, durationMs, 'closed', (e) => (e.kind === 'state' ? String(e.to) : undefined)).map((s) => ({
      from: s.from,
      to: s.to,
      label: s.state,
      tone: TONE[s.state] ?? 'warn',
    }));
    const latency = (q: number) => quantilePerBin(trace, durationMs, binMs, (e) => (e.kind === 'call' && typeof e.latencyMs === 'number' ? e.latencyMs : undefined), q);
    return [
      {
        id: 'outcomes',
        title: pick(lang, '调用结果(每秒)与熔断器状态', 'Call outcomes per second, over the breaker state'),
        unit: '/s',
        binMs,
        shape: 'line',
        bands,
        series: [
          { name: pick(lang, '成功', 'success'), colour: 1, values: outcome('success') },
          { name: pick(lang, '失败', 'failure'), colour: 2, values: outcome('failure') },
          { name: pick(lang, '被拒绝(快速失败)', 'rejected (fail fast)'), colour: 3, values: outcome('rejected') },
        ],
      },
      {
        id: 'latency',
        title: pick(lang, '延迟分位数', 'Latency percentiles'),
        unit: 'ms',
        binMs,
        shape: 'line',
        series: [
          { name: 'p50', colour: 1, values: latency(0.5) },
          { name: 'p99', colour: 4, values: latency(0.99) },
        ],
      },
    ];
  },

  diagram(_trace, params, lang) {
    const n = typeof params.consecutiveFailures === 'number' ? params.consecutiveFailures : 5;
    const probes = typeof params.maxRequests === 'number' ? params.maxRequests : 1;
    const timeout = typeof params.timeoutMs === 'number' ? fmtMs(params.timeoutMs) : '60 s';
    return [
      'stateDiagram-v2',
      '  direction LR',
      `  state "closed" as closed`,
      `  state "open" as open`,
      `  state "half-open" as half_open`,
      '  [*] --> closed',
      `  closed --> open: ${pick(lang, `连续失败 > ${n}`, `consecutive failures > ${n}`)}`,
      `  open --> half_open: ${pick(lang, `${timeout} 之后`, `after ${timeout}`)}`,
      `  half_open --> closed: ${pick(lang, `${probes} 次连续成功`, `${probes} consecutive successes`)}`,
      `  half_open --> open: ${pick(lang, '任一失败', 'any failure')}`,
    ].join('\n');
  },

  highlight(trace, count) {
    const state = stateAt(trace, count);
    return [{ id: NODE[state] ?? 'closed', tone: state === 'open' ? 'bad' : state === 'half-open' ? 'warn' : 'active' }];
  },

  explain(e, lang) {
    if (e.kind === 'state') {
      const key = `${String(e.from)}>${String(e.to)}`;
      switch (key) {
        case 'closed>open':
          return pick(lang, '熔断器打开:连续失败超过阈值(ReadyToTrip 返回 true)。之后的调用立即返回 ErrOpenState,不再打到下游。', 'The breaker opened: consecutive failures passed the threshold (ReadyToTrip returned true). Calls now fail at once with ErrOpenState instead of reaching the dependency.');
        case 'open>half-open':
          return pick(lang, 'Timeout 到期,熔断器进入半开:只放行 MaxRequests 个试探请求,其余仍被拒绝(ErrTooManyRequests)。', 'Timeout elapsed, so the breaker is half-open: it lets MaxRequests probe calls through and rejects the rest with ErrTooManyRequests.');
        case 'half-open>closed':
          return pick(lang, '试探请求连续成功 MaxRequests 次,熔断器关闭,计数清零,流量恢复。', 'MaxRequests probes in a row succeeded, so the breaker closed, its counts reset, and traffic flows again.');
        case 'half-open>open':
          return pick(lang, '半开状态下一次试探失败,熔断器立即重新打开,再等一个 Timeout。', 'A probe failed while half-open, so the breaker opened again at once for another Timeout.');
        default:
          return pick(lang, `熔断器状态:${String(e.from)} → ${String(e.to)}。`, `Breaker state: ${String(e.from)} → ${String(e.to)}.`);
      }
    }
    if (e.kind === 'fault' && e.fault === 'outage') {
      const rate = Math.round(Number(e.errorRate) * 100);
      return pick(lang, `下游故障开始:${rate}% 的调用失败,每次耗时约 ${fmtMs(Number(e.latencyMs))}。`, `The dependency degrades: ${rate}% of calls fail, each taking about ${fmtMs(Number(e.latencyMs))}.`);
    }
    if (e.kind === 'fault' && e.fault === 'recovered') return pick(lang, '下游恢复正常;熔断器要等到下一次半开试探成功才会关闭。', 'The dependency is healthy again; the breaker closes only after its next half-open probes succeed.');
    return undefined;
  },

  faults(_trace, _params, lang) {
    return [
      { id: 'errors', label: pick(lang, '下游全部出错 5 秒', 'Fail every call for 5 s'), make: (atMs) => ({ atMs, kind: 'outage', durationMs: 5000, errorRate: 1, latencyMs: 5 }) },
      { id: 'half', label: pick(lang, '错误率升至 50%,持续 10 秒', 'Raise the error rate to 50% for 10 s'), make: (atMs) => ({ atMs, kind: 'outage', durationMs: 10_000, errorRate: 0.5, latencyMs: 20 }) },
      { id: 'latency', label: pick(lang, '增加 2 秒延迟,持续 5 秒', 'Add 2 s of latency for 5 s'), make: (atMs) => ({ atMs, kind: 'outage', durationMs: 5000, errorRate: 0, latencyMs: 2000 }) },
    ];
  },
};
