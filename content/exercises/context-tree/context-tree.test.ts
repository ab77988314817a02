// Cases follow golang/go src/context/context_test.go: TestWithCancel, TestParentFinishesChild,
// TestChildFinishesFirst, TestWithCancelCanceledParent (task 1), TestCancelRemoves (task 2),
// TestDeadline, TestTimeout, TestCanceledTimeout (task 3), TestValues (task 4), TestCause and
// TestAfterFuncCalledAfterCancel / …NotCalledAfterStop / …CalledImmediately (task 5).
// Time is a ManualClock: deadlines fire only inside clock.advance().
import { describe, it, expect } from 'vitest';
import {
  Canceled,
  DeadlineExceeded,
  ManualClock,
  afterFunc,
  background,
  cause,
  withCancel,
  withCancelCause,
  withDeadline,
  withDeadlineCause,
  withTimeout,
  withTimeoutCause,
  withValue,
  type Context,
} from './context-tree';

/** Lets every pending promise callback run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Whether ctx.done() has resolved, observed without waiting forever. */
async function isDone(ctx: Context): Promise<boolean> {
  let resolved = false;
  void ctx.done().then(() => {
    resolved = true;
  });
  await flush();
  return resolved;
}

describe('Task 1: Cancel down the tree', () => {
  it('background is never done and has no deadline or values', async () => {
    const root = background(new ManualClock());
    expect(root.err()).toBeNull();
    expect(root.deadline()).toBeUndefined();
    expect(root.value('anything')).toBeUndefined();
    expect(await isDone(root)).toBe(false);
  });

  it('a withCancel child is live until cancel, then err is Canceled and done resolves', async () => {
    const [ctx, cancel] = withCancel(background(new ManualClock()));
    expect(ctx.err()).toBeNull();
    expect(await isDone(ctx)).toBe(false);
    cancel();
    expect(ctx.err()).toBe(Canceled);
    expect(ctx.err()?.message).toBe('context canceled');
    expect(ctx.done()).toBe(ctx.done());
    expect(await isDone(ctx)).toBe(true);
  });

  it('cancelling a parent cancels every descendant, also through value contexts', async () => {
    const root = background(new ManualClock());
    const [parent, cancel] = withCancel(root);
    const [child] = withCancel(parent);
    const valueChild = withValue(parent, 'key', 'value');
    const [grandchild] = withTimeout(valueChild, 10_000);
    cancel();
    for (const ctx of [parent, child, valueChild, grandchild]) {
      expect(ctx.err()).toBe(Canceled);
      expect(await isDone(ctx)).toBe(true);
    }
    expect(root.err()).toBeNull();
  });

  it('cancelling a child leaves its parent and its sibling running', async () => {
    const [parent] = withCancel(background(new ManualClock()));
    const [child, cancelChild] = withCancel(parent);
    const [sibling] = withCancel(parent);
    cancelChild();
    expect(child.err()).toBe(Canceled);
    expect(parent.err()).toBeNull();
    expect(sibling.err()).toBeNull();
    expect(await isDone(parent)).toBe(false);
    expect(await isDone(sibling)).toBe(false);
  });

  it('a child of an already cancelled parent is born cancelled', async () => {
    const [parent, cancel] = withCancel(background(new ManualClock()));
    cancel();
    const [child] = withCancel(parent);
    const valueChild = withValue(parent, 'key', 'value');
    expect(child.err()).toBe(Canceled);
    expect(valueChild.err()).toBe(Canceled);
    expect(await isDone(child)).toBe(true);
  });
});

