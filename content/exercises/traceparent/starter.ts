/**
 * W3C Trace Context: parse and write traceparent, keep tracestate, and carry both across a hop.
 * Replace every `throw new Error('not implemented')`.
 */

/** trace-flags bit 0: the caller may have recorded this trace. */
export const FLAG_SAMPLED = 0x01;
/** trace-flags bit 1 (Level 2): the trace id's right-most 7 bytes are random. */
export const FLAG_RANDOM = 0x02;

/** At most this many tracestate list-members. */
export const MAX_TRACESTATE_MEMBERS = 32;

/** The three fields a traceparent carries (the version is not kept: we always write 00). */
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

// Task 1

/**
 * Parses "version-traceid-parentid-flags", or returns null when the value must be ignored:
 * lowercase hex only, exact field lengths, no all-zero ids, version ff forbidden. Version 00: nothing
 * after the flags, no flag bits other than 0x01 and 0x02. Versions 01–fe: read the first four fields,
 * ignore anything after a further "-", keep only bits 0x01 and 0x02.
 */
export function parseTraceparent(value: string): TraceParent | null {
  throw new Error('not implemented');
}

// Task 2

/** "00-<traceId>-<spanId>-<flags>", flags masked to 0x03. RangeError for an invalid id. */
export function formatTraceparent(tp: TraceParent): string {
  throw new Error('not implemented');
}

/**
 * With a parent: same traceId, traceFlags and traceState, spanId from ids.newSpanId().
 * Without: traceId from ids.newTraceId(), spanId from ids.newSpanId(), empty traceState,
 * traceFlags FLAG_SAMPLED if `sampled` (default true), else 0.
 */
export function startSpan(parent: SpanContext | null, ids: IdGenerator, sampled = true): SpanContext {
  throw new Error('not implemented');
}

// Task 3

/**
 * Parses a tracestate value: comma-separated key=value members, spaces and tabs around members
 * ignored, empty members skipped. Any invalid member, repeated key or more than 32 members: [].
 */
export function parseTraceState(value: string): TraceState {
  throw new Error('not implemented');
}

/** "k1=v1,k2=v2" ("" for an empty list). */
export function formatTraceState(ts: TraceState): string {
  throw new Error('not implemented');
}

/**
 * A new list with key=value first and any old entry for key removed; at most 32 members (drop the
 * right-most). Does not modify `ts`. RangeError for an invalid key or value.
 */
export function insertTraceState(ts: TraceState, key: string, value: string): TraceState {
  throw new Error('not implemented');
}

// Task 4

/**
 * Reads traceparent and tracestate from headers of any case. traceparent must occur exactly once
 * and be valid (surrounding spaces/tabs trimmed), else null. All tracestate values are joined with ","
 * and parsed; a bad tracestate gives an empty traceState, not null.
 */
export function extract(carrier: Carrier): SpanContext | null {
  throw new Error('not implemented');
}

/**
 * Writes "traceparent" and, if not empty, "tracestate" (lowercase names), removing existing headers
 * with those names in any case. Does nothing for a context with an invalid id.
 */
export function inject(sc: SpanContext, carrier: Carrier): void {
  throw new Error('not implemented');
}
