/**
 * The replay contract (DESIGN.md, "The replay contract"): a model is created from the first JSON
 * line (its configuration) at time 0, then answers one JSON object per operation. The same JSONL is
 * replayed against the real Go libraries by the Go oracle, so field names and value formats are
 * fixed by DESIGN.md, not by us.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ReplayModel {
  /** Applies one operation and returns the answer line. Throws ReplayError for a bad operation. */
  apply(op: JsonObject): JsonObject;
}

/** Creates a model from its configuration line; throws ReplayError for a bad configuration. */
export type ReplayFactory = (config: JsonObject) => ReplayModel;

/** A problem with the input (unknown op, missing field, bad value): answered as {"error": message}. */
export class ReplayError extends Error {
  override name = 'ReplayError';
}

/** Reads a required finite number field. */
export function numberField(obj: JsonObject, key: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ReplayError(`"${key}" must be a finite number`);
  return v;
}

/** Reads an optional finite number field, with a default. */
export function optionalNumber(obj: JsonObject, key: string, fallback: number): number {
  return obj[key] === undefined || obj[key] === null ? fallback : numberField(obj, key);
}

/** Reads a required string field. */
export function stringField(obj: JsonObject, key: string): string {
  const v = obj[key];
  if (typeof v !== 'string') throw new ReplayError(`"${key}" must be a string`);
  return v;
}
