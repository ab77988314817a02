import { afterEach, describe, expect, it, vi } from 'vitest';
import { bootTimeoutMessage, bootWithTimeout, type BootOutcome } from '../../../src/lib/runtime/webcontainer/boot.ts';
import { ManualTimers, settle } from './fakes.ts';

/** A boot the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Tracks whether the outcome promise has settled. */
function watch<T>(promise: Promise<BootOutcome<T>>) {
  const state: { outcome: BootOutcome<T> | null } = { outcome: null };
  void promise.then((outcome) => {
    state.outcome = outcome;
  });
  return state;
}

describe('bootWithTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands over an instance that boots in time, and clears its timer', async () => {
    const timers = new ManualTimers();
    const boot = deferred<string>();
    const state = watch(bootWithTimeout(() => boot.promise, { setTimer: timers.setTimer, clearTimer: timers.clearTimer }));
    await timers.advance(29_000);
    expect(state.outcome).toBeNull();
    boot.resolve('container');
    await settle();
    expect(state.outcome).toEqual({ ok: true, value: 'container' });
    expect(timers.pendingCount).toBe(0);
  });

  it('gives up after exactly 30 s when boot never settles', async () => {
    const timers = new ManualTimers();
    const state = watch(bootWithTimeout(() => new Promise<never>(() => {}), { setTimer: timers.setTimer, clearTimer: timers.clearTimer }));
    await timers.advance(29_999);
    expect(state.outcome).toBeNull();
    await timers.advance(1);
    expect(state.outcome).toEqual({
      ok: false,
      reason: { code: 'boot-timeout', message: 'WebContainer did not boot within 30 s: offline or blocked' },
    });
  });

  it('honours another time-out, with the global timers under vi.useFakeTimers', async () => {
    vi.useFakeTimers();
    const state = watch(bootWithTimeout(() => new Promise<never>(() => {}), { timeoutMs: 2500 }));
    await vi.advanceTimersByTimeAsync(2499);
    expect(state.outcome).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(state.outcome).toEqual({
      ok: false,
      reason: { code: 'boot-timeout', message: 'WebContainer did not boot within 2.5 s: offline or blocked' },
    });
  });

  it('formats the seconds of the message', () => {
    expect(bootTimeoutMessage(30_000)).toBe('WebContainer did not boot within 30 s: offline or blocked');
    expect(bootTimeoutMessage(45_000)).toBe('WebContainer did not boot within 45 s: offline or blocked');
    expect(bootTimeoutMessage(1500)).toBe('WebContainer did not boot within 1.5 s: offline or blocked');
  });

  it('reports a boot that rejects as boot-failed, with its message', async () => {
    const timers = new ManualTimers();
    const outcome = await bootWithTimeout(() => Promise.reject(new Error('Only a single WebContainer instance can be booted')), {
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
    });
    expect(outcome).toEqual({ ok: false, reason: { code: 'boot-failed', message: 'Only a single WebContainer instance can be booted' } });
    expect(timers.pendingCount).toBe(0);
  });

  it('reports a boot that throws at once, or rejects with a non-Error, as boot-failed', async () => {
    const timers = new ManualTimers();
    const options = { setTimer: timers.setTimer, clearTimer: timers.clearTimer };
    expect(
      await bootWithTimeout(() => {
        throw new Error('workdirName should be a valid folder name');
      }, options),
    ).toEqual({ ok: false, reason: { code: 'boot-failed', message: 'workdirName should be a valid folder name' } });
    expect(await bootWithTimeout(() => Promise.reject('blocked by an extension'), options)).toEqual({
      ok: false,
      reason: { code: 'boot-failed', message: 'blocked by an extension' },
    });
  });

  it('hands a boot that succeeds after the time-out to onLateBoot, so it can be torn down', async () => {
    const timers = new ManualTimers();
    const boot = deferred<{ teardown: () => void }>();
    const late: unknown[] = [];
    const state = watch(
      bootWithTimeout(() => boot.promise, {
        timeoutMs: 30_000,
        setTimer: timers.setTimer,
        clearTimer: timers.clearTimer,
        onLateBoot: (value) => late.push(value),
      }),
    );
    await timers.advance(30_000);
    expect(state.outcome).toMatchObject({ ok: false, reason: { code: 'boot-timeout' } });
    expect(late).toEqual([]);
    const instance = { teardown: () => {} };
    boot.resolve(instance);
    await settle();
    expect(late).toEqual([instance]);
    expect(state.outcome).toMatchObject({ ok: false, reason: { code: 'boot-timeout' } });
  });

  it('ignores a boot that fails after the time-out', async () => {
    const timers = new ManualTimers();
    const boot = deferred<string>();
    const late: unknown[] = [];
    const state = watch(
      bootWithTimeout(() => boot.promise, { setTimer: timers.setTimer, clearTimer: timers.clearTimer, onLateBoot: (v) => late.push(v) }),
    );
    await timers.advance(30_000);
    boot.reject(new Error('too late'));
    await settle();
    expect(late).toEqual([]);
    expect(state.outcome).toMatchObject({ ok: false, reason: { code: 'boot-timeout' } });
  });
});
