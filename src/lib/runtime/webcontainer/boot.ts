/**
 * A boot with a time-out. `WebContainer.boot()` never settles when StackBlitz's servers cannot be
 * reached (offline, a firewall, an extension), so the app waits a bounded time and then falls back
 * to the worker runtime with a reason it can show.
 *
 * A boot that succeeds after the time-out is not dropped on the floor: the instance is handed to
 * `onLateBoot`, which tears it down, so it neither leaks nor keeps the page's single WebContainer
 * slot ("Only a single WebContainer instance can be booted") taken. Timers are injectable so tests
 * are instant and deterministic.
 */
import type { FallbackReason } from '../types.ts';

export type BootOutcome<T> = { ok: true; value: T } | { ok: false; reason: FallbackReason };

export type SetTimer = (callback: () => void, ms: number) => unknown;
export type ClearTimer = (handle: unknown) => void;

export interface BootTimeoutOptions<T> {
  /** Default 30 000 ms. */
  timeoutMs?: number;
  setTimer?: SetTimer;
  clearTimer?: ClearTimer;
  /** Receives an instance that booted after the time-out; it should tear it down. */
  onLateBoot?: (value: T) => void;
}

export const DEFAULT_BOOT_TIMEOUT_MS = 30_000;

/** The global timers, looked up at call time (so test doubles installed later are honoured). */
export const defaultSetTimer: SetTimer = (callback, ms) => globalThis.setTimeout(callback, ms);
export const defaultClearTimer: ClearTimer = (handle) =>
  globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);

/** "30", "2.5": seconds as a person writes them. */
export function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

export function bootTimeoutMessage(timeoutMs: number): string {
  return `WebContainer did not boot within ${formatSeconds(timeoutMs)} s: offline or blocked`;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

export function bootWithTimeout<T>(boot: () => Promise<T>, options: BootTimeoutOptions<T> = {}): Promise<BootOutcome<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS;
  const setTimer = options.setTimer ?? defaultSetTimer;
  const clearTimer = options.clearTimer ?? defaultClearTimer;
  return new Promise<BootOutcome<T>>((resolve) => {
    let settled = false;
    const timer = setTimer(() => {
      if (settled) return;
      settled = true;
      resolve({ ok: false, reason: { code: 'boot-timeout', message: bootTimeoutMessage(timeoutMs) } });
    }, timeoutMs);
    let started: Promise<T>;
    try {
      started = Promise.resolve(boot());
    } catch (error) {
      started = Promise.reject(error);
    }
    started.then(
      (value) => {
        if (settled) {
          try {
            options.onLateBoot?.(value);
          } catch {
            // A failing clean-up must not surface as an unhandled rejection; nothing is waiting for it.
          }
          return;
        }
        settled = true;
        clearTimer(timer);
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        if (settled) return; // a late failure: the caller has long moved on
        settled = true;
        clearTimer(timer);
        resolve({ ok: false, reason: { code: 'boot-failed', message: errorMessage(error) } });
      },
    );
  });
}
