/**
 * RPC scenarios: retries, deadlines, codecs and partitions, each run in virtual time on the
 * simulated network (models/rpc/network.ts) with the call chain (models/rpc/call-chain.ts).
 *
 * Faults: a scenario's own `faults` plus the ones passed in `options.faults` are all applied, in
 * time order (a run never replaces the scenario's faults, it adds to them). Where a lesson wants the
 * learner to move the main fault, it is a parameter instead (the retry storm's outage) and is added
 * to that list. Fault kinds, understood by every RPC scenario:
 * - `outage` {node, durationMs?, code?}: the node answers `code` (default UNAVAILABLE) to every
 *   request it receives, quickly, as a failing backend behind a proxy does;
 * - `slow` {node, extraMs, durationMs?}: the node's processing takes `extraMs` longer;
 * - `partition` {a, b, durationMs?}: a and b cannot talk; `heal` {a?, b?}: one pair, or all;
 * - `loss` {a, b, rate, durationMs?}: the link between a and b loses that fraction of messages.
 * Without `durationMs` a fault lasts to the end of the run. Unknown kinds are traced as ignored.
 *
 * Trace event kinds, beyond those of the call chain (`attempt`, `hop`, `interceptor`, `deadline`,
 * `reply`, `late-reply`, `cancel`, `drop`, `retry`, `throttled`, `response`; see call-chain.ts):
 * - `fault` {fault: <the fault's kind>, phase: 'start' | 'end', ...the fault's details} (or {fault, ignored: true});
 * - `load` {second, calls, attempts, multiplier, clientsNotRetrying, meanTokens}: one per second of
 *   the retry storm, emitted when that second ends; `attempts` are requests reaching the backend;
 * - `throttle` {client, state: 'retries-off' | 'retries-on', tokens}: a client's throttler crossing
 *   its threshold (tokens ≤ maxTokens / 2 means no more retries);
 * - `sample` {protobufBytes, jsonBytes, protobufHex, json}: the first message of the codec scenario;
 * - `transfer` {codec, call, requestBytes, responseBytes, transferMs, queuedMs, latencyMs}: one
 *   completed call of the codec scenario.
 */
import { Simulator } from '../kernel.ts';
import { encodeJson, encodeProtobuf, toHex, toProtoJson, type MessageSchema, type MessageValue } from '../models/rpc/codec.ts';
import { CallChain, RetryingClient, type CallOutcome, type HopSpec, type Interceptor } from '../models/rpc/call-chain.ts';
import { Network, sampleLatency, type LatencySpec, type LinkSpec } from '../models/rpc/network.ts';
import { makeRetryPolicy } from '../models/rpc/retry.ts';
import { isStatusCodeName, type StatusCodeName } from '../models/rpc/status.ts';
import { Random } from '../random.ts';
import { MILLISECOND, msToNanos, nanosToMs, SECOND, type Nanos } from '../time.ts';
import { num, resolveParams, str, type Fault, type Scenario, type ScenarioResult, type ScenarioSummary } from './types.ts';

// ---- shared pieces ----

/** The mutable state faults act on: the network, and which nodes are down or slow. */
class World {
  readonly down = new Map<string, StatusCodeName>();
  readonly slow = new Map<string, Nanos>();

  constructor(
    readonly sim: Simulator,
    readonly network: Network,
  ) {}

  /** A hop's processing: its usual work plus any `slow` fault on it; a node that is down answers at once. */
  processing(node: string, usual: LatencySpec): () => Nanos {
    return () => {
      if (this.down.has(node)) return DOWN_NODE_ANSWER_TIME;
      return sampleLatency(usual, this.sim.random) + (this.slow.get(node) ?? 0);
    };
  }

  answer(node: string): () => StatusCodeName | undefined {
    return () => this.down.get(node);
  }
}

/** A node that is down still answers, from its proxy or its crashed handler, in about this long. */
const DOWN_NODE_ANSWER_TIME: Nanos = MILLISECOND / 2;

function allFaults(scenario: Scenario, extra: readonly Fault[] | undefined, primary: readonly Fault[] = []): Fault[] {
  // A stable sort keeps faults at the same instant in the order given.
  return [...primary, ...scenario.faults, ...(extra ?? [])].sort((a, b) => a.atMs - b.atMs);
}

