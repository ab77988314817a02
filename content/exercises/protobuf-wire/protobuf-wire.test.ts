// Cases follow protocolbuffers/protobuf-go encoding/protowire/wire_test.go (TestVarint boundaries,
// truncation and overflow, denormalised varints; TestTag: field 0 and the largest field number) and
// the examples of protobuf.dev/programming-guides/encoding (150 → 08 96 01, "testing", packed 3, 270, 86942).
import { describe, it, expect } from 'vitest';
import {
  ERR_FIELD_NUMBER,
  ERR_OVERFLOW,
  ERR_RESERVED,
  ERR_TRUNCATED,
  MAX_FIELD_NUMBER,
  WireType,
  compareWithJson,
  consumeTag,
  consumeVarint,
  decodeItem,
  decodeZigZag,
  encodeItem,
  encodeTag,
  encodeVarint,
  encodeZigZag,
  int64ToUint64,
  sizeItem,
  sizeVarint,
  type Item,
} from './protobuf-wire';

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const bytes = (h: string): Uint8Array => {
  const clean = h.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
};

const MAX_UINT64 = (1n << 64n) - 1n;
const sample: Item = { id: 150, name: 'testing', tags: [3, 270, 86942] };
const SAMPLE_HEX = '08 96 01 12 07 74 65 73 74 69 6e 67 1a 06 03 8e 02 9e a7 05';

describe('Task 1: Encode and decode varints', () => {
  it('encodes 150 as 96 01 and 300 as ac 02', () => {
    expect(hex(encodeVarint(150n))).toBe('96 01');
    expect(hex(encodeVarint(300n))).toBe('ac 02');
    expect(hex(encodeVarint(0n))).toBe('00');
  });

  it('grows by one byte every 7 bits, up to 10 bytes for the largest uint64', () => {
    const table: [bigint, string][] = [
      [0x7fn, '7f'],
      [0x80n, '80 01'],
      [0x3fffn, 'ff 7f'],
      [0x4000n, '80 80 01'],
      [0x1fffffn, 'ff ff 7f'],
      [0x200000n, '80 80 80 01'],
      [1n << 63n, '80 80 80 80 80 80 80 80 80 01'],
      [MAX_UINT64, 'ff ff ff ff ff ff ff ff ff 01'],
    ];
    for (const [value, want] of table) {
      expect(hex(encodeVarint(value)), `encodeVarint(${value})`).toBe(want);
      expect(sizeVarint(value), `sizeVarint(${value})`).toBe(want.split(' ').length);
    }
  });

  it('decodes from an offset, reports the length, and keeps values above 2^53 exact', () => {
    expect(consumeVarint(bytes('ff 96 01 00'), 1)).toEqual({ value: 150n, length: 2 });
    for (const v of [1n, 300n, (1n << 53n) + 1n, (1n << 63n) + 12345n, MAX_UINT64]) {
      expect(consumeVarint(encodeVarint(v))).toEqual({ value: v, length: sizeVarint(v) });
    }
    // Denormalised (longer than needed) encodings are still valid, as in protowire.
    expect(consumeVarint(bytes('81 80 00'))).toEqual({ value: 1n, length: 3 });
  });

  it('rejects input that ends inside a varint with "unexpected EOF"', () => {
    for (const h of ['', '80', '80 80', 'ff ff ff ff ff ff ff ff ff']) {
      expect(() => consumeVarint(bytes(h)), `input "${h}"`).toThrow(ERR_TRUNCATED);
    }
    expect(() => consumeVarint(bytes('96 01'), 2)).toThrow(ERR_TRUNCATED);
  });

  it('rejects varints that do not fit in 64 bits with "variable length integer overflow"', () => {
    expect(() => consumeVarint(bytes('80 80 80 80 80 80 80 80 80 80'))).toThrow(ERR_OVERFLOW);
    expect(() => consumeVarint(bytes('ff ff ff ff ff ff ff ff ff 02'))).toThrow(ERR_OVERFLOW);
    expect(() => consumeVarint(bytes('81 80 80 80 80 80 80 80 80 80 00'))).toThrow(ERR_OVERFLOW);
  });

  it('refuses to encode values outside uint64 with a RangeError', () => {
    expect(() => encodeVarint(-1n)).toThrow(RangeError);
    expect(() => encodeVarint(MAX_UINT64 + 1n)).toThrow(RangeError);
  });
});

