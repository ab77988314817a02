/**
 * The protobuf and JSON codecs (src/lib/sim/models/rpc/codec.ts).
 *
 * - The examples of the protobuf encoding guide (protobuf.dev/programming-guides/encoding), byte
 *   for byte, plus the zigzag table and the 10-byte negative int32 it describes.
 * - Golden vectors produced by protobuf-go v1.36.12 (`proto.MarshalOptions{Deterministic: true}`
 *   and `protojson.Marshal`, then `json.Compact` to drop protojson's randomised space) for a dynamic
 *   proto3 message using every supported type; 300 such vectors matched when this codec was written,
 *   five are kept here. NaN is the quiet NaN 0x7ff8000000000000 (JavaScript cannot hold Go's
 *   math.NaN() payload). Values: "b:<n>" is a bigint, {"bytes": [...]} a Uint8Array, "-0"/"NaN"/
 *   "Infinity" those floats.
 */
import { describe, expect, it } from 'vitest';
import {
  base64,
  encodeJson,
  encodeProtobuf,
  floatJson,
  jsonNameOf,
  parsePackedVarints,
  parseWire,
  sizes,
  toHex,
  toProtoJson,
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_VARINT,
  zigzag32,
  zigzag64,
  type FieldSchema,
  type MessageSchema,
  type MessageValue,
} from '../../../src/lib/sim/models/rpc/codec.ts';
import { ORDER_SCHEMA } from '../../../src/lib/sim/scenarios/rpc.ts';

const one = (field: Omit<FieldSchema, 'name' | 'number'> & { name?: string; number?: number }): MessageSchema => ({
  name: 'T',
  fields: [{ name: field.name ?? 'a', number: field.number ?? 1, ...field }],
});
const hex = (schema: MessageSchema, value: MessageValue): string => toHex(encodeProtobuf(schema, value));