/** Schedules each fault (and its end) and traces it; faults outside the run are skipped. */
function scheduleFaults(world: World, faults: readonly Fault[], durationMs: number): void {
  const { sim, network } = world;
  for (const fault of faults) {
    if (!(fault.atMs >= 0) || fault.atMs > durationMs) continue;
    const { atMs: _at, kind, ...details } = fault;
    const duration = typeof fault.durationMs === 'number' && fault.durationMs > 0 ? fault.durationMs : undefined;
    const during = (start: () => void, end: () => void): void => {
      sim.at(msToNanos(fault.atMs), () => {
        start();
        sim.emit('fault', { fault: kind, phase: 'start', ...details });
      });
      if (duration !== undefined && fault.atMs + duration <= durationMs) {
        sim.at(msToNanos(fault.atMs + duration), () => {
          end();
          sim.emit('fault', { fault: kind, phase: 'end', ...details });
        });
      }
    };
    const node = String(fault.node ?? '');
    const a = String(fault.a ?? '');
    const b = String(fault.b ?? '');
    switch (kind) {
      case 'outage': {
        const code = typeof fault.code === 'string' && isStatusCodeName(fault.code) ? fault.code : 'UNAVAILABLE';
        during(
          () => world.down.set(node, code),
          () => world.down.delete(node),
        );
        break;
      }
      case 'slow': {
        const extra = msToNanos(Math.max(0, Number(fault.extraMs) || 0));
        during(
          () => world.slow.set(node, extra),
          () => world.slow.delete(node),
        );
        break;
      }
      case 'partition':
        during(
          () => network.partition(a, b),
          () => network.heal(a, b),
        );
        break;
      case 'heal':
        during(
          () => (a && b ? network.heal(a, b) : network.healAll()),
          () => {},
        );
        break;
      case 'loss': {
        const rate = Math.min(1, Math.max(0, Number(fault.rate) || 0));
        let before: LinkSpec | undefined;
        during(
          () => {
            before = network.linkBetween(a, b);
            if (before) network.link(a, b, { ...before, loss: rate });
          },
          () => {
            if (before) network.link(a, b, before);
          },
        );
        break;
      }
      default:
        sim.at(msToNanos(fault.atMs), () => sim.emit('fault', { fault: kind, ignored: true, ...details }));
    }
  }
}

