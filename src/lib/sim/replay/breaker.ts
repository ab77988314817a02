/**
 * The `breaker` replay (DESIGN.md, "The replay contract"): sony/gobreaker driven by JSON lines.
 *
 * Config: `{"maxRequests":1,"intervalMs":0,"timeoutMs":60000,"readyToTrip":...,"version":2,
 * "bucketPeriodMs":0}`. Every field is optional and, like Go's zero values, 0 / absent means
 * gobreaker's default (MaxRequests 1, no interval, Timeout 60 s, ReadyToTrip ConsecutiveFailures > 5).
 * Unknown fields are rejected, so a typo cannot silently fall back to a default.
 * - `readyToTrip`: `{"consecutiveFailuresGt":n}` → `ConsecutiveFailures > n`, or
 *   `{"minRequests":n,"failureRatioGte":r}` → the README's rule, verbatim:
 *   `Requests >= n && float64(TotalFailures)/float64(Requests) >= r`. `Requests` includes excluded
 *   and in-flight requests, exactly as the README's function sees them.
 * - `version`: 2 (default) is v2.4.0, 1 is v1.0.0. `bucketPeriodMs` exists only in v2.
 *
 * Ops (each needs `at`, in ms since the breaker was created, never decreasing):
 * - `call` `{result}`: `Execute` of a request that returns nil (`success`), an error (`failure`), or
 *   the error `errExcluded` (`excluded`). In v2 IsExcluded is `errors.Is(err, errExcluded)`. v1 has
 *   no IsExcluded, so there `excluded` is what it would be in a v1 program: a non-nil error, which
 *   the default IsSuccessful counts as a failure.
 * - `begin` `{id}`: TwoStep `Allow()`; when admitted, the `done` callback is kept under `id` (an id
 *   still in flight is an error; a rejected `begin` keeps nothing).
 * - `end` `{id, result}`: calls that `done` — v2: `done(err)` with the error as for `call`; v1:
 *   `done(result == "success")`. The id is then forgotten (so a second `end` is an error).
 * - `state`: nothing.
 * Each answers `{"error", "state", "counts"}` after the op: `error` is the breaker's rejection of
 * `call`/`begin` (`"open"`, `"too_many_requests"`) or null — never the request's own error; then
 * `State()` (which applies due transitions) and `Counts()` (which does not), in that order.
 */
import {
  CircuitBreaker,
  ErrOpenState,
  ErrTooManyRequests,
  TwoStepCircuitBreaker,
  stateString,
  type Counts,
  type GoBreakerVersion,
  type GoError,
  type Settings,
} from '../models/breaker/gobreaker.ts';
import { ManualClock, msToNanos, type Nanos } from '../time.ts';
import { ReplayError, numberField, stringField, type Json, type JsonObject, type ReplayFactory, type ReplayModel } from './types.ts';

type RequestResult = 'success' | 'failure' | 'excluded';

const errFailed = new Error('failed');
const errExcluded = new Error('excluded');

const CONFIG_KEYS = new Set(['version', 'maxRequests', 'intervalMs', 'timeoutMs', 'bucketPeriodMs', 'readyToTrip']);

export const createBreakerReplay: ReplayFactory = (config) => new BreakerReplay(config);

class BreakerReplay implements ReplayModel {
  private readonly clock = new ManualClock(0);
  private readonly breaker: TwoStepCircuitBreaker<GoBreakerVersion>;
  private readonly version: GoBreakerVersion;
  private readonly pending = new Map<string, (result: RequestResult) => void>();
  private lastAt: Nanos = 0;

  constructor(config: JsonObject) {
    for (const key of Object.keys(config)) {
      if (!CONFIG_KEYS.has(key)) throw new ReplayError(`unknown config field "${key}"`);
    }
    this.version = parseVersion(config.version);
    const settings: Settings = {
      maxRequests: uint32Field(config, 'maxRequests'),
      interval: msToNanos(optionalMs(config, 'intervalMs')),
      timeout: msToNanos(optionalMs(config, 'timeoutMs')),
      readyToTrip: parseReadyToTrip(config.readyToTrip),
    };
    if (config.bucketPeriodMs !== undefined && config.bucketPeriodMs !== null) {
      if (this.version === 1) throw new ReplayError('"bucketPeriodMs" needs version 2: v1 has no BucketPeriod');
      settings.bucketPeriod = msToNanos(numberField(config, 'bucketPeriodMs'));
    }
    if (this.version === 2) settings.isExcluded = (err) => err === errExcluded;
    this.breaker = new TwoStepCircuitBreaker<GoBreakerVersion>(settings, { clock: this.clock, version: this.version });
  }

