/**
 * Duplicate call suppression, after golang.org/x/sync/singleflight.
 *
 * A Group maps each key to the call currently in flight for it. The first caller of a key starts
 * the call; callers that arrive while it runs wait for the same promise instead of starting their
 * own. When the call settles the key is dropped, so the next caller starts a fresh one.
 */

/** What `do` resolves to: the value, and whether more than one caller received it. */
export interface Result<T> {
  value: T;
  shared: boolean;
}

interface Call {
  /** Settles with fn's outcome; every caller of this call awaits it. */
  readonly promise: Promise<unknown>;
  /** How many callers joined after the first (Go's `dups`). */
  dups: number;
}

export class Group {
  private readonly calls = new Map<string, Call>();

  /**
   * Runs `fn` for `key` unless a call for `key` is already in flight, in which case it waits for
   * that call. Resolves with the value and `shared: true` when more than one caller waited on the
   * call; rejects with the call's error (the same object for every caller).
   */
  do<T>(key: string, fn: () => Promise<T>): Promise<Result<T>> {
    const existing = this.calls.get(key);
    if (existing) {
      existing.dups++;
      return existing.promise.then((value) => ({ value: value as T, shared: existing.dups > 0 }));
    }

    // Start the call. A function that throws synchronously (Go: panics) must still settle the
    // call, or every waiter would hang and the key would stay taken forever.
    let started: Promise<T>;
    try {
      started = Promise.resolve(fn());
    } catch (err) {
      started = Promise.reject(err);
    }

    const call: Call = { promise: started, dups: 0 };
    // Drop the key as soon as the call settles, before any caller's continuation runs. Only drop
    // it if it is still ours: forget() may have let a newer call take the key meanwhile.
    const release = () => {
      if (this.calls.get(key) === call) this.calls.delete(key);
    };
    started.then(release, release);
    this.calls.set(key, call);

    return started.then((value) => ({ value, shared: call.dups > 0 }));
  }

  /**
   * Forgets `key`: the next `do` for it starts a new call even if one is still in flight. Callers
   * already waiting on the old call still get its result.
   */
  forget(key: string): void {
    this.calls.delete(key);
  }
}
