// Cases follow golang/sync semaphore/semaphore_test.go: TestWeightedTryAcquire, TestWeightedPanic
// and TestWeightedDoesntBlockIfTooBig (task 1), TestLargeAcquireDoesntStarve (task 2),
// TestAllocCancelDoesntStarve (task 3), and the FIFO hand-off in semaphore.go's notifyWaiters.
// Contexts become AbortSignals; goroutines and sleeps become promises and flush().
import { describe, it, expect } from 'vitest';
import { Bulkhead, BulkheadFullError, Weighted } from './bulkhead';

/** Lets every pending promise callback run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

interface Tracked {
  state: 'pending' | 'fulfilled' | 'rejected';
  value: unknown;
  reason: unknown;
}

/** Records how a promise settles, so a test can look without awaiting it (and never hangs). */
function track(p: Promise<unknown>): Tracked {
  const t: Tracked = { state: 'pending', value: undefined, reason: undefined };
  p.then(
    (value) => {
      t.state = 'fulfilled';
      t.value = value;
    },
    (reason: unknown) => {
      t.state = 'rejected';
      t.reason = reason;
    },
  );
  return t;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Task 1: Acquire and release within the size', () => {
  it('grants weights at once while they fit and counts them in held', async () => {
    const sem = new Weighted(3);
    await sem.acquire(1);
    await sem.acquire(2);
    expect(sem.held).toBe(3);
    sem.release(2);
    expect(sem.held).toBe(1);
  });

  it('tryAcquire answers true, false, true, false like TestWeightedTryAcquire', async () => {
    const sem = new Weighted(2);
    const tries: boolean[] = [];
    await sem.acquire(1);
    tries.push(sem.tryAcquire(1));
    tries.push(sem.tryAcquire(1));
    sem.release(2);
    tries.push(sem.tryAcquire(1));
    await sem.acquire(1);
    tries.push(sem.tryAcquire(1));
    expect(tries).toEqual([true, false, true, false]);
    expect(sem.held).toBe(2);
  });

  it('throws when releasing more than is held, and changes nothing', () => {
    const sem = new Weighted(2);
    expect(() => sem.release(1)).toThrow('semaphore: released more than held');
    expect(sem.tryAcquire(1)).toBe(true);
    expect(() => sem.release(2)).toThrow('semaphore: released more than held');
    expect(sem.held).toBe(1);
  });

  it('rejects a weight larger than the size at once, without blocking smaller acquires', async () => {
    const sem = new Weighted(2);
    const tooBig = track(sem.acquire(3));
    await flush();
    expect(tooBig.state).toBe('rejected');
    expect(tooBig.reason).toBeInstanceOf(RangeError);
    expect(sem.waiting).toBe(0);
    expect(sem.tryAcquire(1)).toBe(true);
    await sem.acquire(1);
    expect(sem.held).toBe(2);
  });

  it('rejects weights that are not positive integers with a RangeError', async () => {
    const sem = new Weighted(2);
    for (const n of [0, -1, 1.5]) {
      expect(() => sem.tryAcquire(n)).toThrow(RangeError);
      expect(() => sem.release(n)).toThrow(RangeError);
      await expect(sem.acquire(n)).rejects.toThrow(RangeError);
    }
    expect(sem.held).toBe(0);
  });
});

