/**
 * Grading results in the shape of Exercism's `results.json` v3
 * (exercism.org/docs/building/tooling/test-runners/interface): a status for the run, and one entry
 * per test in authored order. Two fields are ours: `expected`/`actual` carry an assertion's two
 * values (pretty-printed) so the results panel can show a diff, as Vitest's reporter does.
 */
export type Status = 'pass' | 'fail' | 'error';

export interface TestResult {
  /** The full name: enclosing describe blocks and the test, joined by " > " (as Vitest prints it). */
  name: string;
  status: Status;
  /** Why it failed or errored; absent when it passed. */
  message?: string;
  /** What the learner's code printed during the test, capped at OUTPUT_LIMIT characters. */
  output?: string;
  /** The task the test grades: N from its top-level `describe('Task N: …')`. */
  task_id?: number;
  expected?: string;
  actual?: string;
}

export interface GradeResult {
  version: 3;
  /** pass: every test passed; fail: some failed; error: the tests could not run (syntax error, time-out…). */
  status: Status;
  /** For `error`: what went wrong, with the line when there is one. */
  message?: string;
  tests: TestResult[];
}

/** Exercism caps each test's output at 500 characters; so do we, and say so. */
export const OUTPUT_LIMIT = 500;
export const MESSAGE_LIMIT = 4000;

export function cap(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n… (truncated: ${text.length - limit} more characters)`;
}

/** The message the grader shows when the learner's code overruns the time limit. */
export function timeLimitMessage(limitMs: number): string {
  const seconds = Number((limitMs / 1000).toFixed(1));
  return `Your code did not finish within ${seconds} s — is there an infinite loop?`;
}

export function errorResult(message: string): GradeResult {
  return { version: 3, status: 'error', message: cap(message, MESSAGE_LIMIT), tests: [] };
}

/** The run's status from its tests: error beats fail beats pass; no tests at all is an error. */
export function overallStatus(tests: readonly TestResult[]): Status {
  if (tests.length === 0) return 'error';
  if (tests.some((t) => t.status === 'error')) return 'error';
  return tests.some((t) => t.status === 'fail') ? 'fail' : 'pass';
}
