/**
 * RPC call chains (src/lib/sim/models/rpc/call-chain.ts): the budget each hop receives through
 * grpc-timeout, where DEADLINE_EXCEEDED is produced, the onion order of interceptors, cancellation,
 * fail-fast on partitions, and client retries, checked against `simulateCall` from retry.ts (the
 * synchronous port of grpc-go's retry decisions) on the same scripted servers.
 */
import { describe, expect, it } from 'vitest';
import { Simulator, type TraceEvent } from '../../../src/lib/sim/kernel.ts';
import {
  CallChain,
  RetryingClient,
  type AttemptResult,
  type CallOutcome,
  type ChainOptions,
  type HopSpec,
  type Interceptor,
} from '../../../src/lib/sim/models/rpc/call-chain.ts';
import { decodeGrpcTimeout, encodeGrpcTimeout } from '../../../src/lib/sim/models/rpc/grpc-timeout.ts';
import { Network, type LinkSpec } from '../../../src/lib/sim/models/rpc/network.ts';
import { makeRetryPolicy, simulateCall, RetryThrottler, type RetryPolicy } from '../../../src/lib/sim/models/rpc/retry.ts';
import type { StatusCodeName } from '../../../src/lib/sim/models/rpc/status.ts';
import { MILLISECOND, nanosToMs, SECOND, type Nanos } from '../../../src/lib/sim/time.ts';
import { Random } from '../../../src/lib/sim/random';

const constant = (ms: number): LinkSpec => ({ latency: { kind: 'constant', ms } });

interface Setup {
  sim: Simulator;
  net: Network;
  chain: CallChain;
}

function threeHops(work: { A: number; B: number; C: number }, options: Partial<ChainOptions> = {}, latencyMs = 5): Setup {
  const sim = new Simulator(1);
  const net = new Network(sim, { defaultLink: constant(latencyMs) });
  const hops: HopSpec[] = (['A', 'B', 'C'] as const).map((name) => ({ name, processing: { kind: 'constant', ms: work[name] } }));
  const chain = new CallChain(sim, net, { client: 'client', hops, trace: true, ...options });
  return { sim, net, chain };
}

function attemptOnce(setup: Setup, deadline: Nanos): AttemptResult {
  let result: AttemptResult | undefined;
  setup.chain.attempt('c1', 0, deadline, (r) => (result = r));
  setup.sim.run();
  if (!result) throw new Error('the attempt never ended');
  return result;
}

const events = (trace: TraceEvent[], kind: string): TraceEvent[] => trace.filter((e) => e.kind === kind);
const hopEvent = (trace: TraceEvent[], hop: string): TraceEvent | undefined => trace.find((e) => e.kind === 'hop' && e.hop === hop);

describe('deadline budget per hop', () => {
  it('grpc-timeout: each hop gets what its caller had left when sending; transit is never subtracted', () => {
    const setup = threeHops({ A: 10, B: 20, C: 30 });
    const result = attemptOnce(setup, 300 * MILLISECOND);
    expect(result.code).toBe('OK');
    expect(nanosToMs(result.endAt)).toBe(90); // 3 × 5 ms there, 3 × 5 ms back, 60 ms of work
    const rows = events(setup.sim.trace, 'hop').map((e) => [e.hop, e.grpcTimeout, e.budgetMs, e.remainingMs, e.clientRemainingMs]);
    expect(rows).toEqual([
      // A: sent at 0 with 300 ms left; arrives at 5 and starts its own 300 ms.
      ['A', '300000u', 300, 300, 295],
      // B: A's deadline is 305; A sends at 15 → 290 ms; the client really has 280 left at 20.
      ['B', '290000u', 290, 290, 280],
      // C: B's deadline is 20 + 290 = 310; B sends at 40 → 270; the client has 255 left at 45.
      ['C', '270000u', 270, 270, 255],
    ]);
    // The hop's view exceeds the truth by the sum of one-way transits so far.
    for (const [i, e] of events(setup.sim.trace, 'hop').entries()) {
      expect((e.remainingMs as number) - (e.clientRemainingMs as number)).toBe(5 * (i + 1));
    }
  });

  it('transit-aware: the budget is the remaining budget minus network time, equal to the client’s', () => {
    const setup = threeHops({ A: 10, B: 20, C: 30 }, { propagation: 'transit-aware' });
    attemptOnce(setup, 300 * MILLISECOND);
    const rows = events(setup.sim.trace, 'hop').map((e) => [e.hop, e.grpcTimeout, e.budgetMs, e.remainingMs, e.clientRemainingMs]);
    expect(rows).toEqual([
      ['A', '300000u', 300, 295, 295],
      ['B', '285000u', 285, 280, 280],
      ['C', '260000u', 260, 255, 255],
    ]);
  });

  it('the header is the existing encoder’s text, rounded up, and the hop decodes it', () => {
    const setup = threeHops({ A: 0, B: 0, C: 0 }, {}, 0);
    const deadline = 100 * SECOND + 1; // 100000000001 ns: too many digits for n, u; 100001m rounds up
    attemptOnce(setup, deadline);
    const a = hopEvent(setup.sim.trace, 'A')!;
    expect(a.grpcTimeout).toBe(encodeGrpcTimeout(deadline));
    expect(a.grpcTimeout).toBe('100001m');
    expect(a.budgetMs).toBe(nanosToMs(decodeGrpcTimeout('100001m')));
    expect(a.budgetMs).toBeGreaterThan(nanosToMs(deadline));
  });

  it('without a deadline no header is sent and nothing times out', () => {
    const setup = threeHops({ A: 1, B: 1, C: 5000 });
    const result = attemptOnce(setup, Infinity);
    expect(result.code).toBe('OK');
    expect(hopEvent(setup.sim.trace, 'C')).toMatchObject({ grpcTimeout: null, budgetMs: null });
    expect(events(setup.sim.trace, 'deadline')).toEqual([]);
  });
});

