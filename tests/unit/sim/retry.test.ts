/**
 * gRFC A6 retries with throttling (src/lib/sim/models/rpc/retry.ts) and the status codes
 * (src/lib/sim/models/rpc/status.ts). Test names are those of the Go tests each case is ported
 * from, in grpc/grpc-go at 4793ad0474669eafbd5346c8a3d098fdfa542498: the scenarios of
 * test/retry_test.go are replayed in virtual time with the same scripted servers and the same
 * expectations. Token counts are those a real grpc-go v1.85.0 client reported (read from its
 * retryThrottler) when the same scripts were run against a real server over bufconn; the comments
 * in TestRetryThrottling's Go source give a few different numbers, which the real run contradicts.
 */
import { describe, expect, it } from 'vitest';
import { NO_JITTER } from '../../../src/lib/sim/models/rpc/backoff.ts';
import {
  goPowInt,
  InvalidRetryConfigError,
  makeRetryPolicy,
  parsePushback,
  RetryingChannel,
  retryBackoff,
  RetryThrottler,
  simulateCall,
  type AttemptHandler,
  type RetryPolicy,
  type RetryPolicySpec,
  type ServerReply,
} from '../../../src/lib/sim/models/rpc/retry.ts';
import {
  goCodeString,
  parseStatusCode,
  STATUS_CODES,
  statusCodeName,
  type StatusCodeName,
} from '../../../src/lib/sim/models/rpc/status.ts';
import { MILLISECOND, SECOND } from '../../../src/lib/sim/time.ts';
import { Random } from '../../../src/lib/sim/random';

