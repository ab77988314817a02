/**
 * The `retry` replay model (DESIGN.md, "The replay contract"): gRFC A6 retries with throttling, as
 * grpc-go implements them (see models/rpc/retry.ts), against a scripted server.
 *
 * Config `{"maxAttempts":4,"retryableCodes":["UNAVAILABLE"],"throttling":{"maxTokens":10,
 * "tokenRatio":0.5} | null,"server":{"default":"UNAVAILABLE","byIndex":{"0":"OK"}}}`.
 * - `maxAttempts` and `retryableCodes` form the method's retryPolicy; grpc-go's validation applies
 *   (maxAttempts an integer ≥ 2, codes non-empty) and maxAttempts is capped at 5, as a channel
 *   without WithMaxCallAttempts caps it. Codes are canonical names (or numbers 0-16, as Go's
 *   `Code.UnmarshalJSON` also takes).
 * - `throttling` is the channel's retryThrottling (maxTokens in (0, 1000], tokenRatio > 0), or
 *   null (absent is read as null) for none. One throttler serves every call of the trace.
 * - `server` scripts the status of each server call by its global index across the whole trace,
 *   counting from 0: `byIndex[i]` if given, else `default`.
 *
 * Op `{"op":"call"}` → `{"code","lastServerIndex","attempts","tokens"}`: the call's final status,
 * the global index of its last server call, how many attempts it made, and the throttle tokens
 * after it (null without throttling).
 *
 * Timing does not reach these answers, so the replay uses fixed, jitter-free backoff parameters
 * (initialBackoff = maxBackoff = 10 ms, multiplier 1, those of grpc-go's test/retry_test.go) and no
 * deadline.
 */
import { NO_JITTER } from '../models/rpc/backoff.ts';
import {
  InvalidRetryConfigError,
  RetryingChannel,
  makeRetryPolicy,
  type RetryThrottlingSpec,
} from '../models/rpc/retry.ts';
import { parseStatusCode, type StatusCodeName } from '../models/rpc/status.ts';
import { MILLISECOND } from '../time.ts';
import {
  ReplayError,
  numberField,
  stringField,
  type Json,
  type JsonObject,
  type ReplayFactory,
  type ReplayModel,
} from './types.ts';

const REPLAY_BACKOFF = 10 * MILLISECOND;

export const createRetryReplay: ReplayFactory = (config) => {
  const maxAttempts = numberField(config, 'maxAttempts');
  const retryableStatusCodes = codeList(config.retryableCodes, 'retryableCodes');
  const throttling = throttlingField(config.throttling);
  const server = ScriptedServer.fromJson(config.server);
  try {
    const policy = makeRetryPolicy({
      maxAttempts,
      initialBackoff: REPLAY_BACKOFF,
      maxBackoff: REPLAY_BACKOFF,
      backoffMultiplier: 1,
      retryableStatusCodes,
    });
    return new RetryReplay(new RetryingChannel(policy, throttling, NO_JITTER), server);
  } catch (error) {
    if (error instanceof InvalidRetryConfigError) throw new ReplayError(error.message);
    throw error;
  }
};

class RetryReplay implements ReplayModel {
  constructor(
    private readonly channel: RetryingChannel,
    private readonly server: ScriptedServer,
  ) {}

  apply(op: JsonObject): JsonObject {
    const name = stringField(op, 'op');
    if (name !== 'call') throw new ReplayError(`unknown op "${name}" (retry ops: call)`);
    let lastServerIndex = -1;
    const result = this.channel.call(() => {
      lastServerIndex = this.server.nextIndex;
      return { code: this.server.answer() };
    });
    return { code: result.code, lastServerIndex, attempts: result.attempts.length, tokens: result.tokens };
  }
}

/** The scripted backend: one status per server call, by global call index. */
class ScriptedServer {
  private calls = 0;

  private constructor(
    private readonly fallback: StatusCodeName,
    private readonly byIndex: ReadonlyMap<number, StatusCodeName>,
  ) {}

  static fromJson(value: Json | undefined): ScriptedServer {
    const server = objectValue(value, 'server');
    const fallback = codeValue(server.default, 'server.default');
    const byIndex = new Map<number, StatusCodeName>();
    const script = server.byIndex === undefined || server.byIndex === null ? {} : objectValue(server.byIndex, 'server.byIndex');
    for (const [key, code] of Object.entries(script)) {
      const index = Number(key);
      if (!/^(0|[1-9][0-9]*)$/.test(key) || !Number.isSafeInteger(index)) {
        throw new ReplayError(`server.byIndex key "${key}" must be a call index (0, 1, 2, ...)`);
      }
      byIndex.set(index, codeValue(code, `server.byIndex["${key}"]`));
    }
    return new ScriptedServer(fallback, byIndex);
  }

  get nextIndex(): number {
    return this.calls;
  }

  answer(): StatusCodeName {
    const code = this.byIndex.get(this.calls) ?? this.fallback;
    this.calls++;
    return code;
  }
}

function throttlingField(value: Json | undefined): RetryThrottlingSpec | null {
  if (value === undefined || value === null) return null;
  const obj = objectValue(value, 'throttling');
  // The ranges are checked by RetryThrottler, with grpc-go's messages.
  return { maxTokens: numberField(obj, 'maxTokens'), tokenRatio: numberField(obj, 'tokenRatio') };
}

function codeList(value: Json | undefined, key: string): StatusCodeName[] {
  if (!Array.isArray(value)) throw new ReplayError(`"${key}" must be an array of status codes`);
  return value.map((code, i) => codeValue(code, `${key}[${i}]`));
}

function codeValue(value: Json | undefined, where: string): StatusCodeName {
  const code = typeof value === 'string' || typeof value === 'number' ? parseStatusCode(value) : undefined;
  if (code === undefined) throw new ReplayError(`${where}: unknown status code ${JSON.stringify(value ?? null)}`);
  return code;
}

function objectValue(value: Json | undefined, key: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ReplayError(`"${key}" must be an object`);
  return value;
}
