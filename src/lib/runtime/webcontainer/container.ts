/**
 * The small part of `@webcontainer/api` this backend depends on, as an interface of its own.
 *
 * Everything with logic in it (boot bookkeeping, watchdogs, process lists, argv, output parsing) is
 * written against `Container` and tested with an in-memory fake; `webcontainer-runtime.ts` adapts a
 * real `WebContainer` to it in a few lines. The shapes follow the API's `index.d.ts` (1.6.x):
 * `spawn` resolves to a process whose `output` is a `ReadableStream<string>` of the pseudo-terminal
 * (stdout and stderr together), `exit` a promise of the exit code, `kill()` a request without an
 * answer.
 */
import type { ClearTimer, SetTimer } from './boot.ts';

export interface ContainerProcess {
  readonly output: ReadableStream<string>;
  readonly exit: Promise<number>;
  kill(): void;
}

/** The subset of `FileSystemTree` we mount: plain files at the root of the working directory. */
export interface MountTree {
  [name: string]: { file: { contents: string | Uint8Array } };
}

export interface SpawnOptions {
  env?: Record<string, string>;
}

export interface Container {
  mount(tree: MountTree): Promise<void>;
  spawn(command: string, args: string[], options?: SpawnOptions): Promise<ContainerProcess>;
  /** A port opened or closed inside the container (`wc.on('port', ...)`); returns an unsubscribe. */
  onPort(listener: (port: number, type: 'open' | 'close') => void): () => void;
  /** An internal error of the container (`wc.on('error', ...)`); returns an unsubscribe. */
  onError(listener: (error: { message: string }) => void): () => void;
  /** Destroys the instance; after it a new one can be booted. Throws when called twice. */
  teardown(): void;
}

export interface Timers {
  setTimer: SetTimer;
  clearTimer: ClearTimer;
}

/** Resolves to `true` after `ms`, unless cancelled (then it never resolves). */
export function delay(timers: Timers, ms: number): { promise: Promise<true>; cancel(): void } {
  let handle: unknown;
  const promise = new Promise<true>((resolve) => {
    handle = timers.setTimer(() => resolve(true), ms);
  });
  return { promise, cancel: () => timers.clearTimer(handle) };
}
