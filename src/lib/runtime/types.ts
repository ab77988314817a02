/**
 * Where code runs. One small interface with two lazily imported backends (DESIGN.md, "Runtimes"):
 *
 * - `worker`: always available. The sim core (and the grader) in a Web Worker inside a sandboxed,
 *   opaque-origin iframe, restarted by a watchdog when it stops answering.
 * - `webcontainer`: real Node programs (the live labs in `src/lab/`) inside a WebContainer, when the
 *   browser can boot one. Their `@@EV {json}` lines become the same events the simulation emits.
 *
 * The page always shows which runtime is active and, when the WebContainer was wanted but not used,
 * why (`FallbackReason`).
 */
import type { TraceEvent } from '../sim/kernel.ts';
import type { Fault, ParamValues, ScenarioResult } from '../sim/scenarios/types.ts';

export type RuntimeKind = 'worker' | 'webcontainer';

/** Why the WebContainer is not the active runtime. `message` is English; the UI localises by `code`. */
export type FallbackReason =
  | { code: 'not-isolated'; message: string }
  | { code: 'no-shared-array-buffer'; message: string }
  | { code: 'unsupported-browser'; message: string }
  | { code: 'boot-timeout'; message: string }
  | { code: 'boot-failed'; message: string };

/** Run one scenario of `src/lib/sim/scenarios` in virtual time. */
export interface ScenarioRequest {
  scenario: string;
  params?: ParamValues;
  seed?: number;
  /** Faults added by the learner, on top of the scenario's own. */
  faults?: Fault[];
}

export interface Runtime {
  readonly kind: RuntimeKind;
  runScenario(request: ScenarioRequest): Promise<ScenarioResult>;
  /** Stops everything the runtime started; the runtime cannot be used afterwards. */
  dispose(): void;
}

/** A live lab: real processes that print events as they happen, in wall-clock milliseconds. */
export interface LiveLab {
  /** Instances by id, e.g. `inst-1`, and whether each process is running. */
  instances(): { id: string; running: boolean }[];
  kill(instanceId: string): Promise<void>;
  restart(instanceId: string): Promise<void>;
  /** Injected errors and latency at one instance (what its HTTP handler does to each request). */
  setFault(instanceId: string, fault: { errorRate: number; latencyMs: number }): Promise<void>;
  /** Called for every event of every process; returns an unsubscribe function. */
  onEvent(listener: (event: TraceEvent) => void): () => void;
  stop(): Promise<void>;
}