/** Nearest-rank quantile of unsorted values (0 for none). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function pad(i: number, width: number): string {
  return String(i).padStart(width, '0');
}

// ---- 1. retry storm vs retry throttling ----

const STORM_CLIENTS = 50;
const STORM_CALL_TIMEOUT: Nanos = 3 * SECOND;
const STORM_THROTTLING = { maxTokens: 10, tokenRatio: 0.1 } as const;

const retryStorm: Scenario = {
  id: 'rpc-retry-storm',
  model: 'rpc',
  title: { zh: '重试风暴 vs 重试限流', en: 'Retry storm vs retry throttling' },
  story: {
    zh:
      '第 5 秒起后端故障 10 秒，对所有请求返回 UNAVAILABLE，而 50 个客户端仍以稳定的速率发起调用。' +
      '没有重试限流时，每个失败的调用都会重试到 maxAttempts 次，后端在最脆弱的时候反而要承受数倍于平时的流量。' +
      '开启 gRPC 重试限流（maxTokens 10，tokenRatio 0.1）后，每次失败消耗客户端一个令牌，令牌降到一半及以下就不再重试，负载基本保持在 1 倍左右。' +
      '再留意故障结束后令牌回升得有多慢：每次成功的调用只加 0.1。',
    en:
      'At 5 s the backend fails for 10 s and answers every request with UNAVAILABLE, while 50 clients keep calling at a steady rate. ' +
      'Without throttling every failed call is retried up to maxAttempts times, so the struggling backend receives several times its normal traffic exactly when it can least take it. ' +
      'With gRPC retry throttling (maxTokens 10, tokenRatio 0.1) each failure costs the client a token and retries stop once its tokens are down to half: the load stays close to 1×. ' +
      'Notice also how slowly the tokens come back afterwards: 0.1 per successful call.',
  },
  lesson: '/lessons/retries#retry-throttling',
  durationMs: 30_000,
  seed: 7,
  params: {
    maxAttempts: { kind: 'number', label: { zh: '最大尝试次数', en: 'maxAttempts' }, default: 4, min: 2, max: 5, step: 1 },
    throttling: { kind: 'choice', label: { zh: '重试限流', en: 'Retry throttling' }, default: 'on', options: ['on', 'off'] },
    outageStartS: { kind: 'number', label: { zh: '故障开始', en: 'Outage starts at' }, default: 5, min: 0, max: 20, step: 1, unit: 's' },
    outageDurationS: { kind: 'number', label: { zh: '故障持续', en: 'Outage lasts' }, default: 10, min: 1, max: 20, step: 1, unit: 's' },
    callsPerClientPerS: {
      kind: 'number',
      label: { zh: '每个客户端每秒调用数', en: 'Calls per client per second' },
      default: 2,
      min: 0.5,
      max: 5,
      step: 0.5,
    },
  },
  faults: [],
  run(values, options = {}) {
    const p = resolveParams(retryStorm.params, values);
    const maxAttempts = Math.round(num(p, 'maxAttempts'));
    const throttling = str(p, 'throttling') === 'on';
    const outageStart = num(p, 'outageStartS') * 1000;
    const outageEnd = outageStart + num(p, 'outageDurationS') * 1000;
    const interval = SECOND / num(p, 'callsPerClientPerS');
    const durationMs = retryStorm.durationMs;
    const seconds = Math.ceil(durationMs / 1000);

    const sim = new Simulator(options.seed ?? retryStorm.seed);
    const network = new Network(sim, { defaultLink: { latency: { kind: 'logNormal', medianMs: 1, sigma: 0.3 } } });
    const world = new World(sim, network);
    const outage: Fault = { atMs: outageStart, kind: 'outage', node: 'backend', durationMs: outageEnd - outageStart };
    scheduleFaults(world, allFaults(retryStorm, options.faults, [outage]), durationMs);

    const callsIn = new Array<number>(seconds).fill(0);
    const attemptsIn = new Array<number>(seconds).fill(0);
    const secondOf = (t: Nanos): number => Math.min(seconds - 1, Math.floor(t / SECOND));
    // The backend's own metrics interceptor counts what reaches it: that is the load it suffers.
    const metrics: Interceptor = { name: 'metrics', before: (req) => void attemptsIn[secondOf(req.arrivedAt)]!++ };
    const backend: HopSpec = {
      name: 'backend',
      processing: world.processing('backend', { kind: 'logNormal', medianMs: 5, sigma: 0.4 }),
      answer: world.answer('backend'),
      interceptors: [metrics],
    };
    const policy = makeRetryPolicy({
      maxAttempts,
      initialBackoff: 100 * MILLISECOND,
      maxBackoff: SECOND,
      backoffMultiplier: 2,
      retryableStatusCodes: ['UNAVAILABLE'],
    });

    const outcomes: CallOutcome[] = [];
    const clients: RetryingClient[] = [];
    const stopIssuingAt = msToNanos(durationMs) - STORM_CALL_TIMEOUT;
    for (let i = 0; i < STORM_CLIENTS; i++) {
      const name = `client-${pad(i, 2)}`;
      // Client 00's calls are traced one by one; the others show up in the per-second load.
      const chain = new CallChain(sim, network, { client: name, hops: [backend], trace: i === 0 });
      const client = new RetryingClient(sim, chain, { policy, throttling: throttling ? STORM_THROTTLING : null });
      clients.push(client);
      let retriesOff = false;
      let n = 0;
      const issue = (): void => {
        if (sim.now() > stopIssuingAt) return;
        callsIn[secondOf(sim.now())]!++;
        client.call(`${name}#${n++}`, STORM_CALL_TIMEOUT, (outcome) => {
          outcomes.push(outcome);
          const t = client.throttler;
          if (t && (t.tokens <= t.threshold) !== retriesOff) {
            retriesOff = !retriesOff;
            sim.emit('throttle', { client: name, state: retriesOff ? 'retries-off' : 'retries-on', tokens: round(t.tokens, 1) });
          }
        });
        sim.schedule(interval, issue);
      };
      sim.schedule(Math.floor(sim.random.uniform(0, interval)), issue);
    }

    for (let s = 0; s < seconds; s++) {
      sim.at((s + 1) * SECOND, () => {
        const calls = callsIn[s]!;
        const attempts = attemptsIn[s]!;
        const throttlers = clients.flatMap((c) => (c.throttler ? [c.throttler] : []));
        sim.emit('load', {
          second: s,
          calls,
          attempts,
          multiplier: calls > 0 ? round(attempts / calls) : 0,
          clientsNotRetrying: throttlers.filter((t) => t.tokens <= t.threshold).length,
          meanTokens: throttlers.length ? round(throttlers.reduce((sum, t) => sum + t.tokens, 0) / throttlers.length) : null,
        });
      });
    }
    sim.run({ until: msToNanos(durationMs) });

    const inOutage = (s: number): boolean => s * 1000 >= outageStart && (s + 1) * 1000 <= outageEnd;
    const before = (s: number): boolean => (s + 1) * 1000 <= outageStart;
    const sum = (xs: number[], keep: (s: number) => boolean): number => xs.reduce((acc, x, s) => acc + (keep(s) ? x : 0), 0);
    const outageCalls = sum(callsIn, inOutage);
    const outageAttempts = sum(attemptsIn, inOutage);
    const baselineCalls = sum(callsIn, before);
    const baselineAttempts = sum(attemptsIn, before);
    const summary: ScenarioSummary = {
      calls: outcomes.length,
      ok: outcomes.filter((o) => o.code === 'OK').length,
      failed: outcomes.filter((o) => o.code !== 'OK').length,
      throttledCalls: outcomes.filter((o) => o.outcome === 'throttled').length,
      totalAttempts: attemptsIn.reduce((a, b) => a + b, 0),
      callsDuringOutage: outageCalls,
      attemptsDuringOutage: outageAttempts,
      loadMultiplierDuringOutage: outageCalls > 0 ? round(outageAttempts / outageCalls) : 0,
      loadMultiplierBefore: baselineCalls > 0 ? round(baselineAttempts / baselineCalls) : 0,
      peakAttemptsPerSecond: Math.max(...attemptsIn),
      throttling,
    };
    return { trace: sim.trace, summary };
  },
};

// ---- 2. deadline propagation across three hops ----

const HOP_NAMES = ['A', 'B', 'C'] as const;
const HOP_WORK: Record<(typeof HOP_NAMES)[number], number> = { A: 20, B: 30, C: 40 };
const DEADLINE_CALLS = 10;

/** Interceptors that only mark their place, so the trace shows the onion order at every hop. */
function markerInterceptors(): Interceptor[] {
  return [{ name: 'logging' }, { name: 'auth' }];
}

