/**
 * The `grpc-timeout` request header, which is how a deadline travels from a client to a server
 * (and on to the server's own downstream calls). Ported from grpc/grpc-go at
 * 4793ad0474669eafbd5346c8a3d098fdfa542498 (v1.85.0-dev):
 * - encoding: `internal/grpcutil/encode_duration.go` (`EncodeDuration`);
 * - decoding: `internal/transport/http_util.go` (`decodeTimeout`).
 * Format (grpc/grpc `doc/PROTOCOL-HTTP2.md`): at most 8 ASCII digits and one unit, H M S m u n.
 *
 * Values are Go `time.Duration`s, int64 nanoseconds, so the arithmetic is done in bigint: the
 * largest decodable timeouts (99999999M, or MaxInt64 for large H) do not fit a JS number exactly.
 * `decodeGrpcTimeout` returns Nanos for the simulator, exact up to 2^53 ns (about 104 days).
 */
import type { Nanos } from '../../time.ts';

/** `maxTimeoutValue`: the largest number that fits in 8 digits. */
export const MAX_TIMEOUT_VALUE = 99_999_999n;

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

export type GrpcTimeoutUnit = 'H' | 'M' | 'S' | 'm' | 'u' | 'n';

/** Nanoseconds per unit, as `timeoutUnitToDuration`. */
const UNIT_NANOS: Readonly<Record<GrpcTimeoutUnit, bigint>> = {
  H: 3_600_000_000_000n,
  M: 60_000_000_000n,
  S: 1_000_000_000n,
  m: 1_000_000n,
  u: 1_000n,
  n: 1n,
};

/** The units EncodeDuration tries, finest first, so the value keeps as much precision as 8 digits allow. */
const FINEST_FIRST: readonly GrpcTimeoutUnit[] = ['n', 'u', 'm', 'S', 'M'];

/** `div`: integer division rounding up, so an encoded timeout is never shorter than the real one. */
function divRoundUp(d: bigint, r: bigint): bigint {
  return d % r > 0n ? d / r + 1n : d / r;
}

function toDuration(t: Nanos | bigint): bigint {
  if (typeof t === 'number' && !Number.isInteger(t)) throw new RangeError(`not a whole number of nanoseconds: ${t}`);
  const d = BigInt(t);
  if (d < INT64_MIN || d > INT64_MAX) throw new RangeError(`outside Go's time.Duration range: ${d}`);
  return d;
}

/**
 * `EncodeDuration`: a non-positive timeout becomes "0n"; otherwise the finest unit whose rounded-up
 * value fits in 8 digits, falling back to hours (MaxInt64 ns is about 2.56 million hours, so
 * hours always fit).
 */
export function encodeGrpcTimeout(t: Nanos | bigint): string {
  const d = toDuration(t);
  if (d <= 0n) return '0n';
  for (const unit of FINEST_FIRST) {
    const v = divRoundUp(d, UNIT_NANOS[unit]);
    if (v <= MAX_TIMEOUT_VALUE) return `${v}${unit}`;
  }
  return `${divRoundUp(d, UNIT_NANOS.H)}H`;
}

/** A header value `decodeTimeout` rejects; the message is grpc-go's. */
export class GrpcTimeoutError extends Error {
  override name = 'GrpcTimeoutError';
}

/**
 * `decodeTimeout`, exact: 2 to 9 bytes, a known unit, digits parsed by `strconv.ParseUint` (no sign,
 * no underscores). "0S" is accepted (a call that times out at once). Hours beyond MaxInt64 ns clamp
 * to MaxInt64; no other unit can overflow with 8 digits.
 */
export function decodeGrpcTimeoutExact(s: string): bigint {
  const size = utf8Length(s); // Go's len(s) counts bytes
  if (size < 2) throw new GrpcTimeoutError(`transport: timeout string is too short: ${JSON.stringify(s)}`);
  // Spec allows for 8 digits plus the unit.
  if (size > 9) throw new GrpcTimeoutError(`transport: timeout string is too long: ${JSON.stringify(s)}`);
  const unit = s.slice(-1);
  if (!isUnit(unit)) throw new GrpcTimeoutError(`transport: timeout unit is not recognized: ${JSON.stringify(s)}`);
  const digits = s.slice(0, -1);
  if (!/^[0-9]+$/.test(digits)) {
    throw new GrpcTimeoutError(`strconv.ParseUint: parsing ${JSON.stringify(digits)}: invalid syntax`);
  }
  const product = UNIT_NANOS[unit] * BigInt(digits);
  return product > INT64_MAX ? INT64_MAX : product;
}

/** `decodeTimeout` as simulator time (a JS number; beyond 2^53 ns it is the nearest double). */
export function decodeGrpcTimeout(s: string): Nanos {
  return Number(decodeGrpcTimeoutExact(s));
}

function isUnit(u: string): u is GrpcTimeoutUnit {
  return Object.prototype.hasOwnProperty.call(UNIT_NANOS, u);
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}
