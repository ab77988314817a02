/**
 * The WebContainer `Runtime`, written against a `ContainerHost` (so tests drive it with a fake
 * container). `webcontainer-runtime.ts` supplies the page's real host.
 */
import type { ScenarioResult } from '../../sim/scenarios/types.ts';
import type { FallbackReason, Runtime, ScenarioRequest } from '../types.ts';
import type { ContainerHost, HostStatus } from './host.ts';
import { ContainerLiveLab, type LiveLabOptions, type WebContainerLiveLab } from './live-lab.ts';
import type { ManagedProcess } from './process.ts';
import { runScenarioOnHost } from './scenario.ts';

export interface WebContainerRuntime extends Runtime {
  readonly kind: 'webcontainer';
  /** Starts a registry, instances and a client as real processes. */
  startLiveLab(options?: LiveLabOptions): Promise<WebContainerLiveLab>;
  /**
   * The container's state as it changes: `restarted` means the watchdog tore a wedged container
   * down (the UI says "restarted the WebContainer"); the next use boots a new one.
   */
  onStatus(listener: (status: HostStatus) => void): () => void;
}

export type RuntimeOutcome = { ok: true; runtime: WebContainerRuntime } | { ok: false; reason: FallbackReason };

export interface RuntimeCoreOptions {
  /** Time limit of one `runScenario`. Default 30 s. */
  scenarioTimeoutMs?: number;
  /** The wall clock for live labs. Default `Date.now`. */
  now?: () => number;
}

/** Boots (or joins) the host's container; on success, a runtime that uses it until `dispose()`. */
export async function openRuntime(host: ContainerHost, options: RuntimeCoreOptions = {}): Promise<RuntimeOutcome> {
  const release = host.retain();
  const outcome = await host.acquire();
  if (!outcome.ok) {
    release();
    return { ok: false, reason: outcome.reason };
  }
  return { ok: true, runtime: new ContainerRuntime(host, release, options) };
}

class ContainerRuntime implements WebContainerRuntime {
  readonly kind = 'webcontainer' as const;
  private disposed = false;
  private runs = 0;
  private readonly processes = new Set<ManagedProcess>();
  private readonly labs = new Set<ContainerLiveLab>();

  constructor(
    private readonly host: ContainerHost,
    private readonly release: () => void,
    private readonly options: RuntimeCoreOptions,
  ) {}

  async runScenario(request: ScenarioRequest): Promise<ScenarioResult> {
    this.assertUsable();
    const run = ++this.runs;
    return runScenarioOnHost(this.host, request, {
      processId: `scenario-${run}`,
      ...(this.options.scenarioTimeoutMs !== undefined ? { timeoutMs: this.options.scenarioTimeoutMs } : {}),
      track: (proc) => {
        this.processes.add(proc);
        return () => this.processes.delete(proc);
      },
    });
  }

  async startLiveLab(options: LiveLabOptions = {}): Promise<WebContainerLiveLab> {
    this.assertUsable();
    const lab: ContainerLiveLab = new ContainerLiveLab(
      this.host,
      { ...(this.options.now ? { now: this.options.now } : {}), ...options },
      () => this.labs.delete(lab),
    );
    this.labs.add(lab);
    await lab.start();
    return lab;
  }

  onStatus(listener: (status: HostStatus) => void): () => void {
    return this.host.onStatus(listener);
  }

  /**
   * Kills what this runtime started; the container itself is torn down only when no other runtime on
   * the page still uses it.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const lab of [...this.labs]) void lab.stop();
    for (const proc of [...this.processes]) void this.host.stop(proc);
    this.labs.clear();
    this.processes.clear();
    this.release();
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('this WebContainer runtime was disposed');
  }
}