describe('the encoding guide, byte for byte', () => {
  it('Test1: field 1, varint 150 → 08 96 01', () => {
    expect(hex(one({ type: 'int32' }), { a: 150 })).toBe('08 96 01');
  });

  it('Test2: the string "testing" in field 2 → 12 07 74 65 73 74 69 6e 67', () => {
    expect(hex(one({ name: 'b', number: 2, type: 'string' }), { b: 'testing' })).toBe('12 07 74 65 73 74 69 6e 67');
  });

  it('Test3: a nested Test1 in field 3 → 1a 03 08 96 01', () => {
    const test1 = one({ type: 'int32' });
    expect(hex(one({ name: 'c', number: 3, type: 'message', message: test1 }), { c: { a: 150 } })).toBe('1a 03 08 96 01');
  });

  it('packed repeated [3, 270, 86942] in field 4 → 22 06 03 8e 02 9e a7 05', () => {
    expect(hex(one({ name: 'd', number: 4, type: 'int32', repeated: true }), { d: [3, 270, 86942] })).toBe('22 06 03 8e 02 9e a7 05');
  });

  it('the same list with [packed = false]: one tagged record per element', () => {
    const schema = one({ name: 'd', number: 4, type: 'int32', repeated: true, packed: false });
    expect(hex(schema, { d: [3, 270, 86942] })).toBe('20 03 20 8e 02 20 9e a7 05');
  });

  it('zigzag: 0→0, -1→1, 1→2, -2→3, 0x7fffffff→0xfffffffe, -0x80000000→0xffffffff', () => {
    expect([0, -1, 1, -2, 0x7fffffff, -0x80000000].map(zigzag32)).toEqual([0, 1, 2, 3, 0xfffffffe, 0xffffffff]);
    expect([0n, -1n, 1n, -2n, 2n ** 63n - 1n, -(2n ** 63n)].map(zigzag64)).toEqual([0n, 1n, 2n, 3n, 2n ** 64n - 2n, 2n ** 64n - 1n]);
    expect(hex(one({ type: 'sint32' }), { a: -1 })).toBe('08 01');
    expect(hex(one({ type: 'sint32' }), { a: 1 })).toBe('08 02');
    expect(hex(one({ type: 'sint64' }), { a: -2n })).toBe('08 03');
    expect(hex(one({ type: 'sint32' }), { a: -0x80000000 })).toBe('08 ff ff ff ff 0f');
  });

  it('a negative int32 is sign-extended to 64 bits: 10 bytes of varint', () => {
    const bytes = encodeProtobuf(one({ type: 'int32' }), { a: -1 });
    expect(toHex(bytes)).toBe('08 ff ff ff ff ff ff ff ff ff 01');
    expect(bytes.length - 1).toBe(10);
    // int64 -1 is the same bytes; sint32 -1 is one byte: the reason sint types exist.
    expect(hex(one({ type: 'int64' }), { a: -1n })).toBe('08 ff ff ff ff ff ff ff ff ff 01');
    expect(encodeProtobuf(one({ type: 'sint32' }), { a: -1 }).length).toBe(2);
    expect(hex(one({ type: 'int32' }), { a: -2 })).toBe('08 fe ff ff ff ff ff ff ff ff 01');
  });

  it('fixed-width types are little-endian: I32 (wire type 5) and I64 (wire type 1)', () => {
    expect(hex(one({ type: 'fixed32' }), { a: 1 })).toBe('0d 01 00 00 00');
    expect(hex(one({ type: 'sfixed32' }), { a: -2 })).toBe('0d fe ff ff ff');
    expect(hex(one({ type: 'fixed64' }), { a: 1n })).toBe('09 01 00 00 00 00 00 00 00');
    expect(hex(one({ type: 'sfixed64' }), { a: -1n })).toBe('09 ff ff ff ff ff ff ff ff');
    expect(hex(one({ type: 'double' }), { a: 1 })).toBe('09 00 00 00 00 00 00 f0 3f');
    expect(hex(one({ type: 'float' }), { a: 1 })).toBe('0d 00 00 80 3f');
    expect(hex(one({ type: 'float' }), { a: -2.5 })).toBe('0d 00 00 20 c0');
  });

  it('bools, enums, uint64 beyond 2^53 and bytes', () => {
    expect(hex(one({ type: 'bool' }), { a: true })).toBe('08 01');
    expect(hex(one({ type: 'enum' }), { a: 2 })).toBe('08 02');
    expect(hex(one({ type: 'uint64' }), { a: 2n ** 64n - 1n })).toBe('08 ff ff ff ff ff ff ff ff ff 01');
    expect(hex(one({ type: 'uint32' }), { a: 2 ** 32 - 1 })).toBe('08 ff ff ff ff 0f');
    expect(hex(one({ type: 'bytes' }), { a: new Uint8Array([0xde, 0xad]) })).toBe('0a 02 de ad');
  });

  it('the tag is field_number << 3 | wire_type, itself a varint', () => {
    expect(hex(one({ number: 16, type: 'int32' }), { a: 1 })).toBe('80 01 01');
    expect(hex(one({ number: 2 ** 29 - 1, type: 'string' }), { a: 'x' })).toBe('fa ff ff ff 0f 01 78');
  });

  it('strings are UTF-8 with a byte length, not a character count', () => {
    expect(hex(one({ type: 'string' }), { a: 'é测' })).toBe('0a 05 c3 a9 e6 b5 8b');
  });

  it('length prefixes longer than one byte (a 200-byte string, a nested 300-byte message)', () => {
    const long = 'x'.repeat(200);
    const bytes = encodeProtobuf(one({ type: 'string' }), { a: long });
    expect(toHex(bytes.subarray(0, 3))).toBe('0a c8 01');
    expect(bytes.length).toBe(203);
    const inner = one({ type: 'string' });
    const outer = one({ name: 'm', number: 2, type: 'message', message: inner });
    const nested = encodeProtobuf(outer, { m: { a: 'y'.repeat(300) } });
    // inner: 0a ac 02 + 300 bytes = 303 bytes → outer: 12 af 02 + 303.
    expect(toHex(nested.subarray(0, 6))).toBe('12 af 02 0a ac 02');
    expect(nested.length).toBe(306);
  });
});

