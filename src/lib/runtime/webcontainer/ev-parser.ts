/**
 * A streaming parser of a lab process's terminal output into events.
 *
 * Lab programs print one event per line as `@@EV {json}` (see `src/lab`); every other line is a log.
 * What reaches the browser is not what the program wrote, though: WebContainer attaches a
 * pseudo-terminal, so lines end in `\r\n`, jsh and Node may add colours, erase-line and cursor
 * sequences or an OSC window title, and the output arrives in chunks cut at arbitrary places (inside
 * the marker, inside an escape sequence, between the two halves of a surrogate pair). So:
 *
 * - Chunks are concatenated before anything is interpreted; a line is processed only once it is
 *   complete (`\n`, `\r\n` or a bare `\r` ends it), and escape sequences are stripped per line, never
 *   per chunk.
 * - Nothing throws: malformed JSON after the marker, JSON that is not an object, or an object without
 *   a string `kind`, become `{type: 'error'}` items that carry the offending line.
 * - A line that never ends cannot grow without bound: past `maxLineLength` characters it is dropped
 *   (reported once as an error) and the parser skips to the next line break.
 */
import type { TraceEvent } from '../../sim/kernel.ts';

export const EV_MARKER = '@@EV';

/** What one line of output turned out to be. */
export type ParsedItem =
  | { type: 'event'; event: TraceEvent }
  | { type: 'log'; text: string }
  | { type: 'error'; line: string; message: string };

export interface EvParserOptions {
  /** Longest line kept, in UTF-16 code units (default 1 MiB). */
  maxLineLength?: number;
  /** The `t` given to an event that has none (the lab's `error` events carry no time). Default 0. */
  now?: () => number;
}

export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;

/** How much of an offending line an error item keeps. */
const ERROR_LINE_PREVIEW = 300;

// ECMA-48 escape sequences, as terminals (and WebContainer's jsh) emit them:
// - OSC `ESC ]`, terminated by BEL or ST (`ESC \`), or running to the end of the line when cut off;
// - DCS/SOS/PM/APC strings `ESC P|X|^|_ ... ST`;
// - CSI `ESC [` (or the 8-bit `\x9b`) parameters, intermediates and a final byte;
// - two- and three-character escapes (`ESC 7`, `ESC (B`, `ESC =`...).
const ANSI_PATTERN = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\|$)|\x1b[PX^_][^\x1b]*(?:\x1b\\|$)|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b[ -/]*[0-~]|\x1b$/g;
// Control characters that remain (bell, backspace, NUL...), except tab.
const CONTROL_PATTERN = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** The text of a line as a person would read it: escape sequences and control characters removed. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '').replace(CONTROL_PATTERN, '');
}

function preview(line: string): string {
  return line.length > ERROR_LINE_PREVIEW ? `${line.slice(0, ERROR_LINE_PREVIEW)}…` : line;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Interprets one complete line (without its line break). Returns the items it yields: none for a
 * blank line, a log, an event, an error, or a log followed by an event or error when text precedes
 * the marker on the same line.
 */
export function parseLine(raw: string, now: () => number = () => 0): ParsedItem[] {
  const line = stripAnsi(raw);
  const at = findMarker(line);
  if (at < 0) {
    const text = line.trimEnd();
    return text.trim() === '' ? [] : [{ type: 'log', text }];
  }
  const items: ParsedItem[] = [];
  const before = line.slice(0, at).trimEnd();
  if (before.trim() !== '') items.push({ type: 'log', text: before });
  const json = line.slice(at + EV_MARKER.length).trim();
  const shown = preview(line.slice(at).trim());
  if (json === '') {
    items.push({ type: 'error', line: shown, message: `no JSON after ${EV_MARKER}` });
    return items;
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    items.push({ type: 'error', line: shown, message: `malformed JSON after ${EV_MARKER}: ${detail}` });
    return items;
  }
  if (!isPlainObject(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    items.push({ type: 'error', line: shown, message: `${EV_MARKER} payload is ${what}, not an object` });
    return items;
  }
  const kind = value['kind'];
  if (typeof kind !== 'string' || kind === '') {
    items.push({ type: 'error', line: shown, message: `${EV_MARKER} payload has no "kind" string` });
    return items;
  }
  const t = value['t'];
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t))) {
    items.push({ type: 'error', line: shown, message: `${EV_MARKER} payload has a "t" that is not a finite number` });
    return items;
  }
  const event: TraceEvent = { ...value, t: t ?? now(), kind };
  items.push({ type: 'event', event });
  return items;
}

