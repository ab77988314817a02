/**
 * A live lab in the container: a registry, N service instances and a client, each a real Node
 * process of `lab.mjs`, all started with the same `--epoch` so their event times share one base.
 *
 * Bookkeeping is by desired state: every process has an entry saying whether it should run and
 * which process (if any) currently runs it. `kill`/`restart` change the wish and act on it. When the
 * container is recycled under the lab (a process ignored `kill`, or the container stopped answering),
 * every process is gone at once; the lab emits a `runtime-restarted` event and starts again, on a
 * fresh container, everything that should be running (at most `maxRelaunches` times per lab, so a
 * wedge that repeats does not boot containers forever).
 *
 * Besides the lab's own events, listeners receive a few of the runtime's, all with
 * `source: 'runtime'` or the process id: `process-started`, `process-exited` (`code`),
 * `runtime-restarted` (`reason`), `runtime-failed` (`message`).
 */
import type { TraceEvent } from '../../sim/kernel.ts';
import type { LiveLab } from '../types.ts';
import {
  NODE,
  REGISTRY_PORT,
  FIRST_INSTANCE_PORT,
  clientArgs,
  faultArgs,
  instanceArgs,
  instanceId,
  instancePort,
  registryArgs,
  registryUrl,
  type ClientOptions,
} from './argv.ts';
import { errorMessage, formatSeconds } from './boot.ts';
import { delay, type Container } from './container.ts';
import type { ParsedItem } from './ev-parser.ts';
import type { ContainerHost } from './host.ts';
import type { ManagedProcess } from './process.ts';

export interface LiveLabOptions {
  /** How many service instances, `inst-1` ... `inst-N`. Default 3. */
  instances?: number;
  /** Each instance's lease TTL (`--ttl-s`). */
  ttlS?: number;
  /** The registry's minimum lease TTL (`--min-ttl-s`). */
  minTtlS?: number;
  /** The client's settings, or `false` for no client. Default: a client with the lab's defaults. */
  client?: ClientOptions | false;
  /** Unix ms that every process counts `t` from. Default: now. */
  epoch?: number;
  registryPort?: number;
  firstInstancePort?: number;
  /** How long to wait for a server's port to open before starting what depends on it. Default 10 s. */
  readyTimeoutMs?: number;
  /** How long a `setFault` request may take. Default 10 s. */
  faultTimeoutMs?: number;
  /** Automatic relaunches after the container was recycled. Default 3. */
  maxRelaunches?: number;
  /** The wall clock (tests pass a fake). Default `Date.now`. */
  now?: () => number;
  /** Subscribed before the first process starts, so no early event (registrations...) is missed. */
  onEvent?: (event: TraceEvent) => void;
  onLog?: (line: LabLogLine) => void;
}

export interface LabLogLine {
  source: string;
  text: string;
}

export interface WebContainerLiveLab extends LiveLab {
  readonly epoch: number;
  /** Every process of the lab (registry and client included) and whether it runs. */
  processes(): { id: string; role: ProcessRole; running: boolean }[];
  /** Output lines that are not events, and unreadable event lines. */
  onLog(listener: (line: LabLogLine) => void): () => void;
}

export type ProcessRole = 'registry' | 'instance' | 'client';

interface Entry {
  id: string;
  role: ProcessRole;
  port: number | null;
  args: string[];
  desired: boolean;
  proc: ManagedProcess | null;
}

export class ContainerLiveLab implements WebContainerLiveLab {
  readonly epoch: number;
  private readonly entries = new Map<string, Entry>();
  private readonly eventListeners = new Set<(event: TraceEvent) => void>();
  private readonly logListeners = new Set<(line: LabLogLine) => void>();
  private readonly now: () => number;
  private stopped = false;
  private relaunches = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly unsubscribeRecycle: () => void;

