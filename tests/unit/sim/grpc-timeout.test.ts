/**
 * The grpc-timeout header (src/lib/sim/models/rpc/grpc-timeout.ts). Test names are those of the Go
 * tests each case is ported from, in grpc/grpc-go at 4793ad0474669eafbd5346c8a3d098fdfa542498.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeGrpcTimeout,
  decodeGrpcTimeoutExact,
  encodeGrpcTimeout,
  GrpcTimeoutError,
} from '../../../src/lib/sim/models/rpc/grpc-timeout.ts';
import { MICROSECOND, MILLISECOND, MINUTE, SECOND } from '../../../src/lib/sim/time.ts';
import { Random } from '../../../src/lib/sim/random';

const MAX_INT64 = 2n ** 63n - 1n;
const HOUR = 60n * 60n * 1_000_000_000n;

/** mulberry32: a small seeded PRNG for the property tests. */
/** The project's seeded generator (src/lib/sim/random.ts) as a () => [0, 1) source. */
function seededRandom(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

// internal/grpcutil/encode_duration_test.go
describe('EncodeDuration', () => {
  it('TestEncodeDuration', () => {
    const cases: [number, string][] = [
      [12345678, '12345678n'],
      [123456789, '123457u'],
      [12345678 * MICROSECOND, '12345678u'],
      [123456789 * MICROSECOND, '123457m'],
      [12345678 * MILLISECOND, '12345678m'],
      [123456789 * MILLISECOND, '123457S'],
      [12345678 * SECOND, '12345678S'],
      [123456789 * SECOND, '2057614M'],
      [12345678 * MINUTE, '12345678M'],
    ];
    for (const [d, want] of cases) expect(encodeGrpcTimeout(d)).toBe(want);
    // 123456789m does not fit a JS number exactly: bigint, as a Go Duration.
    expect(encodeGrpcTimeout(123456789n * 60_000_000_000n)).toBe('2057614H');
  });

  it('encodes a non-positive timeout as 0n and rounds every other one up', () => {
    expect(encodeGrpcTimeout(0)).toBe('0n');
    expect(encodeGrpcTimeout(-5 * SECOND)).toBe('0n');
    expect(encodeGrpcTimeout(99_999_999)).toBe('99999999n');
    expect(encodeGrpcTimeout(100_000_000)).toBe('100000u');
    expect(encodeGrpcTimeout(100_000_001)).toBe('100001u'); // never shorter than the real timeout
    expect(encodeGrpcTimeout(MAX_INT64)).toBe('2562048H');
  });

  it('matches values printed by grpc-go v1.85.0 EncodeDuration', () => {
    const golden: [bigint, string][] = [
      [99999999001n, '100000m'],
      [99999999000n, '99999999u'],
      [2349838292944495123n, '39163972M'],
      [482477732865708018n, '8041296M'],
      [MAX_INT64, '2562048H'],
      [-(2n ** 63n), '0n'],
    ];
    for (const [d, want] of golden) expect(encodeGrpcTimeout(d)).toBe(want);
  });

  it('rejects what is not a Go Duration', () => {
    expect(() => encodeGrpcTimeout(1.5)).toThrow(RangeError);
    expect(() => encodeGrpcTimeout(2n ** 63n)).toThrow(RangeError);
  });
});

// internal/transport/http_util_test.go
describe('decodeTimeout', () => {
  it('TestDecodeTimeout', () => {
    const cases: [string, bigint, boolean][] = [
      ['00000001n', 1n, false],
      ['10u', 10n * 1_000n, false],
      ['00000010m', 10n * 1_000_000n, false],
      ['1234S', 1234n * 1_000_000_000n, false],
      ['00000001M', 60_000_000_000n, false],
      ['09999999S', 9999999n * 1_000_000_000n, false],
      ['99999999S', 99999999n * 1_000_000_000n, false],
      ['99999999M', 99999999n * 60_000_000_000n, false],
      ['2562047H', 2562047n * HOUR, false],
      ['2562048H', MAX_INT64, false],
      ['99999999H', MAX_INT64, false],
      ['-1S', 0n, true],
      ['1234x', 0n, true],
      ['1234s', 0n, true],
      ['1234', 0n, true],
      ['1', 0n, true],
      ['', 0n, true],
      ['9a1S', 0n, true],
      ['0S', 0n, false], // PROTOCOL-HTTP2.md requires positive integers, but we allow it to timeout instead
      ['00000000S', 0n, false],
      ['000000000S', 0n, true], // PROTOCOL-HTTP2.md allows at most 8 digits
    ];
    for (const [s, want, wantErr] of cases) {
      let got = 0n;
      let gotErr = false;
      try {
        got = decodeGrpcTimeoutExact(s);
      } catch (error) {
        expect(error).toBeInstanceOf(GrpcTimeoutError);
        gotErr = true;
      }
      expect({ s, got, gotErr }).toEqual({ s, got: want, gotErr: wantErr });
    }
  });

  it("gives grpc-go's error messages", () => {
    expect(() => decodeGrpcTimeoutExact('1')).toThrow('transport: timeout string is too short: "1"');
    expect(() => decodeGrpcTimeoutExact('000000000S')).toThrow('transport: timeout string is too long: "000000000S"');
    expect(() => decodeGrpcTimeoutExact('1234x')).toThrow('transport: timeout unit is not recognized: "1234x"');
    expect(() => decodeGrpcTimeoutExact('+1S')).toThrow('strconv.ParseUint: parsing "+1": invalid syntax');
    // len() counts bytes: 8 digits and a 2-byte character are 10 bytes, too long.
    expect(() => decodeGrpcTimeoutExact('12345678é')).toThrow('too long');
  });

  it('converts to simulator Nanos', () => {
    expect(decodeGrpcTimeout('100m')).toBe(100 * MILLISECOND);
  });
});

describe('properties (seeded)', () => {
  it('round-trips: decode(encode(d)) ≥ d, less than one unit above, and fits 8 digits', () => {
    const random = seededRandom(2024);
    for (let i = 0; i < 2000; i++) {
      const d = BigInt(Math.floor(random() * 2 ** Math.floor(random() * 53))) * BigInt(1 + Math.floor(random() * 1000));
      if (d > MAX_INT64) continue;
      const encoded = encodeGrpcTimeout(d);
      expect(encoded).toMatch(/^[0-9]{1,8}[HMSmun]$/);
      const back = decodeGrpcTimeoutExact(encoded);
      if (d <= 0n) {
        expect(back).toBe(0n);
        continue;
      }
      expect(back >= d).toBe(true);
      const unit = back / BigInt(encoded.slice(0, -1));
      expect(back - d < unit).toBe(true);
    }
  });
});
