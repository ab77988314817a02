/**
 * The page's runtimes. The worker backend is created on first use (one per page) and always
 * available; the WebContainer backend is imported only when a learner starts a live lab, because
 * booting one contacts StackBlitz. See types.ts for the interface and DESIGN.md for the reasons.
 */
import { graderWorkerUrl, sandboxRunnerUrl, sandboxWorkerUrl } from 'virtual:runtime-assets';
import type { GradeRequest } from '../grader/grade.ts';
import type { LimiterPlugRequest, LimiterPlugResult } from '../grader/plug.ts';
import { errorResult, timeLimitMessage, type GradeResult } from '../grader/results.ts';
import type { StringKey } from '../i18n/strings.ts';
import type { FallbackReason } from './types.ts';
import { SandboxTimeoutError, WorkerRuntime } from './worker/worker-runtime.ts';

export type { ScenarioInfo } from './worker/protocol.ts';

type RestartListener = (reason: string) => void;
const restartListeners = new Set<RestartListener>();
let worker: WorkerRuntime | undefined;

export function workerRuntime(): WorkerRuntime {
  worker ??= new WorkerRuntime({
    runnerUrl: sandboxRunnerUrl,
    workerUrl: sandboxWorkerUrl,
    timeoutMs: sandboxTimeoutMs(),
    onRestart: (reason) => {
      for (const listener of restartListeners) listener(reason);
    },
  });
  return worker;
}

let grader: WorkerRuntime | undefined;

/** The grader's sandbox (its own worker, its own watchdog with the exercise time limit). */
export function graderRuntime(): WorkerRuntime {
  grader ??= new WorkerRuntime({ runnerUrl: sandboxRunnerUrl, workerUrl: graderWorkerUrl, timeoutMs: gradeTimeLimitMs() });
  return grader;
}

/**
 * Runs learner code in the grader's sandbox. Never rejects: a time-out, or a sandbox that will not
 * start, becomes `failed(message)` (the time-out with the message that names the likely loop).
 */
async function inGraderSandbox<T>(run: (runtime: WorkerRuntime) => Promise<T>, failed: (message: string) => T): Promise<T> {
  try {
    return await run(graderRuntime());
  } catch (error) {
    if (error instanceof SandboxTimeoutError) return failed(timeLimitMessage(error.limitMs));
    return failed(`The grader could not run: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Grades in the sandbox; problems come back as a result with status "error" for the results panel. */
export function gradeInSandbox(request: GradeRequest): Promise<GradeResult> {
  return inGraderSandbox((runtime) => runtime.grade(request), errorResult);
}

/** The learner's token bucket on a lab's arrivals, in the grader's sandbox. */
export function runLearnerLimiterInSandbox(request: LimiterPlugRequest): Promise<LimiterPlugResult> {
  return inGraderSandbox((runtime) => runtime.runLearnerLimiter(request), (error) => ({ ok: false, error }));
}

/**
 * The exercise time limit: 5 s (DESIGN.md, "Grading"), or `?gradeTimeLimitMs=` (100 ms–60 s) for a
 * slow machine or a test that wants the limit sooner.
 */
export function gradeTimeLimitMs(search = location.search): number {
  const asked = Number(new URLSearchParams(search).get('gradeTimeLimitMs'));
  return Number.isFinite(asked) && asked >= 100 && asked <= 60_000 ? asked : 5_000;
}

/** Told whenever the watchdog restarts the sandbox; returns an unsubscribe function. */
export function onSandboxRestart(listener: RestartListener): () => void {
  restartListeners.add(listener);
  return () => restartListeners.delete(listener);
}

/** Why the WebContainer is not in use, in the learner's language. */
export function describeFallback(reason: FallbackReason, t: (key: StringKey, vars?: Record<string, string | number>) => string, bootTimeoutMs: number): string {
  switch (reason.code) {
    case 'not-isolated':
      return t('reasonNotIsolated');
    case 'no-shared-array-buffer':
      return t('reasonNoSharedArrayBuffer');
    case 'unsupported-browser':
      return t('reasonUnsupported');
    case 'boot-timeout':
      return t('reasonBootTimeout', { seconds: Number((bootTimeoutMs / 1000).toFixed(1)) });
    case 'boot-failed':
      return t('reasonBootFailed', { message: reason.message });
  }
}

/**
 * The boot time-out: 30 s, or `?wcBootTimeoutMs=` (1–120 s) for a slow connection, and for the
 * end-to-end test, which cannot reach StackBlitz and should not wait 30 s to see the fallback.
 */
export function webContainerBootTimeoutMs(search = location.search): number {
  const asked = Number(new URLSearchParams(search).get('wcBootTimeoutMs'));
  return Number.isFinite(asked) && asked >= 1000 && asked <= 120_000 ? asked : 30_000;
}

/**
 * The time limit of one sandbox request: 10 s, or `?sandboxTimeoutMs=` (1 ms–60 s) for a slow machine,
 * and for the end-to-end test that makes every run overrun to watch the watchdog restart the sandbox.
 */
export function sandboxTimeoutMs(search = location.search): number {
  const asked = Number(new URLSearchParams(search).get('sandboxTimeoutMs'));
  return Number.isFinite(asked) && asked >= 1 && asked <= 60_000 ? asked : 10_000;
}