  constructor(
    private readonly host: ContainerHost,
    private readonly options: LiveLabOptions = {},
    /** Called once when the lab stops (its owner stops tracking it). */
    private readonly onStopped: () => void = () => {},
  ) {
    this.now = options.now ?? Date.now;
    this.epoch = options.epoch ?? this.now();
    const registryPort = options.registryPort ?? REGISTRY_PORT;
    const registry = registryUrl(registryPort);
    const count = options.instances ?? 3;
    if (!Number.isInteger(count) || count < 1) throw new Error(`a live lab needs at least one instance, not ${count}`);
    this.add('registry', 'registry', registryPort, registryArgs({ port: registryPort, minTtlS: options.minTtlS, epoch: this.epoch }));
    for (let n = 1; n <= count; n++) {
      const id = instanceId(n);
      const port = instancePort(n, options.firstInstancePort ?? FIRST_INSTANCE_PORT);
      this.add(id, 'instance', port, instanceArgs({ id, port, registry, ttlS: options.ttlS, epoch: this.epoch }));
    }
    if (options.client !== false) {
      this.add('client', 'client', null, clientArgs({ ...(options.client ?? {}), registry, epoch: this.epoch }));
    }
    if (options.onEvent) this.eventListeners.add(options.onEvent);
    if (options.onLog) this.logListeners.add(options.onLog);
    this.unsubscribeRecycle = host.onRecycle((container, reason) => this.recycled(container, reason));
  }

  /** Starts every process: the registry first (until its port opens), then the instances, then the client. */
  start(): Promise<void> {
    return this.serial(async () => {
      try {
        await this.launchDesired();
      } catch (error) {
        this.stopped = true;
        this.unsubscribeRecycle();
        this.onStopped();
        await this.stopAll();
        throw error;
      }
    });
  }

  instances(): { id: string; running: boolean }[] {
    return [...this.entries.values()]
      .filter((e) => e.role === 'instance')
      .map((e) => ({ id: e.id, running: isRunning(e) }));
  }

  processes(): { id: string; role: ProcessRole; running: boolean }[] {
    return [...this.entries.values()].map((e) => ({ id: e.id, role: e.role, running: isRunning(e) }));
  }

  kill(id: string): Promise<void> {
    return this.serial(async () => {
      const entry = this.entry(id);
      entry.desired = false;
      if (entry.proc) await this.stopEntry(entry);
    });
  }

  restart(id: string): Promise<void> {
    return this.serial(async () => {
      const entry = this.entry(id);
      entry.desired = true;
      if (entry.proc) {
        const result = await this.stopEntry(entry);
        // A recycled container relaunches everything desired, this process included (queued after us).
        if (result === 'restarted') return;
      }
      await this.launch(entry);
    });
  }

  setFault(id: string, fault: { errorRate: number; latencyMs: number }): Promise<void> {
    return this.serial(async () => {
      const entry = this.entry(id);
      if (entry.role !== 'instance' || entry.port === null) throw new Error(`${id} is not a service instance`);
      if (!(fault.errorRate >= 0 && fault.errorRate <= 1)) throw new Error(`errorRate must be between 0 and 1, not ${fault.errorRate}`);
      if (!(fault.latencyMs >= 0 && Number.isFinite(fault.latencyMs))) throw new Error(`latencyMs must be 0 or more, not ${fault.latencyMs}`);
      if (!isRunning(entry)) throw new Error(`${id} is not running`);
      const proc = await this.host.spawn({ id: `fault ${id}`, command: NODE, args: faultArgs(entry.port, fault) }, {
        onItem: (item) => this.item(`fault ${id}`, item),
      });
      const timeoutMs = this.options.faultTimeoutMs ?? 10_000;
      const limit = delay(this.host.timers, timeoutMs);
      const first = await Promise.race([proc.exited, limit.promise]);
      limit.cancel();
      if (first === true) {
        void this.host.stop(proc);
        throw new Error(`setting the fault of ${id} took longer than ${formatSeconds(timeoutMs)} s`);
      }
      if (first.lost) throw new Error(`setting the fault of ${id} failed: ${first.reason}`);
      if (first.code !== 0) {
        const why = proc.lastLogs().join('\n') || `exit code ${first.code}`;
        throw new Error(`setting the fault of ${id} failed: ${why}`);
      }
    });
  }

