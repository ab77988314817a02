// Cases follow golang/sync singleflight/singleflight_test.go: TestDo and TestDoErr (task 1, 3),
// TestDoDupSuppress (task 2), TestPanicDo (a throwing function must not hang its waiters, task 3)
// and TestForget (golang/go#31420, task 4). Channels become deferred promises resolved by hand.
import { describe, it, expect } from 'vitest';
import { Group } from './singleflight';

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

/** Lets every pending promise callback run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

describe('Task 1: Run once and return the result', () => {
  it('resolves with the value and shared: false for a single caller', async () => {
    const g = new Group();
    await expect(g.do('key', async () => 'bar')).resolves.toEqual({ value: 'bar', shared: false });
  });

  it('calls fn synchronously, exactly once, before do returns', async () => {
    const g = new Group();
    let calls = 0;
    const p = g.do('key', async () => {
      calls++;
      return 1;
    });
    expect(calls).toBe(1);
    await p;
    expect(calls).toBe(1);
  });

  it('runs fn again for a call made after the previous one finished', async () => {
    const g = new Group();
    let calls = 0;
    const fn = async () => ++calls;
    await expect(g.do('key', fn)).resolves.toEqual({ value: 1, shared: false });
    await expect(g.do('key', fn)).resolves.toEqual({ value: 2, shared: false });
    expect(calls).toBe(2);
  });

  it('runs independent calls for different keys', async () => {
    const g = new Group();
    const a = deferred<string>();
    const b = deferred<string>();
    const pa = g.do('a', () => a.promise);
    const pb = g.do('b', () => b.promise);
    b.resolve('from b');
    a.resolve('from a');
    await expect(pa).resolves.toEqual({ value: 'from a', shared: false });
    await expect(pb).resolves.toEqual({ value: 'from b', shared: false });
  });
});

describe('Task 2: Merge concurrent callers', () => {
  it('runs fn once for callers that arrive while it is in flight', async () => {
    const g = new Group();
    const gate = deferred<string>();
    let calls = 0;
    const fn = () => {
      calls++;
      return gate.promise;
    };
    const callers = [g.do('key', fn), g.do('key', fn), g.do('key', fn)];
    expect(calls).toBe(1);
    gate.resolve('bar');
    const results = await Promise.all(callers);
    expect(calls).toBe(1);
    expect(results.map((r) => r.value)).toEqual(['bar', 'bar', 'bar']);
  });

  it('reports shared: true to every caller of a merged call, the first one included', async () => {
    const g = new Group();
    const gate = deferred<number>();
    const first = g.do('key', () => gate.promise);
    const second = g.do('key', async () => -1);
    gate.resolve(42);
    await expect(first).resolves.toEqual({ value: 42, shared: true });
    await expect(second).resolves.toEqual({ value: 42, shared: true });
  });

  it('gives the same object to every caller, not a copy', async () => {
    const g = new Group();
    const gate = deferred<{ id: number }>();
    const first = g.do('user:1', () => gate.promise);
    const second = g.do('user:1', () => gate.promise);
    const user = { id: 1 };
    gate.resolve(user);
    expect((await first).value).toBe(user);
    expect((await second).value).toBe(user);
  });

  it('starts a new call when the previous result has already been delivered', async () => {
    const g = new Group();
    const gate = deferred<string>();
    let calls = 0;
    const first = g.do('key', () => {
      calls++;
      return gate.promise;
    });
    // A caller that reacts to the result at once must not get the finished call again.
    const again = first.then(() =>
      g.do('key', async () => {
        calls++;
        return 'fresh';
      }),
    );
    gate.resolve('old');
    await expect(again).resolves.toEqual({ value: 'fresh', shared: false });
    expect(calls).toBe(2);
  });
});

describe('Task 3: Share failures too', () => {
  it('rejects every waiting caller with the very same error', async () => {
    const g = new Group();
    const gate = deferred<string>();
    const boom = new Error('Some error');
    const first = g.do('key', () => gate.promise);
    const second = g.do('key', () => gate.promise);
    gate.reject(boom);
    await expect(first).rejects.toBe(boom);
    await expect(second).rejects.toBe(boom);
  });

  it('releases the key after a failure so the next call retries', async () => {
    const g = new Group();
    await expect(g.do('key', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    await expect(g.do('key', async () => 'ok')).resolves.toEqual({ value: 'ok', shared: false });
  });

  it('turns a synchronous throw into a rejection and does not leave the key stuck', async () => {
    const g = new Group();
    const boom = new Error('panic in fn');
    const fn = (): Promise<string> => {
      throw boom;
    };
    let p: Promise<unknown> | undefined;
    expect(() => {
      p = g.do('key', fn);
    }).not.toThrow();
    await expect(p).rejects.toBe(boom);
    await expect(g.do('key', async () => 'recovered')).resolves.toEqual({ value: 'recovered', shared: false });
  });
});

describe('Task 4: Forget a key', () => {
  it('makes the next call start a new execution while the old one is still in flight', async () => {
    const g = new Group();
    const firstGate = deferred<number>();
    let calls = 0;
    const first = g.do('key', () => {
      calls++;
      return firstGate.promise;
    });
    g.forget('key');
    const second = g.do('key', async () => {
      calls++;
      return 2;
    });
    expect(calls).toBe(2);
    await expect(second).resolves.toEqual({ value: 2, shared: false });
    firstGate.resolve(1);
    await expect(first).resolves.toEqual({ value: 1, shared: false });
  });

  it('keeps the new call when the forgotten one finishes (golang/go#31420)', async () => {
    const g = new Group();
    const unblockFirst = deferred<number>();
    const unblockSecond = deferred<number>();
    const first = g.do('key', () => unblockFirst.promise);
    g.forget('key');
    const second = g.do('key', () => unblockSecond.promise);

    unblockFirst.resolve(1);
    await first;
    await flush();

    // The first call finishing must not remove the second one: this caller joins it.
    let thirdRan = false;
    const third = g.do('key', async () => {
      thirdRan = true;
      return 3;
    });
    unblockSecond.resolve(2);
    await expect(second).resolves.toEqual({ value: 2, shared: true });
    await expect(third).resolves.toEqual({ value: 2, shared: true });
    expect(thirdRan).toBe(false);
  });

  it('still delivers the old result to callers who joined before forget', async () => {
    const g = new Group();
    const gate = deferred<string>();
    const first = g.do('key', () => gate.promise);
    const joined = g.do('key', async () => 'never');
    g.forget('key');
    const fresh = g.do('key', async () => 'new');
    gate.resolve('old');
    await expect(first).resolves.toEqual({ value: 'old', shared: true });
    await expect(joined).resolves.toEqual({ value: 'old', shared: true });
    await expect(fresh).resolves.toEqual({ value: 'new', shared: false });
  });

  it('does nothing for a key that has no call in flight', async () => {
    const g = new Group();
    expect(() => g.forget('nothing')).not.toThrow();
    await expect(g.do('nothing', async () => 'x')).resolves.toEqual({ value: 'x', shared: false });
  });
});
