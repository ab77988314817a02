/**
 * Duplicate call suppression, after golang.org/x/sync/singleflight.
 */

/** What `do` resolves to: the value, and whether more than one caller received it. */
export interface Result<T> {
  value: T;
  shared: boolean;
}

export class Group {
  /**
   * Runs `fn` for `key` unless a call for `key` is already in flight, in which case it waits for
   * that call instead.
   *
   * - `fn` is called synchronously, before `do` returns, and at most once per in-flight call.
   * - Resolves with `{ value, shared }`; `shared` is true when more than one caller waited on the
   *   call (the first caller included).
   * - If the call fails (rejects or throws), every caller rejects with that same error. `do` itself
   *   never throws.
   * - Once the call settles the key is released: the next `do` starts a new call.
   */
  do<T>(_key: string, _fn: () => Promise<T>): Promise<Result<T>> {
    throw new Error('not implemented');
  }

  /**
   * Forgets `key`: the next `do` for it starts a new call even if one is still in flight. Callers
   * already waiting on the old call still get its result, and the old call finishing must not
   * release the new one.
   */
  forget(_key: string): void {
    throw new Error('not implemented');
  }
}
