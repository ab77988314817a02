/**
 * The `backoff` replay model (DESIGN.md, "The replay contract"): grpc-go's connection backoff,
 * `internal/backoff.Exponential{Config}.Backoff(retries)` (see models/rpc/backoff.ts).
 *
 * Config `{"baseMs":1000,"multiplier":1.6,"jitter":0,"maxMs":120000}` (ms converted with msToNanos,
 * as the Go oracle does). Op `{"op":"delay","retries":3}` → `{"delayMs":4096}`, the delay as a Go
 * Duration converted back to ms. `retries` is a Go int: any safe integer, negative included (Go
 * then skips the growth loop).
 *
 * Jitter: Go draws it from the global math/rand, which no trace can reproduce, so the replay
 * evaluates the formula at the middle of the jitter range (rand = 0.5, a factor of exactly 1). With
 * `"jitter":0`, the oracle's case, that is the exact Go result; with another jitter it is the
 * delay every jittered draw is spread around.
 */
import { connectionBackoff, NO_JITTER, type BackoffConfig } from '../models/rpc/backoff.ts';
import { msToNanos, nanosToMs, type Nanos } from '../time.ts';
import { ReplayError, numberField, stringField, type JsonObject, type ReplayFactory, type ReplayModel } from './types.ts';

export const createBackoffReplay: ReplayFactory = (config) =>
  new BackoffReplay({
    baseDelay: durationField(config, 'baseMs'),
    multiplier: numberField(config, 'multiplier'),
    jitter: numberField(config, 'jitter'),
    maxDelay: durationField(config, 'maxMs'),
  });

class BackoffReplay implements ReplayModel {
  constructor(private readonly config: BackoffConfig) {}

  apply(op: JsonObject): JsonObject {
    const name = stringField(op, 'op');
    if (name !== 'delay') throw new ReplayError(`unknown op "${name}" (backoff ops: delay)`);
    const retries = numberField(op, 'retries');
    if (!Number.isSafeInteger(retries)) throw new ReplayError('"retries" must be an integer');
    return { delayMs: nanosToMs(connectionBackoff(this.config, retries, NO_JITTER)) };
  }
}

/** A Go Duration given in ms: it must come to a safe integer of nanoseconds. */
function durationField(obj: JsonObject, key: string): Nanos {
  const ns = msToNanos(numberField(obj, key));
  if (!Number.isSafeInteger(ns)) throw new ReplayError(`"${key}" is out of range`);
  return ns;
}