describe('where DEADLINE_EXCEEDED is produced', () => {
  it('a slow B runs out of budget while processing: C is never called, the client stops at its deadline', () => {
    for (const propagation of ['grpc-timeout', 'transit-aware'] as const) {
      const setup = threeHops({ A: 10, B: 400, C: 30 }, { propagation });
      const result = attemptOnce(setup, 300 * MILLISECOND);
      expect(result).toMatchObject({ code: 'DEADLINE_EXCEEDED', producedBy: 'client', byClientDeadline: true, busyAtDeadline: 'B' });
      expect(nanosToMs(result.endAt)).toBe(300);
      expect(hopEvent(setup.sim.trace, 'C')).toBeUndefined();
      const deadlines = events(setup.sim.trace, 'deadline').map((e) => [e.hop, e.where]);
      expect(deadlines[0]).toEqual(['client', 'waiting']);
      expect(deadlines).toContainEqual(['B', 'processing']);
      expect(deadlines).toContainEqual(['A', 'waiting']);
      // B answers DEADLINE_EXCEEDED itself, without a downstream call.
      expect(events(setup.sim.trace, 'reply').find((e) => e.hop === 'B')).toMatchObject({ code: 'DEADLINE_EXCEEDED', producedBy: 'B' });
    }
  });

  it('the slow hop is the one busy at the deadline, whichever it is', () => {
    for (const slow of ['A', 'B', 'C'] as const) {
      const work = { A: 10, B: 10, C: 10, [slow]: 500 };
      const setup = threeHops(work);
      expect(attemptOnce(setup, 200 * MILLISECOND).busyAtDeadline).toBe(slow);
    }
  });

  it('a request arriving with no budget left is answered at arrival, without processing', () => {
    const setup = threeHops({ A: 10, B: 10, C: 10 }, { propagation: 'transit-aware' });
    const result = attemptOnce(setup, 3 * MILLISECOND); // 5 ms to reach A, 3 ms of budget
    expect(result.code).toBe('DEADLINE_EXCEEDED');
    expect(events(setup.sim.trace, 'deadline').map((e) => [e.hop, e.where])).toEqual([
      ['client', 'waiting'],
      ['A', 'arrival'],
    ]);
    expect(hopEvent(setup.sim.trace, 'B')).toBeUndefined();
  });

  it('a caller whose deadline has passed does not send at all', () => {
    const setup = threeHops({ A: 1, B: 1, C: 1 });
    const result = attemptOnce(setup, 0);
    expect(result).toMatchObject({ code: 'DEADLINE_EXCEEDED', producedBy: 'client', endAt: 0 });
    expect(setup.net.stats.sent).toBe(0);
    expect(events(setup.sim.trace, 'deadline')).toMatchObject([{ hop: 'client', where: 'before-send' }]);
  });
});

