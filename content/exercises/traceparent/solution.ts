/**
 * Reference solution: W3C Trace Context (traceparent and tracestate), with the validation rules of
 * OpenTelemetry Go's propagation.TraceContext (propagation/trace_context.go) and trace.TraceState
 * (trace/tracestate.go).
 */

/** trace-flags bit 0: the caller may have recorded this trace. */
export const FLAG_SAMPLED = 0x01;
/** trace-flags bit 1 (Level 2): the trace id's right-most 7 bytes are random. */
export const FLAG_RANDOM = 0x02;

/** The three fields a traceparent carries (the version is not kept: we always speak 00). */
export interface TraceParent {
  /** 32 lowercase hex characters, not all zero. */
  traceId: string;
  /** 16 lowercase hex characters, not all zero: the sender's span id. */
  spanId: string;
  /** Only FLAG_SAMPLED and FLAG_RANDOM are kept. */
  traceFlags: number;
}

export interface TraceStateEntry {
  key: string;
  value: string;
}

/** tracestate list-members, left-most first. Never modified in place. */
export type TraceState = readonly TraceStateEntry[];

export interface SpanContext extends TraceParent {
  traceState: TraceState;
}

/** Where new ids come from (random in production, fixed in tests). */
export interface IdGenerator {
  newTraceId(): string;
  newSpanId(): string;
}

/** Header name → value(s), as a plain object. Names may have any case. */
export type Carrier = Record<string, string | string[] | undefined>;

const KNOWN_FLAGS = FLAG_SAMPLED | FLAG_RANDOM;

// ---------------------------------------------------------------------------
// Task 1: parse traceparent
// ---------------------------------------------------------------------------

/** n lowercase hex digits exactly (upper case is invalid in Trace Context). */
function isLowerHex(s: string, n: number): boolean {
  return s.length === n && /^[0-9a-f]+$/.test(s);
}

function isValidId(s: string, n: number): boolean {
  return isLowerHex(s, n) && !/^0+$/.test(s);
}

/**
 * Parses a traceparent value, or returns null when it must be ignored. Version 00 is exactly
 * "00-<trace-id>-<parent-id>-<flags>" with no reserved flag bits. A higher version (01 … fe) is
 * parsed for its first four fields; anything after a further "-" is ignored, reserved flags are zeroed.
 */
export function parseTraceparent(value: string): TraceParent | null {
  const [version, traceId, spanId, flags, ...rest] = value.split('-');
  if (version === undefined || traceId === undefined || spanId === undefined || flags === undefined) return null;
  if (!isLowerHex(version, 2) || version === 'ff') return null;
  if (!isValidId(traceId, 32) || !isValidId(spanId, 16) || !isLowerHex(flags, 2)) return null;
  const flagBits = parseInt(flags, 16);
  if (version === '00' && (rest.length > 0 || (flagBits & ~KNOWN_FLAGS) !== 0)) return null;
  return { traceId, spanId, traceFlags: flagBits & KNOWN_FLAGS };
}

// ---------------------------------------------------------------------------
// Task 2: format, and start spans
// ---------------------------------------------------------------------------

/** Writes a version 00 traceparent. Reserved flag bits are dropped; invalid ids throw RangeError. */
export function formatTraceparent(tp: TraceParent): string {
  if (!isValidId(tp.traceId, 32)) throw new RangeError(`invalid trace id: ${tp.traceId}`);
  if (!isValidId(tp.spanId, 16)) throw new RangeError(`invalid span id: ${tp.spanId}`);
  const flags = (tp.traceFlags & KNOWN_FLAGS).toString(16).padStart(2, '0');
  return `00-${tp.traceId}-${tp.spanId}-${flags}`;
}

/**
 * The context of a new span. With a parent: same trace id, flags and tracestate, a new span id.
 * Without one: a new trace (new trace id and span id, empty tracestate), sampled or not.
 */
export function startSpan(parent: SpanContext | null, ids: IdGenerator, sampled = true): SpanContext {
  if (parent) {
    return {
      traceId: parent.traceId,
      spanId: ids.newSpanId(),
      traceFlags: parent.traceFlags & KNOWN_FLAGS,
      traceState: parent.traceState,
    };
  }
  return {
    traceId: ids.newTraceId(),
    spanId: ids.newSpanId(),
    traceFlags: sampled ? FLAG_SAMPLED : 0,
    traceState: [],
  };
}