const deadlinePropagation: Scenario = {
  id: 'rpc-deadline-propagation',
  model: 'rpc',
  title: { zh: '跨三跳的 deadline 传递', en: 'Deadline propagation across three hops' },
  story: {
    zh:
      '客户端调用 A，A 调用 B，B 再调用 C，整条链的 deadline 是 300 ms。每一跳都从 grpc-timeout 头里拿到剩余的时间，并在请求到达时启动自己的计时器。' +
      'B 很慢：它还在处理时预算就已经用完，C 根本不会被调用。客户端在 300 ms 时停止等待并取消调用；取消信号沿着调用链往下传，和 B 自己的计时器赛跑，哪个先到，B 的工作就在哪里结束。' +
      '对比每一跳收到的头和客户端真正剩下的时间：默认的传递方式下，花在网络上的时间从来没有被扣掉。',
    en:
      'A client calls A, which calls B, which calls C, with a 300 ms deadline. Each hop gets what is left from the grpc-timeout header and starts its own timer when the request arrives. ' +
      'B is slow: the budget runs out while B is still working, so C is never called. The client stops waiting at 300 ms and cancels; the cancellation travels down the chain and races B’s own timer, and whichever arrives first ends B’s work. ' +
      'Compare the header each hop receives with the time the client really has left: with the default propagation, time spent on the network is never subtracted.',
  },
  lesson: '/lessons/timeouts#deadline-propagation',
  durationMs: 10_000,
  seed: 11,
  params: {
    clientDeadlineMs: { kind: 'number', label: { zh: '客户端 deadline', en: 'Client deadline' }, default: 300, min: 50, max: 2000, step: 10, unit: 'ms' },
    slowHop: { kind: 'choice', label: { zh: '慢的一跳', en: 'Slow hop' }, default: 'B', options: HOP_NAMES },
    slowHopDelayMs: { kind: 'number', label: { zh: '慢跳额外耗时', en: 'Slow hop extra delay' }, default: 300, min: 0, max: 1000, step: 10, unit: 'ms' },
    propagation: {
      kind: 'choice',
      label: { zh: 'deadline 传递方式', en: 'Deadline propagation' },
      default: 'grpc-timeout',
      options: ['grpc-timeout', 'transit-aware'],
    },
    interceptors: { kind: 'choice', label: { zh: '拦截器', en: 'Interceptors' }, default: 'on', options: ['on', 'off'] },
  },
  faults: [],
  run(values, options = {}) {
    const p = resolveParams(deadlinePropagation.params, values);
    const deadline = msToNanos(num(p, 'clientDeadlineMs'));
    const slowHop = str(p, 'slowHop');
    const slowDelay = msToNanos(num(p, 'slowHopDelayMs'));
    const propagation = str(p, 'propagation') === 'transit-aware' ? 'transit-aware' : 'grpc-timeout';
    const withInterceptors = str(p, 'interceptors') === 'on';

    const sim = new Simulator(options.seed ?? deadlinePropagation.seed);
    const network = new Network(sim);
    const link: LinkSpec = { latency: { kind: 'logNormal', medianMs: 2, sigma: 0.25 } };
    network.link('client', 'A', link).link('A', 'B', link).link('B', 'C', link);
    const world = new World(sim, network);
    scheduleFaults(world, allFaults(deadlinePropagation, options.faults), deadlinePropagation.durationMs);

    const hops: HopSpec[] = HOP_NAMES.map((name) => {
      const usual = world.processing(name, { kind: 'logNormal', medianMs: HOP_WORK[name], sigma: 0.1 });
      return {
        name,
        processing: name === slowHop ? () => usual() + slowDelay : usual,
        answer: world.answer(name),
        interceptors: withInterceptors ? markerInterceptors() : [],
      };
    });
    const chain = new CallChain(sim, network, { client: 'client', hops, propagation, trace: true });
    // No retry policy: deadlinePropagation scenario is about where a single attempt's deadline runs out.
    const client = new RetryingClient(sim, chain, { policy: null });
    const outcomes: CallOutcome[] = [];
    for (let k = 0; k < DEADLINE_CALLS; k++) {
      sim.at(500 * MILLISECOND + k * SECOND, () => client.call(`call-${k}`, deadline, (o) => outcomes.push(o)));
    }
    sim.run({ until: msToNanos(deadlinePropagation.durationMs) });

    // Where the time ran out: the hop still processing when the client's deadline passed. Separately,
    // which nodes produced DEADLINE_EXCEEDED from their own timer or check rather than because a
    // callee was late (those only stopped waiting); with cancellation racing down the chain, a slow
    // hop is sometimes cancelled before its own timer fires.
    const ranOutAt: Record<string, number> = { A: 0, B: 0, C: 0 };
    for (const o of outcomes) if (o.busyAtDeadline) ranOutAt[o.busyAtDeadline] = (ranOutAt[o.busyAtDeadline] ?? 0) + 1;
    const producedAt: Record<string, number> = { client: 0, A: 0, B: 0, C: 0 };
    const firstCall = { headers: {} as Record<string, string>, budgetMs: {} as Record<string, number>, clientRemainingMs: {} as Record<string, number> };
    const reached: Record<string, number> = { A: 0, B: 0, C: 0 };
    for (const e of sim.trace) {
      if (e.kind === 'deadline' && e.where !== 'waiting' && typeof e.hop === 'string') producedAt[e.hop] = (producedAt[e.hop] ?? 0) + 1;
      if (e.kind === 'hop' && typeof e.hop === 'string') reached[e.hop] = (reached[e.hop] ?? 0) + 1;
      if (e.kind === 'hop' && e.call === 'call-0' && typeof e.hop === 'string') {
        firstCall.headers[e.hop] = String(e.grpcTimeout);
        firstCall.budgetMs[e.hop] = round(Number(e.budgetMs), 3);
        firstCall.clientRemainingMs[e.hop] = round(Number(e.clientRemainingMs), 3);
      }
    }
    const mostOf = (counts: Record<string, number>): string =>
      Object.entries(counts).reduce<[string, number]>((best, e) => (e[1] > best[1] ? e : best), ['none', 0])[0];
    const latencies = outcomes.map((o) => nanosToMs(o.endAt - o.startAt));
    const summary: ScenarioSummary = {
      calls: outcomes.length,
      ok: outcomes.filter((o) => o.code === 'OK').length,
      deadlineExceeded: outcomes.filter((o) => o.code === 'DEADLINE_EXCEEDED').length,
      expiredAt: mostOf(ranOutAt),
      ranOutAt,
      producedAt,
      requestsReached: reached,
      headersFirstCall: firstCall.headers,
      budgetMsFirstCall: firstCall.budgetMs,
      clientRemainingMsFirstCall: firstCall.clientRemainingMs,
      p50LatencyMs: round(quantile(latencies, 0.5), 3),
      propagation,
    };
    return { trace: sim.trace, summary };
  },
};

