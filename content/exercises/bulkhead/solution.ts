/**
 * A weighted semaphore with the semantics of golang.org/x/sync/semaphore.Weighted, and a bulkhead
 * built on it.
 *
 * Waiters queue in FIFO order and are served strictly in that order: a large request at the head
 * blocks smaller ones behind it, so large requests cannot starve. Where Go blocks on a context,
 * `acquire` takes an optional AbortSignal.
 */

interface Waiter {
  readonly n: number;
  /** Called once the tokens have been reserved for this waiter. */
  readonly grant: () => void;
}

function checkWeight(n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`semaphore: weight must be a positive integer, got ${n}`);
}

export class Weighted {
  /** The maximum combined weight. */
  readonly size: number;
  private cur = 0;
  private readonly waiters: Waiter[] = [];

  constructor(size: number) {
    checkWeight(size);
    this.size = size;
  }

  /** The combined weight currently held. */
  get held(): number {
    return this.cur;
  }

  /** How many acquire calls are queued. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Acquires `n` tokens. Resolves at once when they are free and nobody is queued; otherwise waits
   * at the back of the queue. Rejects with `signal.reason` if the signal is (or becomes) aborted
   * before the tokens are granted, leaving the semaphore unchanged. Rejects at once with a
   * RangeError when `n` exceeds the size (Go would block until its context ends) or is not a
   * positive integer.
   */
  acquire(n: number, signal?: AbortSignal): Promise<void> {
    try {
      checkWeight(n);
    } catch (err) {
      return Promise.reject(err);
    }
    // An aborted signal wins even if tokens are free (x/sync since 2023: "we prefer to fail").
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.size - this.cur >= n && this.waiters.length === 0) {
      this.cur += n;
      return Promise.resolve();
    }
    // Never queue a request that can never succeed: it would block everyone behind it.
    if (n > this.size) return Promise.reject(new RangeError(`semaphore: cannot acquire ${n}, size is ${this.size}`));

    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i < 0) return; // already granted
        this.waiters.splice(i, 1);
        // The head leaving may let the waiters behind it through.
        if (i === 0) this.notifyWaiters();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        n,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Takes `n` tokens without waiting; false (and no change) if they are not free or anyone is queued. */
  tryAcquire(n: number): boolean {
    checkWeight(n);
    if (this.size - this.cur >= n && this.waiters.length === 0) {
      this.cur += n;
      return true;
    }
    return false;
  }

  /** Returns `n` tokens and grants queued waiters, in order, while they fit. */
  release(n: number): void {
    checkWeight(n);
    if (n > this.cur) throw new Error('semaphore: released more than held');
    this.cur -= n;
    this.notifyWaiters();
  }

  private notifyWaiters(): void {
    for (let next = this.waiters[0]; next; next = this.waiters[0]) {
      // Stop at the first waiter that does not fit, even if a later one would: letting small
      // requests jump ahead would starve the large one (a writer behind a stream of readers).
      if (this.size - this.cur < next.n) break;
      this.cur += next.n;
      this.waiters.shift();
      next.grant();
    }
  }
}

/** Rejected by Bulkhead.run when every slot is busy and the queue is full. */
export class BulkheadFullError extends Error {
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
  private readonly slots: Weighted;
  private readonly maxQueue: number;

  constructor(
    readonly name: string,
    options: BulkheadOptions,
  ) {
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0) throw new RangeError(`maxQueue must be a non-negative integer, got ${options.maxQueue}`);
    this.slots = new Weighted(options.maxConcurrent);
    this.maxQueue = options.maxQueue;
  }

  /** Calls running now. */
  get active(): number {
    return this.slots.held;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.slots.waiting;
  }

  /**
   * Runs `fn` in a slot. With a free slot `fn` starts at once; otherwise the call waits in the queue,
   * or rejects with BulkheadFullError if the queue is full. The slot is freed when `fn` settles,
   * whatever the outcome; `fn`'s result or error is passed through unchanged.
   */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw signal.reason;
    if (!this.slots.tryAcquire(1)) {
      if (this.slots.waiting >= this.maxQueue) throw new BulkheadFullError(this.name);
      await this.slots.acquire(1, signal);
    }
    try {
      return await fn();
    } finally {
      this.slots.release(1);
    }
  }
}
