/**
 * Reference solution: the protobuf wire format by hand, following the semantics of
 * google.golang.org/protobuf/encoding/protowire (wire.go).
 */

/** Error messages, the same text protowire's ParseError produces. */
export const ERR_TRUNCATED = 'unexpected EOF';
export const ERR_OVERFLOW = 'variable length integer overflow';
export const ERR_FIELD_NUMBER = 'invalid field number';
export const ERR_RESERVED = 'cannot parse reserved wire type';

/** Wire types: the low 3 bits of every tag. 3 and 4 are the deprecated groups, 6 and 7 are unused. */
export const WireType = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  SGROUP: 3,
  EGROUP: 4,
  I32: 5,
} as const;

/** Field numbers are 1 … 2^29 − 1. */
export const MAX_FIELD_NUMBER = 536_870_911;

const MAX_UINT64 = (1n << 64n) - 1n;

// ---------------------------------------------------------------------------
// Task 1: varints
// ---------------------------------------------------------------------------

/** Encodes an unsigned 64-bit integer as a base-128 varint (1 to 10 bytes). */
export function encodeVarint(value: bigint): Uint8Array {
  if (value < 0n || value > MAX_UINT64) {
    throw new RangeError(`varint out of uint64 range: ${value}`);
  }
  const out: number[] = [];
  let v = value;
  // Seven bits per byte, least significant group first; the high bit says "more follows".
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

/**
 * Reads one varint starting at `offset`. Returns the value and how many bytes it used.
 * Like protowire.ConsumeVarint: denormalised encodings (extra 0x80 … 0x00 bytes) are accepted,
 * running out of input is ERR_TRUNCATED, and anything that does not fit in 64 bits (an 11th
 * byte, or a 10th byte above 1) is ERR_OVERFLOW.
 */
export function consumeVarint(bytes: Uint8Array, offset = 0): { value: bigint; length: number } {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const pos = offset + i;
    if (pos >= bytes.length) throw new Error(ERR_TRUNCATED);
    const b = bytes[pos]!;
    if (i === 9) {
      // The 10th byte holds only bit 63: 0 or 1, and no continuation bit.
      if (b > 1) throw new Error(ERR_OVERFLOW);
      return { value: value | (BigInt(b) << 63n), length: 10 };
    }
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return { value, length: i + 1 };
  }
  throw new Error(ERR_OVERFLOW); // not reached: the 10th byte always returns or throws
}

