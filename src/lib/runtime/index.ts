/**
 * The page's runtimes. The worker backend is created on first use (one per page) and always
 * available; the WebContainer backend is imported only when a learner starts a live lab, because
 * booting one contacts StackBlitz. See types.ts for the interface and DESIGN.md for the reasons.
 */
import { sandboxRunnerUrl, sandboxWorkerUrl } from 'virtual:runtime-assets';
import type { StringKey } from '../i18n/strings.ts';
import type { FallbackReason } from './types.ts';
import { WorkerRuntime } from './worker/worker-runtime.ts';

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
