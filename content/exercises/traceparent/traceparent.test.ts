// Cases follow open-telemetry/opentelemetry-go propagation/trace_context_test.go (valid and invalid
// traceparent values, future versions, reserved flag bits, inject dropping reserved bits) and
// trace/tracestate_test.go, plus the W3C trace-context test suite (w3c/trace-context test/test.py:
// version 00 with trailing data, version cc, version ff, OWS, duplicated traceparent, tracestate
// member limit and illegal keys/values discarding the whole header). One deliberate difference from
// otel-go: a version 00 value with a trailing "-" is rejected (the spec fixes its length at 55).
import { describe, it, expect } from 'vitest';
import {
  FLAG_RANDOM,
  FLAG_SAMPLED,
  extract,
  formatTraceState,
  formatTraceparent,
  inject,
  insertTraceState,
  parseTraceState,
  parseTraceparent,
  startSpan,
  type Carrier,
  type IdGenerator,
  type SpanContext,
} from './traceparent';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const TP = `00-${TRACE}-${SPAN}-01`;

/** Hands out fixed ids in order and counts the calls. */
function fixedIds(traceIds: string[], spanIds: string[]) {
  const calls = { trace: 0, span: 0 };
  const ids: IdGenerator = {
    newTraceId: () => traceIds[calls.trace++] ?? 'f'.repeat(32),
    newSpanId: () => spanIds[calls.span++] ?? 'e'.repeat(16),
  };
  return { ids, calls };
}

const entries = (s: string) => parseTraceState(s).map((e) => `${e.key}=${e.value}`);

