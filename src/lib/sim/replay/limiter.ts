/**
 * The `limiter` replay model (DESIGN.md, "The replay contract"): x/time/rate's Limiter driven by
 * explicit times, so that the same JSONL gives the same answers here and in the Go oracle.
 *
 * Config `{"limit": number | "inf", "burst": int}`; the limiter is created at time 0 (and, as in Go,
 * full). Every op has `at` (ms since time 0, fractions allowed, converted with msToNanos). Answers:
 * - `allow` `{n}` → `{"ok", "tokens"}`: AllowN(at, n), with tokens = TokensAt(at) *before* the op.
 * - `reserve` `{n, id, maxWaitMs}` → `{"ok":true,"timeToAct":ms}` or `{"ok":false,"timeToAct":null}`.
 *   timeToAct is the reservation's absolute time to act, in ms since time 0 (Go's `timeToAct`, not
 *   the delay: the delay is `timeToAct - at`). `maxWaitMs` null or absent means no maximum
 *   (ReserveN); otherwise a reservation that would wait longer is not OK and changes nothing (Go's
 *   internal reserveN with maxFutureReserve, as WaitN uses with a deadline).
 * - `cancel` `{id}` → `{"ok":true}`: CancelAt(at) on that reservation (a no-op if it was not OK).
 * - `setLimit` `{limit}`, `setBurst` `{burst}` → `{"ok":true}`: SetLimitAt / SetBurstAt.
 * - `tokens` → `{"tokens"}`: TokensAt(at).
 * Integers (`n`, `burst`) must be safe integers, and times must come to a safe integer of ns.
 * Reservation ids are unique within a session: reusing one is an error, not a silent overwrite.
 */

import { Inf, Limiter, type Limit, type Reservation } from '../models/rate/token-bucket.ts';
import { sub, toNanos } from '../models/rate/go-time.ts';
import { msToNanos, nanosToMs, type Nanos } from '../time.ts';
import {
  ReplayError,
  numberField,
  stringField,
  type Json,
  type JsonObject,
  type ReplayFactory,
  type ReplayModel,
} from './types.ts';

export const createLimiterReplay: ReplayFactory = (config) =>
  new LimiterReplay(limitField(config, 'limit'), integerField(config, 'burst'));

class LimiterReplay implements ReplayModel {
  private readonly limiter: Limiter;
  private readonly reservations = new Map<string, Reservation>();

  constructor(limit: Limit, burst: number) {
    this.limiter = new Limiter(limit, burst);
  }

  apply(op: JsonObject): JsonObject {
    const name = stringField(op, 'op');
    switch (name) {
      case 'allow': {
        const at = timeField(op, 'at');
        const n = integerField(op, 'n');
        const tokens = this.limiter.tokensAt(at);
        return { ok: this.limiter.allowN(at, n), tokens };
      }
      case 'reserve': {
        const at = timeField(op, 'at');
        const n = integerField(op, 'n');
        const id = stringField(op, 'id');
        const maxWait = optionalDurationField(op, 'maxWaitMs');
        if (this.reservations.has(id)) throw new ReplayError(`reservation id "${id}" is already used`);
        const reservation =
          maxWait === undefined ? this.limiter.reserveN(at, n) : this.limiter.reserveN(at, n, maxWait);
        this.reservations.set(id, reservation);
        // Time 0 is the epoch, so this is Go's timeToAct.Sub(epoch), saturated like Go's Sub.
        const timeToAct: Json = reservation.ok ? nanosToMs(toNanos(sub(reservation.timeToActExact, 0n))) : null;
        return { ok: reservation.ok, timeToAct };
      }
      case 'cancel': {
        const at = timeField(op, 'at');
        const id = stringField(op, 'id');
        const reservation = this.reservations.get(id);
        if (!reservation) throw new ReplayError(`unknown reservation id "${id}"`);
        reservation.cancelAt(at);
        return { ok: true };
      }
      case 'setLimit': {
        const at = timeField(op, 'at');
        this.limiter.setLimitAt(at, limitField(op, 'limit'));
        return { ok: true };
      }
      case 'setBurst': {
        const at = timeField(op, 'at');
        this.limiter.setBurstAt(at, integerField(op, 'burst'));
        return { ok: true };
      }
      case 'tokens':
        return { tokens: this.limiter.tokensAt(timeField(op, 'at')) };
      default:
        throw new ReplayError(`unknown op "${name}" (limiter ops: allow, reserve, cancel, setLimit, setBurst, tokens)`);
    }
  }
}

/** A limit: a finite number of events per second, or "inf" for rate.Inf. */
function limitField(obj: JsonObject, key: string): Limit {
  if (obj[key] === 'inf') return Inf;
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ReplayError(`"${key}" must be a number or "inf"`);
  return v;
}

function integerField(obj: JsonObject, key: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ReplayError(`"${key}" must be an integer`);
  return v;
}

/** A time in ms, as integer Nanos; it must stay exact (a safe integer of ns, about ±104 days). */
function timeField(obj: JsonObject, key: string): Nanos {
  const ns = msToNanos(numberField(obj, key));
  if (!Number.isSafeInteger(ns)) throw new ReplayError(`"${key}" is out of range (at most about ±104 days)`);
  return ns;
}

/** An optional duration in ms: undefined when absent or null. */
function optionalDurationField(obj: JsonObject, key: string): Nanos | undefined {
  if (obj[key] === undefined || obj[key] === null) return undefined;
  return timeField(obj, key);
}