describe('proto3 defaults and presence', () => {
  const all: MessageSchema = {
    name: 'Defaults',
    fields: [
      { name: 'i', number: 1, type: 'int32' },
      { name: 'l', number: 2, type: 'int64' },
      { name: 'b', number: 3, type: 'bool' },
      { name: 's', number: 4, type: 'string' },
      { name: 'y', number: 5, type: 'bytes' },
      { name: 'd', number: 6, type: 'double' },
      { name: 'e', number: 7, type: 'enum' },
      { name: 'r', number: 8, type: 'int32', repeated: true },
      { name: 'f', number: 9, type: 'fixed64' },
    ],
  };

  it('default values are not written, in either codec', () => {
    const zero = { i: 0, l: 0n, b: false, s: '', y: new Uint8Array(), d: 0, e: 0, r: [], f: 0 };
    expect(encodeProtobuf(all, zero).length).toBe(0);
    expect(toProtoJson(all, zero)).toBe('{}');
    expect(sizes(all, zero)).toEqual({ protobufBytes: 0, jsonBytes: 2 });
  });

  it('a non-default value next to defaults is the only one written', () => {
    expect(hex(all, { i: 0, s: 'x', b: false })).toBe('22 01 78');
    expect(toProtoJson(all, { i: 0, s: 'x', b: false })).toBe('{"s":"x"}');
  });

  it('-0.0 is not the default (its bits are not zero), as in protobuf-go', () => {
    expect(hex(all, { d: -0 })).toBe('31 00 00 00 00 00 00 00 80');
    expect(toProtoJson(all, { d: -0 })).toBe('{"d":-0}');
  });

  it('zeros inside a packed list are written', () => {
    expect(hex(all, { r: [0, 1, 0] })).toBe('42 03 00 01 00');
  });

  it('proto3 optional (explicit presence) writes a set zero; absent stays absent', () => {
    const schema = one({ type: 'int32', optional: true });
    expect(hex(schema, { a: 0 })).toBe('08 00');
    expect(hex(schema, {})).toBe('');
    expect(toProtoJson(schema, { a: 0 })).toBe('{"a":0}');
  });

  it('a set but empty message field is written (messages always have presence)', () => {
    const schema = one({ type: 'message', message: { name: 'Empty', fields: [] } });
    expect(hex(schema, { a: {} })).toBe('0a 00');
    expect(toProtoJson(schema, { a: {} })).toBe('{"a":{}}');
  });
});

describe('invalid input is refused, not silently mis-encoded', () => {
  it('integers out of range or of the wrong kind', () => {
    expect(() => encodeProtobuf(one({ type: 'int32' }), { a: 2 ** 31 })).toThrow(/32-bit signed/);
    expect(() => encodeProtobuf(one({ type: 'int32' }), { a: 1.5 })).toThrow(TypeError);
    expect(() => encodeProtobuf(one({ type: 'uint32' }), { a: -1 })).toThrow(/unsigned/);
    expect(() => encodeProtobuf(one({ type: 'int64' }), { a: 2 ** 60 })).toThrow(/safe integer/);
    expect(() => encodeProtobuf(one({ type: 'uint64' }), { a: -1n })).toThrow(/uint64/);
    expect(() => encodeProtobuf(one({ type: 'int64' }), { a: 2n ** 63n })).toThrow(/int64/);
  });

  it('field numbers outside 1..2^29-1 or in the reserved 19000-19999', () => {
    expect(() => encodeProtobuf(one({ number: 0, type: 'int32' }), { a: 1 })).toThrow(/field number/);
    expect(() => encodeProtobuf(one({ number: 19000, type: 'int32' }), { a: 1 })).toThrow(/field number/);
    expect(() => encodeProtobuf(one({ number: 2 ** 29, type: 'int32' }), { a: 1 })).toThrow(/field number/);
  });

  it('wrong shapes name the field', () => {
    expect(() => encodeProtobuf(one({ type: 'int32', repeated: true }), { a: 1 })).toThrow(/T\.a: a repeated field needs an array/);
    expect(() => encodeProtobuf(one({ type: 'string' }), { a: 1 })).toThrow(/T\.a/);
    expect(() => encodeProtobuf(one({ type: 'message' }), { a: {} })).toThrow(/schema/);
  });
});

