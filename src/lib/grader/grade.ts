/**
 * Grades an exercise: loads the learner's module and the test file, collects the tests, runs them,
 * and returns Exercism v3 results. Runs wherever JavaScript runs — the sandbox worker in the browser,
 * and Node in tests/exercises, which checks it agrees with real Vitest. The time limit is not here:
 * a synchronous infinite loop cannot be stopped from inside, so the page's watchdog ends the worker.
 */
import { createHarness } from './harness.ts';
import { ModuleError, moduleSystem, type SourceFile } from './modules.ts';
import { errorResult, overallStatus, type GradeResult } from './results.ts';

export interface GradeRequest {
  /** The learner's module, named as the test file imports it (`<id>.ts`). */
  learner: SourceFile;
  /** The exercise's test file (`<id>.test.ts`). */
  tests: SourceFile;
}

export async function grade(request: GradeRequest): Promise<GradeResult> {
  const harness = createHarness();
  const modules = moduleSystem([request.learner, request.tests], { vitest: harness.api });
  try {
    modules.load(request.tests.name);
  } catch (error) {
    if (error instanceof ModuleError) return errorResult(error.describe());
    return errorResult(error instanceof Error ? error.message : String(error));
  }
  const tests = await harness.run();
  if (tests.length === 0) return errorResult('The test file defines no tests.');
  return { version: 3, status: overallStatus(tests), tests };
}
