import path from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';

/**
 * Real Vitest over the exercises' test files. A test file imports the learner's module as `./<id>`;
 * this config points that import at `solution.ts` or `starter.ts`, chosen by EXERCISE_TARGET, so the
 * same tests prove the solution passes and the starter fails (tests/exercises/ runs both).
 */
const target = process.env.EXERCISE_TARGET ?? 'solution';
if (target !== 'solution' && target !== 'starter') {
  throw new Error(`EXERCISE_TARGET must be "solution" or "starter", not "${target}"`);
}

function learnerModule(): Plugin {
  return {
    name: 'exercise-learner-module',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('./')) return null;
      const dir = path.dirname(importer);
      const id = path.basename(dir);
      if (path.basename(path.dirname(dir)) !== 'exercises') return null;
      if (source === `./${id}` || source === `./${id}.ts`) return path.join(dir, `${target}.ts`);
      return null;
    },
  };
}

export default defineConfig({
  plugins: [learnerModule()],
  test: {
    include: ['content/exercises/*/*.test.ts'],
    environment: 'node',
    testTimeout: 10_000,
  },
});
