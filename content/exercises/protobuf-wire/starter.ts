/**
 * The protobuf wire format by hand, in the style of Go's
 * google.golang.org/protobuf/encoding/protowire. Replace every `throw new Error('not implemented')`.
 */

/** Error messages, the same text protowire's ParseError produces. Throw `new Error(ERR_…)`. */
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

// Task 1: varints

/**
 * Encodes an unsigned 64-bit integer as a base-128 varint: 7 bits per byte, least significant
 * group first, high bit set on every byte except the last. 1 to 10 bytes.
 * Throws RangeError for values below 0 or above 2^64 − 1.
 */
export function encodeVarint(value: bigint): Uint8Array {
  throw new Error('not implemented');
}

/**
 * Reads one varint starting at `offset` (default 0); returns the value and the bytes used.
 * Input that ends inside the varint: Error(ERR_TRUNCATED). More than 64 bits (a 10th byte
 * above 0x01, or an 11th byte): Error(ERR_OVERFLOW). Longer-than-needed encodings are fine.
 */
export function consumeVarint(bytes: Uint8Array, offset = 0): { value: bigint; length: number } {
  throw new Error('not implemented');
}

/** Number of bytes encodeVarint(value) produces. */
export function sizeVarint(value: bigint): number {
  throw new Error('not implemented');
}

// Task 2: ZigZag and negative numbers

/** sint64 encoding of a signed 64-bit value: −1 → 1, 1 → 2, −2 → 3 … (result is uint64). */
export function encodeZigZag(value: bigint): bigint {
  throw new Error('not implemented');
}

/** Inverse of encodeZigZag. */
export function decodeZigZag(value: bigint): bigint {
  throw new Error('not implemented');
}

/** How int32/int64 fields put a signed value on the wire: two's complement as a uint64. */
export function int64ToUint64(value: bigint): bigint {
  throw new Error('not implemented');
}

// Task 3: tags and a message

/**
 * The tag value (fieldNumber << 3) | wireType, as a number (it can exceed 2^31).
 * Throws RangeError when fieldNumber is not an integer in 1 … MAX_FIELD_NUMBER.
 */
export function encodeTag(fieldNumber: number, wireType: number): number {
  throw new Error('not implemented');
}

/** Reads a tag varint at `offset` and splits it. Field number 0: Error(ERR_FIELD_NUMBER). */
export function consumeTag(
  bytes: Uint8Array,
  offset = 0,
): { fieldNumber: number; wireType: number; length: number } {
  throw new Error('not implemented');
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

/**
 * proto3 encoding: fields in number order, default values (0, "", []) not written, name as UTF-8,
 * tags as one packed LEN record. RangeError if id or a tag is not an integer in 0 … 2^32 − 1.
 */
export function encodeItem(item: Item): Uint8Array {
  throw new Error('not implemented');
}

/**
 * Decodes an Item. Skips unknown fields (wire types 0, 1, 2, 5) and known fields that arrive with
 * another wire type; the last value of a repeated scalar wins; tags may be packed or unpacked.
 * Truncated input: Error(ERR_TRUNCATED). Wire types 3, 4, 6, 7: Error(ERR_RESERVED).
 */
export function decodeItem(bytes: Uint8Array): Item {
  throw new Error('not implemented');
}

// Task 4: sizes against JSON

/** The size encodeItem(item) would have, computed without encoding. */
export function sizeItem(item: Item): number {
  throw new Error('not implemented');
}

/** Bytes for the same Item as protobuf and as JSON.stringify (counted in UTF-8 bytes). */
export function compareWithJson(item: Item): { protobuf: number; json: number } {
  throw new Error('not implemented');
}
