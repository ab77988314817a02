/**
 * Real wire bytes of one message in two codecs, so a lesson can compare their sizes exactly:
 *
 * - Protobuf (proto3 binary), following the encoding guide (protobuf.dev/programming-guides/encoding):
 *   each field is a tag varint `field_number << 3 | wire_type` followed by its value; varints carry
 *   7 bits per byte, least significant group first; negative int32/int64 are sign-extended to 64 bits
 *   (10 bytes), which is why sint32/sint64 exist (zigzag: 0→0, -1→1, 1→2, -2→3); strings, bytes,
 *   nested messages and packed repeated scalars are length-delimited; fixed32/float take 4 bytes,
 *   fixed64/double 8, little-endian. Fields without presence that hold their default (0, false, "",
 *   empty bytes, enum 0, an empty list) are not written. Fields are written in field-number order,
 *   as protobuf-go's deterministic marshalling does.
 * - JSON as protobuf-go's `protojson.Marshal` prints it with default options: lowerCamelCase keys
 *   (protoc's json_name rule), 64-bit integers as decimal strings, enums by name, bytes as padded
 *   standard base64, NaN/Infinity as strings, defaults omitted, fields in declaration order, no
 *   spaces. (protojson randomly
 *   inserts a space to stop people depending on its byte output; that space is left out here, so
 *   these are the bytes of its compact form.) String escaping is JSON.stringify's, which agrees
 *   with protojson for the characters these schemas use.
 *
 * Not covered: oneof, map fields (write them as repeated entry messages: that is their wire form),
 * proto2 groups and extensions, unknown fields.
 */

export type ScalarType =
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'bool'
  | 'enum'
  | 'string'
  | 'bytes'
  | 'double'
  | 'float'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64';

export type FieldType = ScalarType | 'message';

export interface FieldSchema {
  /** The name in the .proto file (snake_case); message values are keyed by it. */
  readonly name: string;
  readonly number: number;
  readonly type: FieldType;
  readonly repeated?: boolean;
  /** Repeated numeric fields are packed in proto3 unless `[packed = false]`. */
  readonly packed?: boolean;
  /** proto3 `optional`: explicit presence, so a set default value is still written. */
  readonly optional?: boolean;
  /** The schema of a `message` field. */
  readonly message?: MessageSchema;
  /** Enum value names by number, for JSON; an unknown number is printed as a number, as protojson does. */
  readonly enumValues?: Readonly<Record<number, string>>;
  /** The `json_name` option; default: protoc's lowerCamelCase of `name`. */
  readonly jsonName?: string;
}

export interface MessageSchema {
  readonly name: string;
  readonly fields: readonly FieldSchema[];
}

/** A message as a plain object keyed by proto field names. 64-bit integers may be numbers or bigints. */
export type MessageValue = { readonly [field: string]: unknown };

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;
export type WireType = typeof WIRE_VARINT | typeof WIRE_I64 | typeof WIRE_LEN | typeof WIRE_I32;

const MAX_FIELD_NUMBER = 2 ** 29 - 1;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const SIXTY_FOUR_BIT: ReadonlySet<ScalarType> = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const LENGTH_DELIMITED: ReadonlySet<FieldType> = new Set(['string', 'bytes', 'message']);

export function wireTypeOf(type: FieldType): WireType {
  switch (type) {
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return WIRE_I64;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return WIRE_I32;
    case 'string':
    case 'bytes':
    case 'message':
      return WIRE_LEN;
    default:
      return WIRE_VARINT;
  }
}

