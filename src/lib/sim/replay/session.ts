/**
 * One replay session (DESIGN.md, "The replay contract"): the first non-blank line configures the
 * model and gets no answer; every later line is an operation and gets exactly one answer line, so
 * output line k answers operation k. Bad input never throws: a malformed line or a bad operation is
 * answered with `{"error": "..."}`, and after a bad configuration every operation is answered with
 * that configuration's error (also available as `configError` for the CLI to print on stderr).
 */
import { ReplayError, type JsonObject, type ReplayFactory, type ReplayModel } from './types.ts';

export class ReplaySession {
  private model: ReplayModel | undefined;
  private configured = false;
  configError: string | undefined;

  /** `factory` undefined means an unknown model: every operation is answered with `unknownModel`. */
  constructor(
    private readonly factory: ReplayFactory | undefined,
    unknownModel = 'unknown model',
  ) {
    if (!factory) this.configError = unknownModel;
  }

  /** Feeds one input line; returns the answer line, or undefined for a blank or configuration line. */
  feed(line: string): string | undefined {
    if (line.trim() === '') return undefined;
    const parsed = parseObject(line);
    if (!this.configured) {
      this.configured = true;
      if (this.factory) this.configure(this.factory, parsed);
      return undefined;
    }
    if (!this.model) return JSON.stringify({ error: this.configError ?? 'no model' });
    if ('error' in parsed) return JSON.stringify({ error: parsed.error });
    try {
      return JSON.stringify(this.model.apply(parsed.value));
    } catch (error) {
      return JSON.stringify({ error: describe(error) });
    }
  }

  private configure(factory: ReplayFactory, parsed: { value: JsonObject } | { error: string }): void {
    if ('error' in parsed) {
      this.configError = `bad configuration: ${parsed.error}`;
      return;
    }
    try {
      this.model = factory(parsed.value);
    } catch (error) {
      this.configError = `bad configuration: ${describe(error)}`;
    }
  }
}

function parseObject(line: string): { value: JsonObject } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { error: `malformed JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'each line must be a JSON object' };
  return { value: value as JsonObject };
}

function describe(error: unknown): string {
  if (error instanceof ReplayError) return error.message;
  // A bug in a model, not bad input: say so rather than hide it behind a generic message.
  return `internal error: ${error instanceof Error ? error.message : String(error)}`;
}
