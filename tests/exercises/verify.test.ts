/**
 * Proves every exercise (DESIGN.md, "Grading"): real Vitest runs each test file against the solution
 * (every test passes) and the starter (at least one fails), through vitest.exercises.config.ts in a
 * child process with the JSON reporter; then the in-browser grading harness, run here in Node, must
 * report the same tests, in the same order, with the same status. The same comparison runs in
 * Chromium in tests/e2e/exercises.e2e.ts, against the JSON this file writes.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { grade } from '../../src/lib/grader/grade';
import { typeCheckExercise } from '../../scripts/lib/exercise-types';
import { EXERCISES } from '../../src/lib/content/catalog';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const exercisesDir = join(root, 'content/exercises');
const ids = readdirSync(exercisesDir).filter((name) => statSync(join(exercisesDir, name)).isDirectory()).sort();
const TARGETS = ['solution', 'starter'] as const;
type Target = (typeof TARGETS)[number];

/** Test name → status as Vitest reports it, in file order, per exercise id. */
type Report = Map<string, { name: string; status: 'pass' | 'fail' }[]>;

interface VitestJson {
  testResults: { name: string; assertionResults: { ancestorTitles: string[]; title: string; status: string }[]; message?: string }[];
}

async function runVitest(target: Target): Promise<Report> {
  const out = join(root, 'node_modules/.cache/exercises', `vitest-${target}.json`);
  mkdirSync(join(root, 'node_modules/.cache/exercises'), { recursive: true });
  try {
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.exercises.config.ts', '--reporter=json', `--outputFile=${out}`], {
      cwd: root,
      env: { ...process.env, EXERCISE_TARGET: target, CI: '' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // Vitest exits 1 when a test fails, which the starter run expects; the JSON has the details.
    if ((error as { code?: number }).code !== 1) throw error;
  }
  const json = JSON.parse(readFileSync(out, 'utf8')) as VitestJson;
  const report: Report = new Map();
  for (const file of json.testResults) {
    const id = file.name.split('/').at(-2)!;
    const tests = file.assertionResults.map((a) => ({
      name: [...a.ancestorTitles, a.title].join(' > '),
      // Exercism has no "skipped": a test that did not run has not passed.
      status: a.status === 'passed' ? ('pass' as const) : ('fail' as const),
    }));
    if (tests.length === 0 && file.message) throw new Error(`${id}: Vitest could not run the file: ${file.message}`);
    report.set(id, tests);
  }
  return report;
}

const vitest: Partial<Record<Target, Report>> = {};

beforeAll(async () => {
  for (const target of TARGETS) vitest[target] = await runVitest(target);
  // Handed to the end-to-end test, which checks the harness in Chromium against the same statuses.
  const expected = Object.fromEntries(TARGETS.map((target) => [target, Object.fromEntries(vitest[target]!)]));
  writeFileSync(join(root, 'node_modules/.cache/exercises/expected.json'), JSON.stringify(expected));
}, 300_000);

it('has an exercise for every id of the catalog, and at least sixteen', () => {
  expect(ids).toEqual(Object.keys(EXERCISES).sort());
  expect(ids.length).toBeGreaterThanOrEqual(16);
});

describe.each(ids)('%s', (id) => {
  const dir = join(exercisesDir, id);
  const source = (name: string) => readFileSync(join(dir, name), 'utf8');

  it('type-checks the tests against the solution and the starter', () => {
    for (const target of TARGETS) expect(typeCheckExercise(dir, target), target).toEqual([]);
  });

  it('passes every test with the solution under real Vitest', () => {
    const tests = vitest.solution!.get(id);
    expect(tests?.length, 'tests found by Vitest').toBeGreaterThanOrEqual(8);
    expect(tests!.filter((t) => t.status !== 'pass')).toEqual([]);
  });

  it('fails at least one test with the starter under real Vitest', () => {
    const tests = vitest.starter!.get(id)!;
    expect(tests.some((t) => t.status === 'fail')).toBe(true);
  });

  it.each(TARGETS)('the harness reports what Vitest reports (%s)', async (target) => {
    const result = await grade({ learner: { name: `${id}.ts`, code: source(`${target}.ts`) }, tests: { name: `${id}.test.ts`, code: source(`${id}.test.ts`) } });
    expect(result.message).toBeUndefined();
    expect(result.tests.map((t) => ({ name: t.name, status: t.status }))).toEqual(vitest[target]!.get(id));
  });

  it('puts every test in a "Task N" block, and every task has tests', async () => {
    const meta = parse(source('meta.yaml')) as { tasks: unknown[] };
    const result = await grade({ learner: { name: `${id}.ts`, code: source('solution.ts') }, tests: { name: `${id}.test.ts`, code: source(`${id}.test.ts`) } });
    const tasks = result.tests.map((t) => t.task_id);
    expect(tasks.filter((n) => n === undefined || n < 1 || n > meta.tasks.length), 'tests outside a Task block').toEqual([]);
    expect(new Set(tasks).size).toBe(meta.tasks.length);
  });
});
