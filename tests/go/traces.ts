/**
 * The traces of the differential check: the golden ones (tests/go/testdata/golden/<model>/*.jsonl,
 * the libraries' own test cases translated to the replay contract, plus the traces our unit tests
 * and earlier oracle runs used) and seeded random ones. A trace is the contract's JSONL as parsed
 * objects: its configuration, then its ops. Random traces keep to what each model accepts (unique
 * ids, times that never go back where a model forbids it), with two deliberate exceptions whose
 * errors must agree: a breaker `end` whose `begin` was rejected, and retry configurations that grpc
 * refuses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../../src/lib/sim/random.ts';
import type { JsonObject } from '../../src/lib/sim/replay/types.ts';

export const DIFFERENTIAL_MODELS = ['limiter', 'breaker', 'backoff', 'retry'] as const;
export type DifferentialModel = (typeof DIFFERENTIAL_MODELS)[number];

export interface Trace {
  /** `golden/<file>` or `random #<k> (seed <s>)`. */
  name: string;
  /** The contract's lines: the configuration, then the ops. */
  lines: JsonObject[];
}

export function goldenTraces(root: string, model: DifferentialModel): Trace[] {
  const dir = join(root, 'tests/go/testdata/golden', model);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((file) => ({
      name: `golden/${model}/${file}`,
      lines: readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as JsonObject),
    }));
}

export function randomTraces(model: DifferentialModel, count: number, seed: number): Trace[] {
  const traces: Trace[] = [];
  for (let k = 0; k < count; k++) {
    // One stream per trace, so a failing trace can be regenerated alone from (seed, k).
    const rnd = new Random(seed * 1_000_003 + k);
    traces.push({ name: `random #${k} (seed ${seed})`, lines: GENERATORS[model](rnd) });
  }
  return traces;
}

const pick = <T>(rnd: Random, xs: readonly T[]): T => xs[rnd.int(xs.length)]!;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

