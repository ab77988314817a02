/**
 * "Run my implementation": the learner's solved exercise in place of the lab's reference model.
 * The limiter lab hands over the arrivals of its current run; the learner's `Limiter` (the
 * token-bucket exercise's API: `new Limiter(limit, burst)`, `allowN(nowMs, n)`) decides each one, and
 * the page compares those decisions with x/time/rate's. Runs in the grader's sandbox, under its
 * time limit, like a grading run.
 */
import { ModuleError, moduleSystem, type SourceFile } from './modules.ts';

export interface LimiterPlugRequest {
  learner: SourceFile;
  limit: number;
  burst: number;
  /** In time order: when each request arrives (ms) and how many tokens it asks for. */
  arrivals: { tMs: number; n: number }[];
}

export type LimiterPlugResult = { ok: true; allowed: boolean[] } | { ok: false; error: string };

interface LearnerLimiter {
  allowN(now: number, n: number): unknown;
}

export function runLearnerLimiter(request: LimiterPlugRequest): LimiterPlugResult {
  let exports: Record<string, unknown>;
  try {
    exports = moduleSystem([request.learner], {}).load(request.learner.name);
  } catch (error) {
    return { ok: false, error: error instanceof ModuleError ? error.describe() : String(error) };
  }
  const Limiter = exports.Limiter;
  if (typeof Limiter !== 'function') return { ok: false, error: `${request.learner.name} does not export a class Limiter` };
  try {
    const limiter = new (Limiter as new (limit: number, burst: number) => LearnerLimiter)(request.limit, request.burst);
    if (typeof limiter.allowN !== 'function') return { ok: false, error: 'Limiter has no allowN(now, n) method' };
    const allowed = request.arrivals.map((a) => limiter.allowN(a.tMs, a.n) === true);
    return { ok: true, allowed };
  } catch (error) {
    return { ok: false, error: `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}` };
  }
}