// ---- 3. protobuf vs JSON on the wire ----

const ORDER_STATUS = { 0: 'ORDER_STATUS_UNSPECIFIED', 1: 'PENDING', 2: 'PAID', 3: 'SHIPPED', 4: 'CANCELLED' } as const;

const LINE_ITEM: MessageSchema = {
  name: 'LineItem',
  fields: [
    { name: 'sku', number: 1, type: 'string' },
    { name: 'quantity', number: 2, type: 'int32' },
    { name: 'unit_price_cents', number: 3, type: 'int64' },
    { name: 'title', number: 4, type: 'string' },
  ],
};

/** A typical response body: an order with its line items. */
export const ORDER_SCHEMA: MessageSchema = {
  name: 'Order',
  fields: [
    { name: 'order_id', number: 1, type: 'int64' },
    { name: 'user_id', number: 2, type: 'int64' },
    { name: 'status', number: 3, type: 'enum', enumValues: ORDER_STATUS },
    { name: 'items', number: 4, type: 'message', repeated: true, message: LINE_ITEM },
    { name: 'total_cents', number: 5, type: 'int64' },
    { name: 'currency', number: 6, type: 'string' },
    { name: 'created_at_unix_ms', number: 7, type: 'int64' },
    { name: 'coupon_ids', number: 8, type: 'int32', repeated: true },
  ],
};