/** mulberry32: a small seeded PRNG for the property tests. */
/** The project's seeded generator (src/lib/sim/random.ts) as a () => [0, 1) source. */
function seededRandom(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

/** The retryPolicy of grpc-go's retry tests: InitialBackoff = MaxBackoff = .01s, multiplier 1. */
function testPolicy(maxAttempts: number, codes: StatusCodeName[], maxCallAttempts?: number): RetryPolicy {
  const spec: RetryPolicySpec = {
    maxAttempts,
    initialBackoff: 10 * MILLISECOND,
    maxBackoff: 10 * MILLISECOND,
    backoffMultiplier: 1,
    retryableStatusCodes: codes,
  };
  return makeRetryPolicy(spec, maxCallAttempts);
}

/** A server numbering its calls globally, like the `i` counter of the Go tests. */
function countingServer(answer: (i: number) => ServerReply): { handler: AttemptHandler; last: () => number } {
  let i = -1;
  return {
    handler: () => answer(++i),
    last: () => i,
  };
}

/** A server answering a fixed list of replies in order. */
function scriptedServer(replies: ServerReply[]): AttemptHandler {
  let i = 0;
  return () => replies[i++] ?? { code: 'OK' };
}

describe('test/retry_test.go', () => {
  it('TestRetryUnary', () => {
    const server = countingServer((i) => {
      if ([0, 2, 5].includes(i)) return { code: 'OK' };
      if ([6, 8, 11].includes(i)) return { code: 'INTERNAL' }; // non-retryable error
      return { code: 'ALREADY_EXISTS' }; // retryable error
    });
    const channel = new RetryingChannel(testPolicy(4, ['ALREADY_EXISTS']), null, NO_JITTER);
    const cases: [StatusCodeName, number][] = [
      ['OK', 0],
      ['OK', 2],
      ['OK', 5],
      ['INTERNAL', 6],
      ['INTERNAL', 8],
      ['INTERNAL', 11],
      ['ALREADY_EXISTS', 15],
    ];
    for (const [wantCode, wantCount] of cases) {
      expect(channel.call(server.handler).code).toBe(wantCode);
      expect(server.last()).toBe(wantCount);
    }
  });

  it('TestRetryThrottling', () => {
    const server = countingServer((i) =>
      [0, 3, 6, 10, 11, 12, 13, 14, 16, 18].includes(i) ? { code: 'OK' } : { code: 'UNAVAILABLE' },
    );
    const channel = new RetryingChannel(testPolicy(4, ['UNAVAILABLE']), { maxTokens: 10, tokenRatio: 0.5 }, NO_JITTER);
    // [code, server count, tokens after the call as the real grpc-go client reported them]
    const cases: [StatusCodeName, number, number][] = [
      ['OK', 0, 10],
      ['OK', 3, 8.5],
      ['OK', 6, 7],
      ['UNAVAILABLE', 8, 5], // first attempt is retried; second aborted
      ['UNAVAILABLE', 9, 4],
      ['OK', 10, 4.5],
      ['OK', 11, 5],
      ['OK', 12, 5.5],
      ['OK', 13, 6],
      ['OK', 14, 6.5],
      ['OK', 16, 6],
      ['UNAVAILABLE', 17, 5],
    ];
    for (const [wantCode, wantCount, wantTokens] of cases) {
      const result = channel.call(server.handler);
      expect(result.code).toBe(wantCode);
      expect(server.last()).toBe(wantCount);
      expect(result.tokens).toBe(wantTokens);
    }
  });

  describe('TestRetryStreaming (the cases a unary call can have)', () => {
    const policy = testPolicy(4, ['UNAVAILABLE']);
    const run = (replies: ServerReply[]) => simulateCall(policy, scriptedServer(replies), { random: NO_JITTER });

    it('Non-retryable error code', () => {
      const result = run([{ code: 'INTERNAL' }]);
      expect(result.code).toBe('INTERNAL');
      expect(result.attempts).toHaveLength(1);
      expect(result.outcome).toBe('non-retryable');
    });

    it('One retry necessary', () => {
      const result = run([{ code: 'UNAVAILABLE' }, { code: 'OK' }]);
      expect(result.code).toBe('OK');
      expect(result.attempts.map((a) => a.previousAttempts)).toEqual([0, 1]); // sAttempts(1)
    });

    it('Exceed max attempts (4); check attempts header on server', () => {
      const result = run(Array.from({ length: 5 }, () => ({ code: 'UNAVAILABLE' as const })));
      expect(result.code).toBe('UNAVAILABLE');
      expect(result.attempts.map((a) => a.previousAttempts)).toEqual([0, 1, 2, 3]);
      expect(result.outcome).toBe('max-attempts');
    });

    it('No retry after header', () => {
      const result = run([{ code: 'UNAVAILABLE', headersSent: true }, { code: 'OK' }]);
      expect(result.code).toBe('UNAVAILABLE');
      expect(result.attempts).toHaveLength(1);
      expect(result.outcome).toBe('committed');
    });

    it('Negative server pushback - no retry', () => {
      const result = run([{ code: 'UNAVAILABLE', pushback: '-1' }, { code: 'OK' }]);
      expect([result.code, result.attempts.length, result.outcome]).toEqual(['UNAVAILABLE', 1, 'pushback-abort']);
    });

    it('Non-numeric server pushback - no retry', () => {
      const result = run([{ code: 'UNAVAILABLE', pushback: 'xxx' }, { code: 'OK' }]);
      expect([result.code, result.attempts.length, result.outcome]).toEqual(['UNAVAILABLE', 1, 'pushback-abort']);
    });

    it('Multiple server pushback values - no retry', () => {
      const result = run([{ code: 'UNAVAILABLE', pushback: ['100', '10'] }, { code: 'OK' }]);
      expect([result.code, result.attempts.length, result.outcome]).toEqual(['UNAVAILABLE', 1, 'pushback-abort']);
    });

    it('1s server pushback - delayed retry', () => {
      const result = run([{ code: 'UNAVAILABLE', pushback: '1000' }, { code: 'OK' }]);
      expect(result.code).toBe('OK');
      expect(result.delays).toEqual([1 * SECOND]);
      expect(result.attempts[1]?.startAt).toBe(1 * SECOND); // cCheckElapsed(time.Second)
    });
  });

  it('TestMaxCallAttempts', () => {
    const cases = [
      { serviceMaxAttempts: 9, clientMaxAttempts: 4, expectedAttempts: 4 },
      { serviceMaxAttempts: 9, clientMaxAttempts: 7, expectedAttempts: 7 },
      { serviceMaxAttempts: 3, clientMaxAttempts: 10, expectedAttempts: 3 },
      { serviceMaxAttempts: 8, clientMaxAttempts: -1, expectedAttempts: 5 }, // 5 is default max
      { serviceMaxAttempts: 3, clientMaxAttempts: 0, expectedAttempts: 3 },
    ];
    for (const tc of cases) {
      const server = countingServer(() => ({ code: 'UNAVAILABLE' }));
      const policy = testPolicy(tc.serviceMaxAttempts, ['UNAVAILABLE'], tc.clientMaxAttempts);
      simulateCall(policy, server.handler, { random: NO_JITTER });
      expect(server.last() + 1).toBe(tc.expectedAttempts);
    }
  });

  // Subtest "not_configured": without a retry policy a retryable-looking failure is final.
  it('TestNoRetry', () => {
    const server = countingServer((i) => (i === 0 ? { code: 'UNAVAILABLE' } : { code: 'OK' }));
    const result = simulateCall(null, server.handler, { random: NO_JITTER });
    expect(result.code).toBe('UNAVAILABLE');
    expect(server.last()).toBe(0);
  });
});

// service_config_test.go
describe('TestParseRetryPolicy', () => {
  const valid: RetryPolicySpec = {
    maxAttempts: 2,
    initialBackoff: 2 * SECOND,
    maxBackoff: 10 * SECOND,
    backoffMultiplier: 2,
    retryableStatusCodes: ['UNAVAILABLE'],
  };

  it('valid', () => {
    const policy = makeRetryPolicy(valid);
    expect(policy).toMatchObject({ maxAttempts: 2, initialBackoff: 2 * SECOND, maxBackoff: 10 * SECOND, backoffMultiplier: 2 });
    expect([...policy.retryableStatusCodes]).toEqual(['UNAVAILABLE']);
  });

  const invalid: [string, Partial<RetryPolicySpec>][] = [
    ['negative maxAttempts', { maxAttempts: -1 }],
    ['missing maxAttempts', { maxAttempts: 0 }], // Go's zero value
    ['zero initialBackoff', { initialBackoff: 0 }],
    ['zero maxBackoff', { maxBackoff: 0 }],
    ['zero backoffMultiplier', { backoffMultiplier: 0 }],
    ['no retryable codes', { retryableStatusCodes: [] }],
  ];
  for (const [name, change] of invalid) {
    it(name, () => {
      expect(() => makeRetryPolicy({ ...valid, ...change })).toThrow(InvalidRetryConfigError);
    });
  }

  it('maxAttempts 1 is not a retry policy (gRFC A6: "must be two or greater")', () => {
    expect(() => makeRetryPolicy({ ...valid, maxAttempts: 1 })).toThrow(InvalidRetryConfigError);
  });
});

describe('retryThrottling (service_config.go, clientconn.go)', () => {
  it('rejects maxTokens outside (0, 1000] and tokenRatio ≤ 0', () => {
    for (const spec of [
      { maxTokens: 0, tokenRatio: 0.1 },
      { maxTokens: 1000.5, tokenRatio: 0.1 },
      { maxTokens: 10, tokenRatio: 0 },
      { maxTokens: 10, tokenRatio: -1 },
    ]) {
      expect(() => new RetryThrottler(spec)).toThrow(InvalidRetryConfigError);
    }
    expect(new RetryThrottler({ maxTokens: 1000, tokenRatio: 0.001 }).tokens).toBe(1000);
  });

  it('throttles at or below maxTokens/2 and clamps to [0, maxTokens]', () => {
    const t = new RetryThrottler({ maxTokens: 4, tokenRatio: 3 });
    expect(t.throttle()).toBe(false); // 3 > 2
    expect(t.throttle()).toBe(true); // 2 ≤ 2
    t.throttle();
    t.throttle();
    t.throttle();
    expect(t.tokens).toBe(0);
    t.successfulRPC();
    t.successfulRPC();
    expect(t.tokens).toBe(4);
  });

  it('counts a retryable failure on the last attempt too (throttle() comes before the maxAttempts check)', () => {
    const channel = new RetryingChannel(testPolicy(2, ['UNAVAILABLE']), { maxTokens: 10, tokenRatio: 1 }, NO_JITTER);
    const result = channel.call(() => ({ code: 'UNAVAILABLE' }));
    expect([result.attempts.length, result.tokens]).toEqual([2, 8]);
  });

  it('does not count non-retryable failures, and counts a bad pushback whatever the code', () => {
    const channel = new RetryingChannel(testPolicy(4, ['UNAVAILABLE']), { maxTokens: 10, tokenRatio: 0.5 }, NO_JITTER);
    expect(channel.call(() => ({ code: 'INTERNAL' })).tokens).toBe(10);
    // Both checked against a real grpc-go client: 9 after "-1", 8 after INTERNAL with "xxx".
    expect(channel.call(scriptedServer([{ code: 'UNAVAILABLE', pushback: '-1' }])).tokens).toBe(9);
    expect(channel.call(scriptedServer([{ code: 'INTERNAL', pushback: 'xxx' }])).tokens).toBe(8);
    // Committed attempts are never judged: the pushback is not even read.
    expect(channel.call(scriptedServer([{ code: 'UNAVAILABLE', pushback: '-1', headersSent: true }])).tokens).toBe(8);
  });
});

describe('pushback (grpc-retry-pushback-ms)', () => {
  it('is parsed like strconv.Atoi', () => {
    expect(parsePushback(undefined)).toEqual({ kind: 'none' });
    expect(parsePushback('+3')).toEqual({ kind: 'delay', delay: 3 * MILLISECOND });
    expect(parsePushback('007')).toEqual({ kind: 'delay', delay: 7 * MILLISECOND });
    expect(parsePushback('-0')).toEqual({ kind: 'delay', delay: 0 });
    for (const bad of ['-1', 'xxx', '', '1.5', '1_000', ' 1', '9223372036854775808']) {
      expect(parsePushback(bad)).toEqual({ kind: 'abort' });
    }
    expect(parsePushback(['1', '2'])).toEqual({ kind: 'abort' });
  });

  it('resets the exponential backoff (gRFC A6: the next delay starts again at initialBackoff)', () => {
    const policy = makeRetryPolicy({
      maxAttempts: 5,
      initialBackoff: 100 * MILLISECOND,
      maxBackoff: 10 * SECOND,
      backoffMultiplier: 2,
      retryableStatusCodes: ['UNAVAILABLE'],
    });
    const replies: ServerReply[] = [
      { code: 'UNAVAILABLE' },
      { code: 'UNAVAILABLE' },
      { code: 'UNAVAILABLE', pushback: '50' },
      { code: 'UNAVAILABLE' },
      { code: 'OK' },
    ];
    const result = simulateCall(policy, scriptedServer(replies), { random: NO_JITTER });
    expect(result.delays).toEqual([100, 200, 50, 100].map((ms) => ms * MILLISECOND));
    expect(result.endAt).toBe(450 * MILLISECOND);
  });
});

describe('retry delay (stream.go, commit 4c07bca2: × U(0.8, 1.2))', () => {
  const policy = makeRetryPolicy({
    maxAttempts: 5,
    initialBackoff: 100 * MILLISECOND,
    maxBackoff: 1 * SECOND,
    backoffMultiplier: 2,
    retryableStatusCodes: ['UNAVAILABLE'],
  });

  it('spans 0.8 to 1.2 of min(initial·multiplier^n, max)', () => {
    expect(retryBackoff(policy, 0, () => 0)).toBe(80 * MILLISECOND);
    expect(retryBackoff(policy, 0, NO_JITTER)).toBe(100 * MILLISECOND);
    expect(retryBackoff(policy, 2, () => 0.999999)).toBeLessThan(480 * MILLISECOND);
    expect(retryBackoff(policy, 10, () => 0)).toBe(800 * MILLISECOND);
  });

  it('matches the stream.go expression evaluated by Go for given draws', () => {
    // [initial ns, max ns, multiplier, n, draw, want ns]
    const golden: [number, number, number, number, number, number][] = [
      [583827648, 32448924560, 2.679576322879657, 23, 0.7896727891182229, 36208752752],
      [269226372, 7767578114, 0.27164429185142724, 26, 0.6969297347522498, 0],
      [1385707071, 77092536324, 2.2609365447196197, 16, 0.16592142632174034, 66790550493],
      [265228403, 50201752889, 1.700122885197936, 21, 0.16828576753700364, 43540698517],
      [921075323, 28033624631, 1.9508883483935187, 2, 0.09902782397525645, 2943324623],
      [60415835, 70056485334, 0.795617768630382, 39, 0.49192763891029045, 8076],
      // Long delays where Math.pow instead of Go's math.Pow would be off by a few nanoseconds.
      [949, 2 ** 52, 2.593770931707695, 30, 0.5, 2484361424039001],
      [563, 2 ** 52, 3.4229059093631804, 20, 0.5, 27441485569312],
      [855, 2 ** 52, 2.727863311069086, 28, 0.5, 1364580141645730],
    ];
    for (const [initialBackoff, maxBackoff, backoffMultiplier, n, draw, want] of golden) {
      const p = makeRetryPolicy({ maxAttempts: 2, initialBackoff, maxBackoff, backoffMultiplier, retryableStatusCodes: ['UNAVAILABLE'] });
      expect(retryBackoff(p, n, () => draw)).toBe(want);
    }
  });

  it("uses Go's math.Pow, which differs from Math.pow in the last bit", () => {
    // [x, n, float64 bits of Go's math.Pow(x, n)]: each differs from V8's Math.pow.
    const golden: [number, number, string][] = [
      [1.2574359091911012, 3, '3fffcf9ed4f78aa5'],
      [3.307899642576118, 53, '45a6374435bfd46b'],
      [3.0347000254243506, 38, '43bd057f32d73e16'],
      [1.5863359322392907, 45, '41cf0c43df3b8b33'],
      [1.522097029099517, 17, '4093bd5aae8ac3ed'],
    ];
    const bits = (f: number) => {
      const v = new DataView(new ArrayBuffer(8));
      v.setFloat64(0, f);
      return v.getBigUint64(0).toString(16).padStart(16, '0');
    };
    for (const [x, n, want] of golden) expect(bits(goPowInt(x, n))).toBe(want);
    expect(goPowInt(1.6, 0)).toBe(1);
    expect(goPowInt(2, 10)).toBe(1024);
    expect(goPowInt(10, 400)).toBe(Infinity);
    expect(goPowInt(0.1, 400)).toBe(0);
  });
});

describe('deadline (gRFC A6: the call deadline applies across all attempts)', () => {
  const throttling = { maxTokens: 10, tokenRatio: 0.5 };

  it('stops when the next attempt would start at or after the deadline', () => {
    // Pushback of 400ms with a 150ms deadline: the wait would pass the deadline.
    const channel = new RetryingChannel(testPolicy(4, ['UNAVAILABLE']), throttling, NO_JITTER);
    const result = channel.call(scriptedServer([{ code: 'UNAVAILABLE', pushback: '400' }]), { deadline: 150 * MILLISECOND });
    // Same answer as a real grpc-go client: 1 attempt, DEADLINE_EXCEEDED, 9 tokens.
    expect([result.code, result.attempts.length, result.tokens, result.outcome]).toEqual(['DEADLINE_EXCEEDED', 1, 9, 'deadline']);
    expect(result.endAt).toBe(150 * MILLISECOND);
  });

  it('cuts an attempt that would end after the deadline', () => {
    const channel = new RetryingChannel(testPolicy(4, ['UNAVAILABLE']), throttling, NO_JITTER);
    const slow: ServerReply[] = [{ code: 'UNAVAILABLE' }, { code: 'OK', latency: 300 * MILLISECOND }];
    const result = channel.call(scriptedServer(slow), { deadline: 100 * MILLISECOND });
    // Real grpc-go: 2 attempts, DEADLINE_EXCEEDED, 9 tokens (DEADLINE_EXCEEDED is not retryable here).
    expect([result.code, result.attempts.length, result.tokens]).toEqual(['DEADLINE_EXCEEDED', 2, 9]);
    expect(result.attempts[1]).toMatchObject({ startAt: 10 * MILLISECOND, endAt: 100 * MILLISECOND, code: 'DEADLINE_EXCEEDED' });
  });

  it('charges a token for the cut attempt when DEADLINE_EXCEEDED is retryable', () => {
    const channel = new RetryingChannel(testPolicy(4, ['UNAVAILABLE', 'DEADLINE_EXCEEDED']), throttling, NO_JITTER);
    const slow: ServerReply[] = [{ code: 'UNAVAILABLE' }, { code: 'OK', latency: 300 * MILLISECOND }];
    const result = channel.call(scriptedServer(slow), { deadline: 100 * MILLISECOND });
    expect([result.code, result.attempts.length, result.tokens]).toEqual(['DEADLINE_EXCEEDED', 2, 8]); // real grpc-go: 8
  });

  it('makes no attempt when the deadline has already passed', () => {
    const server = countingServer(() => ({ code: 'OK' }));
    const result = simulateCall(testPolicy(4, ['UNAVAILABLE']), server.handler, { start: 5, deadline: 5, random: NO_JITTER });
    expect([result.code, result.attempts.length, server.last()]).toEqual(['DEADLINE_EXCEEDED', 0, -1]);
  });

  it('lets attempts run while they end before the deadline', () => {
    const replies: ServerReply[] = Array.from({ length: 5 }, () => ({ code: 'UNAVAILABLE', latency: 60 * MILLISECOND }));
    const result = simulateCall(testPolicy(5, ['UNAVAILABLE']), scriptedServer(replies), { deadline: 100 * MILLISECOND, random: NO_JITTER });
    // 0–60 ms, wait 10, 70–100 cut: as the real client (2 server calls).
    expect(result.attempts.map((a) => [a.startAt, a.endAt, a.code])).toEqual([
      [0, 60 * MILLISECOND, 'UNAVAILABLE'],
      [70 * MILLISECOND, 100 * MILLISECOND, 'DEADLINE_EXCEEDED'],
    ]);
  });
});

describe('properties (seeded)', () => {
  const allCodes = Object.keys(STATUS_CODES) as StatusCodeName[];

  it('keeps tokens in [0, maxTokens] and never exceeds min(maxAttempts, 5) attempts', () => {
    const random = seededRandom(42);
    for (let trace = 0; trace < 200; trace++) {
      const maxAttempts = 2 + Math.floor(random() * 8);
      const retryable = allCodes.filter((c) => c !== 'OK' && random() < 0.3);
      if (retryable.length === 0) retryable.push('UNAVAILABLE');
      const maxTokens = 0.5 + random() * 20;
      const channel = new RetryingChannel(
        makeRetryPolicy({
          maxAttempts,
          initialBackoff: (1 + Math.floor(random() * 100)) * MILLISECOND,
          maxBackoff: (1 + Math.floor(random() * 1000)) * MILLISECOND,
          backoffMultiplier: 0.5 + random() * 3,
          retryableStatusCodes: retryable,
        }),
        { maxTokens, tokenRatio: 0.01 + random() },
        random,
      );
      const pushbacks = [undefined, undefined, undefined, '0', '20', '-1', 'x', ['1', '2']];
      for (let call = 0; call < 30; call++) {
        const result = channel.call(() => {
          const pushback = pushbacks[Math.floor(random() * pushbacks.length)];
          return {
            code: random() < 0.3 ? 'OK' : allCodes[Math.floor(random() * allCodes.length)]!,
            ...(pushback === undefined ? {} : { pushback }),
            headersSent: random() < 0.05,
          };
        });
        expect(result.attempts.length).toBeGreaterThanOrEqual(1);
        expect(result.attempts.length).toBeLessThanOrEqual(Math.min(maxAttempts, 5));
        expect(result.tokens).not.toBeNull();
        expect(result.tokens!).toBeGreaterThanOrEqual(0);
        expect(result.tokens!).toBeLessThanOrEqual(maxTokens);
        for (const a of result.attempts) expect(a.tokensAfter!).toBeLessThanOrEqual(maxTokens);
      }
    }
  });

  it('waits within 0.8–1.2 of the capped exponential delay, and only retries retryable codes', () => {
    const random = seededRandom(7);
    for (let trace = 0; trace < 200; trace++) {
      const policy = makeRetryPolicy({
        maxAttempts: 5,
        initialBackoff: (1 + Math.floor(random() * 100)) * MILLISECOND,
        maxBackoff: (1 + Math.floor(random() * 1000)) * MILLISECOND,
        backoffMultiplier: 1 + random() * 2,
        retryableStatusCodes: ['UNAVAILABLE', 'RESOURCE_EXHAUSTED'],
      });
      const result = simulateCall(policy, () => ({ code: random() < 0.7 ? 'UNAVAILABLE' : 'INTERNAL' }), { random });
      result.delays.forEach((delay, n) => {
        const cur = Math.min(policy.initialBackoff * policy.backoffMultiplier ** n, policy.maxBackoff);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(cur * 0.8) - 1);
        expect(delay).toBeLessThanOrEqual(Math.ceil(cur * 1.2));
      });
      for (const a of result.attempts) {
        if (a.outcome === 'retry') expect(policy.retryableStatusCodes.has(a.code)).toBe(true);
      }
    }
  });
});

