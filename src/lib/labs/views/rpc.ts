/**
 * The RPC lab: a call chain (client → services), status codes and latency, retries and their
 * amplification; or, for the codec scenario, Protobuf against JSON on the same link.
 */
import type { TraceEvent } from '../../sim/kernel.ts';
import { countPerBin, quantilePerBin } from '../trace.ts';
import { binFor, fmtMs, pick, type ChartSpec, type FaultAction, type Highlight, type LabView } from '../types.ts';
import { nodeId } from './registry.ts';

/** Edges of the call graph, from the hops in the trace, in order of appearance. */
export function edgesOf(trace: readonly TraceEvent[]): [string, string][] {
  const edges: [string, string][] = [];
  const seen = new Set<string>();
  for (const e of trace) {
    if (e.kind !== 'hop' || typeof e.from !== 'string' || typeof e.hop !== 'string') continue;
    // Many clients (client-00 … client-49) draw as one node.
    const from = e.from.replace(/-\d+$/, '');
    const key = `${from}>${e.hop}`;
    if (!seen.has(key)) {
      seen.add(key);
      edges.push([from, e.hop]);
    }
  }
  return edges;
}

const isCodec = (trace: readonly TraceEvent[]) => trace.some((e) => e.kind === 'transfer');

export const rpcView: LabView = {
  charts(trace, durationMs, lang) {
    const binMs = binFor(durationMs);
    const perSecond = 1000 / binMs;
    if (isCodec(trace)) {
      const latency = (codec: string, q: number) =>
        quantilePerBin(trace, durationMs, binMs, (e) => (e.kind === 'transfer' && e.codec === codec ? Number(e.latencyMs) : undefined), q);
      return [
        {
          id: 'codec-latency',
          title: pick(lang, '延迟分位数:Protobuf 与 JSON', 'Latency percentiles: Protobuf vs JSON'),
          unit: 'ms',
          binMs,
          shape: 'line',
          series: [
            { name: 'Protobuf p50', colour: 1, values: latency('protobuf', 0.5) },
            { name: 'Protobuf p99', colour: 3, values: latency('protobuf', 0.99) },
            { name: 'JSON p50', colour: 2, values: latency('json', 0.5) },
            { name: 'JSON p99', colour: 4, values: latency('json', 0.99) },
          ],
        },
      ];
    }
    const responses = (match: (code: string) => boolean) =>
      countPerBin(trace, durationMs, binMs, (e) => e.kind === 'response' && match(String(e.code))).map((n) => n * perSecond);
    const charts: ChartSpec[] = [
      {
        id: 'codes',
        title: pick(lang, '调用结果(每秒,按状态码)与尝试次数', 'Results per second by status code, and attempts'),
        unit: '/s',
        binMs,
        shape: 'line',
        series: [
          { name: 'OK', colour: 1, values: responses((c) => c === 'OK') },
          { name: 'UNAVAILABLE', colour: 2, values: responses((c) => c === 'UNAVAILABLE') },
          { name: 'DEADLINE_EXCEEDED', colour: 3, values: responses((c) => c === 'DEADLINE_EXCEEDED') },
          { name: pick(lang, '尝试(含重试)', 'attempts (with retries)'), colour: 5, values: countPerBin(trace, durationMs, binMs, (e) => e.kind === 'attempt').map((n) => n * perSecond) },
        ],
      },
      {
        id: 'latency',
        title: pick(lang, '调用延迟分位数', 'Call latency percentiles'),
        unit: 'ms',
        binMs,
        shape: 'line',
        series: [
          { name: 'p50', colour: 1, values: quantilePerBin(trace, durationMs, binMs, (e) => (e.kind === 'response' ? Number(e.latencyMs) : undefined), 0.5) },
          { name: 'p99', colour: 4, values: quantilePerBin(trace, durationMs, binMs, (e) => (e.kind === 'response' ? Number(e.latencyMs) : undefined), 0.99) },
        ],
      },
    ];
    return charts;
  },

  diagram(trace, _params, lang) {
    if (isCodec(trace)) {
      return ['flowchart LR', `  client["client"] -- "Protobuf ${pick(lang, '(二进制)', '(binary)')}" --> server["server"]`, `  client -- "JSON ${pick(lang, '(文本)', '(text)')}" --> server`].join('\n');
    }
    const lines = ['flowchart LR'];
    for (const [from, to] of edgesOf(trace)) lines.push(`  ${nodeId(from)}["${from}"] --> ${nodeId(to)}["${to}"]`);
    return lines.join('\n');
  },

  highlight(trace, count) {
    const out = new Map<string, Highlight['tone']>();
    const down = new Set<string>();
    let last: string | undefined;
    for (let i = 0; i < count; i++) {
      const e = trace[i]!;
      if (e.kind === 'hop' && typeof e.hop === 'string') last = e.hop;
      if (e.kind === 'fault' && typeof e.node === 'string' && e.node) {
        if (e.phase === 'start') down.add(e.node);
        else down.delete(e.node);
      }
      if (e.kind === 'fault' && e.fault === 'partition' && typeof e.a === 'string' && typeof e.b === 'string') {
        for (const n of [e.a, e.b]) {
          if (e.phase === 'start') down.add(n);
          else down.delete(n);
        }
      }
    }
    if (last) out.set(nodeId(last), 'active');
    for (const n of down) out.set(nodeId(n), 'bad');
    return [...out].map(([id, tone]) => ({ id, tone }));
  },

  explain(e, lang) {
    switch (e.kind) {
      case 'fault':
        if (e.phase === 'end') return pick(lang, `故障结束(${String(e.fault)})。`, `The ${String(e.fault)} ends.`);
        if (e.fault === 'outage') return pick(lang, `${String(e.node)} 开始返回 ${String(e.code ?? 'UNAVAILABLE')}。`, `${String(e.node)} starts answering ${String(e.code ?? 'UNAVAILABLE')}.`);
        if (e.fault === 'partition') return pick(lang, `${String(e.a)} 与 ${String(e.b)} 之间网络分区:在途请求丢失,只能等截止时间到期。`, `${String(e.a)} and ${String(e.b)} are partitioned: requests in flight are lost and wait for their deadline.`);
        if (e.fault === 'slow') return pick(lang, `${String(e.node)} 变慢了 ${fmtMs(Number(e.extraMs))}。`, `${String(e.node)} slows down by ${fmtMs(Number(e.extraMs))}.`);
        return undefined;
      case 'retry':
        return pick(lang, `收到 ${String(e.code)}(可重试),退避 ${fmtMs(Number(e.delayMs))} 后重试。`, `${String(e.code)} is retryable: retrying after a ${fmtMs(Number(e.delayMs))} backoff.`);
      case 'throttle':
        return e.state === 'retries-off'
          ? pick(lang, `${String(e.client)} 的重试令牌降到一半以下,重试节流生效:失败不再重试。`, `${String(e.client)}'s retry tokens fell below half: throttling stops its retries.`)
          : pick(lang, `${String(e.client)} 的重试令牌恢复,重新允许重试。`, `${String(e.client)}'s tokens recovered: retries are allowed again.`);
      case 'deadline':
        return pick(lang, `截止时间在 ${String(e.hop)} 耗尽(DEADLINE_EXCEEDED)。`, `The deadline ran out at ${String(e.hop)} (DEADLINE_EXCEEDED).`);
      default:
        return undefined;
    }
  },

  faults(trace, _params, lang) {
    if (isCodec(trace)) return [];
    const edges = edgesOf(trace);
    const froms = new Set(edges.map(([f]) => f));
    const leaf = edges.map(([, t]) => t).find((t) => !froms.has(t)) ?? 'server';
    const first = edges[0];
    const actions: FaultAction[] = [
      { id: 'outage', label: pick(lang, `${leaf} 返回 UNAVAILABLE 3 秒`, `${leaf} answers UNAVAILABLE for 3 s`), make: (atMs: number) => ({ atMs, kind: 'outage', node: leaf, durationMs: 3000 }) },
      { id: 'slow', label: pick(lang, `${leaf} 增加 500 ms 延迟,持续 5 秒`, `Add 500 ms at ${leaf} for 5 s`), make: (atMs: number) => ({ atMs, kind: 'slow', node: leaf, extraMs: 500, durationMs: 5000 }) },
    ];
    // A partition names real nodes; many numbered clients drawn as one cannot be partitioned as one.
    if (first && trace.some((e) => e.kind === 'hop' && e.from === first[0])) {
      actions.push({
        id: 'partition',
        label: pick(lang, `${first[0]} 与 ${first[1]} 分区 3 秒`, `Partition ${first[0]} from ${first[1]} for 3 s`),
        make: (atMs: number) => ({ atMs, kind: 'partition', a: first[0], b: first[1], durationMs: 3000 }),
      });
    }
    return actions;
  },
};
