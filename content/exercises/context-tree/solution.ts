/**
 * Go's context package as a cancellation tree, in TypeScript. Time comes from an injected Clock, so
 * deadlines fire exactly when a test advances a ManualClock.
 *
 * Semantics follow golang/go src/context/context.go:
 * - cancel sets err (and cause) first, then resolves done, cancels every child with the same err and
 *   cause, and detaches itself from its parent; later calls do nothing;
 * - a child of an already cancelled parent is born cancelled;
 * - withDeadline never extends the parent's deadline: with a later deadline it is withCancel;
 * - value contexts hold no children: cancelable contexts derived from them attach to the nearest
 *   cancelable ancestor.
 */

// ---------------------------------------------------------------------------------------------
// Clock (given)

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

/** A context that can have children and be told to stop. */
interface Canceler {
  cancel(removeFromParent: boolean, err: Error, cause: Error | null): void;
}

const NEVER: Promise<void> = new Promise<void>(() => {});

class BackgroundCtx implements Context {
  constructor(readonly clock: Clock) {}
  deadline(): number | undefined {
    return undefined;
  }
  err(): Error | null {
    return null;
  }
  done(): Promise<void> {
    return NEVER;
  }
  value(): unknown {
    return undefined;
  }
  childCount(): number {
    return 0;
  }
}

class CancelCtx implements Context, Canceler {
  private errValue: Error | null = null;
  private causeValue: Error | null = null;
  private readonly children = new Set<Canceler>();
  /** afterFunc callbacks waiting for this context to be done. */
  private readonly callbacks = new Set<() => void>();
  private readonly donePromise: Promise<void>;
  private resolveDone!: () => void;
  private timer: Timer | undefined;
  /** Set for a context with its own deadline. */
  ownDeadline: number | undefined;
  /** The cancelable ancestor this context is attached to, if any. */
  private attachedTo: CancelCtx | undefined;

  constructor(readonly parent: Context) {
    this.donePromise = new Promise<void>((resolve) => {
      this.resolveDone = resolve;
    });
  }

  get clock(): Clock {
    return this.parent.clock;
  }
  deadline(): number | undefined {
    return this.ownDeadline ?? this.parent.deadline();
  }
  err(): Error | null {
    return this.errValue;
  }
  cause(): Error | null {
    return this.causeValue;
  }
  done(): Promise<void> {
    return this.donePromise;
  }
  value(key: unknown): unknown {
    return this.parent.value(key);
  }
  childCount(): number {
    return this.children.size;
  }

  addChild(child: Canceler): void {
    this.children.add(child);
  }
  removeChild(child: Canceler): void {
    this.children.delete(child);
  }
  addCallback(f: () => void): void {
    this.callbacks.add(f);
  }
  removeCallback(f: () => void): boolean {
    return this.callbacks.delete(f);
  }

  /** Go's propagateCancel: arrange for this context to be cancelled with its parent. */
  propagate(): void {
    const parentErr = this.parent.err();
    if (parentErr) {
      this.cancel(false, parentErr, cause(this.parent));
      return;
    }
    const anchor = nearestCancelCtx(this.parent);
    if (anchor) {
      this.attachedTo = anchor;
      anchor.addChild(this);
    }
  }

  setTimer(timer: Timer): void {
    this.timer = timer;
  }

  cancel(removeFromParent: boolean, err: Error, causeErr: Error | null): void {
    if (this.errValue) return; // already cancelled: idempotent
    this.errValue = err;
    this.causeValue = causeErr ?? err;
    this.resolveDone();
    // Copy: a child's own callbacks may touch the set.
    for (const child of [...this.children]) child.cancel(false, err, this.causeValue);
    this.children.clear();
    if (removeFromParent) this.attachedTo?.removeChild(this);
    this.timer?.stop();
    this.timer = undefined;
    // Observers run last, when err() and the whole subtree are already settled.
    const callbacks = [...this.callbacks];
    this.callbacks.clear();
    for (const f of callbacks) f();
  }
}

