/**
 * `npx tsx scripts/check-exercise-types.ts [id …]`: type-checks each exercise's test file against its
 * solution and its starter. Exits 1 with `file:line:col` errors if any fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { typeCheckExercise, type ExerciseTarget } from './lib/exercise-types.ts';

const root = path.resolve('content/exercises');
const ids = process.argv.slice(2);
const all = fs.readdirSync(root).filter((name) => fs.statSync(path.join(root, name)).isDirectory());
let failed = false;
for (const id of ids.length ? ids : all) {
  for (const target of ['solution', 'starter'] as ExerciseTarget[]) {
    const errors = typeCheckExercise(path.join(root, id), target);
    if (errors.length) failed = true;
    console.log(`${errors.length ? '✗' : '✓'} ${id} (${target})${errors.map((e) => `\n  ${e}`).join('')}`);
  }
}
process.exit(failed ? 1 : 0);
