/**
 * Reference solution: a hot-reloaded configuration that publishes immutable snapshots, the way a Go
 * service keeps its config behind an atomic.Pointer[Config]: parse and validate off to the side,
 * swap one reference, keep the last good snapshot, and roll back when a subscriber cannot apply
 * the change.
 */

/** One published configuration. Deeply frozen: nobody can change it after publication. */
export interface Snapshot<T> {
  readonly version: number;
  readonly config: Readonly<T>;
}

export type ApplyStatus = 'applied' | 'unchanged' | 'rejected' | 'rolled-back';

/** What apply() did. `version` is the version that is current after the call. */
export interface ApplyResult {
  status: ApplyStatus;
  version: number;
  /** Why the text was rejected or rolled back; empty for applied and unchanged. */
  errors: string[];
}

/** Sent to subscribers after every swap. */
export interface ChangeEvent<T> {
  kind: 'change' | 'rollback';
  previous: Snapshot<T>;
  current: Snapshot<T>;
}

export type Listener<T> = (event: ChangeEvent<T>) => void;

export interface HolderOptions {
  /** Returns every problem found in a parsed document; an empty array means valid. */
  validate: (value: unknown) => string[];
  /** How many good snapshots to keep, the current one included. Default 10. */
  historyLimit?: number;
}

/** Object.freeze on every nested object and array. */
function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** JSON with object keys sorted, so that key order and whitespace do not count as a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class ConfigHolder<T> {
  private readonly validate: (value: unknown) => string[];
  private readonly historyLimit: number;
  private readonly listeners: Listener<T>[] = [];
  /** Good snapshots, oldest first; the last one is current. */
  private readonly good: Snapshot<T>[] = [];
  /** The one reference readers load: the analogue of atomic.Pointer[T]. */
  private cur: Snapshot<T>;
  private lastVersion = 0;

  /** Parses and validates the initial document; throws if it is invalid (fail fast at start-up). */
  constructor(initialText: string, options: HolderOptions) {
    this.validate = options.validate;
    this.historyLimit = Math.max(1, options.historyLimit ?? 10);
    const parsed = this.parseAndValidate(initialText);
    if (!parsed.ok) throw new Error(`invalid initial config: ${parsed.errors.join('; ')}`);
    this.cur = this.publish(parsed.value);
    this.remember(this.cur);
  }

  /** The current snapshot. Cheap: callers load it once per request and keep using that one. */
  current(): Snapshot<T> {
    return this.cur;
  }

  /** Good snapshots kept for rollback, oldest first, the current one last. */
  history(): Snapshot<T>[] {
    return [...this.good];
  }

  /** Registers a listener; returns a function that removes it. */
  subscribe(listener: Listener<T>): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * Parse, validate, compare, swap, notify. Readers never see anything but a complete snapshot:
   * the new one is built and frozen before the single assignment that publishes it.
   */
  apply(text: string): ApplyResult {
    const parsed = this.parseAndValidate(text);
    if (!parsed.ok) return { status: 'rejected', version: this.cur.version, errors: parsed.errors };

    const previous = this.cur;
    if (canonical(parsed.value) === canonical(previous.config)) {
      return { status: 'unchanged', version: previous.version, errors: [] };
    }

    const next = this.publish(parsed.value);
    const notified: Listener<T>[] = [];
    for (const listener of [...this.listeners]) {
      notified.push(listener);
      try {
        listener({ kind: 'change', previous, current: next });
      } catch (e) {
        // A subscriber could not apply the change (a pool, a limiter...): go back to the last good one.
        this.cur = previous;
        this.broadcast(notified, { kind: 'rollback', previous: next, current: previous });
        return { status: 'rolled-back', version: previous.version, errors: [messageOf(e)] };
      }
    }
    this.remember(next);
    return { status: 'applied', version: next.version, errors: [] };
  }

  /** Goes back to the previous good snapshot and tells every listener. Throws if there is none. */
  rollback(): Snapshot<T> {
    if (this.good.length < 2) throw new Error('no previous version to roll back to');
    const from = this.good.pop()!;
    const to = this.good[this.good.length - 1]!;
    this.cur = to;
    this.broadcast([...this.listeners], { kind: 'rollback', previous: from, current: to });
    return to;
  }

  private parseAndValidate(text: string): { ok: true; value: T } | { ok: false; errors: string[] } {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { ok: false, errors: [`invalid JSON: ${messageOf(e)}`] };
    }
    let problems: string[];
    try {
      problems = this.validate(value);
    } catch (e) {
      problems = [messageOf(e)];
    }
    return problems.length > 0 ? { ok: false, errors: [...problems] } : { ok: true, value: value as T };
  }

  /** Freezes value into a new snapshot with the next version and swaps it in: one assignment. */
  private publish(value: T): Snapshot<T> {
    const snapshot: Snapshot<T> = Object.freeze({ version: ++this.lastVersion, config: deepFreeze(value) });
    this.cur = snapshot;
    return snapshot;
  }

  /** Records a snapshot whose subscribers all accepted it; drops the oldest beyond the limit. */
  private remember(snapshot: Snapshot<T>): void {
    this.good.push(snapshot);
    while (this.good.length > this.historyLimit) this.good.shift();
  }

  /** Rollback notifications: a failure here cannot be undone, so it is ignored. */
  private broadcast(listeners: Listener<T>[], event: ChangeEvent<T>): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // ignored: the holder is already back on a good snapshot
      }
    }
  }
}