describe('cancellation', () => {
  // A big request on a slow uplink: A starts its timer 100 ms late, so the client's reset (13 bytes)
  // reaches every hop before that hop's own deadline.
  function slowUplink(propagateCancellation: boolean): Setup {
    const sim = new Simulator(1);
    const net = new Network(sim, { defaultLink: constant(5) });
    net.link('client', 'A', { latency: { kind: 'constant', ms: 5 }, bandwidthBytesPerMs: 100 });
    const hops: HopSpec[] = [
      { name: 'A', processing: { kind: 'constant', ms: 10 }, requestBytes: 10_000 },
      { name: 'B', processing: { kind: 'constant', ms: 20 } },
      { name: 'C', processing: { kind: 'constant', ms: 1000 } },
    ];
    return { sim, net, chain: new CallChain(sim, net, { client: 'client', hops, trace: true, propagateCancellation }) };
  }

  it('a caller that gives up resets the stream; the reset cancels each hop down the chain', () => {
    const setup = slowUplink(true);
    const result = attemptOnce(setup, 300 * MILLISECOND);
    expect(result.busyAtDeadline).toBe('C');
    const cancels = events(setup.sim.trace, 'cancel');
    expect(cancels.map((e) => e.hop)).toEqual(['A', 'B', 'C']);
    expect(cancels.map((e) => e.t)).toEqual([305.13, 310.13, 315.13]);
    // Nobody reached their own deadline: the cancellation got there first.
    expect(events(setup.sim.trace, 'deadline').map((e) => e.hop)).toEqual(['client']);
    // The interceptors' after-handlers would see CANCELLED; nothing is replied.
    expect(events(setup.sim.trace, 'reply')).toEqual([]);
  });

  it('without cancellation every hop works on until its own, later, deadline', () => {
    const setup = slowUplink(false);
    attemptOnce(setup, 300 * MILLISECOND);
    expect(events(setup.sim.trace, 'cancel')).toEqual([]);
    const deadlines = events(setup.sim.trace, 'deadline').map((e) => [e.hop, e.where, e.t]);
    expect(deadlines).toEqual([
      ['client', 'waiting', 300],
      ['A', 'waiting', 405],
      ['B', 'waiting', 410],
      ['C', 'processing', 415],
    ]);
    expect(events(setup.sim.trace, 'late-reply').map((e) => [e.hop, e.t])).toEqual([
      ['A', 412.56],
      ['B', 415],
      ['C', 420],
    ]);
  });
});

describe('interceptors', () => {
  function recording(log: string[], names: string[], shortCircuit?: { at: string; code: StatusCodeName }): Interceptor[] {
    return names.map((name) => ({
      name,
      before: () => {
        log.push(`before ${name}`);
        return shortCircuit?.at === name ? shortCircuit.code : undefined;
      },
      after: (_req, code) => void log.push(`after ${name} ${code}`),
    }));
  }

  function run(hops: HopSpec[]): { result: AttemptResult; trace: TraceEvent[] } {
    const sim = new Simulator(1);
    const net = new Network(sim, { defaultLink: constant(1) });
    const chain = new CallChain(sim, net, { client: 'client', hops, trace: true });
    let result: AttemptResult | undefined;
    chain.attempt('c', 0, SECOND, (r) => (result = r));
    sim.run();
    return { result: result!, trace: sim.trace };
  }

  it('run in onion order: before outside-in, the handler, after inside-out', () => {
    const log: string[] = [];
    const { result, trace } = run([
      {
        name: 'A',
        interceptors: recording(log, ['outer', 'middle', 'inner']),
        processing: () => (log.push('handler'), MILLISECOND),
      },
    ]);
    expect(result.code).toBe('OK');
    expect(log).toEqual(['before outer', 'before middle', 'before inner', 'handler', 'after inner OK', 'after middle OK', 'after outer OK']);
    expect(events(trace, 'interceptor').map((e) => `${e.phase} ${e.name}`)).toEqual([
      'before outer',
      'before middle',
      'before inner',
      'after inner',
      'after middle',
      'after outer',
    ]);
  });

  it('nest across hops: A’s layers wrap the whole call to B', () => {
    const log: string[] = [];
    run([
      { name: 'A', interceptors: recording(log, ['a1', 'a2']), processing: () => (log.push('A'), 0) },
      { name: 'B', interceptors: recording(log, ['b1']), processing: () => (log.push('B'), 0) },
    ]);
    expect(log).toEqual(['before a1', 'before a2', 'A', 'before b1', 'B', 'after b1 OK', 'after a2 OK', 'after a1 OK']);
  });

  it('a before that answers short-circuits: inner layers, the handler and downstream never run', () => {
    const log: string[] = [];
    const { result, trace } = run([
      {
        name: 'A',
        interceptors: recording(log, ['outer', 'auth', 'inner'], { at: 'auth', code: 'UNAUTHENTICATED' }),
        processing: () => (log.push('handler'), 0),
      },
      { name: 'B', processing: { kind: 'constant', ms: 1 } },
    ]);
    expect(result).toMatchObject({ code: 'UNAUTHENTICATED', producedBy: 'A' });
    expect(log).toEqual(['before outer', 'before auth', 'after auth UNAUTHENTICATED', 'after outer UNAUTHENTICATED']);
    expect(hopEvent(trace, 'B')).toBeUndefined();
  });

  it('see the downstream status on the way out', () => {
    const log: string[] = [];
    run([
      { name: 'A', interceptors: recording(log, ['a']), processing: { kind: 'constant', ms: 1 } },
      { name: 'B', processing: { kind: 'constant', ms: 1 }, answer: () => 'RESOURCE_EXHAUSTED' },
    ]);
    expect(log).toEqual(['before a', 'after a RESOURCE_EXHAUSTED']);
  });
});