/** A growable byte buffer; little-endian where fixed-width. */
class ByteWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** An unsigned varint; `v` must already be the unsigned 64-bit value to write. */
  varint(v: number | bigint): void {
    if (typeof v === 'number' && v <= UINT32_MAX) {
      // The common case without bigint: below 2^32, `>>> 7` is exact.
      let n = v;
      while (n > 0x7f) {
        this.byte((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      this.byte(n);
      return;
    }
    let n = BigInt(v);
    while (n > 0x7fn) {
      this.byte(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.byte(Number(n));
  }

  get length(): number {
    return this.len;
  }

  /**
   * Turns everything written since `start` into a length-delimited payload: the length varint goes
   * in front, the payload moves right to make room. Nested messages are written in place this way,
   * without a buffer of their own.
   */
  prefixLength(start: number): void {
    const size = this.len - start;
    const width = varintWidth(size);
    this.ensure(width);
    this.buf.copyWithin(start + width, start, this.len);
    let n = size;
    for (let i = 0; i < width - 1; i++) {
      this.buf[start + i] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[start + width - 1] = n;
    this.len += width;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  fixed32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.len, v >>> 0, true);
    this.len += 4;
  }

  fixed64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.len, BigInt.asUintN(64, v), true);
    this.len += 8;
  }

  float(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.len, v, true);
    this.len += 4;
  }

  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.len, v, true);
    this.len += 8;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Bytes of the varint of a length (lengths stay far below 2^32). */
function varintWidth(n: number): number {
  let width = 1;
  while (n > 0x7f) {
    n >>>= 7;
    width++;
  }
  return width;
}

const utf8 = new TextEncoder();

/** Zigzag for sint32: `(n << 1) ^ (n >> 31)`, as an unsigned 32-bit number. */
export function zigzag32(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

/** Zigzag for sint64: `(n << 1) ^ (n >> 63)` in 64 bits. */
export function zigzag64(n: bigint): bigint {
  return BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
}

/** The protobuf encoding of `value` under `schema` (proto3 rules). */
export function encodeProtobuf(schema: MessageSchema, value: MessageValue): Uint8Array {
  const w = new ByteWriter();
  writeMessage(w, schema, value, schema.name);
  return w.finish();
}

function writeMessage(w: ByteWriter, schema: MessageSchema, value: MessageValue, path: string): void {
  for (const field of byNumber(schema)) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    const where = `${path}.${field.name}`;
    if (field.repeated) {
      if (!Array.isArray(v)) throw new TypeError(`${where}: a repeated field needs an array`);
      writeRepeated(w, field, v, where);
    } else {
      writeSingular(w, field, v, where);
    }
  }
}

function writeRepeated(w: ByteWriter, field: FieldSchema, list: readonly unknown[], where: string): void {
  if (list.length === 0) return;
  if (isPacked(field)) {
    // One length-delimited record holding the values back to back, without per-element tags.
    writeTag(w, field.number, WIRE_LEN);
    const start = w.length;
    list.forEach((item, i) => writeValue(w, field, item, `${where}[${i}]`));
    w.prefixLength(start);
    return;
  }
  list.forEach((item, i) => {
    writeTag(w, field.number, wireTypeOf(field.type));
    writeValue(w, field, item, `${where}[${i}]`);
  });
}

function writeSingular(w: ByteWriter, field: FieldSchema, v: unknown, where: string): void {
  // Messages have presence in proto3: a set but empty message is still written (tag, length 0).
  if (field.type !== 'message' && !field.optional && isDefault(field.type, v, where)) return;
  writeTag(w, field.number, wireTypeOf(field.type));
  writeValue(w, field, v, where);
}

/** Packed applies to repeated numeric scalars (varint, I32, I64 kinds), which proto3 packs by default. */
export function isPacked(field: FieldSchema): boolean {
  return field.repeated === true && !LENGTH_DELIMITED.has(field.type) && field.packed !== false;
}

function writeTag(w: ByteWriter, number: number, wireType: WireType): void {
  if (!Number.isInteger(number) || number < 1 || number > MAX_FIELD_NUMBER || (number >= 19000 && number <= 19999)) {
    throw new RangeError(`invalid field number ${number}`);
  }
  // number * 8 rather than << 3: field numbers up to 2^29 - 1 would overflow a signed 32-bit shift.
  w.varint(number * 8 + wireType);
}

function writeValue(w: ByteWriter, field: FieldSchema, v: unknown, where: string): void {
  switch (field.type) {
    case 'int32':
    case 'enum': {
      const n = int32(v, where);
      // Negative values are sign-extended to 64 bits, so they always take 10 bytes.
      w.varint(n >= 0 ? n : BigInt.asUintN(64, BigInt(n)));
      return;
    }
    case 'uint32':
      w.varint(uint32(v, where));
      return;
    case 'sint32':
      w.varint(zigzag32(int32(v, where)));
      return;
    case 'int64':
      w.varint(BigInt.asUintN(64, int64(v, where)));
      return;
    case 'uint64':
      w.varint(uint64(v, where));
      return;
    case 'sint64':
      w.varint(zigzag64(int64(v, where)));
      return;
    case 'bool':
      w.varint(bool(v, where) ? 1 : 0);
      return;
    case 'fixed32':
      w.fixed32(uint32(v, where));
      return;
    case 'sfixed32':
      w.fixed32(int32(v, where));
      return;
    case 'fixed64':
      w.fixed64(uint64(v, where));
      return;
    case 'sfixed64':
      w.fixed64(int64(v, where));
      return;
    case 'float':
      w.float(float(v, where));
      return;
    case 'double':
      w.double(float(v, where));
      return;
    case 'string': {
      const bytes = utf8.encode(str(v, where));
      w.varint(bytes.length);
      w.raw(bytes);
      return;
    }
    case 'bytes': {
      const bytes = byteArray(v, where);
      w.varint(bytes.length);
      w.raw(bytes);
      return;
    }
    case 'message': {
      const start = w.length;
      writeMessage(w, subSchema(field, where), messageValue(v, where), where);
      w.prefixLength(start);
      return;
    }
  }
}

/**
 * proto3's "not written" values. Floats follow protobuf-go: only +0 is the default, so -0 (whose
 * bits are not all zero) and NaN are written.
 */
function isDefault(type: ScalarType, v: unknown, where: string): boolean {
  switch (type) {
    case 'bool':
      return bool(v, where) === false;
    case 'string':
      return str(v, where) === '';
    case 'bytes':
      return byteArray(v, where).length === 0;
    case 'float':
    case 'double': {
      const f = float(v, where);
      return f === 0 && !Object.is(f, -0);
    }
    default:
      if (SIXTY_FOUR_BIT.has(type)) return bigintOf(v, where) === 0n;
      return v === 0;
  }
}

// ---- value checks: a wrong value is a bug in the caller's message, so say where it is ----

function int32(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
    throw new TypeError(`${where}: expected a 32-bit signed integer, got ${String(v)}`);
  }
  return v;
}