describe('Task 2: ZigZag and negative numbers', () => {
  it('maps 0, −1, 1, −2, 2 to 0, 1, 2, 3, 4 and back', () => {
    const pairs: [bigint, bigint][] = [
      [0n, 0n],
      [-1n, 1n],
      [1n, 2n],
      [-2n, 3n],
      [2n, 4n],
      [2147483647n, 4294967294n],
      [-2147483648n, 4294967295n],
    ];
    for (const [signed, zz] of pairs) {
      expect(encodeZigZag(signed), `encodeZigZag(${signed})`).toBe(zz);
      expect(decodeZigZag(zz), `decodeZigZag(${zz})`).toBe(signed);
    }
  });

  it('is exact at the int64 extremes', () => {
    const min = -(1n << 63n);
    const max = (1n << 63n) - 1n;
    expect(encodeZigZag(max)).toBe(MAX_UINT64 - 1n);
    expect(encodeZigZag(min)).toBe(MAX_UINT64);
    expect(decodeZigZag(MAX_UINT64)).toBe(min);
    expect(decodeZigZag(MAX_UINT64 - 1n)).toBe(max);
  });

  it('shows why int32 −1 costs 10 bytes while sint32 −1 costs 1', () => {
    expect(int64ToUint64(-1n)).toBe(MAX_UINT64);
    expect(int64ToUint64(-2n)).toBe(MAX_UINT64 - 1n);
    expect(int64ToUint64(150n)).toBe(150n);
    expect(encodeVarint(int64ToUint64(-1n)).length).toBe(10);
    expect(hex(encodeVarint(encodeZigZag(-1n)))).toBe('01');
    expect(encodeVarint(encodeZigZag(-64n)).length).toBe(1);
    expect(encodeVarint(encodeZigZag(-65n)).length).toBe(2);
  });
});