describe('network failures', () => {
  function oneHop(link: LinkSpec): Setup {
    const sim = new Simulator(1);
    const net = new Network(sim).link('client', 'server', link);
    const chain = new CallChain(sim, net, { client: 'client', hops: [{ name: 'server', processing: { kind: 'constant', ms: 2 } }], trace: true });
    return { sim, net, chain };
  }

  it('a partition fails the attempt at once with UNAVAILABLE (the connection is known to be down)', () => {
    const setup = oneHop(constant(5));
    setup.net.partition('client', 'server');
    const result = attemptOnce(setup, SECOND);
    expect(result).toMatchObject({ code: 'UNAVAILABLE', producedBy: 'client', byClientDeadline: false, endAt: 0 });
    expect(events(setup.sim.trace, 'drop')).toMatchObject([{ reason: 'partition', inFlight: false }]);
  });

  it('a lost message is noticed only at the deadline', () => {
    const setup = oneHop({ ...constant(5), loss: 1 });
    const result = attemptOnce(setup, 250 * MILLISECOND);
    expect(result).toMatchObject({ code: 'DEADLINE_EXCEEDED', byClientDeadline: true });
    expect(nanosToMs(result.endAt)).toBe(250);
  });

  it('a partition that starts while the server works loses the reply: the caller waits for its deadline', () => {
    const setup = oneHop(constant(5));
    setup.sim.at(6 * MILLISECOND, () => setup.net.partition('client', 'server')); // request arrived at 5
    const result = attemptOnce(setup, 100 * MILLISECOND);
    expect(result).toMatchObject({ code: 'DEADLINE_EXCEEDED', byClientDeadline: true });
    expect(nanosToMs(result.endAt)).toBe(100);
    expect(events(setup.sim.trace, 'drop')[0]).toMatchObject({ t: 7, from: 'server', to: 'client', reason: 'partition', inFlight: true });
  });

  it('retries with backoff get through once the partition heals', () => {
    const setup = oneHop(constant(5));
    setup.net.partition('client', 'server');
    setup.sim.at(250 * MILLISECOND, () => setup.net.heal('client', 'server'));
    const policy = makeRetryPolicy({
      maxAttempts: 5,
      initialBackoff: 100 * MILLISECOND,
      maxBackoff: 100 * MILLISECOND,
      backoffMultiplier: 1,
      retryableStatusCodes: ['UNAVAILABLE'],
    });
    const client = new RetryingClient(setup.sim, setup.chain, { policy, random: () => 0.5 });
    let outcome: CallOutcome | undefined;
    client.call('c', SECOND, (o) => (outcome = o));
    setup.sim.run();
    expect(outcome).toMatchObject({ code: 'OK', attempts: 4, delays: [100 * MILLISECOND, 100 * MILLISECOND, 100 * MILLISECOND] });
    expect(nanosToMs(outcome!.endAt)).toBe(312);
    expect(events(setup.sim.trace, 'retry')).toHaveLength(3);
  });
});

