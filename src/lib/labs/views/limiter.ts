/**
 * The rate-limiter lab: every algorithm on the same load, side by side (one chart each), with the
 * token bucket's decision flow as the diagram.
 */
import type { TraceEvent } from '../../sim/kernel.ts';
import { countPerBin } from '../trace.ts';
import { binFor, pick, type ChartSpec, type LabView } from '../types.ts';

const NAMES: Record<string, { zh: string; en: string }> = {
  'token-bucket': { zh: '令牌桶(x/time/rate)', en: 'Token bucket (x/time/rate)' },
  'leaky-bucket': { zh: '漏桶', en: 'Leaky bucket' },
  'fixed-window': { zh: '固定窗口', en: 'Fixed window' },
  'sliding-log': { zh: '滑动日志', en: 'Sliding log' },
  'sliding-window-counter': { zh: '滑动窗口计数', en: 'Sliding window counter' },
  'leap-array': { zh: 'Sentinel LeapArray', en: 'Sentinel LeapArray' },
};

/** The algorithms in the trace, in the order they first decide. */
export function algorithmsOf(trace: readonly TraceEvent[]): string[] {
  const seen: string[] = [];
  for (const e of trace) {
    if (e.kind === 'decision' && typeof e.algorithm === 'string' && !seen.includes(e.algorithm)) seen.push(e.algorithm);
  }
  return seen;
}

function lastDecision(trace: readonly TraceEvent[], count: number): TraceEvent | undefined {
  for (let i = count - 1; i >= 0; i--) {
    const e = trace[i]!;
    if (e.kind === 'decision' && e.algorithm === 'token-bucket') return e;
  }
  return undefined;
}

export const limiterView: LabView = {
  charts(trace, durationMs, lang) {
    // Half-second bins: fine enough to show a burst, coarse enough that steady traffic stays visible.
    const binMs = Math.max(500, binFor(durationMs));
    const perSecond = 1000 / binMs;
    const arrivals = countPerBin(trace, durationMs, binMs, (e) => e.kind === 'decision' && e.algorithm === 'token-bucket').map((n) => n * perSecond);
    return algorithmsOf(trace).map((algorithm): ChartSpec => {
      const decided = (allowed: boolean) =>
        countPerBin(trace, durationMs, binMs, (e) => e.kind === 'decision' && e.algorithm === algorithm && e.allowed === allowed).map((n) => n * perSecond);
      return {
        id: `algo-${algorithm}`,
        title: NAMES[algorithm]?.[lang] ?? algorithm,
        unit: '/s',
        binMs,
        shape: 'line',
        series: [
          { name: pick(lang, '到达', 'arriving'), colour: 5, values: arrivals },
          { name: pick(lang, '放行', 'admitted'), colour: 1, values: decided(true) },
          { name: pick(lang, '拒绝', 'rejected'), colour: 2, values: decided(false) },
        ],
      };
    });
  },

  diagram(_trace, params, lang) {
    const rate = typeof params.rate === 'number' ? params.rate : 10;
    const burst = typeof params.burst === 'number' ? params.burst : 10;
    return [
      'flowchart LR',
      `  req["${pick(lang, '请求到达', 'request arrives')}"] --> refill["${pick(lang, `按 ${rate}/s 补充令牌(惰性计算,上限 ${burst})`, `refill at ${rate}/s, computed lazily, capped at ${burst}`)}"]`,
      `  refill --> check{"${pick(lang, '令牌 ≥ n ?', 'tokens ≥ n ?')}"}`,
      `  check -->|${pick(lang, '是', 'yes')}| admit["${pick(lang, '放行,扣减 n', 'admit, take n')}"]`,
      `  check -->|${pick(lang, '否', 'no')}| reject["${pick(lang, '拒绝(Allow 返回 false)', 'reject: Allow returns false')}"]`,
    ].join('\n');
  },

  highlight(trace, count) {
    const e = lastDecision(trace, count);
    if (!e) return [];
    return [{ id: e.allowed ? 'admit' : 'reject', tone: e.allowed ? 'active' : 'bad' }, { id: 'check', tone: 'active' }];
  },

  explain(e, lang) {
    if (e.kind === 'burst') {
      const size = Number(e.size);
      return pick(lang, `一波 ${size} 个请求同时到达:令牌桶最多放行桶里现有的令牌数(≤ burst),固定窗口在窗口边界可能放行两倍,滑动算法则按近一段时间的计数限制。`, `A wave of ${size} requests arrives at once: the token bucket admits at most the tokens it holds (≤ burst), a fixed window may admit twice its limit across a boundary, and the sliding algorithms count the recent past.`);
    }
    return undefined;
  },

  faults(_trace, params, lang) {
    const rate = typeof params.rate === 'number' ? params.rate : 10;
    const size = Math.max(10, Math.round(rate * 4));
    return [
      { id: 'burst', label: pick(lang, `注入 ${size} 个请求的突发`, `Inject a burst of ${size} requests`), make: (atMs) => ({ atMs, kind: 'burst', size, spreadMs: 0 }) },
      { id: 'wave', label: pick(lang, `1 秒内再来 ${size * 2} 个请求`, `Send ${size * 2} more over 1 s`), make: (atMs) => ({ atMs, kind: 'burst', size: size * 2, spreadMs: 1000 }) },
    ];
  },
};
