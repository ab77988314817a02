/**
 * In-memory stand-ins for what cannot run here: the StackBlitz-hosted WebContainer (behind the
 * backend's own `Container` interface) and the clock (timers that only move when a test says so).
 */
import type { Container, ContainerProcess, MountTree, SpawnOptions, Timers } from '../../../src/lib/runtime/webcontainer/container.ts';

/** Lets every pending promise callback and stream read run (no clock involved). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

interface Pending {
  id: number;
  at: number;
  callback: () => void;
}

/** Timers driven by `advance(ms)`; `now` is virtual milliseconds. */
export class ManualTimers implements Timers {
  now = 0;
  private nextId = 1;
  private pending: Pending[] = [];

  setTimer = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.pending.push({ id, at: this.now + Math.max(0, ms), callback });
    return id;
  };

  clearTimer = (handle: unknown): void => {
    this.pending = this.pending.filter((p) => p.id !== handle);
  };

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Moves the clock forward, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    await settle();
    for (;;) {
      const due = this.pending.filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.now = due.at;
      due.callback();
      await settle();
    }
    this.now = target;
    await settle();
  }
}

export class FakeProcess implements ContainerProcess {
  readonly output: ReadableStream<string>;
  readonly exit: Promise<number>;
  private controller!: ReadableStreamDefaultController<string>;
  private resolveExit!: (code: number) => void;
  private ended = false;
  killCalls = 0;
  /** A wedged process: `kill()` does nothing. */
  ignoreKill = false;

  constructor(
    readonly container: FakeContainer,
    readonly command: string,
    readonly args: string[],
    readonly options: SpawnOptions | undefined,
  ) {
    this.output = new ReadableStream<string>({
      start: (controller) => {
        this.controller = controller;
      },
    });
    this.exit = new Promise<number>((resolve) => {
      this.resolveExit = resolve;
    });
  }

  get argv(): string[] {
    return [this.command, ...this.args];
  }

  /** The value after `--name` in the arguments. */
  flag(name: string): string | undefined {
    const i = this.args.indexOf(`--${name}`);
    return i >= 0 ? this.args[i + 1] : undefined;
  }

  get running(): boolean {
    return !this.ended;
  }

  write(...chunks: string[]): void {
    for (const chunk of chunks) this.controller.enqueue(chunk);
  }

  /** Ends the output and exits with `code`. */
  end(code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.controller.close();
    this.resolveExit(code);
    const port = this.flag('port');
    if (port !== undefined) this.container.emitPort(Number(port), 'close');
  }

  kill(): void {
    this.killCalls++;
    if (!this.ignoreKill) this.end(130);
  }
}

export class FakeContainer implements Container {
  readonly spawned: FakeProcess[] = [];
  readonly mounts: MountTree[] = [];
  teardowns = 0;
  /** A wedged container: `spawn` never answers. */
  spawnHangs = false;
  /** Makes `spawn` reject for some command lines (the message), as for a missing file. */
  refuseSpawn: (args: string[]) => string | null = () => null;
  private portListeners = new Set<(port: number, type: 'open' | 'close') => void>();
  private errorListeners = new Set<(error: { message: string }) => void>();

  /** What a spawned process does on its own (the default: nothing until the test says). */
  constructor(
    readonly serial: number,
    private readonly behaviour: (proc: FakeProcess) => void = () => {},
  ) {}

  get tornDown(): boolean {
    return this.teardowns > 0;
  }

  async mount(tree: MountTree): Promise<void> {
    if (this.tornDown) throw new Error('WebContainer torn down');
    this.mounts.push(tree);
  }

  async spawn(command: string, args: string[], options?: SpawnOptions): Promise<ContainerProcess> {
    if (this.tornDown) throw new Error('WebContainer torn down');
    if (this.spawnHangs) return new Promise<never>(() => {});
    const refusal = this.refuseSpawn(args);
    if (refusal !== null) throw new Error(refusal);
    const proc = new FakeProcess(this, command, args, options);
    this.spawned.push(proc);
    this.behaviour(proc);
    return proc;
  }

  onPort(listener: (port: number, type: 'open' | 'close') => void): () => void {
    this.portListeners.add(listener);
    return () => this.portListeners.delete(listener);
  }

  onError(listener: (error: { message: string }) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  emitPort(port: number, type: 'open' | 'close'): void {
    for (const listener of [...this.portListeners]) listener(port, type);
  }

  emitError(message: string): void {
    for (const listener of [...this.errorListeners]) listener({ message });
  }

  get portListenerCount(): number {
    return this.portListeners.size;
  }

  teardown(): void {
    // As the real one: a second teardown throws.
    if (this.tornDown) throw new Error('WebContainer already torn down');
    this.teardowns++;
  }

  /** Processes whose argv contains all of `parts`, in spawn order. */
  find(...parts: string[]): FakeProcess[] {
    return this.spawned.filter((p) => parts.every((part) => p.args.includes(part)));
  }

  /** The one process with `--id <id>` (an instance), or the registry/client by subcommand. */
  proc(id: string): FakeProcess {
    const byId = this.spawned.filter((p) => p.flag('id') === id || (p.args[1] === id && (id === 'registry' || id === 'client')));
    const last = byId[byId.length - 1];
    if (!last) throw new Error(`no process ${id} in container ${this.serial}`);
    return last;
  }
}

/** Boots fake containers, one per call, counting them. */
export class FakeBooter {
  readonly containers: FakeContainer[] = [];

  constructor(private readonly behaviour: (proc: FakeProcess) => void = () => {}) {}

  boot = async (): Promise<Container> => {
    const container = new FakeContainer(this.containers.length + 1, this.behaviour);
    this.containers.push(container);
    return container;
  };

  get last(): FakeContainer {
    const c = this.containers[this.containers.length - 1];
    if (!c) throw new Error('nothing booted');
    return c;
  }
}

/** A behaviour for lab servers: their port opens as soon as they start, as a real `listen` would. */
export function serversListen(proc: FakeProcess): void {
  const port = proc.flag('port');
  if (port !== undefined) queueMicrotask(() => proc.container.emitPort(Number(port), 'open'));
}