/** Where the marker starts: `@@EV` followed by whitespace, `{`, `[` or the end of the line. */
function findMarker(line: string): number {
  let from = 0;
  for (;;) {
    const at = line.indexOf(EV_MARKER, from);
    if (at < 0) return -1;
    const next = line.charAt(at + EV_MARKER.length);
    if (next === '' || next === '{' || next === '[' || /\s/.test(next)) return at;
    from = at + 1;
  }
}

/**
 * Feed it chunks as they arrive; it returns the items of the lines those chunks completed. Call
 * `flush()` when the stream ends, for a last line without a line break.
 */
export class EvStreamParser {
  private readonly maxLineLength: number;
  private readonly now: () => number;
  /** The pieces of the line being received, and their total length. */
  private parts: string[] = [];
  private partLength = 0;
  /** The last character seen was `\r`: a `\n` right after it belongs to the same line break. */
  private afterCR = false;
  /** The current line overflowed and was dropped; ignore everything up to the next line break. */
  private skipping = false;
  private counts = { events: 0, logs: 0, errors: 0 };

  constructor(options: EvParserOptions = {}) {
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.now = options.now ?? (() => 0);
  }

  /** How many events, log lines and errors have been produced so far. */
  stats(): { events: number; logs: number; errors: number } {
    return { ...this.counts };
  }

  push(chunk: string): ParsedItem[] {
    const out: ParsedItem[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 10 && this.afterCR && i === start && this.partLength === 0 && !this.skipping) {
        // The `\n` of a `\r\n` whose `\r` already ended the line.
        this.afterCR = false;
        start = i + 1;
        continue;
      }
      this.append(chunk.slice(start, i), out);
      this.endLine(out);
      this.afterCR = c === 13;
      start = i + 1;
    }
    if (start < chunk.length) {
      this.afterCR = false;
      this.append(chunk.slice(start), out);
    }
    return out;
  }

  flush(): ParsedItem[] {
    const out: ParsedItem[] = [];
    if (this.partLength > 0 && !this.skipping) this.endLine(out);
    this.parts = [];
    this.partLength = 0;
    this.skipping = false;
    this.afterCR = false;
    return out;
  }

  private append(piece: string, out: ParsedItem[]): void {
    if (piece === '' || this.skipping) return;
    if (this.partLength + piece.length > this.maxLineLength) {
      const head = (this.parts.join('') + piece).slice(0, ERROR_LINE_PREVIEW);
      this.parts = [];
      this.partLength = 0;
      this.skipping = true;
      this.emit(out, {
        type: 'error',
        line: `${head}…`,
        message: `line longer than ${this.maxLineLength} characters dropped`,
      });
      return;
    }
    this.parts.push(piece);
    this.partLength += piece.length;
  }

  private endLine(out: ParsedItem[]): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    const line = this.parts.length === 1 ? (this.parts[0] ?? '') : this.parts.join('');
    this.parts = [];
    this.partLength = 0;
    if (line === '') return;
    for (const item of parseLine(line, this.now)) this.emit(out, item);
  }

  private emit(out: ParsedItem[], item: ParsedItem): void {
    if (item.type === 'event') this.counts.events++;
    else if (item.type === 'log') this.counts.logs++;
    else this.counts.errors++;
    out.push(item);
  }
}
