/**
 * "Run my implementation" in the limiter lab: the token-bucket exercise's reference solution, run as
 * learner code through the grader's plug, decides every request of every limiter scenario exactly
 * as the lab's x/time/rate port did; a bucket that starts empty, or the starter, does not.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLearnerLimiter } from '../../../src/lib/grader/plug';
import { compareDecisions, tokenBucketDecisions } from '../../../src/lib/labs/limiter-plug';
import { LIMITER_SCENARIOS } from '../../../src/lib/sim/scenarios/limiter';

const exercise = (file: string) => readFileSync(resolve(import.meta.dirname, '../../../content/exercises/token-bucket', file), 'utf8');
const learner = (code: string) => ({ name: 'token-bucket.ts', code });

describe.each(LIMITER_SCENARIOS.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
  const params = Object.fromEntries(Object.entries(scenario.params).map(([k, spec]) => [k, spec.default]));
  const { trace } = scenario.run();
  const { arrivals, reference } = tokenBucketDecisions(trace);
  const rate = Number(params.rate);
  const burst = Number(params.burst);

  it('has token-bucket decisions to compare, some allowed and some not', () => {
    expect(arrivals.length).toBeGreaterThan(10);
    expect(new Set(reference).size).toBe(2);
  });

  it('agrees with the exercise solution on every request', () => {
    const result = runLearnerLimiter({ learner: learner(exercise('solution.ts')), limit: rate, burst, arrivals });
    expect(result.ok).toBe(true);
    const comparison = compareDecisions(arrivals, reference, result.ok ? result.allowed : []);
    expect(comparison.firstDifference).toBeNull();
    expect(comparison.agree).toBe(arrivals.length);
  });

  it('finds where a bucket that starts empty differs, and that it admits less', () => {
    const startsEmpty = `export class Limiter {
  private tokens = 0; private last: number | null = null;
  constructor(private limit: number, private burst: number) {}
  allowN(now: number, n: number): boolean {
    if (this.last !== null) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.limit);
    this.last = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}`;
    const result = runLearnerLimiter({ learner: learner(startsEmpty), limit: rate, burst, arrivals });
    const comparison = compareDecisions(arrivals, reference, result.ok ? result.allowed : []);
    expect(comparison.firstDifference).toMatchObject({ index: 0, reference: true, yours: false });
    expect(comparison.admitted.yours).toBeLessThan(comparison.admitted.reference);
  });

  it("reports the starter's error instead of decisions", () => {
    const result = runLearnerLimiter({ learner: learner(exercise('starter.ts')), limit: rate, burst, arrivals });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/not implemented/) });
  });
});