const GENERATORS: Record<DifferentialModel, (rnd: Random) => JsonObject[]> = {
  limiter(rnd) {
    // Odd limits on purpose: 0, negative, tiny, huge, "inf", long mantissas.
    const limits: (number | string)[] = [10, 5, 1, 0, 0.5, 0.7692307692307693, 1e-10, 3.3, 1000, 'inf', -1, 7, 100, 2.5, 1e9, 0.1];
    const randLimit = () =>
      rnd.next() < 0.6 ? pick(rnd, limits) : Math.round(rnd.next() * 50_000) / 1000 + (rnd.next() < 0.3 ? rnd.next() : 0);
    let burst = pick(rnd, [0, 1, 2, 3, 4, 5, 10, 100]);
    const lines: JsonObject[] = [{ limit: randLimit(), burst }];
    const fine = rnd.next() < 0.5; // fractional milliseconds
    const scale = pick(rnd, [250, 250, 2500, 60_000]);
    const ids: string[] = [];
    let t = 0;
    const ops = 20 + rnd.int(80);
    for (let i = 0; i < ops; i++) {
      const r = rnd.next();
      if (r < 0.08) t -= rnd.int(300); // x/time allows time to go backwards
      else if (r >= 0.35) t += fine ? round6(rnd.next() * scale) : rnd.int(scale);
      t = round6(t);
      const n = rnd.next() < 0.05 ? -1 : rnd.int(burst + 3);
      const o = rnd.next();
      if (o < 0.3) lines.push({ op: 'allow', at: t, n });
      else if (o < 0.55) {
        const id = `r${i}`;
        ids.push(id);
        const maxWaitMs =
          rnd.next() < 0.5 ? null : rnd.next() < 0.1 ? -rnd.int(10) : fine ? round6(rnd.next() * 800) : rnd.int(800);
        lines.push({ op: 'reserve', at: t, n, id, maxWaitMs });
      } else if (o < 0.72 && ids.length > 0) lines.push({ op: 'cancel', at: t, id: pick(rnd, ids) });
      else if (o < 0.78) lines.push({ op: 'setLimit', at: t, limit: randLimit() });
      else if (o < 0.84) {
        burst = pick(rnd, [0, 1, 2, 3, 4, 5, 10]);
        lines.push({ op: 'setBurst', at: t, burst });
      } else lines.push({ op: 'tokens', at: t });
    }
    return lines;
  },

  breaker(rnd) {
    const version = rnd.next() < 0.3 ? 1 : 2;
    const config: JsonObject = { version };
    if (rnd.next() < 0.8) config.maxRequests = pick(rnd, [0, 1, 2, 3, 4]);
    if (rnd.next() < 0.7) config.intervalMs = pick(rnd, [0, 5, 10, 12, 20, 30, -3]);
    if (rnd.next() < 0.9) config.timeoutMs = pick(rnd, [0, 3, 5, 8, 10, 15, 7.5]);
    if (version === 2 && rnd.next() < 0.5) config.bucketPeriodMs = pick(rnd, [0, 1, 2, 3, 4, 7, 25, 1.5]);
    const r = rnd.next();
    if (r < 0.4) config.readyToTrip = { consecutiveFailuresGt: pick(rnd, [0, 1, 2, 3, 5]) };
    else if (r < 0.8) {
      config.readyToTrip = { minRequests: pick(rnd, [1, 2, 3, 4, 6]), failureRatioGte: pick(rnd, [0.3, 0.5, 0.6, 0.75, 1]) };
    }
    const lines: JsonObject[] = [config];
    const inFlight: string[] = [];
    const failP = rnd.next();
    const result = () => (rnd.next() < 0.15 ? 'excluded' : rnd.next() < failP ? 'failure' : 'success');
    let at = 0;
    let nextId = 0;
    const ops = 20 + rnd.int(100);
    for (let i = 0; i < ops; i++) {
      const d = rnd.next();
      if (d < 0.4) at += 0;
      else if (d < 0.75) at += pick(rnd, [1, 2, 3]);
      else if (d < 0.9) at += pick(rnd, [0.5, 0.25, 1 / 3, 0.000001]);
      else at += pick(rnd, [5, 10, 15, 60]);
      at = round6(at);
      const o = rnd.next();
      if (o < 0.45) lines.push({ op: 'call', at, result: result() });
      else if (o < 0.65) {
        const id = `r${nextId++}`;
        inFlight.push(id); // a rejected begin keeps nothing; its `end` is then an error on both sides
        lines.push({ op: 'begin', at, id });
      } else if (o < 0.85 && inFlight.length > 0) {
        const id = inFlight.splice(rnd.int(inFlight.length), 1)[0]!;
        lines.push({ op: 'end', at, id, result: result() });
      } else lines.push({ op: 'state', at });
    }
    return lines;
  },

  backoff(rnd) {
    // Jitter 0 only: with another jitter grpc draws from math/rand, which no trace can reproduce.
    let config: JsonObject;
    switch (rnd.int(4)) {
      case 0: // grpc's DefaultConfig
        config = { baseMs: 1000, multiplier: 1.6, jitter: 0, maxMs: 120_000 };
        break;
      case 1: // whole milliseconds
        config = { baseMs: 1 + rnd.int(5000), multiplier: 1 + rnd.next() * 2, jitter: 0, maxMs: 1 + rnd.int(300_000) };
        break;
      case 2: // odd nanoseconds and multipliers, below 1 included
        config = { baseMs: round6(rnd.next() * 10_000), multiplier: rnd.next() * 4, jitter: 0, maxMs: round6(rnd.next() * 1e6) };
        break;
      default: // long mantissas near 1, many steps before the cap
        config = { baseMs: round6(rnd.next() * 1000), multiplier: 1 + rnd.next() / 10, jitter: 0, maxMs: round6(rnd.next() * 1e7) };
    }
    const lines: JsonObject[] = [config];
    const ops = 5 + rnd.int(30);
    for (let i = 0; i < ops; i++) lines.push({ op: 'delay', retries: rnd.next() < 0.5 ? rnd.int(14) - 1 : rnd.int(82) - 2 });
    return lines;
  },

  retry(rnd) {
    const codes = ['OK', 'UNAVAILABLE', 'ALREADY_EXISTS', 'INTERNAL', 'NOT_FOUND'];
    const retryableCodes = ['UNAVAILABLE', 'ALREADY_EXISTS', 'INTERNAL'].filter(() => rnd.next() < 0.5);
    if (retryableCodes.length === 0) retryableCodes.push('UNAVAILABLE');
    // Mostly valid configs; about 1 in 10 is one grpc must refuse (maxAttempts < 2, maxTokens above
    // 1000, tokenRatio 0), where both sides must answer every call with an error.
    const invalid = rnd.next() < 0.1 ? rnd.int(3) : -1;
    const throttling =
      rnd.next() < 0.3 && invalid < 1
        ? null
        : {
            maxTokens: invalid === 1 ? 1001 : pick(rnd, [1, 2, 3, 5, 7.5, 10, 1000]),
            tokenRatio: invalid === 2 ? 0 : pick(rnd, [0.1, 0.25, 0.5, 1, 0.001, 0.3]),
          };
    const byIndex: JsonObject = {};
    for (let i = 0; i < 70; i++) if (rnd.next() < 0.6) byIndex[String(i)] = pick(rnd, codes);
    const config: JsonObject = {
      maxAttempts: invalid === 0 ? 1 : pick(rnd, [2, 3, 3, 4, 4, 5, 6, 7]),
      retryableCodes,
      throttling,
      server: { default: pick(rnd, codes), byIndex },
    };
    return [config, ...Array.from({ length: 5 + rnd.int(20) }, () => ({ op: 'call' }))];
  },
};
