/**
 * The page's one WebContainer: booted once, shared by every runtime and live lab, watched over.
 *
 * - One boot per page. `acquire()` hands every caller the same promise; a boot that fails or times
 *   out is not remembered, so a later call tries again (each try bounded by the time-out).
 * - Users. Whoever relies on the container `retain()`s it; when the last one releases, the container
 *   is torn down. Nothing else tears it down except the watchdog.
 * - The watchdog. A process that does not exit within `killGraceMs` of `kill()`, or a `spawn` that
 *   does not answer within `spawnTimeoutMs`, means the container is wedged: it is torn down
 *   (`recycle`), every process that ran in it is reported lost, listeners hear `restarted`, and the
 *   next `acquire()` boots a fresh one (and mounts the bundle again, via `prepare`).
 */
import {
  bootWithTimeout,
  defaultClearTimer,
  defaultSetTimer,
  errorMessage,
  formatSeconds,
  type BootOutcome,
} from './boot.ts';
import { delay, type Container, type Timers } from './container.ts';
import { ManagedProcess, type ProcessHandlers, type ProcessSpec } from './process.ts';
import type { FallbackReason } from '../types.ts';

export type HostStatus =
  | { state: 'idle' }
  | { state: 'booting' }
  | { state: 'ready' }
  | { state: 'failed'; reason: FallbackReason }
  /** The watchdog tore the container down; the next use boots a new one. */
  | { state: 'restarted'; reason: string }
  /** The container reported an internal error (`wc.on('error')`). */
  | { state: 'error'; message: string }
  /** The last user released it. */
  | { state: 'torn-down' };

export interface ContainerHostOptions {
  /** Boots a container (and does whatever must precede a boot, like `auth.init`). */
  boot: () => Promise<Container>;
  /** Runs once on every new container before anyone uses it (mounts the lab bundle). */
  prepare?: (container: Container) => Promise<void>;
  bootTimeoutMs?: number;
  /** How long a killed process may take to exit before the container is recycled. Default 5000. */
  killGraceMs?: number;
  /** How long `spawn` may take to answer before the container is recycled. Default 15 000. */
  spawnTimeoutMs?: number;
  /** See `ManagedProcessOptions.drainMs`. */
  drainMs?: number;
  timers?: Partial<Timers>;
}

export interface SpawnExtras extends ProcessHandlers {
  /** Resolve `ready` when this port opens in the container (or false after `readyTimeoutMs`). */
  readyPort?: number;
  readyTimeoutMs?: number;
}

export type StopResult = 'exited' | 'lost' | 'restarted';

export const DEFAULT_KILL_GRACE_MS = 5000;
export const DEFAULT_SPAWN_TIMEOUT_MS = 15_000;
export const DEFAULT_READY_TIMEOUT_MS = 10_000;

function safeTeardown(container: Container): void {
  try {
    container.teardown();
  } catch {
    // Already torn down: nothing left to release.
  }
}

export class ContainerHost {
  readonly timers: Timers;
  private current: Promise<BootOutcome<Container>> | null = null;
  private container: Container | null = null;
  private unsubscribeError: (() => void) | null = null;
  /** Bumped by every boot attempt, recycle and shutdown: a boot finishing for an old attempt is stale. */
  private attempt = 0;
  private users = 0;
  private readonly processes = new Set<ManagedProcess>();
  private readonly statusListeners = new Set<(status: HostStatus) => void>();
  private readonly recycleListeners = new Set<(container: Container, reason: string) => void>();
  private lastStatus: HostStatus = { state: 'idle' };
  /** How many containers were booted, and how many the watchdog tore down. */
  boots = 0;
  restarts = 0;

  constructor(private readonly options: ContainerHostOptions) {
    this.timers = {
      setTimer: options.timers?.setTimer ?? defaultSetTimer,
      clearTimer: options.timers?.clearTimer ?? defaultClearTimer,
    };
  }

