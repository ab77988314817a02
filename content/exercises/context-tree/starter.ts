/**
 * Go's context package as a cancellation tree, in TypeScript. Time comes from an injected Clock, so
 * deadlines fire exactly when a test advances a ManualClock.
 *
 * ManualClock, the errors and the Context interface are given. Implement the functions below; you
 * will want a class for cancelable contexts (with a set of children) and one for value contexts.
 */

// ---------------------------------------------------------------------------------------------
// Clock (given: you do not need to change it)

export interface Timer {
  /** Stops the timer; true if that prevented it from firing. */
  stop(): boolean;
}

export interface Clock {
  /** Current time in milliseconds. */
  now(): number;
  /** Calls `f` once, `delayMs` from now. */
  afterFunc(delayMs: number, f: () => void): Timer;
}

/** A clock that only moves when told to. Timers fire inside advance(), earliest first. */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; f: () => void }>();

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  afterFunc(delayMs: number, f: () => void): Timer {
    const id = this.seq++;
    this.timers.set(id, { at: this.t + Math.max(0, delayMs), f });
    return { stop: () => this.timers.delete(id) };
  }

  /** Moves time forward by `ms`, firing due timers in time order (ties in creation order). */
  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      let nextId: number | undefined;
      let nextAt = Infinity;
      for (const [id, timer] of this.timers) {
        if (timer.at <= target && timer.at < nextAt) {
          nextId = id;
          nextAt = timer.at;
        }
      }
      if (nextId === undefined) break;
      const timer = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.t = timer.at;
      timer.f();
    }
    this.t = target;
  }

  /** Timers that have neither fired nor been stopped. */
  pendingTimers(): number {
    return this.timers.size;
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

/** ctx.err() after cancellation. */
export const Canceled: Error = new Error('context canceled');
/** ctx.err() after the deadline passed. */
export const DeadlineExceeded: Error = new Error('context deadline exceeded');

// ---------------------------------------------------------------------------------------------
// Context

export interface Context {
  /** The clock every context of this tree reads. */
  readonly clock: Clock;
  /** The deadline in clock milliseconds, or undefined if there is none. */
  deadline(): number | undefined;
  /** null while the context is live; Canceled or DeadlineExceeded once it is done. */
  err(): Error | null;
  /** Resolves once the context is done; the same promise on every call. */
  done(): Promise<void>;
  /** The value stored under `key` here or in the nearest ancestor that has it. */
  value(key: unknown): unknown;
  /**
   * How many cancelable contexts (withCancel, withDeadline, … children) are attached to this one
   * right now; afterFunc callbacks do not count. Always 0 for background and value contexts.
   */
  childCount(): number;
}

export type CancelFunc = () => void;
export type CancelCauseFunc = (cause?: Error | null) => void;

// ---------------------------------------------------------------------------------------------
// Your part

/** The root of a tree: never cancelled, no deadline, no values, childCount() 0. */
export function background(_clock: Clock): Context {
  throw new Error('not implemented');
}

/**
 * A child that is done when `cancel` is called (err Canceled) or when the parent is done (the
 * parent's err and cause), whichever comes first. Born cancelled if the parent already is. Cancel
 * is idempotent and detaches the child from its parent.
 */
export function withCancel(_parent: Context): [Context, CancelFunc] {
  throw new Error('not implemented');
}

/** Like withCancel; cancel(cause) also records `cause` (Canceled when none is given) for cause(ctx). */
export function withCancelCause(_parent: Context): [Context, CancelCauseFunc] {
  throw new Error('not implemented');
}

/**
 * A child that is also done with DeadlineExceeded at clock time `deadlineMs` (already done if that
 * is not in the future). If the parent's deadline is earlier, behaves exactly like withCancel (no
 * timer). Cancelling stops the timer.
 */
export function withDeadline(_parent: Context, _deadlineMs: number): [Context, CancelFunc] {
  throw new Error('not implemented');
}

/** withDeadline(parent, parent.clock.now() + timeoutMs). */
export function withTimeout(_parent: Context, _timeoutMs: number): [Context, CancelFunc] {
  throw new Error('not implemented');
}

/** withDeadline whose deadline, when it fires, records `cause`; cancelling first records Canceled. */
export function withDeadlineCause(_parent: Context, _deadlineMs: number, _cause: Error | null): [Context, CancelFunc] {
  throw new Error('not implemented');
}

/** withDeadlineCause(parent, parent.clock.now() + timeoutMs, cause). */
export function withTimeoutCause(_parent: Context, _timeoutMs: number, _cause: Error | null): [Context, CancelFunc] {
  throw new Error('not implemented');
}

/**
 * A child carrying `key` -> `val` (keys compare with ===); err, done and deadline come from the
 * parent. It has no children of its own: cancelable contexts derived from it attach to its nearest
 * cancelable ancestor.
 */
export function withValue(_parent: Context, _key: unknown, _val: unknown): Context {
  throw new Error('not implemented');
}

/** Why ctx was cancelled: the recorded cause, else ctx.err(); null while ctx is live. */
export function cause(_ctx: Context): Error | null {
  throw new Error('not implemented');
}

/**
 * Calls `f` once when ctx is done: synchronously during the cancellation, after err() is set, or
 * at once if ctx is already done; never for a context that cannot be cancelled. The returned stop()
 * returns true if it prevented `f` from running, false if `f` already ran or stop was already called.
 */
export function afterFunc(_ctx: Context, _f: () => void): () => boolean {
  throw new Error('not implemented');
}