describe('JSON as protojson prints it', () => {
  it('lowerCamelCase names by protoc’s rule, or json_name', () => {
    expect(jsonNameOf('user_id')).toBe('userId');
    expect(jsonNameOf('created_at_unix_ms')).toBe('createdAtUnixMs');
    expect(jsonNameOf('already')).toBe('already');
    expect(jsonNameOf('x__y')).toBe('xY');
    expect(toProtoJson(one({ name: 'user_id', type: 'int32', jsonName: 'uid' }), { user_id: 7 })).toBe('{"uid":7}');
  });

  it('64-bit integers are strings; 32-bit ones numbers; enums names; bytes base64', () => {
    const schema: MessageSchema = {
      name: 'J',
      fields: [
        { name: 'big', number: 1, type: 'int64' },
        { name: 'small', number: 2, type: 'int32' },
        { name: 'color', number: 3, type: 'enum', enumValues: { 0: 'NONE', 1: 'RED' } },
        { name: 'other_color', number: 4, type: 'enum', enumValues: { 0: 'NONE', 1: 'RED' } },
        { name: 'raw', number: 5, type: 'bytes' },
        { name: 'ratio', number: 6, type: 'float' },
        { name: 'huge', number: 7, type: 'fixed64' },
      ],
    };
    const value = { big: -9007199254740993n, small: -5, color: 1, other_color: 9, raw: new Uint8Array([255, 0, 1]), ratio: 0.1, huge: 2n ** 64n - 1n };
    expect(toProtoJson(schema, value)).toBe(
      '{"big":"-9007199254740993","small":-5,"color":"RED","otherColor":9,"raw":"/wAB","ratio":0.1,"huge":"18446744073709551615"}',
    );
  });

  it('float32 values print as their shortest round-tripping decimal, specials as strings', () => {
    expect(floatJson(Math.fround(0.1), 32)).toBe('0.1');
    expect(floatJson(Math.fround(0.1), 64)).toBe('0.10000000149011612');
    expect(floatJson(1e21, 64)).toBe('1e+21');
    expect(floatJson(1e-7, 64)).toBe('1e-7');
    expect(floatJson(NaN, 64)).toBe('"NaN"');
    expect(floatJson(-Infinity, 32)).toBe('"-Infinity"');
  });

  it('base64 with padding, as Node’s Buffer writes it', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) & 0xff);
      expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('encodeJson is the UTF-8 of toProtoJson (byte length, not character count)', () => {
    const schema = one({ type: 'string' });
    expect(toProtoJson(schema, { a: '测' })).toBe('{"a":"测"}');
    expect(toProtoJson(schema, { a: '测' }).length).toBe(9);
    expect(encodeJson(schema, { a: '测' }).length).toBe(11);
  });
});

const color = { 0: 'COLOR_UNSPECIFIED', 1: 'RED', 2: 'GREEN' };
const INNER: MessageSchema = { name: 'Inner', fields: [{ name: 'name', number: 1, type: 'string' }, { name: 'delta', number: 2, type: 'sint32' }] };
const f = (name: string, number: number, type: FieldSchema['type'], extra: Partial<FieldSchema> = {}): FieldSchema => ({ name, number, type, ...extra });
/** The Go oracle's message; `first_declared` comes first but has the highest number but one. */
const ALL: MessageSchema = {
  name: 'All',
  fields: [
    f('first_declared', 30, 'string'),
    f('f_int32', 1, 'int32'),
    f('f_int64', 2, 'int64'),
    f('f_uint32', 3, 'uint32'),
    f('f_uint64', 4, 'uint64'),
    f('f_sint32', 5, 'sint32'),
    f('f_sint64', 6, 'sint64'),
    f('f_bool', 7, 'bool'),
    f('f_enum', 8, 'enum', { enumValues: color }),
    f('f_string', 9, 'string'),
    f('f_bytes', 10, 'bytes'),
    f('f_double', 11, 'double'),
    f('f_float', 12, 'float'),
    f('f_fixed32', 13, 'fixed32'),
    f('f_fixed64', 14, 'fixed64'),
    f('f_sfixed32', 15, 'sfixed32'),
    f('f_sfixed64', 16, 'sfixed64'),
    f('f_inner', 17, 'message', { message: INNER }),
    f('r_int32', 18, 'int32', { repeated: true }),
    f('r_sint64', 19, 'sint64', { repeated: true }),
    f('r_double', 20, 'double', { repeated: true }),
    f('r_string', 21, 'string', { repeated: true }),
    f('r_inner', 22, 'message', { repeated: true, message: INNER }),
    f('r_bool', 23, 'bool', { repeated: true }),
    f('r_enum', 24, 'enum', { repeated: true, enumValues: color }),
    f('r_fixed32', 25, 'fixed32', { repeated: true, packed: false }),
    f('o_int32', 26, 'int32', { optional: true }),
    f('big_number', 536870911, 'uint32'),
  ],
};