  onEvent(listener: (event: TraceEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onLog(listener: (line: LabLogLine) => void): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  stop(): Promise<void> {
    if (this.stopped) return this.queue.then(() => {}, () => {});
    this.stopped = true;
    this.unsubscribeRecycle();
    this.onStopped();
    return this.serial(() => this.stopAll());
  }

  // --- internals ---

  private add(id: string, role: ProcessRole, port: number | null, args: string[]): void {
    this.entries.set(id, { id, role, port, args, desired: true, proc: null });
  }

  private entry(id: string): Entry {
    if (this.stopped) throw new Error('the live lab was stopped');
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`no process ${JSON.stringify(id)} in this lab (${[...this.entries.keys()].join(', ')})`);
    return entry;
  }

  /** Runs lab operations one at a time, in call order; a failure rejects only its own call. */
  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => {});
    return result;
  }

  private t(): number {
    return this.now() - this.epoch;
  }

  private emit(event: TraceEvent): void {
    for (const listener of [...this.eventListeners]) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not stop the others or the lab.
      }
    }
  }

  private log(line: LabLogLine): void {
    for (const listener of [...this.logListeners]) {
      try {
        listener(line);
      } catch {
        // As above.
      }
    }
  }

  private item(source: string, item: ParsedItem): void {
    if (item.type === 'event') {
      const event = item.event;
      this.emit(typeof event['source'] === 'string' ? event : { ...event, source });
    } else if (item.type === 'log') {
      this.log({ source, text: item.text });
    } else {
      this.log({ source, text: `unreadable event line (${item.message}): ${item.line}` });
    }
  }

  private async launchDesired(): Promise<void> {
    const wanted = [...this.entries.values()].filter((e) => e.desired && !e.proc);
    const registry = wanted.filter((e) => e.role === 'registry');
    const instances = wanted.filter((e) => e.role === 'instance');
    const clients = wanted.filter((e) => e.role === 'client');
    for (const group of [registry, instances, clients]) {
      const ready = await Promise.all(group.map((entry) => this.launch(entry)));
      group.forEach((entry, i) => {
        if (ready[i] === false) {
          this.log({ source: entry.id, text: `port ${entry.port} did not open in time; starting the rest anyway` });
        }
      });
    }
  }

  /** Starts one entry's process; resolves when its port is open (true) or the wait gave up (false). */
  private async launch(entry: Entry): Promise<boolean> {
    const id = entry.id;
    const proc = await this.host.spawn(
      { id, command: NODE, args: entry.args },
      {
        onItem: (item) => this.item(id, item),
        now: () => this.t(),
        ...(entry.port !== null ? { readyPort: entry.port } : {}),
        ...(this.options.readyTimeoutMs !== undefined ? { readyTimeoutMs: this.options.readyTimeoutMs } : {}),
      },
    );
    entry.proc = proc;
    this.emit({ t: this.t(), kind: 'process-started', source: id });
    void proc.exited.then((info) => {
      if (entry.proc === proc) entry.proc = null;
      if (!info.lost) this.emit({ t: this.t(), kind: 'process-exited', source: id, code: info.code });
    });
    return proc.ready;
  }

  private stopEntry(entry: Entry) {
    const proc = entry.proc;
    if (!proc) return Promise.resolve('exited' as const);
    return this.host.stop(proc);
  }

  private async stopAll(): Promise<void> {
    for (const entry of this.entries.values()) entry.desired = false;
    await Promise.all([...this.entries.values()].map((entry) => this.stopEntry(entry)));
  }

  private recycled(container: Container, reason: string): void {
    const affected = [...this.entries.values()].filter((e) => e.proc?.container === container);
    if (affected.length === 0 || this.stopped) return;
    for (const entry of affected) entry.proc = null;
    this.emit({ t: this.t(), kind: 'runtime-restarted', source: 'runtime', reason });
    if (this.relaunches >= (this.options.maxRelaunches ?? 3)) {
      this.emit({ t: this.t(), kind: 'runtime-failed', source: 'runtime', message: 'the WebContainer was restarted too often; the lab stays down' });
      return;
    }
    this.relaunches++;
    void this.serial(async () => {
      if (this.stopped) return;
      try {
        await this.launchDesired();
      } catch (error) {
        this.emit({ t: this.t(), kind: 'runtime-failed', source: 'runtime', message: errorMessage(error) });
      }
    });
  }
}

function isRunning(entry: Entry): boolean {
  return entry.proc !== null && entry.proc.running;
}