// codes/codes_test.go
describe('status codes', () => {
  it('TestUnmarshalJSON', () => {
    for (const [name, value] of Object.entries(STATUS_CODES)) {
      expect(parseStatusCode(name)).toBe(name);
      expect(statusCodeName(value)).toBe(name);
    }
  });

  it('TestJSONUnmarshal', () => {
    expect(['OK', 'NOT_FOUND', 'INTERNAL', 'CANCELLED'].map((s) => parseStatusCode(s))).toEqual([
      'OK',
      'NOT_FOUND',
      'INTERNAL',
      'CANCELLED',
    ]);
  });

  it('TestUnmarshalJSON_UnknownInput', () => {
    for (const s of ['', 'xxx', 'Code(17)', 'Unavailable', 'CANCELED']) expect(parseStatusCode(s)).toBeUndefined();
  });

  it('TestUnmarshalJSON_MarshalUnmarshal', () => {
    for (let i = 0; i < 17; i++) expect(STATUS_CODES[parseStatusCode(i)!]).toBe(i);
  });

  it('TestUnmarshalJSON_InvalidIntegerCode', () => {
    expect(parseStatusCode(200)).toBeUndefined();
    expect(parseStatusCode(17)).toBeUndefined();
  });

  it('numbers and Go spellings follow codes/codes.go and code_string.go', () => {
    expect(STATUS_CODES.UNAVAILABLE).toBe(14);
    expect(STATUS_CODES.UNAUTHENTICATED).toBe(16);
    expect(goCodeString(1)).toBe('Canceled');
    expect(goCodeString(4)).toBe('DeadlineExceeded');
    expect(goCodeString(17)).toBe('Code(17)');
    expect(statusCodeName(17)).toBe('CODE(17)');
  });
});