function fromOracle(v: unknown): unknown {
  if (typeof v === 'string' && v.startsWith('b:')) return BigInt(v.slice(2));
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === '-0') return -0;
  if (Array.isArray(v)) return v.map(fromOracle);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.bytes)) return new Uint8Array(o.bytes as number[]);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromOracle(x)]));
  }
  return v;
}

const GO_VECTORS: { value: Record<string, unknown>; pb: string; json: string }[] = [
  {"value": {"f_bool": true, "f_bytes": {"bytes": [22, 247, 65]}, "f_double": 1.4234092272194201e-08, "f_fixed32": 2931296288, "f_float": "-0", "f_inner": {"delta": -2147483647, "name": "emoji😀"}, "f_int32": 1435172714, "f_sfixed64": "b:146", "f_sint32": 98, "f_string": "", "f_uint32": 1916113367, "f_uint64": "b:18446744073709551524", "first_declared": "测试", "o_int32": 1, "r_bool": [true, false], "r_double": ["-0", "NaN"], "r_enum": [1], "r_fixed32": [2147483650], "r_inner": [{"name": "x<y>&z"}], "r_int32": [], "r_sint64": [], "r_string": []}, "pb": "08eafeabac0518d7a3d6910720a4ffffffffffffffff0128c4013801520316f74159dd5d396546914e3e65000000806d2008b8ae810192000000000000008a01110a09656d6f6a69f09f988010fdffffff0fa201100000000000000080000000000000f87fb201080a06783c793e267aba01020100c2010101cd0102000080d00101f20106e6b58be8af95", "json": "{\"firstDeclared\":\"测试\",\"fInt32\":1435172714,\"fUint32\":1916113367,\"fUint64\":\"18446744073709551524\",\"fSint32\":98,\"fBool\":true,\"fBytes\":\"FvdB\",\"fDouble\":1.4234092272194201e-8,\"fFloat\":-0,\"fFixed32\":2931296288,\"fSfixed64\":\"146\",\"fInner\":{\"name\":\"emoji😀\",\"delta\":-2147483647},\"rDouble\":[-0,\"NaN\"],\"rInner\":[{\"name\":\"x<y>&z\"}],\"rBool\":[true,false],\"rEnum\":[\"RED\"],\"rFixed32\":[2147483650],\"oInt32\":1}"},
  {"value": {"big_number": 22, "f_double": "NaN", "f_fixed64": "b:0", "f_float": "NaN", "f_inner": {}, "f_int32": -2147483646, "f_sfixed32": -2147483646, "f_sfixed64": "b:-138", "f_sint64": "b:0", "f_uint32": 1483267222, "first_declared": "emoji😀", "o_int32": 1, "r_bool": [true], "r_double": ["Infinity"], "r_enum": [0, 2], "r_fixed32": [64], "r_inner": [{"delta": -2147483646, "name": "tab\there"}], "r_int32": [], "r_sint64": ["b:0", "b:-1276989103670336192"], "r_string": []}, "pb": "0882808080f8ffffffff011896b9a3c30559000000000000f87f650000c07f7d02000080810176ffffffffffffff8a01009a010a00ffea84a5deb4e3b823a20108000000000000f07fb201100a08746162096865726510fbffffff0fba010101c201020002cd0140000000d00101f20109656d6f6a69f09f9880f8ffffff0f16", "json": "{\"firstDeclared\":\"emoji😀\",\"fInt32\":-2147483646,\"fUint32\":1483267222,\"fDouble\":\"NaN\",\"fFloat\":\"NaN\",\"fSfixed32\":-2147483646,\"fSfixed64\":\"-138\",\"fInner\":{},\"rSint64\":[\"0\",\"-1276989103670336192\"],\"rDouble\":[\"Infinity\"],\"rInner\":[{\"name\":\"tab\\there\",\"delta\":-2147483646}],\"rBool\":[true],\"rEnum\":[\"COLOR_UNSPECIFIED\",\"GREEN\"],\"rFixed32\":[64],\"oInt32\":1,\"bigNumber\":22}"},
  {"value": {"f_bool": false, "f_bytes": {"bytes": [151, 25]}, "f_double": "-0", "f_enum": 0, "f_fixed32": 45, "f_fixed64": "b:0", "f_inner": {"name": "emoji😀"}, "f_int32": 0, "f_sfixed32": -2147483648, "f_sfixed64": "b:0", "f_sint32": -895441401, "f_sint64": "b:-146", "f_string": "x<y>&z", "f_uint32": 2147483649, "o_int32": 0, "r_bool": [false], "r_double": ["Infinity", "NaN"], "r_enum": [2], "r_fixed32": [], "r_inner": [{"delta": -42, "name": "测试"}], "r_int32": [335974899], "r_sint64": [], "r_string": ["a", "测试"]}, "pb": "18818080800828f1e7fad50630a3024a06783c793e267a520297195900000000000000806d2d0000007d000000808a010b0a09656d6f6a69f09f9880920105f3a39aa001a20110000000000000f07f000000000000f87faa010161aa0106e6b58be8af95b2010a0a06e6b58be8af951053ba010100c2010102d00100", "json": "{\"fUint32\":2147483649,\"fSint32\":-895441401,\"fSint64\":\"-146\",\"fString\":\"x<y>&z\",\"fBytes\":\"lxk=\",\"fDouble\":-0,\"fFixed32\":45,\"fSfixed32\":-2147483648,\"fInner\":{\"name\":\"emoji😀\"},\"rInt32\":[335974899],\"rDouble\":[\"Infinity\",\"NaN\"],\"rString\":[\"a\",\"测试\"],\"rInner\":[{\"name\":\"测试\",\"delta\":-42}],\"rBool\":[false],\"rEnum\":[\"GREEN\"],\"oInt32\":0}"},
  {"value": {"big_number": 186, "f_double": 0, "f_enum": 0, "f_fixed64": "b:0", "f_float": "Infinity", "f_sfixed32": -2147483647, "f_sint32": 0, "f_sint64": "b:-38", "f_string": "测试", "f_uint32": 0, "f_uint64": "b:0", "first_declared": "emoji😀", "o_int32": 1, "r_bool": [false, false], "r_double": [3.6099077033907985e-08, "NaN"], "r_enum": [1, 2], "r_fixed32": [0, 4294967231], "r_inner": [{"delta": -1833548730, "name": ""}, {"delta": 49, "name": "a"}], "r_int32": [-2147483647], "r_sint64": ["b:7394204394123969599"], "r_string": []}, "pb": "304b4a06e6b58be8af95650000807f7d0100008092010a81808080f8ffffffff019a010afe90a2c68ceebe9dcd01a201100eb4c15b6b61633e000000000000f87fb2010610f3eecdd40db201050a01611062ba01020000c201020102cd0100000000cd01bfffffffd00101f20109656d6f6a69f09f9880f8ffffff0fba01", "json": "{\"firstDeclared\":\"emoji😀\",\"fSint64\":\"-38\",\"fString\":\"测试\",\"fFloat\":\"Infinity\",\"fSfixed32\":-2147483647,\"rInt32\":[-2147483647],\"rSint64\":[\"7394204394123969599\"],\"rDouble\":[3.6099077033907985e-8,\"NaN\"],\"rInner\":[{\"delta\":-1833548730},{\"name\":\"a\",\"delta\":49}],\"rBool\":[false,false],\"rEnum\":[\"RED\",\"GREEN\"],\"rFixed32\":[0,4294967231],\"oInt32\":1,\"bigNumber\":186}"},
  {"value": {"f_bool": false, "f_enum": 3, "f_fixed32": 1856211823, "f_fixed64": "b:9223372036854775810", "f_float": 2.555571267726085e+21, "f_int64": "b:126", "f_sfixed64": "b:0", "f_sint64": "b:-9137873374664682514", "f_string": "", "r_bool": [], "r_double": [], "r_enum": [], "r_fixed32": [], "r_inner": [], "r_int32": [], "r_sint64": ["b:96", "b:0"], "r_string": []}, "pb": "107e30a3b09bb6eeda9fd0fd01400365ad890a636d6f8ba36e7102000000000000809a0103c00100", "json": "{\"fInt64\":\"126\",\"fSint64\":\"-9137873374664682514\",\"fEnum\":3,\"fFloat\":2.5555713e+21,\"fFixed32\":1856211823,\"fFixed64\":\"9223372036854775810\",\"rSint64\":[\"96\",\"0\"]}"},
];

