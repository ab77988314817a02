/**
 * A hot-reloaded configuration: immutable snapshots behind one reference (Go's atomic.Pointer[T]),
 * validation before the swap, subscribers notified after it, and rollback to the last good snapshot.
 * Replace every `throw new Error('not implemented')`.
 */

/** One published configuration. Must be deeply frozen: nobody can change it after publication. */
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

export class ConfigHolder<T> {
  /**
   * Parses (JSON) and validates the initial document and publishes it as version 1.
   * Throws an Error listing the problems if it is invalid: fail fast at start-up.
   */
  constructor(initialText: string, options: HolderOptions) {
    throw new Error('not implemented');
  }

  /** The current snapshot. */
  current(): Snapshot<T> {
    throw new Error('not implemented');
  }

  /** Good snapshots kept for rollback, oldest first, the current one last (at most historyLimit). */
  history(): Snapshot<T>[] {
    throw new Error('not implemented');
  }

  /** Registers a listener; returns a function that removes it. */
  subscribe(listener: Listener<T>): () => void {
    throw new Error('not implemented');
  }

  /**
   * Parse and validate `text`. Invalid: 'rejected' with the reasons, nothing changes.
   * Same content as the current config (ignoring whitespace and key order): 'unchanged'.
   * Otherwise freeze it into a snapshot with the next version, swap it in, then notify the
   * listeners in order. If one throws: swap the previous snapshot back, send a 'rollback' event to
   * the listeners that received the change, and return 'rolled-back' with the error message.
   */
  apply(text: string): ApplyResult {
    throw new Error('not implemented');
  }

  /**
   * Makes the previous good snapshot current again, notifies every listener with a 'rollback'
   * event and returns it. Throws Error('no previous version to roll back to') if there is none.
   */
  rollback(): Snapshot<T> {
    throw new Error('not implemented');
  }
}