describe('Task 1: Parse traceparent', () => {
  it('reads trace-id, parent-id and flags from a version 00 value', () => {
    expect(parseTraceparent(TP)).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: FLAG_SAMPLED });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.traceFlags).toBe(0);
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-03`)?.traceFlags).toBe(FLAG_SAMPLED | FLAG_RANDOM);
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-02`)?.traceFlags).toBe(FLAG_RANDOM);
  });

  it('rejects upper-case hex, wrong field lengths and non-hex characters', () => {
    const bad = [
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${TRACE}-00F067AA0BA902B7-01`,
      `00-${TRACE}-${SPAN}-0A`,
      `0A-${TRACE}-${SPAN}-01`,
      `000-${TRACE}-${SPAN}-01`,
      `00-${TRACE}ab-${SPAN}-01`,
      `00-${TRACE.slice(2)}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}00-01`,
      `00-${TRACE}-${SPAN}-1`,
      `00-${TRACE}-${SPAN}-001`,
      `00-${TRACE}-${SPAN}-qw`,
      `.0-${TRACE}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}`,
      '',
    ];
    for (const value of bad) expect(parseTraceparent(value), value).toBeNull();
  });

  it('rejects an all-zero trace-id or parent-id and the forbidden version ff', () => {
    expect(parseTraceparent(`00-${'0'.repeat(32)}-${SPAN}-01`)).toBeNull();
    expect(parseTraceparent(`00-${TRACE}-${'0'.repeat(16)}-01`)).toBeNull();
    expect(parseTraceparent(`ff-${TRACE}-${SPAN}-01`)).toBeNull();
  });

  it('allows nothing after the flags and no reserved flag bits in version 00', () => {
    expect(parseTraceparent(`${TP}-what-the-future-will-be-like`)).toBeNull();
    expect(parseTraceparent(`${TP}.`)).toBeNull();
    expect(parseTraceparent(`${TP}-`)).toBeNull();
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-09`)).toBeNull();
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-ff`)).toBeNull();
  });

  it('parses the first four fields of a future version and zeroes its unknown flags', () => {
    const want = { traceId: TRACE, spanId: SPAN, traceFlags: FLAG_SAMPLED };
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01`)).toEqual(want);
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-what-the-future-will-be-like`)).toEqual(want);
    expect(parseTraceparent(`02-${TRACE}-${SPAN}-09`)).toEqual(want);
    expect(parseTraceparent(`02-${TRACE}-${SPAN}-08`)?.traceFlags).toBe(0);
    // The flags must end the value or be followed by a dash.
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01.what-the-future-will-be-like`)).toBeNull();
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}`)).toBeNull();
  });
});

describe('Task 2: Format and start spans', () => {
  it('writes version 00 with two hex digits of flags and drops reserved bits', () => {
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, traceFlags: 1 })).toBe(TP);
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, traceFlags: 0 })).toBe(`00-${TRACE}-${SPAN}-00`);
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, traceFlags: 0xff })).toBe(`00-${TRACE}-${SPAN}-03`);
    const parsed = parseTraceparent(`cc-${TRACE}-${SPAN}-01-extra`);
    expect(parsed && formatTraceparent(parsed)).toBe(TP);
  });

  it('refuses to write an invalid trace-id or span-id', () => {
    expect(() => formatTraceparent({ traceId: '0'.repeat(32), spanId: SPAN, traceFlags: 1 })).toThrow(RangeError);
    expect(() => formatTraceparent({ traceId: TRACE, spanId: 'abc', traceFlags: 1 })).toThrow(RangeError);
    expect(() => formatTraceparent({ traceId: TRACE.toUpperCase(), spanId: SPAN, traceFlags: 1 })).toThrow(RangeError);
  });

  it('gives a child span the same trace-id, flags and tracestate and a new span-id', () => {
    const parent: SpanContext = {
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: FLAG_SAMPLED | FLAG_RANDOM,
      traceState: [{ key: 'congo', value: 't61rcWkgMzE' }],
    };
    const { ids, calls } = fixedIds([], ['b7ad6b7169203331']);
    const child = startSpan(parent, ids);
    expect(child).toEqual({ ...parent, spanId: 'b7ad6b7169203331' });
    expect(calls).toEqual({ trace: 0, span: 1 });
    expect(formatTraceparent(child)).toBe(`00-${TRACE}-b7ad6b7169203331-03`);
  });

  it('starts a new trace without a parent, sampled unless told otherwise', () => {
    const { ids, calls } = fixedIds(['0af7651916cd43dd8448eb211c80319c', TRACE], ['b7ad6b7169203331', SPAN]);
    expect(startSpan(null, ids)).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: FLAG_SAMPLED,
      traceState: [],
    });
    expect(startSpan(null, ids, false)).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: 0, traceState: [] });
    expect(calls).toEqual({ trace: 2, span: 2 });
  });
});

describe('Task 3: tracestate', () => {
  it('parses list-members in order, ignoring optional whitespace and empty members', () => {
    expect(parseTraceState('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE')).toEqual([
      { key: 'rojo', value: '00f067aa0ba902b7' },
      { key: 'congo', value: 't61rcWkgMzE' },
    ]);
    expect(entries(' foo=1 ,\tbar=2\t,, ,baz=3')).toEqual(['foo=1', 'bar=2', 'baz=3']);
    expect(parseTraceState('')).toEqual([]);
    expect(formatTraceState(parseTraceState('a=1 , b=2'))).toBe('a=1,b=2');
  });

  it('discards the whole header for a bad member, a repeated key or more than 32 members', () => {
    for (const bad of ['foo=1,FOO=2', 'foo =1', 'foo.bar=1', 'foo=bar=baz', 'foo=,bar=3', 'bar=2,@foo=1', 'novalue', 'invalid$@#=invalid', 'a=1,a=2']) {
      expect(parseTraceState(bad), bad).toEqual([]);
    }
    const members = (n: number) => Array.from({ length: n }, (_, i) => `bar${String(i + 1).padStart(2, '0')}=${i + 1}`);
    expect(parseTraceState(members(32).join(','))).toHaveLength(32);
    expect(parseTraceState(members(33).join(','))).toEqual([]);
  });

  it('accepts simple keys up to 256 characters and tenant@system keys', () => {
    expect(entries(`${'z'.repeat(256)}=1`)).toHaveLength(1);
    expect(entries(`${'z'.repeat(257)}=1`)).toEqual([]);
    expect(entries('a_b-c*d/e=1,tenant1@vendor=2,1tenant@vendor=3')).toEqual(['a_b-c*d/e=1', 'tenant1@vendor=2', '1tenant@vendor=3']);
    expect(entries('1abc=1')).toEqual([]); // a simple key starts with a letter
    expect(entries(`${'t'.repeat(241)}@${'v'.repeat(14)}=1`)).toHaveLength(1);
    expect(entries(`t@${'v'.repeat(15)}=1`)).toEqual([]);
    expect(entries('k= leading space kept')).toEqual(['k= leading space kept']);
  });

  it('moves an updated key to the front and leaves the input untouched', () => {
    const ts = parseTraceState('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,foo=1');
    const updated = insertTraceState(ts, 'congo', 'ucfJifl5GOE');
    expect(formatTraceState(updated)).toBe('congo=ucfJifl5GOE,rojo=00f067aa0ba902b7,foo=1');
    expect(formatTraceState(insertTraceState(updated, 'new', 'x'))).toBe('new=x,congo=ucfJifl5GOE,rojo=00f067aa0ba902b7,foo=1');
    expect(formatTraceState(ts)).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,foo=1');
  });

  it('drops the right-most member beyond 32 and rejects invalid keys or values', () => {
    const full = parseTraceState(Array.from({ length: 32 }, (_, i) => `k${i}=${i}`).join(','));
    const next = insertTraceState(full, 'me', 'v');
    expect(next).toHaveLength(32);
    expect(next[0]).toEqual({ key: 'me', value: 'v' });
    expect(next[31]).toEqual({ key: 'k30', value: '30' });
    expect(insertTraceState(full, 'k31', 'new')).toHaveLength(32);
    expect(() => insertTraceState(full, 'Vendor', 'v')).toThrow(RangeError);
    expect(() => insertTraceState(full, 'vendor', 'a,b')).toThrow(RangeError);
    expect(() => insertTraceState(full, 'vendor', '')).toThrow(RangeError);
  });
});

describe('Task 4: Extract and inject', () => {
  it('finds the headers whatever their case, trims whitespace and combines tracestate values', () => {
    const sc = extract({
      TraceParent: ` ${TP}\t`,
      TRACESTATE: ['rojo=00f067aa0ba902b7', 'congo=t61rcWkgMzE'],
      'content-type': 'application/json',
    });
    expect(sc).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: FLAG_SAMPLED,
      traceState: [
        { key: 'rojo', value: '00f067aa0ba902b7' },
        { key: 'congo', value: 't61rcWkgMzE' },
      ],
    });
  });

  it('returns null for a missing, invalid or repeated traceparent, but survives a bad tracestate', () => {
    expect(extract({})).toBeNull();
    expect(extract({ tracestate: 'congo=t61rcWkgMzE' })).toBeNull();
    expect(extract({ traceparent: `00-${TRACE}-${SPAN}-09` })).toBeNull();
    expect(extract({ traceparent: [TP, TP] })).toBeNull();
    expect(extract({ traceparent: TP, TraceParent: TP })).toBeNull();
    expect(extract({ traceparent: TP, tracestate: 'foo=1,FOO=2' })).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: FLAG_SAMPLED,
      traceState: [],
    });
  });

  it('injects lowercase headers, replaces other spellings and skips an invalid context', () => {
    const headers: Carrier = { Traceparent: 'stale', TraceState: 'stale=1', accept: '*/*' };
    inject({ traceId: TRACE, spanId: SPAN, traceFlags: 1, traceState: [] }, headers);
    expect(headers).toEqual({ traceparent: TP, accept: '*/*' });
    inject({ traceId: TRACE, spanId: SPAN, traceFlags: 0, traceState: [{ key: 'rojo', value: SPAN }] }, headers);
    expect(headers).toEqual({ traceparent: `00-${TRACE}-${SPAN}-00`, tracestate: `rojo=${SPAN}`, accept: '*/*' });
    const untouched: Carrier = { accept: '*/*' };
    inject({ traceId: '0'.repeat(32), spanId: SPAN, traceFlags: 1, traceState: [] }, untouched);
    expect(untouched).toEqual({ accept: '*/*' });
  });

  it('continues a trace across a hop: extract, start a child, update our entry, inject', () => {
    const incoming: Carrier = {
      TRACEPARENT: `00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01`,
      tracestate: 'congo=t61rcWkgMzE',
    };
    const { ids } = fixedIds([], ['00f067aa0ba902b7']);
    const remote = extract(incoming);
    expect(remote).not.toBeNull();
    const span = startSpan(remote, ids);
    const outgoing: Carrier = {};
    inject({ ...span, traceState: insertTraceState(span.traceState, 'rojo', span.spanId) }, outgoing);
    expect(outgoing).toEqual({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01',
      tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    });
  });
});
