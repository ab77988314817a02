/**
 * The grader's worker: the same sandbox as the simulations (an opaque-origin iframe whose CSP allows
 * eval and no network), a different bundle, so the labs never load sucrase and chai and the exercise
 * pages never load the sim core. Learner code runs here; the page's watchdog ends it if it overruns.
 */
import type { WorkerRequest, WorkerResponse } from '../runtime/worker/protocol.ts';
import { serveRequests } from '../runtime/worker/serve.ts';
import { grade } from './grade.ts';
import { runLearnerLimiter } from './plug.ts';

/**
 * Timers the learner's code leaves running would fire during the next grading in this worker;
 * record every timer set during a run and clear what is left when it ends.
 */
function trackTimers(): () => void {
  const scope = globalThis as unknown as Record<'setTimeout' | 'setInterval', (...args: unknown[]) => number>;
  const original = { setTimeout: scope.setTimeout, setInterval: scope.setInterval };
  const ids = new Set<number>();
  scope.setTimeout = (...args) => {
    const id = original.setTimeout.apply(globalThis, args);
    ids.add(id);
    return id;
  };
  scope.setInterval = (...args) => {
    const id = original.setInterval.apply(globalThis, args);
    ids.add(id);
    return id;
  };
  return () => {
    scope.setTimeout = original.setTimeout;
    scope.setInterval = original.setInterval;
    for (const id of ids) {
      clearTimeout(id);
      clearInterval(id);
    }
  };
}

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  if (request.type === 'ping') return { id: request.id, ok: true, type: 'ping' };
  if (request.type === 'limiter') return { id: request.id, ok: true, type: 'limiter', result: runLearnerLimiter(request.request) };
  if (request.type !== 'grade') return { id: request.id, ok: false, error: `the grader does not run "${request.type}" requests` };
  const untrack = trackTimers();
  try {
    return { id: request.id, ok: true, type: 'grade', result: await grade(request.request) };
  } finally {
    untrack();
  }
}

serveRequests(handle);
