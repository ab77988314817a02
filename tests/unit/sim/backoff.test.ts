/**
 * grpc-go connection backoff (src/lib/sim/models/rpc/backoff.ts). Test names are those of the Go
 * tests each case is ported from, in grpc/grpc-go at 4793ad0474669eafbd5346c8a3d098fdfa542498 unless
 * a commit is named. grpc-go has no test of Backoff's values (internal/backoff/backoff_test.go only
 * ever tested a builder, and was deleted), so the golden values below were printed by the real
 * `internal/backoff.Exponential.Backoff` of grpc-go v1.85.0 in a scratch Go program.
 */
import { describe, expect, it } from 'vitest';
import {
  connectionBackoff,
  DEFAULT_BACKOFF_CONFIG,
  ExponentialBackoff,
  NO_JITTER,
  type BackoffConfig,
} from '../../../src/lib/sim/models/rpc/backoff.ts';
import { MILLISECOND, SECOND, durationFromFloat } from '../../../src/lib/sim/time.ts';
import { Random } from '../../../src/lib/sim/random';

/** mulberry32: a small seeded PRNG for the property tests. */
/** The project's seeded generator (src/lib/sim/random.ts) as a () => [0, 1) source. */
function seededRandom(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

const noJitter = (config: Partial<BackoffConfig>): BackoffConfig => ({ ...DEFAULT_BACKOFF_CONFIG, jitter: 0, ...config });

describe('DefaultConfig', () => {
  // internal/backoff/backoff_test.go at 7f27715398b9ba86f4734a2141275159f353141c
  it('TestNewExponentialBuilderDefault', () => {
    expect(DEFAULT_BACKOFF_CONFIG).toEqual({ baseDelay: 1 * SECOND, multiplier: 1.6, jitter: 0.2, maxDelay: 120 * SECOND });
  });

  // clientconn_test.go: the channel's default strategy is Exponential{DefaultConfig}.
  it('TestWithBackoffConfigDefault', () => {
    const b = new ExponentialBackoff(DEFAULT_BACKOFF_CONFIG, NO_JITTER);
    expect([0, 1, 2, 3].map((n) => b.backoff(n))).toEqual([1 * SECOND, 1.6 * SECOND, 2.56 * SECOND, 4.096 * SECOND]);
  });

  // clientconn_test.go: WithBackoffMaxDelay(DefaultBackoffConfig.MaxDelay / 2) keeps the other defaults.
  it('TestWithBackoffMaxDelay', () => {
    const config = { ...DEFAULT_BACKOFF_CONFIG, maxDelay: 60 * SECOND };
    expect(connectionBackoff(config, 50, NO_JITTER)).toBe(60 * SECOND);
    expect(connectionBackoff(config, 50, () => 0)).toBe(48 * SECOND); // ×(1 - 0.2)
    expect(connectionBackoff(config, 8, NO_JITTER)).toBe(42_949_672_960); // 1.6^8 s, below the cap
  });

  // clientconn_test.go: ConnectParams without MaxDelay leave MaxDelay at 0. Backoff then returns
  // BaseDelay for retries == 0 and 0 for every later retry (the loop never runs, the cap clamps).
  it('TestWithConnectParams', () => {
    const config: BackoffConfig = { baseDelay: 2 * SECOND, multiplier: 2, jitter: 0, maxDelay: 0 };
    expect(connectionBackoff(config, 0, NO_JITTER)).toBe(2 * SECOND);
    expect(connectionBackoff(config, 1, NO_JITTER)).toBe(0);
    expect(connectionBackoff(config, 5, NO_JITTER)).toBe(0);
  });
});

describe('Exponential.Backoff', () => {
  // clientconn_test.go: BaseDelay 200ms, Multiplier 2, Jitter 0: each reconnect waits longer.
  it('TestBackoffWhenNoServerPrefaceReceived', () => {
    const config: BackoffConfig = { baseDelay: 200 * MILLISECOND, multiplier: 2, jitter: 0, maxDelay: 120 * SECOND };
    const delays = [0, 1, 2, 3].map((n) => connectionBackoff(config, n, NO_JITTER));
    expect(delays).toEqual([200, 400, 800, 1600].map((ms) => ms * MILLISECOND));
  });

  // internal/resolver/dns/dns_resolver_test.go: the resolver re-resolves after
  // DefaultExponential.Backoff(1..10), and each wait must be longer than the last, whatever the
  // jitter draws: 1.6 × 0.8 / 1.2 > 1, so even the worst pair of draws keeps the order.
  it('TestDNSResolver_ExponentialBackoff', () => {
    const worstCase = [() => 0.999999, () => 0];
    let prev = 0;
    for (let i = 1; i <= 10; i++) {
      const dur = connectionBackoff(DEFAULT_BACKOFF_CONFIG, i, worstCase[i % 2]!);
      expect(dur).toBeGreaterThan(prev);
      prev = dur;
    }
  });

  it('matches the real grpc-go v1.85.0 Backoff bit for bit (jitter 0)', () => {
    // [BaseDelay ns, Multiplier, MaxDelay ns, retries, Backoff(retries) ns], printed by Go.
    const golden: [number, number, number, number, number][] = [
      [1000000000, 1.6, 120000000000, 7, 26843545600],
      [4999117554, 1.352726780698453, 132799338772, 8, 56049798284],
      [444788971, 1.0163875415021373, 1214484326518, 29, 712647337],
      [1000000000, 1.6, 120000000000, 9, 68719476736],
      [738214912, 1.0507116191762544, 9585340973713, 34, 3968469068],
      [386492612, 1.033194456669835, 533831222576, 48, 1853021389],
      [972100637, 1.0983219681627143, 9691536493953, 35, 25897013714],
      [857095640, 1.0612718459732942, 7206989973755, 5, 1153884930],
      [820000000, 1.8033461302237015, 69449000000, 6, 28202551814],
      [4110812462, 1.3408310115499402, 855450419754, 6, 23887568233],
      [287628522, 1.081517672318617, 2773650779286, 23, 1744235885],
      [1000000000, 1.6, 120000000000, 59, 120000000000],
    ];
    for (const [baseDelay, multiplier, maxDelay, retries, want] of golden) {
      expect(connectionBackoff({ baseDelay, multiplier, jitter: 0, maxDelay }, retries, NO_JITTER)).toBe(want);
    }
  });

  it('matches the jitter arithmetic of internal/backoff/backoff.go for given draws', () => {
    // [base, multiplier, jitter, max, retries, draw, want]: the Go expression evaluated on amd64.
    const golden: [number, number, number, number, number, number, number][] = [
      [200242226, 1.4645767102777159, 0.19514548737050397, 147453519361, 25, 0.7896727891182229, 164124124009],
      [551812246, 1.894826193696296, 0.91645426016914, 142716014199, -1, 0.6969297347522498, 750991187],
      [2829535853, 1.5328832280315385, 0.2341723590802286, 109986049081, 5, 0.16592142632174034, 20200597649],
      [422105447, 1.6914454573949391, 0.3074910615307098, 101221031443, 1, 0.16828576753700364, 568319996],
      [4900888901, 1.3949083439387855, 0.2508650011121025, 128473814634, 14, 0.09902782397525645, 102627482056],
      [653979131, 1.3245519782328252, 0.34760474007745346, 82591592771, 8, 0.49192763891029045, 6161292363],
    ];
    for (const [baseDelay, multiplier, jitter, maxDelay, retries, draw, want] of golden) {
      expect(connectionBackoff({ baseDelay, multiplier, jitter, maxDelay }, retries, () => draw)).toBe(want);
    }
  });

  it('returns BaseDelay for retries 0 without jitter and without drawing', () => {
    let draws = 0;
    const random = () => {
      draws++;
      return 0;
    };
    expect(connectionBackoff(DEFAULT_BACKOFF_CONFIG, 0, random)).toBe(SECOND);
    expect(draws).toBe(0);
    expect(connectionBackoff(DEFAULT_BACKOFF_CONFIG, 1, random)).toBe(1.28 * SECOND); // 1.6 s × 0.8
    expect(draws).toBe(1);
  });

  it('applies jitter to BaseDelay for negative retries, as the Go loop is skipped', () => {
    expect(connectionBackoff(DEFAULT_BACKOFF_CONFIG, -3, () => 0)).toBe(0.8 * SECOND);
  });

  it('stops multiplying at the cap, so a huge retry count costs nothing and never overflows', () => {
    expect(connectionBackoff(noJitter({}), 1e12, NO_JITTER)).toBe(120 * SECOND);
  });

  it('truncates toward zero like time.Duration(float64)', () => {
    // 1e9 × 1.6 × 1.6 × 1.6 is 4096000000.0000005 in float64.
    expect(connectionBackoff(noJitter({}), 3, NO_JITTER)).toBe(4096 * MILLISECOND);
    expect(connectionBackoff(noJitter({ baseDelay: 3, multiplier: 1.5 }), 1, NO_JITTER)).toBe(4);
  });

  it('clamps a negative jittered delay to 0', () => {
    expect(connectionBackoff(noJitter({ jitter: 2 }), 1, () => 0)).toBe(0);
  });

  it('converts out-of-range floats as amd64 Go does (checked with Go 1.26)', () => {
    expect(durationFromFloat(1e19)).toBe(-(2 ** 63));
    expect(durationFromFloat(-1e19)).toBe(-(2 ** 63));
    expect(durationFromFloat(Number.NaN)).toBe(-(2 ** 63));
    expect(durationFromFloat(1.5)).toBe(1);
    expect(durationFromFloat(-1.5)).toBe(-1);
  });
});

describe('properties (seeded)', () => {
  const random = seededRandom(0x5eed);
  const configs = Array.from({ length: 300 }, () => ({
    baseDelay: Math.floor(random() * 5 * SECOND) + 1,
    multiplier: 1 + random() * 2,
    jitter: random() * 0.5,
    maxDelay: Math.floor(random() * 300 * SECOND) + 1,
  }));

  // For retries ≥ 1; retries 0 returns BaseDelay as is, even above MaxDelay (Go does the same).
  it('never exceeds max·(1+jitter) and is never negative', () => {
    for (const config of configs) {
      for (let retries = 1; retries < 40; retries++) {
        const d = connectionBackoff(config, retries, random);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(config.maxDelay * (1 + config.jitter));
      }
    }
  });

  it('without jitter, never decreases with retries (multiplier ≥ 1) and ends at the cap', () => {
    for (const config of configs) {
      const plain = { ...config, jitter: 0 };
      let prev = 0;
      for (let retries = 1; retries < 60; retries++) {
        const d = connectionBackoff(plain, retries, random);
        expect(d).toBeGreaterThanOrEqual(prev);
        prev = d;
      }
      expect(connectionBackoff(plain, 1e6, random)).toBe(config.maxDelay);
    }
  });

  it('stays within ±jitter of the jitter-free delay', () => {
    for (const config of configs) {
      const retries = 1 + Math.floor(random() * 20);
      const mid = connectionBackoff(config, retries, NO_JITTER);
      const d = connectionBackoff(config, retries, random);
      expect(d).toBeGreaterThanOrEqual(Math.floor(mid * (1 - config.jitter)) - 1);
      expect(d).toBeLessThanOrEqual(Math.ceil(mid * (1 + config.jitter)) + 1);
    }
  });
});