  get status(): HostStatus {
    return this.lastStatus;
  }

  /** The container in use, if one is booted and ready. */
  get active(): Container | null {
    return this.container;
  }

  get userCount(): number {
    return this.users;
  }

  onStatus(listener: (status: HostStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onRecycle(listener: (container: Container, reason: string) => void): () => void {
    this.recycleListeners.add(listener);
    return () => this.recycleListeners.delete(listener);
  }

  /** Registers a user; the returned function (idempotent) releases it. */
  retain(): () => void {
    this.users++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users--;
      if (this.users === 0) this.shutdown();
    };
  }

  /** The shared container, booting it on first use. */
  acquire(): Promise<BootOutcome<Container>> {
    if (!this.current) {
      const attempt = ++this.attempt;
      this.current = this.start(attempt);
    }
    return this.current;
  }

  /**
   * Tears `container` down because it is wedged. Returns false when it is not the current container
   * (already recycled or shut down): each wedge is handled once.
   */
  recycle(container: Container, reason: string): boolean {
    if (container !== this.container) return false;
    this.discard(container, `the WebContainer was restarted: ${reason}`);
    this.restarts++;
    for (const listener of [...this.recycleListeners]) {
      try {
        listener(container, reason);
      } catch {
        // One listener's failure must not keep the others from hearing.
      }
    }
    this.setStatus({ state: 'restarted', reason });
    return true;
  }

  /** Starts a process in the container (booting it if needed). Rejects with a readable message. */
  async spawn(spec: ProcessSpec, extras: SpawnExtras = {}): Promise<ManagedProcess & { ready: Promise<boolean> }> {
    const outcome = await this.acquire();
    if (!outcome.ok) throw new Error(outcome.reason.message);
    const container = outcome.value;

    // Watch for the port before spawning, so an early `listen` is not missed.
    let stopWatchingPort = (): void => {};
    let portOpen: Promise<void> | null = null;
    if (extras.readyPort !== undefined) {
      const wanted = extras.readyPort;
      portOpen = new Promise<void>((resolve) => {
        stopWatchingPort = container.onPort((port, type) => {
          if (port === wanted && type === 'open') resolve();
        });
      });
    }

    const spawnTimeoutMs = this.options.spawnTimeoutMs ?? DEFAULT_SPAWN_TIMEOUT_MS;
    const timeout = delay(this.timers, spawnTimeoutMs);
    const spawning = Promise.resolve().then(() => container.spawn(spec.command, spec.args, spec.env ? { env: spec.env } : undefined));
    let raw;
    try {
      raw = await Promise.race([spawning, timeout.promise]);
    } catch (error) {
      stopWatchingPort();
      throw new Error(`could not start ${spec.id}: ${errorMessage(error)}`);
    } finally {
      timeout.cancel();
    }
    if (raw === true) {
      stopWatchingPort();
      // Whatever the container answers later is killed; the container itself is presumed wedged.
      spawning.then((late) => late.kill(), () => {});
      this.recycle(container, `starting ${spec.id} took longer than ${formatSeconds(spawnTimeoutMs)} s`);
      throw new Error(`could not start ${spec.id}: the WebContainer did not answer within ${formatSeconds(spawnTimeoutMs)} s`);
    }

    const proc = new ManagedProcess(spec, container, raw, {
      timers: this.timers,
      ...(this.options.drainMs !== undefined ? { drainMs: this.options.drainMs } : {}),
      ...(extras.onItem ? { onItem: extras.onItem } : {}),
      ...(extras.now ? { now: extras.now } : {}),
    });
    if (container !== this.container) {
      // Recycled or shut down while spawning.
      proc.markLost('the WebContainer was restarted while the process started');
    } else {
      this.processes.add(proc);
    }
    void proc.exited.then(() => this.processes.delete(proc));

    let ready: Promise<boolean> = Promise.resolve(true);
    if (portOpen) {
      const readyTimeout = delay(this.timers, extras.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
      ready = Promise.race([
        portOpen.then(() => true),
        readyTimeout.promise.then(() => false),
        proc.exited.then(() => false),
      ]).then((value) => {
        readyTimeout.cancel();
        stopWatchingPort();
        return value;
      });
    }
    return Object.assign(proc, { ready });
  }

  /**
   * Kills a process and waits for it to exit. If it does not within `killGraceMs`, the container is
   * recycled (which ends the process with everything else in it): `'restarted'`.
   */
  async stop(proc: ManagedProcess, graceMs = this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS): Promise<StopResult> {
    if (!proc.running) {
      const info = await proc.exited;
      return info.lost ? 'lost' : 'exited';
    }
    proc.kill();
    const grace = delay(this.timers, graceMs);
    const first = await Promise.race([proc.exited, grace.promise]);
    grace.cancel();
    if (first !== true) return first.lost ? 'lost' : 'exited';
    this.recycle(proc.container, `${proc.id} did not exit within ${formatSeconds(graceMs)} s of being killed`);
    // If the container had already been replaced, the process is gone with the old one.
    proc.markLost('the WebContainer was restarted');
    return 'restarted';
  }

  /** Processes started through this host that are still running. */
  runningProcesses(): ManagedProcess[] {
    return [...this.processes].filter((p) => p.running);
  }

  private async start(attempt: number): Promise<BootOutcome<Container>> {
    this.setStatus({ state: 'booting' });
    const outcome = await bootWithTimeout(this.options.boot, {
      ...(this.options.bootTimeoutMs !== undefined ? { timeoutMs: this.options.bootTimeoutMs } : {}),
      setTimer: this.timers.setTimer,
      clearTimer: this.timers.clearTimer,
      onLateBoot: safeTeardown,
    });
    if (!outcome.ok) return this.failed(attempt, outcome.reason);
    const container = outcome.value;
    this.boots++;
    if (attempt !== this.attempt) return this.stale(container);
    try {
      await this.options.prepare?.(container);
    } catch (error) {
      safeTeardown(container);
      return this.failed(attempt, { code: 'boot-failed', message: `could not prepare the WebContainer: ${errorMessage(error)}` });
    }
    if (attempt !== this.attempt) return this.stale(container);
    this.container = container;
    this.unsubscribeError = container.onError((error) => {
      if (this.container === container) this.setStatus({ state: 'error', message: error.message });
    });
    this.setStatus({ state: 'ready' });
    return { ok: true, value: container };
  }

  private failed(attempt: number, reason: FallbackReason): BootOutcome<Container> {
    if (attempt === this.attempt) {
      this.current = null;
      this.setStatus({ state: 'failed', reason });
    }
    return { ok: false, reason };
  }

  /** A boot that finished after its attempt was abandoned (shut down meanwhile). */
  private stale(container: Container): BootOutcome<Container> {
    safeTeardown(container);
    return { ok: false, reason: { code: 'boot-failed', message: 'the WebContainer was shut down while it booted' } };
  }

  private shutdown(): void {
    const container = this.container;
    const wasActive = container !== null || this.current !== null;
    if (container) this.discard(container, 'the WebContainer was shut down');
    else {
      this.attempt++;
      this.current = null;
    }
    if (wasActive) this.setStatus({ state: 'torn-down' });
  }

  /** Forgets the container, reports its processes lost and tears it down. */
  private discard(container: Container, lostReason: string): void {
    this.attempt++;
    this.current = null;
    this.container = null;
    this.unsubscribeError?.();
    this.unsubscribeError = null;
    for (const proc of [...this.processes]) {
      if (proc.container === container) proc.markLost(lostReason);
    }
    safeTeardown(container);
  }

  private setStatus(status: HostStatus): void {
    this.lastStatus = status;
    for (const listener of [...this.statusListeners]) {
      try {
        listener(status);
      } catch {
        // Status listeners are UI; they must not break the runtime.
      }
    }
  }
}
