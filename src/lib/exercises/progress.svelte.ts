/**
 * Exercise progress, read from and written through the store: each exercise's status for the list
 * and the course map, and the learner's code, autosaved per exercise. Without IndexedDB the page still
 * works; nothing is saved, and the storage notice says why.
 */
import { currentStorage, persist } from '../app.svelte';
import type { GradeResult } from '../grader/results';
import { nextExerciseResult, type ExerciseResult } from '../store/records';

export type ExerciseStatus = 'not-started' | 'failing' | 'passed';

export const exerciseProgress = $state({ results: {} as Record<string, ExerciseResult>, loaded: false });

export async function loadExerciseProgress(): Promise<void> {
  const storage = currentStorage();
  if (!storage) {
    exerciseProgress.loaded = true;
    return;
  }
  try {
    const results = await storage.exerciseResults();
    exerciseProgress.results = Object.fromEntries(results.map((r) => [r.exerciseId, r]));
  } finally {
    exerciseProgress.loaded = true;
  }
}

/** Passing once counts as done; afterwards a failing run does not take it away. */
export function statusOf(exerciseId: string): ExerciseStatus {
  const result = exerciseProgress.results[exerciseId];
  if (!result) return 'not-started';
  return result.passedAt !== null ? 'passed' : 'failing';
}

export async function recordGrade(exerciseId: string, result: GradeResult): Promise<void> {
  const passed = result.tests.filter((t) => t.status === 'pass').length;
  const run = { status: result.status, passed, total: result.tests.length };
  const now = Date.now();
  // Without storage the page still shows the run's effect; with it, the stored record is the truth.
  let record = nextExerciseResult(exerciseProgress.results[exerciseId], exerciseId, run, now);
  await persist(async (s) => (record = await s.recordGrade(exerciseId, run, now)));
  exerciseProgress.results = { ...exerciseProgress.results, [exerciseId]: record };
}

export async function loadCode(exerciseId: string): Promise<string | undefined> {
  try {
    return (await currentStorage()?.exerciseCode(exerciseId))?.code;
  } catch {
    return undefined;
  }
}

export async function saveCode(exerciseId: string, code: string): Promise<void> {
  await persist((s) => s.saveExerciseCode({ exerciseId, code, savedAt: Date.now() }));
}

export async function forgetCode(exerciseId: string): Promise<void> {
  await persist((s) => s.deleteExerciseCode(exerciseId));
}