  apply(op: JsonObject): JsonObject {
    const name = op.op;
    if (name !== 'call' && name !== 'begin' && name !== 'end' && name !== 'state') {
      throw new ReplayError(`unknown op ${JSON.stringify(name ?? null)}`);
    }
    // Validate everything before the clock moves, so a bad op leaves the model as it was.
    const at = this.readAt(op);
    let run: () => Error | null = () => null;
    if (name === 'call') {
      const result = resultField(op);
      run = () => this.call(result);
    } else if (name === 'begin') {
      const id = stringField(op, 'id');
      if (this.pending.has(id)) throw new ReplayError(`id ${JSON.stringify(id)} is already in flight`);
      run = () => this.begin(id);
    } else if (name === 'end') {
      const id = stringField(op, 'id');
      const result = resultField(op);
      if (!this.pending.has(id)) throw new ReplayError(`unknown id ${JSON.stringify(id)}`);
      run = () => this.end(id, result);
    }
    this.lastAt = at;
    this.clock.set(at);
    return this.answer(run());
  }

  private readAt(op: JsonObject): Nanos {
    const at = msToNanos(numberField(op, 'at'));
    if (at < 0) throw new ReplayError('"at" must not be negative (the breaker is created at 0)');
    if (at < this.lastAt) throw new ReplayError('"at" must not go back in time');
    return at;
  }

  private call(result: RequestResult): Error | null {
    const { error } = this.breaker.cb.execute(() => ({ value: undefined, error: this.errorOf(result) }));
    return isRejection(error) ? error : null;
  }

  private begin(id: string): Error | null {
    const allowance = this.breaker.allow();
    if (allowance.error) return allowance.error;
    const done = allowance.done as (arg: boolean | GoError) => void;
    this.pending.set(id, (result) => done(this.version === 1 ? result === 'success' : this.errorOf(result)));
    return null;
  }

  private end(id: string, result: RequestResult): null {
    const done = this.pending.get(id);
    this.pending.delete(id);
    done?.(result);
    return null;
  }

  private errorOf(result: RequestResult): GoError {
    if (result === 'success') return null;
    return result === 'failure' ? errFailed : errExcluded;
  }

  private answer(rejection: Error | null): JsonObject {
    const state = stateString(this.breaker.state());
    const c: Counts = this.breaker.counts();
    return {
      error: rejection === ErrOpenState ? 'open' : rejection === ErrTooManyRequests ? 'too_many_requests' : null,
      state,
      counts: {
        requests: c.requests,
        totalSuccesses: c.totalSuccesses,
        totalFailures: c.totalFailures,
        consecutiveSuccesses: c.consecutiveSuccesses,
        consecutiveFailures: c.consecutiveFailures,
      },
    };
  }
}

function isRejection(err: GoError): err is Error {
  return err === ErrOpenState || err === ErrTooManyRequests;
}

function parseVersion(v: Json | undefined): GoBreakerVersion {
  if (v === undefined || v === null) return 2;
  if (v === 1 || v === 2) return v;
  throw new ReplayError('"version" must be 1 or 2');
}

function optionalMs(obj: JsonObject, key: string): number {
  return obj[key] === undefined || obj[key] === null ? 0 : numberField(obj, key);
}

function uint32Field(obj: JsonObject, key: string): number {
  if (obj[key] === undefined || obj[key] === null) return 0;
  const v = numberField(obj, key);
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new ReplayError(`"${key}" must be an integer in [0, 2^32)`);
  return v;
}

function parseReadyToTrip(v: Json | undefined): Settings['readyToTrip'] {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new ReplayError('"readyToTrip" must be an object');
  const keys = Object.keys(v).sort().join(',');
  if (keys === 'consecutiveFailuresGt') {
    const n = numberField(v, 'consecutiveFailuresGt');
    return (counts) => counts.consecutiveFailures > n;
  }
  if (keys === 'failureRatioGte,minRequests') {
    const min = numberField(v, 'minRequests');
    const ratio = numberField(v, 'failureRatioGte');
    return (counts) => counts.requests >= min && counts.totalFailures / counts.requests >= ratio;
  }
  throw new ReplayError('"readyToTrip" must be {"consecutiveFailuresGt":n} or {"minRequests":n,"failureRatioGte":r}');
}

function resultField(op: JsonObject): RequestResult {
  const r = stringField(op, 'result');
  if (r !== 'success' && r !== 'failure' && r !== 'excluded') throw new ReplayError('"result" must be "success", "failure" or "excluded"');
  return r;
}