// ---------------------------------------------------------------------------
// Task 3: tracestate
// ---------------------------------------------------------------------------

export const MAX_TRACESTATE_MEMBERS = 32;

// simple-key       = lcalpha 0*255( lcalpha / DIGIT / "_" / "-" / "*" / "/" )
// multi-tenant-key = tenant-id "@" system-id
// tenant-id        = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-" / "*" / "/" )
// system-id        = lcalpha 0*13( lcalpha / DIGIT / "_" / "-" / "*" / "/" )
const SIMPLE_KEY = /^[a-z][a-z0-9_\-*/]{0,255}$/;
const TENANT_KEY = /^[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13}$/;
// value = 0*255(chr) nblk-chr; chr = %x20-7E except "," and "="; nblk-chr = chr except space
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

function isValidTraceStateKey(key: string): boolean {
  return SIMPLE_KEY.test(key) || TENANT_KEY.test(key);
}

function isValidTraceStateValue(value: string): boolean {
  return VALUE.test(value);
}

/** Optional whitespace around list-members: spaces and tabs. */
function trimOws(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * Parses a (combined) tracestate value. Empty members are skipped. If any member is invalid, a key
 * repeats, or there are more than 32 members, the whole header is discarded: the result is [].
 */
export function parseTraceState(value: string): TraceState {
  const entries: TraceStateEntry[] = [];
  const seen = new Set<string>();
  for (const raw of value.split(',')) {
    const member = trimOws(raw);
    if (member === '') continue;
    const eq = member.indexOf('=');
    if (eq < 0) return [];
    const key = member.slice(0, eq);
    const val = member.slice(eq + 1);
    if (!isValidTraceStateKey(key) || !isValidTraceStateValue(val) || seen.has(key)) return [];
    seen.add(key);
    entries.push({ key, value: val });
    if (entries.length > MAX_TRACESTATE_MEMBERS) return [];
  }
  return entries;
}

export function formatTraceState(ts: TraceState): string {
  return ts.map((e) => `${e.key}=${e.value}`).join(',');
}

/**
 * A new TraceState with key=value at the front (a vendor updates its own entry and moves it left).
 * Other entries keep their order; beyond 32 the right-most is dropped. Invalid key or value: RangeError.
 */
export function insertTraceState(ts: TraceState, key: string, value: string): TraceState {
  if (!isValidTraceStateKey(key)) throw new RangeError(`invalid tracestate key: ${key}`);
  if (!isValidTraceStateValue(value)) throw new RangeError(`invalid tracestate value: ${value}`);
  const rest = ts.filter((e) => e.key !== key);
  return [{ key, value }, ...rest].slice(0, MAX_TRACESTATE_MEMBERS);
}

// ---------------------------------------------------------------------------
// Task 4: extract and inject
// ---------------------------------------------------------------------------

/** Every value of a header, whatever the case of its name, in the carrier's order. */
function headerValues(carrier: Carrier, name: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(carrier)) {
    if (k.toLowerCase() !== name || v === undefined) continue;
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

/**
 * Reads the incoming context. traceparent must appear exactly once and be valid, otherwise null
 * (the caller starts a new trace). tracestate values are combined with "," and parsed; a bad
 * tracestate only loses the tracestate.
 */
export function extract(carrier: Carrier): SpanContext | null {
  const parents = headerValues(carrier, 'traceparent');
  if (parents.length !== 1) return null;
  const tp = parseTraceparent(trimOws(parents[0]!));
  if (!tp) return null;
  const traceState = parseTraceState(headerValues(carrier, 'tracestate').join(','));
  return { ...tp, traceState };
}

/**
 * Writes traceparent (and tracestate when it is not empty) under lowercase names, replacing any
 * existing header of the same name in another case. An invalid context writes nothing.
 */
export function inject(sc: SpanContext, carrier: Carrier): void {
  if (!isValidId(sc.traceId, 32) || !isValidId(sc.spanId, 16)) return;
  for (const k of Object.keys(carrier)) {
    const lower = k.toLowerCase();
    if (lower === 'traceparent' || lower === 'tracestate') delete carrier[k];
  }
  carrier['traceparent'] = formatTraceparent(sc);
  const ts = formatTraceState(sc.traceState);
  if (ts !== '') carrier['tracestate'] = ts;
}