describe('Task 3: Tags and a message', () => {
  it('builds tags as (field number << 3) | wire type, even for the largest field number', () => {
    expect(encodeTag(1, WireType.VARINT)).toBe(0x08);
    expect(encodeTag(2, WireType.LEN)).toBe(0x12);
    expect(encodeTag(1, WireType.I32)).toBe(0x0d);
    expect(encodeTag(16, WireType.I64)).toBe(0x81);
    expect(encodeTag(MAX_FIELD_NUMBER, WireType.VARINT)).toBe(4294967288);
    expect(hex(encodeVarint(BigInt(encodeTag(MAX_FIELD_NUMBER, WireType.VARINT))))).toBe('f8 ff ff ff 0f');
    expect(() => encodeTag(0, WireType.VARINT)).toThrow(RangeError);
    expect(() => encodeTag(MAX_FIELD_NUMBER + 1, WireType.VARINT)).toThrow(RangeError);
  });

  it('splits a tag back into field number and wire type, and rejects field number 0', () => {
    expect(consumeTag(bytes('1a'))).toEqual({ fieldNumber: 3, wireType: WireType.LEN, length: 1 });
    expect(consumeTag(bytes('00 c2 a3 09'), 1)).toEqual({ fieldNumber: 19000, wireType: WireType.LEN, length: 3 });
    expect(() => consumeTag(bytes('05'))).toThrow(ERR_FIELD_NUMBER);
    expect(() => consumeTag(bytes(''))).toThrow(ERR_TRUNCATED);
  });

  it('encodes {id: 150, name: "testing", tags: [3, 270, 86942]} to the documented bytes', () => {
    expect(hex(encodeItem(sample))).toBe(SAMPLE_HEX);
    expect(hex(encodeItem({ id: 1, name: '', tags: [] }))).toBe('08 01');
    expect(hex(encodeItem({ id: 0, name: 'é', tags: [] }))).toBe('12 02 c3 a9');
  });

  it('writes nothing for proto3 default values and rejects numbers that are not uint32', () => {
    expect(encodeItem({ id: 0, name: '', tags: [] }).length).toBe(0);
    expect(() => encodeItem({ id: -1, name: '', tags: [] })).toThrow(RangeError);
    expect(() => encodeItem({ id: 1, name: '', tags: [2 ** 32] })).toThrow(RangeError);
  });

  it('decodes back, skipping unknown fields of every wire type and fields with an unexpected wire type', () => {
    expect(decodeItem(encodeItem(sample))).toEqual(sample);
    expect(decodeItem(new Uint8Array(0))).toEqual({ id: 0, name: '', tags: [] });
    const withUnknown = bytes(
      [
        '21 01 02 03 04 05 06 07 08', // field 4, I64
        '08 96 01', // id = 150
        '2d 01 02 03 04', // field 5, I32
        '30 ac 02', // field 6, VARINT
        '3a 02 68 69', // field 7, LEN "hi"
        '0a 01 ff', // field 1 sent as LEN: not the declared type, so unknown
        '12 07 74 65 73 74 69 6e 67', // name = "testing"
        'c0 3e 01', // field 1000, VARINT
        '1a 06 03 8e 02 9e a7 05', // tags, packed
      ].join(' '),
    );
    expect(decodeItem(withUnknown)).toEqual(sample);
  });

  it('accepts unpacked tags and keeps the last value of a repeated scalar field', () => {
    // tags as separate VARINT records, then one packed record; id and name each sent twice
    const b = bytes('18 03 08 01 18 8e 02 12 01 61 08 96 01 1a 03 9e a7 05 12 01 62');
    expect(decodeItem(b)).toEqual({ id: 150, name: 'b', tags: [3, 270, 86942] });
  });

  it('rejects truncated fields with "unexpected EOF" and wire types 6 and 7 as reserved', () => {
    expect(() => decodeItem(bytes('12 07 74 65'))).toThrow(ERR_TRUNCATED);
    expect(() => decodeItem(bytes('21 01 02 03'))).toThrow(ERR_TRUNCATED);
    expect(() => decodeItem(bytes('2d 01'))).toThrow(ERR_TRUNCATED);
    expect(() => decodeItem(bytes('08'))).toThrow(ERR_TRUNCATED);
    expect(() => decodeItem(bytes('1a 02 9e a7'))).toThrow(ERR_TRUNCATED); // packed payload ends mid-varint
    expect(() => decodeItem(bytes('0f 00'))).toThrow(ERR_RESERVED);
    expect(() => decodeItem(bytes('0e 00'))).toThrow(ERR_RESERVED);
  });
});

describe('Task 4: Size against JSON', () => {
  it('computes the encoded size without encoding', () => {
    const items: Item[] = [
      sample,
      { id: 0, name: '', tags: [] },
      { id: 127, name: '', tags: [] },
      { id: 128, name: 'x'.repeat(127), tags: [] },
      { id: 4294967295, name: 'y'.repeat(128), tags: [0] },
      { id: 1, name: '服务', tags: Array.from({ length: 40 }, (_, i) => i * 1000) },
    ];
    for (const item of items) {
      expect(sizeItem(item), JSON.stringify(item).slice(0, 40)).toBe(encodeItem(item).length);
    }
  });

  it('reports 20 protobuf bytes against 48 JSON bytes for the sample, and 0 against 28 for defaults', () => {
    expect(compareWithJson(sample)).toEqual({ protobuf: 20, json: 48 });
    expect(compareWithJson({ id: 0, name: '', tags: [] })).toEqual({ protobuf: 0, json: 28 });
  });

  it('counts JSON in UTF-8 bytes, not UTF-16 characters', () => {
    // {"id":1,"name":"张三","tags":[]} is 30 characters but 34 bytes
    expect(compareWithJson({ id: 1, name: '张三', tags: [] })).toEqual({ protobuf: 10, json: 34 });
  });
});