describe('Task 2: Detach on cancel', () => {
  it('counts cancelable children, including those derived through withValue (TestParentFinishesChild)', () => {
    const [parent, cancel] = withCancel(background(new ManualClock()));
    withCancel(parent);
    const valueChild = withValue(parent, 'key', 'value');
    withTimeout(valueChild, 10_000);
    expect(parent.childCount()).toBe(2);
    cancel();
    expect(parent.childCount()).toBe(0);
  });

  it('removes a child from its parent when the child is cancelled (TestCancelRemoves)', () => {
    const clock = new ManualClock();
    const [parent] = withCancel(background(clock));
    const [, cancel] = withCancel(parent);
    expect(parent.childCount()).toBe(1);
    cancel();
    expect(parent.childCount()).toBe(0);

    const [, cancelTimeout] = withTimeout(parent, 60 * 60 * 1000);
    expect(parent.childCount()).toBe(1);
    expect(clock.pendingTimers()).toBe(1);
    cancelTimeout();
    expect(parent.childCount()).toBe(0);
    expect(clock.pendingTimers()).toBe(0); // the timer is stopped, not left to fire
  });

  it('treats a second cancel as a no-op that detaches nothing else', () => {
    const [parent] = withCancel(background(new ManualClock()));
    const [a, cancelA] = withCancel(parent);
    const [b] = withCancel(parent);
    cancelA();
    expect(() => cancelA()).not.toThrow();
    expect(a.err()).toBe(Canceled);
    expect(b.err()).toBeNull();
    expect(parent.childCount()).toBe(1);
  });
});