export const GET_ORDER_REQUEST_SCHEMA: MessageSchema = {
  name: 'GetOrderRequest',
  fields: [{ name: 'order_id', number: 1, type: 'int64' }],
};

const PRODUCT_TITLES = ['USB-C cable 1m', 'Mechanical keyboard', 'Noise-cancelling headphones', 'Notebook A5', 'Coffee beans 500g', 'Desk lamp'];

function randomOrder(random: Random, id: number, itemsMedian: number): MessageValue {
  const count = Math.max(1, Math.round(itemsMedian * (0.5 + random.next())));
  const items = Array.from({ length: count }, () => {
    const quantity = 1 + random.int(3);
    return {
      sku: `SKU-${pad(random.int(1_000_000), 6)}`,
      quantity,
      unit_price_cents: 100 + random.int(50_000),
      title: PRODUCT_TITLES[random.int(PRODUCT_TITLES.length)]!,
    };
  });
  return {
    order_id: 9_000_000_000 + id,
    user_id: 1_000_000 + random.int(9_000_000),
    status: 1 + random.int(4),
    items,
    total_cents: items.reduce((s, it) => s + it.quantity * it.unit_price_cents, 0),
    currency: 'CNY',
    created_at_unix_ms: 1_760_000_000_000 + random.int(86_400_000),
    coupon_ids: random.chance(0.3) ? [random.int(5000), random.int(5000)] : [],
  };
}

const CODECS = ['protobuf', 'json'] as const;
const ORDER_CATALOGUE = 200;
type CodecName = (typeof CODECS)[number];
const SERVER_WORK: Nanos = MILLISECOND;