describe('golden vectors from protobuf-go v1.36.12', () => {
  GO_VECTORS.forEach((vector, i) => {
    it(`vector ${i}: binary and JSON bytes match Go's`, () => {
      const message = fromOracle(vector.value) as MessageValue;
      expect(toHex(encodeProtobuf(ALL, message)).replace(/ /g, '')).toBe(vector.pb);
      expect(toProtoJson(ALL, message)).toBe(vector.json);
    });
  });
});

describe('reading the wire back', () => {
  it('parseWire splits the records of a message and their wire types', () => {
    const message = fromOracle(GO_VECTORS[0]!.value) as MessageValue;
    const fields = parseWire(encodeProtobuf(ALL, message));
    const numbers = fields.map((x) => x.number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    const byNumber = new Map(fields.map((x) => [x.number, x]));
    expect(byNumber.get(1)?.wireType).toBe(WIRE_VARINT);
    expect(byNumber.get(1)?.value).toBe(BigInt(message.f_int32 as number));
    expect(byNumber.get(11)?.wireType).toBe(WIRE_I64);
    expect(byNumber.get(13)?.wireType).toBe(WIRE_I32);
    expect(byNumber.get(13)?.value).toBe(BigInt(message.f_fixed32 as number));
    expect(byNumber.get(30)?.wireType).toBe(WIRE_LEN);
    expect(new TextDecoder().decode(byNumber.get(30)?.value as Uint8Array)).toBe(message.first_declared);
  });

  it('varints of every 64-bit integer type read back as the value written (seeded property)', () => {
    let s = 12345;
    const next = (): bigint => {
      s = (Math.imul(s, 1103515245) + 12345) | 0;
      const hi = BigInt(s >>> 0);
      s = (Math.imul(s, 1103515245) + 12345) | 0;
      return BigInt.asIntN(64, (hi << 32n) | BigInt(s >>> 0)) >> BigInt(s & 63);
    };
    for (let i = 0; i < 500; i++) {
      const v = next();
      const [int64] = parseWire(encodeProtobuf(one({ type: 'int64' }), { a: v }));
      if (v === 0n) expect(int64).toBeUndefined();
      else expect(BigInt.asIntN(64, int64!.value as bigint)).toBe(v);
      const [sint] = parseWire(encodeProtobuf(one({ type: 'sint64' }), { a: v }));
      if (v !== 0n) {
        const z = sint!.value as bigint;
        expect((z >> 1n) ^ -(z & 1n)).toBe(v); // un-zigzag
      }
    }
  });

  it('a packed payload reads back as its varints', () => {
    const [record] = parseWire(encodeProtobuf(one({ type: 'int32', repeated: true }), { a: [3, 270, 86942, 0] }));
    expect(parsePackedVarints(record!.value as Uint8Array)).toEqual([3n, 270n, 86942n, 0n]);
  });

  it('truncated input is an error', () => {
    expect(() => parseWire(new Uint8Array([0x08, 0x96]))).toThrow(/truncated/);
    expect(() => parseWire(new Uint8Array([0x12, 0x07, 0x74]))).toThrow(/truncated/);
  });
});

describe('sizes', () => {
  it('an order is several times smaller in protobuf than in JSON', () => {
    const order = {
      order_id: 9_000_000_001,
      user_id: 4_242_424,
      status: 2,
      items: [
        { sku: 'SKU-000123', quantity: 2, unit_price_cents: 1999, title: 'USB-C cable 1m' },
        { sku: 'SKU-000456', quantity: 1, unit_price_cents: 45900, title: 'Mechanical keyboard' },
      ],
      total_cents: 49898,
      currency: 'CNY',
      created_at_unix_ms: 1_760_000_000_000,
      coupon_ids: [17, 4096],
    };
    const { protobufBytes, jsonBytes } = sizes(ORDER_SCHEMA, order);
    expect(protobufBytes).toBe(encodeProtobuf(ORDER_SCHEMA, order).length);
    expect(jsonBytes).toBe(new TextEncoder().encode(toProtoJson(ORDER_SCHEMA, order)).length);
    expect(protobufBytes).toBeLessThan(jsonBytes / 2);
    expect(toProtoJson(ORDER_SCHEMA, order)).toContain('"orderId":"9000000001","userId":"4242424","status":"PAID"');
  });
});