describe('Task 3: Deadlines on an injected clock', () => {
  it('expires exactly at the deadline with DeadlineExceeded', async () => {
    const clock = new ManualClock(1_000);
    const [ctx] = withTimeout(background(clock), 100);
    expect(ctx.deadline()).toBe(1_100);
    clock.advance(99);
    expect(ctx.err()).toBeNull();
    clock.advance(1);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(ctx.err()?.message).toBe('context deadline exceeded');
    expect(await isDone(ctx)).toBe(true);
  });

  it('caps a child deadline at the parent deadline, behaving like withCancel', () => {
    const clock = new ManualClock();
    const [parent] = withTimeout(background(clock), 80);
    const [child] = withTimeout(parent, 1_000);
    expect(child.deadline()).toBe(80);
    expect(clock.pendingTimers()).toBe(1); // only the parent needs a timer
    expect(parent.childCount()).toBe(1);
    clock.advance(80);
    expect(child.err()).toBe(DeadlineExceeded);
  });

  it('fires a shorter child deadline first and leaves the parent running', () => {
    const clock = new ManualClock();
    const [parent] = withTimeout(background(clock), 800);
    const [fast] = withTimeout(parent, 30);
    const [slow] = withDeadline(parent, 150);
    clock.advance(30);
    expect(fast.err()).toBe(DeadlineExceeded);
    expect(slow.err()).toBeNull();
    expect(parent.err()).toBeNull();
    expect(parent.childCount()).toBe(1);
    clock.advance(120);
    expect(slow.err()).toBe(DeadlineExceeded);
    expect(parent.err()).toBeNull();
  });

  it('returns an already expired context for a deadline in the past', () => {
    const clock = new ManualClock(500);
    const [parent] = withCancel(background(clock));
    const [past] = withDeadline(parent, 400);
    const [now] = withDeadline(parent, 500);
    expect(past.err()).toBe(DeadlineExceeded);
    expect(now.err()).toBe(DeadlineExceeded);
    expect(parent.childCount()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('keeps the first error: cancel before the deadline stays Canceled, a parent timeout stays DeadlineExceeded', () => {
    const clock = new ManualClock();
    const [early, cancelEarly] = withTimeout(background(clock), 100);
    cancelEarly();
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(200);
    expect(early.err()).toBe(Canceled);

    const [parent] = withTimeout(background(clock), 50);
    const [child, cancelChild] = withCancel(parent);
    clock.advance(50);
    expect(child.err()).toBe(DeadlineExceeded);
    cancelChild();
    expect(child.err()).toBe(DeadlineExceeded);
  });
});

describe('Task 4: Carry request values', () => {
  it('finds the nearest value for a key through cancel and timeout contexts (TestValues)', () => {
    const k1 = Symbol('k1');
    const k2 = Symbol('k2');
    const root = background(new ManualClock());
    const c1 = withValue(root, k1, 'c1k1');
    const [c2] = withCancel(withValue(c1, k2, 'c2k2'));
    const [c3] = withTimeout(c2, 1_000);
    const c4 = withValue(c3, k1, 'c4k1');
    expect(c3.value(k1)).toBe('c1k1');
    expect(c3.value(k2)).toBe('c2k2');
    expect(c4.value(k1)).toBe('c4k1');
    expect(c4.value(Symbol('k1'))).toBeUndefined(); // keys compare by identity
    expect(root.value(k1)).toBeUndefined();
  });

  it('lets a child shadow a key with undefined instead of falling through to the ancestor', () => {
    const key = { name: 'trace-id' };
    const parent = withValue(background(new ManualClock()), key, 'abc');
    const child = withValue(parent, key, undefined);
    expect(parent.value(key)).toBe('abc');
    expect(child.value(key)).toBeUndefined();
    expect(child.value({ name: 'trace-id' })).toBeUndefined();
  });
});

describe('Task 5: Causes and afterFunc', () => {
  it('records the cause given to a CancelCauseFunc and passes it to descendants', () => {
    const errBudget = new Error('checkout budget spent');
    const [parent, cancel] = withCancelCause(background(new ManualClock()));
    const [child] = withCancel(parent);
    expect(cause(parent)).toBeNull();
    cancel(errBudget);
    expect(parent.err()).toBe(Canceled);
    expect(cause(parent)).toBe(errBudget);
    expect(child.err()).toBe(Canceled);
    expect(cause(child)).toBe(errBudget);
    cancel(new Error('second cause'));
    expect(cause(parent)).toBe(errBudget);

    const [plain, cancelPlain] = withCancelCause(background(new ManualClock()));
    cancelPlain();
    expect(cause(plain)).toBe(Canceled);
    expect(cause(withValue(plain, 'k', 'v'))).toBe(Canceled);
  });

  it('reports a timeout cause only when the deadline fires', () => {
    const clock = new ManualClock();
    const errSlow = new Error('inventory too slow');
    const [timedOut] = withTimeoutCause(background(clock), 100, errSlow);
    const [child] = withTimeout(timedOut, 1_000);
    const [cancelledFirst, cancel] = withTimeoutCause(background(clock), 100, errSlow);
    const [byDeadline] = withDeadlineCause(background(clock), 100, errSlow);
    cancel();
    clock.advance(100);
    expect(cause(byDeadline)).toBe(errSlow);
    expect(timedOut.err()).toBe(DeadlineExceeded);
    expect(cause(timedOut)).toBe(errSlow);
    expect(child.err()).toBe(DeadlineExceeded);
    expect(cause(child)).toBe(errSlow);
    expect(cancelledFirst.err()).toBe(Canceled);
    expect(cause(cancelledFirst)).toBe(Canceled);
  });

  it('runs afterFunc once when the context is done, with err already set', () => {
    const clock = new ManualClock();
    const [parent, cancel] = withCancel(background(clock));
    const [child] = withTimeout(parent, 500);
    const seen: (Error | null)[] = [];
    afterFunc(child, () => seen.push(child.err()));
    afterFunc(withValue(parent, 'k', 'v'), () => seen.push(parent.err()));
    expect(seen).toEqual([]);
    cancel();
    expect(seen).toEqual([Canceled, Canceled]);
    clock.advance(1_000);
    expect(seen).toHaveLength(2);
    expect(parent.childCount()).toBe(0);
  });

  it('runs afterFunc at once on a done context, and stop() reports whether it prevented the call', () => {
    const [done, cancelDone] = withCancel(background(new ManualClock()));
    cancelDone();
    let ranOnDone = 0;
    const stopLate = afterFunc(done, () => ranOnDone++);
    expect(ranOnDone).toBe(1);
    expect(stopLate()).toBe(false);

    const [ctx, cancel] = withCancel(background(new ManualClock()));
    let ran = 0;
    const stop = afterFunc(ctx, () => ran++);
    expect(stop()).toBe(true);
    expect(stop()).toBe(false);
    cancel();
    expect(ran).toBe(0);

    let ranOnRoot = 0;
    const stopRoot = afterFunc(background(new ManualClock()), () => ranOnRoot++);
    expect(stopRoot()).toBe(true);
    expect(ranOnRoot).toBe(0);
  });
});