describe('Task 2: Wait in FIFO order', () => {
  it('keeps a waiter pending until enough is released', async () => {
    const sem = new Weighted(2);
    await sem.acquire(2);
    const w = track(sem.acquire(2));
    await flush();
    expect(w.state).toBe('pending');
    expect(sem.waiting).toBe(1);
    sem.release(1);
    await flush();
    expect(w.state).toBe('pending');
    sem.release(1);
    expect(sem.held).toBe(2); // reserved for the waiter during release
    expect(sem.waiting).toBe(0);
    await flush();
    expect(w.state).toBe('fulfilled');
  });

  it('grants waiters in the order they arrived', async () => {
    const sem = new Weighted(1);
    await sem.acquire(1);
    const order: string[] = [];
    for (const name of ['A', 'B', 'C']) void sem.acquire(1).then(() => order.push(name));
    for (let i = 0; i < 3; i++) {
      sem.release(1);
      await flush();
    }
    expect(order).toEqual(['A', 'B', 'C']);
  });

  it('lets a large waiter at the head block smaller ones behind it (no barging)', async () => {
    const sem = new Weighted(10);
    await sem.acquire(1); // a reader holds 1
    const writer = track(sem.acquire(10));
    const reader = track(sem.acquire(1)); // 9 tokens are free, but the writer is first
    await flush();
    expect(reader.state).toBe('pending');
    expect(sem.tryAcquire(1)).toBe(false);
    sem.release(1);
    await flush();
    expect(writer.state).toBe('fulfilled');
    expect(reader.state).toBe('pending');
    sem.release(10);
    await flush();
    expect(reader.state).toBe('fulfilled');
  });

  it('wakes waiters in order while they fit and stops at the first that does not', async () => {
    const sem = new Weighted(4);
    await sem.acquire(4);
    const two = track(sem.acquire(2));
    const three = track(sem.acquire(3));
    const one = track(sem.acquire(1));
    sem.release(4);
    await flush();
    expect([two.state, three.state, one.state]).toEqual(['fulfilled', 'pending', 'pending']);
    expect(sem.held).toBe(2);
    sem.release(2);
    await flush();
    expect([three.state, one.state]).toEqual(['fulfilled', 'fulfilled']);
    expect(sem.held).toBe(4);
  });
});

describe('Task 3: Give up with an AbortSignal', () => {
  it('rejects with the reason of an already aborted signal, even when tokens are free', async () => {
    const sem = new Weighted(2);
    const ctl = new AbortController();
    const reason = new Error('context canceled');
    ctl.abort(reason);
    await expect(sem.acquire(1, ctl.signal)).rejects.toBe(reason);
    expect(sem.held).toBe(0);
  });

  it('removes an aborted waiter from the queue so it never receives tokens', async () => {
    const sem = new Weighted(1);
    await sem.acquire(1);
    const ctl = new AbortController();
    const reason = new Error('gave up');
    const w = track(sem.acquire(1, ctl.signal));
    expect(sem.waiting).toBe(1);
    ctl.abort(reason);
    await flush();
    expect(w.state).toBe('rejected');
    expect(w.reason).toBe(reason);
    expect(sem.waiting).toBe(0);
    sem.release(1);
    expect(sem.held).toBe(0);
  });

  it('lets the waiters behind an aborted head proceed at once (TestAllocCancelDoesntStarve)', async () => {
    const sem = new Weighted(10);
    await sem.acquire(1);
    const ctl = new AbortController();
    const writer = track(sem.acquire(10, ctl.signal));
    const reader = track(sem.acquire(1));
    await flush();
    expect(reader.state).toBe('pending');
    ctl.abort(new Error('write lock timed out'));
    await flush();
    expect(writer.state).toBe('rejected');
    expect(reader.state).toBe('fulfilled');
    expect(sem.held).toBe(2);
  });

  it('ignores an abort that comes after the tokens were granted', async () => {
    const sem = new Weighted(1);
    await sem.acquire(1);
    const ctl = new AbortController();
    const w = track(sem.acquire(1, ctl.signal));
    sem.release(1);
    ctl.abort(new Error('too late'));
    await flush();
    expect(w.state).toBe('fulfilled');
    expect(sem.held).toBe(1);
    expect(sem.waiting).toBe(0);
  });
});