function uint32(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > UINT32_MAX) {
    throw new TypeError(`${where}: expected a 32-bit unsigned integer, got ${String(v)}`);
  }
  return v;
}

function int64(v: unknown, where: string): bigint {
  const n = bigintOf(v, where);
  if (n < INT64_MIN || n > INT64_MAX) throw new TypeError(`${where}: outside the int64 range: ${n}`);
  return n;
}

function uint64(v: unknown, where: string): bigint {
  const n = bigintOf(v, where);
  if (n < 0n || n > UINT64_MAX) throw new TypeError(`${where}: outside the uint64 range: ${n}`);
  return n;
}

function bigintOf(v: unknown, where: string): bigint {
  if (typeof v === 'bigint') return v;
  // Numbers beyond 2^53 have already lost digits; refuse them rather than encode a different value.
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw new TypeError(`${where}: expected a bigint or a safe integer, got ${String(v)}`);
}

function bool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${where}: expected a boolean, got ${String(v)}`);
  return v;
}

function float(v: unknown, where: string): number {
  if (typeof v !== 'number') throw new TypeError(`${where}: expected a number, got ${String(v)}`);
  return v;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new TypeError(`${where}: expected a string, got ${String(v)}`);
  return v;
}

function byteArray(v: unknown, where: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${where}: expected a Uint8Array`);
  return v;
}

function messageValue(v: unknown, where: string): MessageValue {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new TypeError(`${where}: expected a message object`);
  }
  return v as MessageValue;
}

function subSchema(field: FieldSchema, where: string): MessageSchema {
  if (!field.message) throw new TypeError(`${where}: a message field needs its schema`);
  return field.message;
}

const sortedFields = new WeakMap<MessageSchema, readonly FieldSchema[]>();

function byNumber(schema: MessageSchema): readonly FieldSchema[] {
  let sorted = sortedFields.get(schema);
  if (!sorted) {
    sorted = [...schema.fields].sort((a, b) => a.number - b.number);
    sortedFields.set(schema, sorted);
  }
  return sorted;
}

// ---- JSON ----

/** protoc's default json_name: underscores dropped, the letter after each one upper-cased. */
export function jsonNameOf(protoName: string): string {
  let out = '';
  let upperNext = false;
  for (const ch of protoName) {
    if (ch === '_') upperNext = true;
    else {
      out += upperNext ? ch.toUpperCase() : ch;
      upperNext = false;
    }
  }
  return out;
}

const jsonKeys = new WeakMap<FieldSchema, string>();

/** The quoted JSON key of a field, computed once per schema object. */
function jsonKey(field: FieldSchema): string {
  let key = jsonKeys.get(field);
  if (key === undefined) {
    key = JSON.stringify(field.jsonName ?? jsonNameOf(field.name));
    jsonKeys.set(field, key);
  }
  return key;
}

/** The message as protojson prints it (compact). */
export function toProtoJson(schema: MessageSchema, value: MessageValue): string {
  return messageJson(schema, value, schema.name);
}

/** The UTF-8 bytes of `toProtoJson`: what goes on the wire with `Content-Type: application/json`. */
export function encodeJson(schema: MessageSchema, value: MessageValue): Uint8Array {
  return utf8.encode(toProtoJson(schema, value));
}

function messageJson(schema: MessageSchema, value: MessageValue, path: string): string {
  const parts: string[] = [];
  // protojson prints fields in declaration order (order.IndexOrder), unlike the binary encoder.
  for (const field of schema.fields) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    const where = `${path}.${field.name}`;
    const key = jsonKey(field);
    if (field.repeated) {
      if (!Array.isArray(v)) throw new TypeError(`${where}: a repeated field needs an array`);
      if (v.length === 0) continue;
      parts.push(`${key}:[${v.map((item: unknown, i) => valueJson(field, item, `${where}[${i}]`)).join(',')}]`);
      continue;
    }
    if (field.type !== 'message' && !field.optional && isDefault(field.type, v, where)) continue;
    parts.push(`${key}:${valueJson(field, v, where)}`);
  }
  return `{${parts.join(',')}}`;
}

