/**
 * The `lease` replay (DESIGN.md, "The replay contract"): etcd leases and keys, against
 * `models/registry/lease.ts`. Config `{"minTtlS":2}` (optional, etcd's default 2). Ops, times `at` in
 * milliseconds from model creation (fractions allowed, never decreasing):
 *
 *   {"op":"grant","at":0,"id":"l1","ttlS":5}                      → {"ttl":5}
 *   {"op":"put","at":0,"key":"/svc/a","value":"x","lease":"l1"}    → {"ok":true} | {"ok":false,"error":"lease not found"}
 *   {"op":"keepAlive","at":0,"lease":"l1"}                         → {"ok":true} | {"ok":false,"error":"lease not found"}
 *   {"op":"get","at":0,"key":"/svc/a"}                             → {"found":true,"value":"x"} | {"found":false}
 *   {"op":"timeToLive","at":0,"lease":"l1"}                        → {"ttl":4}   (-1 when gone)
 *   {"op":"revoke","at":0,"lease":"l1"}                            → {"ok":true} | {"ok":false,"error":"lease not found"}
 *
 * A grant etcd itself refuses (an id already granted, a TTL above 9,000,000,000 s) is answered with
 * etcd's message as `{"error":...}`, like any other op that cannot be performed.
 */
import { msToNanos, nanosToMs, type Nanos } from '../time.ts';
import { LeaseStore, minLeaseTtlSeconds } from '../models/registry/lease.ts';
import { ReplayError, numberField, optionalNumber, stringField, type JsonObject, type ReplayFactory } from './types.ts';

export const createLeaseReplay: ReplayFactory = (config) => {
  const minTtlS = optionalNumber(config, 'minTtlS', minLeaseTtlSeconds());
  if (!Number.isInteger(minTtlS) || minTtlS < 0) throw new ReplayError('"minTtlS" must be a non-negative integer');
  const store = new LeaseStore({ minTtlS });
  let last: Nanos = 0;

  const timeOf = (op: JsonObject): Nanos => {
    const at = numberField(op, 'at');
    if (at < 0) throw new ReplayError('"at" must not be negative');
    const t = msToNanos(at);
    if (t < last) throw new ReplayError(`"at" went backwards: ${at} ms is before ${nanosToMs(last)} ms`);
    last = t;
    return t;
  };

  return {
    apply(op) {
      // Fields are checked before the clock moves, so a malformed op leaves the model untouched.
      switch (op.op) {
        case 'grant': {
          const id = nonEmpty(op, 'id');
          const ttlS = numberField(op, 'ttlS');
          if (!Number.isInteger(ttlS)) throw new ReplayError('"ttlS" must be an integer number of seconds');
          const granted = store.grant(timeOf(op), id, ttlS);
          if (!granted.ok) throw new ReplayError(granted.error);
          return { ttl: granted.ttl };
        }
        case 'put': {
          const key = stringField(op, 'key');
          const value = stringField(op, 'value');
          const lease = op.lease === undefined || op.lease === null ? undefined : nonEmpty(op, 'lease');
          return outcome(store.put(timeOf(op), key, value, lease));
        }
        case 'keepAlive': {
          const lease = nonEmpty(op, 'lease');
          return outcome(store.keepAlive(timeOf(op), lease));
        }
        case 'get': {
          const key = stringField(op, 'key');
          const kv = store.get(timeOf(op), key);
          return kv ? { found: true, value: kv.value } : { found: false };
        }
        case 'timeToLive': {
          const lease = nonEmpty(op, 'lease');
          return { ttl: store.timeToLive(timeOf(op), lease).ttl };
        }
        case 'revoke': {
          const lease = nonEmpty(op, 'lease');
          return outcome(store.revoke(timeOf(op), lease));
        }
        default:
          throw new ReplayError(typeof op.op === 'string' ? `unknown op "${op.op}"` : '"op" must be a string');
      }
    },
  };
};

function outcome(result: { ok: true } | { ok: false; error: string }): JsonObject {
  return result.ok ? { ok: true } : { ok: false, error: result.error };
}

function nonEmpty(obj: JsonObject, key: string): string {
  const v = stringField(obj, key);
  if (v === '') throw new ReplayError(`"${key}" must not be empty`);
  return v;
}
