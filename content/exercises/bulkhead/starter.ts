/**
 * A weighted semaphore with the semantics of golang.org/x/sync/semaphore.Weighted, and a bulkhead
 * built on it.
 */

export class Weighted {
  /** The maximum combined weight. */
  readonly size: number;

  /** Throws RangeError unless `size` is a positive integer. */
  constructor(size: number) {
    this.size = size;
  }

  /** The combined weight currently held (granted waiters included). */
  get held(): number {
    throw new Error('not implemented');
  }

  /** How many acquire calls are queued. */
  get waiting(): number {
    throw new Error('not implemented');
  }

  /**
   * Acquires `n` tokens.
   *
   * - Resolves at once when `n` tokens are free and nobody is queued; otherwise joins the back of
   *   the FIFO queue.
   * - Rejects with `signal.reason` if `signal` is already aborted (even when tokens are free), or
   *   is aborted while waiting; an aborted waiter leaves the queue and the semaphore is unchanged.
   * - Rejects at once with a RangeError when `n` is larger than `size` or not a positive integer.
   */
  acquire(_n: number, _signal?: AbortSignal): Promise<void> {
    throw new Error('not implemented');
  }

  /** Takes `n` tokens without waiting: false (and no change) if they are not free or anyone is queued. */
  tryAcquire(_n: number): boolean {
    throw new Error('not implemented');
  }

  /**
   * Returns `n` tokens, then grants queued waiters in order while the head fits; stops at the first
   * waiter that does not fit. Throws Error('semaphore: released more than held') if `n` exceeds
   * `held`, changing nothing.
   */
  release(_n: number): void {
    throw new Error('not implemented');
  }
}

/** Rejected by Bulkhead.run when every slot is busy and the queue is full. */
export class BulkheadFullError extends Error {
  /** message: `bulkhead "<name>" is full`, name: 'BulkheadFullError'. */
  constructor(readonly bulkhead: string) {
    super(`bulkhead "${bulkhead}" is full`);
    this.name = 'BulkheadFullError';
  }
}

export interface BulkheadOptions {
  /** Calls allowed to run at the same time. */
  maxConcurrent: number;
  /** Calls allowed to wait for a slot; 0 means fail fast. */
  maxQueue: number;
}

/** Caps the concurrent calls to one dependency, with a bounded queue in front. */
export class Bulkhead {
  constructor(
    readonly name: string,
    _options: BulkheadOptions,
  ) {}

  /** Calls running now. */
  get active(): number {
    throw new Error('not implemented');
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    throw new Error('not implemented');
  }

  /**
   * Runs `fn` in a slot: at once if one is free, after waiting in the queue otherwise, or never:
   * rejects with BulkheadFullError when `maxQueue` calls are already waiting. Rejects with
   * `signal.reason` if `signal` aborts before a slot is granted. The slot is freed when `fn`
   * settles (or throws); `fn`'s result or error is passed through unchanged.
   */
  run<T>(_fn: () => Promise<T>, _signal?: AbortSignal): Promise<T> {
    throw new Error('not implemented');
  }
}