function valueJson(field: FieldSchema, v: unknown, where: string): string {
  switch (field.type) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return String(int32(v, where));
    case 'uint32':
    case 'fixed32':
      return String(uint32(v, where));
    // 64-bit integers are strings: JSON numbers are doubles in most parsers, exact only to 2^53.
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return `"${int64(v, where)}"`;
    case 'uint64':
    case 'fixed64':
      return `"${uint64(v, where)}"`;
    case 'bool':
      return bool(v, where) ? 'true' : 'false';
    case 'enum': {
      const n = int32(v, where);
      const name = field.enumValues?.[n];
      return name === undefined ? String(n) : JSON.stringify(name);
    }
    case 'float':
      return floatJson(float(v, where), 32);
    case 'double':
      return floatJson(float(v, where), 64);
    case 'string':
      return JSON.stringify(str(v, where));
    case 'bytes':
      return `"${base64(byteArray(v, where))}"`;
    case 'message':
      return messageJson(subSchema(field, where), messageValue(v, where), where);
  }
}

/**
 * protojson's float formatting: the shortest decimal that reads back as the same float32/float64,
 * in exponent form below 1e-6 and from 1e21 (the same thresholds as JavaScript's Number#toString).
 */
export function floatJson(f: number, bits: 32 | 64): string {
  if (Number.isNaN(f)) return '"NaN"';
  if (f === Infinity) return '"Infinity"';
  if (f === -Infinity) return '"-Infinity"';
  if (Object.is(f, -0)) return '-0';
  if (bits === 64) return String(f);
  const target = Math.fround(f);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(target.toPrecision(digits));
    if (Math.fround(candidate) === target) return String(candidate);
  }
  return String(target);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding (RFC 4648 §4), as protojson writes bytes. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += BASE64[(n >> 18) & 63]! + BASE64[(n >> 12) & 63]!;
    out += b === undefined ? '=' : BASE64[(n >> 6) & 63]!;
    out += c === undefined ? '=' : BASE64[n & 63]!;
  }
  return out;
}

export interface CodecSizes {
  protobufBytes: number;
  jsonBytes: number;
}

/** The size of the same message in both codecs. */
export function sizes(schema: MessageSchema, value: MessageValue): CodecSizes {
  return { protobufBytes: encodeProtobuf(schema, value).length, jsonBytes: encodeJson(schema, value).length };
}

// ---- reading the wire back, for wire views and tests ----

export interface WireField {
  readonly number: number;
  readonly wireType: WireType;
  /** Where the record starts (its tag) and ends, in the buffer read. */
  readonly start: number;
  readonly end: number;
  /** The varint value (VARINT), the little-endian value (I32, I64), or the payload (LEN). */
  readonly value: bigint | Uint8Array;
}

/** Splits a protobuf buffer into its top-level records, without a schema. Throws on malformed input. */
export function parseWire(bytes: Uint8Array): WireField[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: WireField[] = [];
  let pos = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= bytes.length) throw new RangeError('truncated varint');
      const b = bytes[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    throw new RangeError('varint longer than 10 bytes');
  };
  while (pos < bytes.length) {
    const start = pos;
    const tag = readVarint();
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (number < 1) throw new RangeError(`invalid field number ${number} at ${start}`);
    let value: bigint | Uint8Array;
    if (wireType === WIRE_VARINT) value = readVarint();
    else if (wireType === WIRE_I64) {
      if (pos + 8 > bytes.length) throw new RangeError('truncated fixed64');
      value = view.getBigUint64(pos, true);
      pos += 8;
    } else if (wireType === WIRE_I32) {
      if (pos + 4 > bytes.length) throw new RangeError('truncated fixed32');
      value = BigInt(view.getUint32(pos, true));
      pos += 4;
    } else if (wireType === WIRE_LEN) {
      const len = Number(readVarint());
      if (pos + len > bytes.length) throw new RangeError('truncated length-delimited field');
      value = bytes.slice(pos, pos + len);
      pos += len;
    } else throw new RangeError(`unsupported wire type ${wireType} at ${start}`);
    out.push({ number, wireType: wireType as WireType, start, end: pos, value });
  }
  return out;
}

/** Reads back-to-back varints (the payload of a packed varint field). */
export function parsePackedVarints(bytes: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let current = 0n;
  let shift = 0n;
  for (const b of bytes) {
    current |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if (b < 0x80) {
      out.push(BigInt.asUintN(64, current));
      current = 0n;
      shift = 0n;
    }
  }
  if (shift !== 0n) throw new RangeError('truncated packed varint');
  return out;
}

/** `08 96 01`: bytes as the encoding guide prints them. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