describe('client retries follow grpc-go’s decisions (differential test against simulateCall)', () => {
  /** mulberry32, the property tests' generator in retry.test.ts. */
  function seeded(seed: number): () => number {
    const random = new Random(seed);
    return () => random.next();
  }

  type Reply = { code: StatusCodeName; pushback?: string };
  const CHOICES: Reply[] = [
    { code: 'OK' },
    { code: 'UNAVAILABLE' },
    { code: 'UNAVAILABLE' },
    { code: 'UNAVAILABLE', pushback: '30' },
    { code: 'UNAVAILABLE', pushback: '-1' },
    { code: 'INTERNAL' },
    { code: 'RESOURCE_EXHAUSTED' },
  ];
  const WORK = 20; // ms of processing per attempt, over zero-latency links

  interface Case {
    policy: RetryPolicy;
    throttling: { maxTokens: number; tokenRatio: number } | null;
    script: Reply[];
    timeout: Nanos | undefined;
    calls: number;
  }

  function randomCase(pick: () => number): Case {
    const policy = makeRetryPolicy({
      maxAttempts: 2 + Math.floor(pick() * 4),
      initialBackoff: 10 * MILLISECOND,
      maxBackoff: 80 * MILLISECOND,
      backoffMultiplier: 2,
      retryableStatusCodes: pick() < 0.5 ? ['UNAVAILABLE'] : ['UNAVAILABLE', 'RESOURCE_EXHAUSTED', 'DEADLINE_EXCEEDED'],
    });
    const throttling = pick() < 0.6 ? { maxTokens: 3 + Math.floor(pick() * 5), tokenRatio: 0.5 } : null;
    const script = Array.from({ length: 40 }, () => CHOICES[Math.floor(pick() * CHOICES.length)]!);
    const timeout = pick() < 0.5 ? undefined : (30 + Math.floor(pick() * 150)) * MILLISECOND;
    return { policy, throttling, script, timeout, calls: 6 };
  }

  function viaSimulateCall(c: Case, random: () => number) {
    const throttler = c.throttling ? new RetryThrottler(c.throttling) : null;
    let i = 0;
    let now = 0;
    const out = [];
    for (let k = 0; k < c.calls; k++) {
      const r = simulateCall(
        c.policy,
        () => {
          const reply = c.script[i++ % c.script.length]!;
          return { ...reply, latency: WORK * MILLISECOND };
        },
        { start: now, deadline: c.timeout === undefined ? undefined : now + c.timeout, random, throttler },
      );
      out.push({ code: r.code, attempts: r.attempts.length, delays: r.delays, endAt: r.endAt, tokens: r.tokens, outcome: r.outcome });
      now = r.endAt;
    }
    return out;
  }

  function viaChain(c: Case, random: () => number) {
    const sim = new Simulator(1);
    const net = new Network(sim, { defaultLink: constant(0) });
    // Like simulateCall's handler, the script advances for every request the server receives, even
    // one whose answer the deadline cuts off.
    let i = 0;
    const replies = new Map<string, Reply>();
    const server: HopSpec = {
      name: 'server',
      processing: (req) => {
        replies.set(`${req.call}/${req.attempt}`, c.script[i++ % c.script.length]!);
        return WORK * MILLISECOND;
      },
      answer: (req) => replies.get(`${req.call}/${req.attempt}`),
    };
    const chain = new CallChain(sim, net, { client: 'client', hops: [server] });
    const client = new RetryingClient(sim, chain, { policy: c.policy, throttling: c.throttling, random });
    const out: object[] = [];
    const next = (k: number): void => {
      if (k === c.calls) return;
      client.call(`call-${k}`, c.timeout, (r) => {
        out.push({ code: r.code, attempts: r.attempts, delays: r.delays, endAt: r.endAt, tokens: r.tokens, outcome: r.outcome });
        next(k + 1);
      });
    };
    next(0);
    sim.run();
    return out;
  }

  it('the same statuses, attempts, delays, end times and tokens on 200 random scripts', () => {
    const pick = seeded(2024);
    let sawThrottled = false;
    let sawDeadline = false;
    let sawPushbackAbort = false;
    for (let n = 0; n < 200; n++) {
      const c = randomCase(pick);
      const expected = viaSimulateCall(c, seeded(n));
      expect(viaChain(c, seeded(n))).toEqual(expected);
      sawThrottled ||= expected.some((r) => r.outcome === 'throttled');
      sawDeadline ||= expected.some((r) => r.outcome === 'deadline');
      sawPushbackAbort ||= expected.some((r) => r.outcome === 'pushback-abort');
    }
    // The cases did exercise the interesting branches.
    expect([sawThrottled, sawDeadline, sawPushbackAbort]).toEqual([true, true, true]);
  });

  it('server pushback sets the next delay', () => {
    const c: Case = {
      policy: makeRetryPolicy({ maxAttempts: 3, initialBackoff: SECOND, maxBackoff: SECOND, backoffMultiplier: 1, retryableStatusCodes: ['UNAVAILABLE'] }),
      throttling: null,
      script: [{ code: 'UNAVAILABLE', pushback: '50' }, { code: 'OK' }],
      timeout: undefined,
      calls: 1,
    };
    expect(viaChain(c, () => 0.5)).toEqual([
      { code: 'OK', attempts: 2, delays: [50 * MILLISECOND], endAt: 90 * MILLISECOND, tokens: null, outcome: 'ok' },
    ]);
  });
});