class ValueCtx implements Context {
  constructor(
    readonly parent: Context,
    private readonly key: unknown,
    private readonly val: unknown,
  ) {}
  get clock(): Clock {
    return this.parent.clock;
  }
  deadline(): number | undefined {
    return this.parent.deadline();
  }
  err(): Error | null {
    return this.parent.err();
  }
  done(): Promise<void> {
    return this.parent.done();
  }
  value(key: unknown): unknown {
    return key === this.key ? this.val : this.parent.value(key);
  }
  childCount(): number {
    return 0;
  }
}

/** The closest ancestor (or ctx itself) that tracks children. */
function nearestCancelCtx(ctx: Context): CancelCtx | undefined {
  for (let c: Context = ctx; ; ) {
    if (c instanceof CancelCtx) return c;
    if (c instanceof ValueCtx) c = c.parent;
    else return undefined;
  }
}

/** The root of a tree: never cancelled, no deadline, no values. */
export function background(clock: Clock): Context {
  return new BackgroundCtx(clock);
}

/** A child that is done when `cancel` is called or the parent is done, whichever comes first. */
export function withCancel(parent: Context): [Context, CancelFunc] {
  const c = new CancelCtx(parent);
  c.propagate();
  return [c, () => c.cancel(true, Canceled, null)];
}

/** Like withCancel, but cancel(cause) records a cause that cause(ctx) reports. */
export function withCancelCause(parent: Context): [Context, CancelCauseFunc] {
  const c = new CancelCtx(parent);
  c.propagate();
  return [c, (causeErr?: Error | null) => c.cancel(true, Canceled, causeErr ?? null)];
}

/** A child that is also done at `deadlineMs` (clock time), unless the parent's deadline is earlier. */
export function withDeadline(parent: Context, deadlineMs: number): [Context, CancelFunc] {
  return withDeadlineCause(parent, deadlineMs, null);
}

export function withTimeout(parent: Context, timeoutMs: number): [Context, CancelFunc] {
  return withDeadline(parent, parent.clock.now() + timeoutMs);
}

/** withDeadline whose deadline, when it fires, records `causeErr` as the cause. */
export function withDeadlineCause(parent: Context, deadlineMs: number, causeErr: Error | null): [Context, CancelFunc] {
  const current = parent.deadline();
  if (current !== undefined && current < deadlineMs) {
    // The parent expires first anyway: no timer needed.
    return withCancel(parent);
  }
  const c = new CancelCtx(parent);
  c.ownDeadline = deadlineMs;
  c.propagate();
  const cancel: CancelFunc = () => c.cancel(true, Canceled, null);
  const left = deadlineMs - parent.clock.now();
  if (left <= 0) {
    c.cancel(true, DeadlineExceeded, causeErr);
    return [c, cancel];
  }
  if (!c.err()) c.setTimer(parent.clock.afterFunc(left, () => c.cancel(true, DeadlineExceeded, causeErr)));
  return [c, cancel];
}

export function withTimeoutCause(parent: Context, timeoutMs: number, causeErr: Error | null): [Context, CancelFunc] {
  return withDeadlineCause(parent, parent.clock.now() + timeoutMs, causeErr);
}

/** A child carrying `key` → `val`; everything else comes from the parent. */
export function withValue(parent: Context, key: unknown, val: unknown): Context {
  return new ValueCtx(parent, key, val);
}

/**
 * Why ctx was cancelled: the cause given to a CancelCauseFunc or a deadline's cause, else ctx.err().
 * null while ctx is live.
 */
export function cause(ctx: Context): Error | null {
  const c = nearestCancelCtx(ctx);
  return c ? c.cause() : ctx.err();
}

/**
 * Calls `f` once ctx is done: synchronously during the cancellation, after err() is set, or at once
 * if ctx is already done. stop() reports whether it prevented f from running.
 */
export function afterFunc(ctx: Context, f: () => void): () => boolean {
  let state: 'waiting' | 'ran' | 'stopped' = 'waiting';
  const run = () => {
    if (state !== 'waiting') return;
    state = 'ran';
    f();
  };
  // A context with no cancelable ancestor (background) is never done: f never runs.
  const anchor = nearestCancelCtx(ctx);
  if (ctx.err()) run();
  else anchor?.addCallback(run);
  return () => {
    if (state !== 'waiting') return false;
    state = 'stopped';
    anchor?.removeCallback(run);
    return true;
  };
}