const protobufVsJson: Scenario = {
  id: 'rpc-protobuf-vs-json',
  model: 'rpc',
  title: { zh: '线上的 protobuf 与 JSON', en: 'Protobuf vs JSON on the wire' },
  story: {
    zh:
      '同一批订单消息分别用 protobuf 和 JSON（按 protojson 的输出格式）编码，经过两条带宽受限、其他条件完全相同的链路发送。' +
      'protobuf 的体积只有 JSON 的几分之一：用字段编号代替字段名，用 varint 代替十进制文本。' +
      '字节数的代价有两层：每条消息上线路的时间更长；链路一忙，大消息还要互相排队，所以 JSON 的 p99 比 p50 涨得快得多。',
    en:
      'The same order messages are encoded as protobuf and as JSON (as protojson prints them) and sent over two identical links with limited bandwidth. ' +
      'Protobuf is a fraction of the size: field numbers instead of names, varints instead of decimal text. ' +
      'The bytes cost twice: each message takes longer to put on the wire, and once the link is busy the bigger messages queue behind each other, so JSON’s p99 grows much faster than its p50.',
  },
  lesson: '/lessons/rpc#protobuf-vs-json',
  durationMs: 20_000,
  seed: 3,
  params: {
    bandwidthBytesPerMs: {
      kind: 'number',
      label: { zh: '链路带宽', en: 'Link bandwidth' },
      default: 40,
      min: 5,
      max: 2000,
      step: 5,
      unit: 'B/ms',
    },
    callsPerSecond: { kind: 'number', label: { zh: '每秒调用数', en: 'Calls per second' }, default: 40, min: 1, max: 200, step: 1 },
    itemsPerOrder: { kind: 'number', label: { zh: '每单商品数', en: 'Items per order' }, default: 6, min: 1, max: 50, step: 1 },
  },
  faults: [],
  run(values, options = {}) {
    const p = resolveParams(protobufVsJson.params, values);
    const link: LinkSpec = {
      latency: { kind: 'logNormal', medianMs: 5, sigma: 0.2 },
      bandwidthBytesPerMs: num(p, 'bandwidthBytesPerMs'),
    };
    const meanGap = SECOND / num(p, 'callsPerSecond');
    const itemsMedian = Math.round(num(p, 'itemsPerOrder'));

    const sim = new Simulator(options.seed ?? protobufVsJson.seed);
    // One network per codec with identically seeded draws: the two runs differ only in the bytes.
    const linkSeed = sim.random.nextUint32();
    const networks: Record<CodecName, Network> = {
      protobuf: new Network(sim, { random: new Random(linkSeed) }).link('client', 'server', link),
      json: new Network(sim, { random: new Random(linkSeed) }).link('client', 'server', link),
    };
    // Faults name the nodes 'client' and 'server'; they apply to both links alike.
    for (const codec of CODECS) scheduleFaults(new World(sim, networks[codec]), allFaults(protobufVsJson, options.faults), protobufVsJson.durationMs);

    // Calls fetch orders from a catalogue of distinct random orders, each encoded once per codec:
    // real sizes for every message, without re-encoding thousands of them.
    const messages = sim.random.fork();
    const catalogue = Array.from({ length: ORDER_CATALOGUE }, (_, id) => {
      const order = randomOrder(messages, id, itemsMedian);
      const request = { order_id: order.order_id };
      return {
        order,
        bytes: {
          protobuf: { request: encodeProtobuf(GET_ORDER_REQUEST_SCHEMA, request).length, response: encodeProtobuf(ORDER_SCHEMA, order).length },
          json: { request: encodeJson(GET_ORDER_REQUEST_SCHEMA, request).length, response: encodeJson(ORDER_SCHEMA, order).length },
        } satisfies Record<CodecName, { request: number; response: number }>,
      };
    });
    const latencies: Record<CodecName, number[]> = { protobuf: [], json: [] };
    const totalBytes: Record<CodecName, number> = { protobuf: 0, json: 0 };
    const stopAt = msToNanos(protobufVsJson.durationMs) - SECOND;
    let call = 0;

    const issue = (): void => {
      if (sim.now() > stopAt) return;
      const id = call++;
      const entry = catalogue[messages.int(ORDER_CATALOGUE)]!;
      if (id === 0) {
        const pb = encodeProtobuf(ORDER_SCHEMA, entry.order);
        sim.emit('sample', { protobufBytes: pb.length, jsonBytes: entry.bytes.json.response, protobufHex: toHex(pb), json: toProtoJson(ORDER_SCHEMA, entry.order) });
      }
      const startAt = sim.now();
      for (const codec of CODECS) {
        const net = networks[codec];
        const requestBytes = entry.bytes[codec].request;
        const responseBytes = entry.bytes[codec].response;
        totalBytes[codec] += requestBytes + responseBytes;
        net.send('client', 'server', requestBytes, (req) => {
          sim.schedule(SERVER_WORK, () => {
            net.send('server', 'client', responseBytes, (res) => {
              const latency = nanosToMs(sim.now() - startAt);
              latencies[codec].push(latency);
              sim.emit('transfer', {
                codec,
                call: id,
                requestBytes,
                responseBytes,
                transferMs: round(nanosToMs(req.transfer + res.transfer), 3),
                queuedMs: round(nanosToMs(req.queued + res.queued), 3),
                latencyMs: round(latency, 3),
              });
            });
          });
        });
      }
      sim.schedule(Math.max(1, Math.round(sim.random.exponential(meanGap))), issue);
    };
    sim.schedule(0, issue);
    sim.run({ until: msToNanos(protobufVsJson.durationMs) });

    const perCodec = (codec: CodecName): Record<string, number> => ({
      totalBytes: totalBytes[codec],
      meanBytesPerCall: call > 0 ? round(totalBytes[codec] / call, 1) : 0,
      completed: latencies[codec].length,
      p50LatencyMs: round(quantile(latencies[codec], 0.5), 3),
      p99LatencyMs: round(quantile(latencies[codec], 0.99), 3),
    });
    const summary: ScenarioSummary = {
      calls: call,
      protobuf: perCodec('protobuf'),
      json: perCodec('json'),
      jsonToProtobufBytes: totalBytes.protobuf > 0 ? round(totalBytes.json / totalBytes.protobuf) : 0,
    };
    return { trace: sim.trace, summary };
  },
};

// ---- 4. network partition between client and server ----