describe('Task 4: A bulkhead per dependency', () => {
  it('runs up to maxConcurrent calls at once and queues the rest', async () => {
    const bh = new Bulkhead('reviews', { maxConcurrent: 2, maxQueue: 2 });
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    let started = 0;
    const calls = gates.map((g) =>
      bh.run(() => {
        started++;
        return g.promise;
      }),
    );
    await flush();
    expect(started).toBe(2);
    expect(bh.active).toBe(2);
    expect(bh.queued).toBe(1);
    gates[0]!.resolve('r0');
    await flush();
    expect(started).toBe(3);
    expect(bh.active).toBe(2);
    expect(bh.queued).toBe(0);
    gates[1]!.resolve('r1');
    gates[2]!.resolve('r2');
    await expect(Promise.all(calls)).resolves.toEqual(['r0', 'r1', 'r2']);
    expect(bh.active).toBe(0);
  });

  it('rejects with BulkheadFullError when every slot is busy and the queue is full', async () => {
    const bh = new Bulkhead('reviews', { maxConcurrent: 1, maxQueue: 1 });
    const gate = deferred<void>();
    let ran = false;
    const running = bh.run(() => gate.promise);
    const waiting = bh.run(() => gate.promise);
    const rejected = track(
      bh.run(async () => {
        ran = true;
      }),
    );
    await flush();
    expect(rejected.state).toBe('rejected');
    expect(rejected.reason).toBeInstanceOf(BulkheadFullError);
    expect(rejected.reason).toMatchObject({ name: 'BulkheadFullError', message: 'bulkhead "reviews" is full', bulkhead: 'reviews' });
    expect(ran).toBe(false);
    expect(bh.queued).toBe(1);
    gate.resolve();
    await Promise.all([running, waiting]);
  });

  it('fails fast with maxQueue 0 instead of waiting', async () => {
    const bh = new Bulkhead('payments', { maxConcurrent: 1, maxQueue: 0 });
    const gate = deferred<void>();
    const running = bh.run(() => gate.promise);
    const second = track(bh.run(async () => 'x'));
    await flush();
    expect(second.state).toBe('rejected');
    expect(second.reason).toBeInstanceOf(BulkheadFullError);
    expect(bh.queued).toBe(0);
    gate.resolve();
    await running;
    await expect(bh.run(async () => 'now it fits')).resolves.toBe('now it fits');
  });

  it('frees the slot when a call fails and passes its error through', async () => {
    const bh = new Bulkhead('inventory', { maxConcurrent: 1, maxQueue: 1 });
    const gate = deferred<string>();
    const boom = new Error('upstream 503');
    const failing = track(bh.run(() => gate.promise));
    const next = track(bh.run(async () => 'served'));
    gate.reject(boom);
    await flush();
    expect(failing).toMatchObject({ state: 'rejected', reason: boom });
    expect(next).toMatchObject({ state: 'fulfilled', value: 'served' });
    expect(bh.active).toBe(0);
  });

  it('frees the slot when fn throws synchronously', async () => {
    const bh = new Bulkhead('inventory', { maxConcurrent: 1, maxQueue: 0 });
    const boom = new Error('bad request');
    await expect(
      bh.run((): Promise<string> => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(bh.active).toBe(0);
    await expect(bh.run(async () => 'ok')).resolves.toBe('ok');
  });

  it('keeps dependencies apart: a saturated bulkhead does not block another', async () => {
    const reviews = new Bulkhead('reviews', { maxConcurrent: 1, maxQueue: 0 });
    const payments = new Bulkhead('payments', { maxConcurrent: 1, maxQueue: 0 });
    const gate = deferred<void>();
    const slow = reviews.run(() => gate.promise);
    const review = track(reviews.run(async () => 'review'));
    const payment = track(payments.run(async () => 'paid'));
    await flush();
    expect(review.reason).toBeInstanceOf(BulkheadFullError);
    expect(payment).toMatchObject({ state: 'fulfilled', value: 'paid' });
    gate.resolve();
    await slow;
  });

  it('lets a queued call give up with its AbortSignal', async () => {
    const bh = new Bulkhead('reviews', { maxConcurrent: 1, maxQueue: 1 });
    const gate = deferred<void>();
    const running = bh.run(() => gate.promise);
    const ctl = new AbortController();
    const reason = new Error('deadline');
    let ran = false;
    const queued = track(
      bh.run(async () => {
        ran = true;
      }, ctl.signal),
    );
    expect(bh.queued).toBe(1);
    ctl.abort(reason);
    await flush();
    expect(queued).toMatchObject({ state: 'rejected', reason });
    expect(bh.queued).toBe(0);
    gate.resolve();
    await running;
    expect(ran).toBe(false);
    expect(bh.active).toBe(0);
  });
});