/** Number of bytes encodeVarint(value) produces, computed without encoding. */
export function sizeVarint(value: bigint): number {
  let n = 1;
  let v = value;
  while (v >= 0x80n) {
    v >>= 7n;
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------
// Task 2: ZigZag and negative numbers
// ---------------------------------------------------------------------------

/** sint64 encoding: maps −1 → 1, 1 → 2, −2 → 3 … so small magnitudes stay small. */
export function encodeZigZag(value: bigint): bigint {
  // (n << 1) ^ (n >> 63), taken as an unsigned 64-bit value.
  return BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
}

/** Inverse of encodeZigZag: an unsigned 64-bit value back to a signed one. */
export function decodeZigZag(value: bigint): bigint {
  const v = BigInt.asUintN(64, value);
  return (v >> 1n) ^ -(v & 1n);
}

/** How int32/int64 fields put a signed value on the wire: two's complement, sign-extended to 64 bits. */
export function int64ToUint64(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}

// ---------------------------------------------------------------------------
// Task 3: tags and a message
// ---------------------------------------------------------------------------

/** (fieldNumber << 3) | wireType, computed without 32-bit overflow. */
export function encodeTag(fieldNumber: number, wireType: number): number {
  if (!Number.isInteger(fieldNumber) || fieldNumber < 1 || fieldNumber > MAX_FIELD_NUMBER) {
    throw new RangeError(`field number out of range: ${fieldNumber}`);
  }
  // JavaScript's << works on signed 32-bit integers: 2^29 − 1 shifted by 3 would go negative.
  return fieldNumber * 8 + (wireType & 7);
}

/** Reads a tag varint and splits it. Field number 0 is ERR_FIELD_NUMBER. */
export function consumeTag(
  bytes: Uint8Array,
  offset = 0,
): { fieldNumber: number; wireType: number; length: number } {
  const { value, length } = consumeVarint(bytes, offset);
  const fieldNumber = value >> 3n;
  if (fieldNumber < 1n || fieldNumber > 0x7fffffffn) throw new Error(ERR_FIELD_NUMBER);
  return { fieldNumber: Number(fieldNumber), wireType: Number(value & 7n), length };
}

/**
 * message Item {
 *   uint32 id = 1;
 *   string name = 2;
 *   repeated uint32 tags = 3;   // proto3: packed by default
 * }
 */
export interface Item {
  id: number;
  name: string;
  tags: number[];
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function checkUint32(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new RangeError(`${what} is not a uint32: ${v}`);
  }
}

/** Concatenates byte chunks. */
function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** proto3 encoding of an Item: fields in number order, default values (0, "", []) omitted. */
export function encodeItem(item: Item): Uint8Array {
  checkUint32('id', item.id);
  item.tags.forEach((t) => checkUint32('tag', t));
  const chunks: Uint8Array[] = [];
  if (item.id !== 0) {
    chunks.push(encodeVarint(BigInt(encodeTag(1, WireType.VARINT))), encodeVarint(BigInt(item.id)));
  }
  if (item.name !== '') {
    const name = utf8.encode(item.name);
    chunks.push(encodeVarint(BigInt(encodeTag(2, WireType.LEN))), encodeVarint(BigInt(name.length)), name);
  }
  if (item.tags.length > 0) {
    const packed = concat(item.tags.map((t) => encodeVarint(BigInt(t))));
    chunks.push(encodeVarint(BigInt(encodeTag(3, WireType.LEN))), encodeVarint(BigInt(packed.length)), packed);
  }
  return concat(chunks);
}

/** Reads a LEN payload (length varint + bytes) at offset. */
function consumeBytes(bytes: Uint8Array, offset: number): { value: Uint8Array; length: number } {
  const { value: size, length } = consumeVarint(bytes, offset);
  const start = offset + length;
  if (size > BigInt(bytes.length - start)) throw new Error(ERR_TRUNCATED);
  const end = start + Number(size);
  return { value: bytes.subarray(start, end), length: end - offset };
}

/** Length of a field value of the given wire type at offset, for skipping unknown fields. */
function skipValue(bytes: Uint8Array, offset: number, wireType: number): number {
  switch (wireType) {
    case WireType.VARINT:
      return consumeVarint(bytes, offset).length;
    case WireType.I64:
      if (bytes.length - offset < 8) throw new Error(ERR_TRUNCATED);
      return 8;
    case WireType.LEN:
      return consumeBytes(bytes, offset).length;
    case WireType.I32:
      if (bytes.length - offset < 4) throw new Error(ERR_TRUNCATED);
      return 4;
    default:
      // Groups (3, 4) are not supported here; 6 and 7 do not exist.
      throw new Error(ERR_RESERVED);
  }
}

/** uint32 fields keep the low 32 bits of the varint, as protobuf parsers do. */
function toUint32(v: bigint): number {
  return Number(BigInt.asUintN(32, v));
}

/**
 * Decodes an Item. Unknown fields (and known fields with an unexpected wire type) are skipped;
 * a scalar that appears twice keeps the last value; tags are accepted packed or unpacked.
 */
export function decodeItem(bytes: Uint8Array): Item {
  const item: Item = { id: 0, name: '', tags: [] };
  let at = 0;
  while (at < bytes.length) {
    const tag = consumeTag(bytes, at);
    at += tag.length;
    const { fieldNumber, wireType } = tag;
    if (fieldNumber === 1 && wireType === WireType.VARINT) {
      const v = consumeVarint(bytes, at);
      item.id = toUint32(v.value);
      at += v.length;
    } else if (fieldNumber === 2 && wireType === WireType.LEN) {
      const v = consumeBytes(bytes, at);
      item.name = utf8Decoder.decode(v.value);
      at += v.length;
    } else if (fieldNumber === 3 && wireType === WireType.LEN) {
      // Packed: one LEN record holding back-to-back varints.
      const v = consumeBytes(bytes, at);
      let p = 0;
      while (p < v.value.length) {
        const e = consumeVarint(v.value, p);
        item.tags.push(toUint32(e.value));
        p += e.length;
      }
      at += v.length;
    } else if (fieldNumber === 3 && wireType === WireType.VARINT) {
      // Unpacked: one record per element. Parsers must accept both forms.
      const v = consumeVarint(bytes, at);
      item.tags.push(toUint32(v.value));
      at += v.length;
    } else {
      at += skipValue(bytes, at, wireType);
    }
  }
  return item;
}

// ---------------------------------------------------------------------------
// Task 4: sizes against JSON
// ---------------------------------------------------------------------------

/** The size encodeItem(item) would have, computed field by field without encoding (like proto.Size). */
export function sizeItem(item: Item): number {
  let n = 0;
  if (item.id !== 0) n += 1 + sizeVarint(BigInt(item.id)); // tag 0x08 is one byte
  if (item.name !== '') {
    const len = utf8.encode(item.name).length;
    n += 1 + sizeVarint(BigInt(len)) + len;
  }
  if (item.tags.length > 0) {
    const len = item.tags.reduce((s, t) => s + sizeVarint(BigInt(t)), 0);
    n += 1 + sizeVarint(BigInt(len)) + len;
  }
  return n;
}

/** Bytes on the wire for the same Item as protobuf and as JSON.stringify (UTF-8 bytes, not characters). */
export function compareWithJson(item: Item): { protobuf: number; json: number } {
  return {
    protobuf: sizeItem(item),
    json: utf8.encode(JSON.stringify(item)).length,
  };
}