const partition: Scenario = {
  id: 'rpc-partition',
  model: 'rpc',
  title: { zh: '客户端与服务端之间的网络分区', en: 'Network partition between client and server' },
  story: {
    zh:
      '第 3 秒起客户端和服务端之间的网络中断 4 秒。已经在路上的请求丢了，调用方只能一直等到 deadline；新的尝试则因为连接已知断开而立即以 UNAVAILABLE 失败。' +
      'UNAVAILABLE 可以重试，客户端退避后再试：在网络恢复前不久发起的调用靠重试挽回，其余的要么用完了尝试次数，要么耗尽了 deadline。',
    en:
      'At 3 s the network between the client and the server breaks for 4 s. Requests already on their way are lost and their callers wait until the deadline; new attempts fail fast with UNAVAILABLE because the connection is known to be down. ' +
      'UNAVAILABLE is retryable, so the client backs off and tries again: calls that start shortly before the link heals are rescued by a retry, the others run out of attempts or of deadline.',
  },
  lesson: '/lessons/retries#retryable-status-codes',
  durationMs: 12_000,
  seed: 1,
  params: {
    maxAttempts: { kind: 'number', label: { zh: '最大尝试次数', en: 'maxAttempts' }, default: 4, min: 2, max: 5, step: 1 },
    deadlineMs: { kind: 'number', label: { zh: '调用 deadline', en: 'Call deadline' }, default: 1000, min: 100, max: 5000, step: 100, unit: 'ms' },
    callsPerSecond: { kind: 'number', label: { zh: '每秒调用数', en: 'Calls per second' }, default: 10, min: 1, max: 50, step: 1 },
  },
  faults: [{ atMs: 3000, kind: 'partition', a: 'client', b: 'server', durationMs: 4000 }],
  run(values, options = {}) {
    const p = resolveParams(partition.params, values);
    const sim = new Simulator(options.seed ?? partition.seed);
    const network = new Network(sim).link('client', 'server', { latency: { kind: 'logNormal', medianMs: 20, sigma: 0.3 } });
    const world = new World(sim, network);
    scheduleFaults(world, allFaults(partition, options.faults), partition.durationMs);

    const server: HopSpec = {
      name: 'server',
      processing: world.processing('server', { kind: 'logNormal', medianMs: 10, sigma: 0.3 }),
      answer: world.answer('server'),
    };
    const chain = new CallChain(sim, network, { client: 'client', hops: [server], trace: true });
    const policy = makeRetryPolicy({
      maxAttempts: Math.round(num(p, 'maxAttempts')),
      initialBackoff: 200 * MILLISECOND,
      maxBackoff: 2 * SECOND,
      backoffMultiplier: 2,
      retryableStatusCodes: ['UNAVAILABLE'],
    });
    const client = new RetryingClient(sim, chain, { policy });
    const timeout = msToNanos(num(p, 'deadlineMs'));
    const gap = SECOND / num(p, 'callsPerSecond');
    const stopAt = msToNanos(partition.durationMs) - timeout;
    const outcomes: CallOutcome[] = [];
    let n = 0;
    const issue = (): void => {
      if (sim.now() > stopAt) return;
      client.call(`call-${n++}`, timeout, (o) => outcomes.push(o));
      // Poisson arrivals: some requests are bound to be on the wire when the link breaks.
      sim.schedule(Math.max(1, Math.round(sim.random.exponential(gap))), issue);
    };
    sim.schedule(0, issue);
    sim.run({ until: msToNanos(partition.durationMs) });

    const count = (keep: (o: CallOutcome) => boolean): number => outcomes.filter(keep).length;
    const summary: ScenarioSummary = {
      calls: outcomes.length,
      ok: count((o) => o.code === 'OK'),
      unavailable: count((o) => o.code === 'UNAVAILABLE'),
      deadlineExceeded: count((o) => o.code === 'DEADLINE_EXCEEDED'),
      rescuedByRetry: count((o) => o.code === 'OK' && o.attempts > 1),
      lostInFlight: sim.trace.filter((e) => e.kind === 'drop' && e.inFlight === true).length,
      refusedAtSend: sim.trace.filter((e) => e.kind === 'drop' && e.inFlight === false).length,
      successRate: outcomes.length ? round(count((o) => o.code === 'OK') / outcomes.length, 3) : 0,
    };
    return { trace: sim.trace, summary };
  },
};

export const RPC_SCENARIOS: Scenario[] = [retryStorm, deadlinePropagation, protobufVsJson, partition];

/** Runs a scenario by id with its defaults (for the CLI and tests). */
export function runRpcScenario(id: string, values?: Record<string, number | string>, options?: { seed?: number; faults?: Fault[] }): ScenarioResult {
  const scenario = RPC_SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new Error(`unknown RPC scenario "${id}"`);
  return scenario.run(values, options);
}
