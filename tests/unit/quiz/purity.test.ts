/**
 * `src/lib/quiz` is pure TypeScript: it runs in the browser and in Node tests, reads no clock and no
 * platform randomness (time comes in as `now`, randomness from the seeded Random), and imports no
 * build-time code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const quizDir = resolve(import.meta.dirname, '../../../src/lib/quiz');
const files = readdirSync(quizDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(quizDir, f));

/** What quiz code may import beyond its own folder. */
const ALLOWED = new Set([resolve(quizDir, '../sim/random.ts'), 'ts-fsrs']);
/** Type-only imports (erased at compile time) may also reach the content schema's types. */
const ALLOWED_TYPE_ONLY = new Set([resolve(quizDir, '../content/schema.ts')]);
const FORBIDDEN = [
  /\b(document|window|localStorage|sessionStorage|indexedDB|navigator|globalThis|process)\b/,
  /\brequire\(|\bBuffer\.|\bset(Timeout|Interval|Immediate)\(|\bfetch\(/,
  /Math\.random|Date\.now|new Date\(\s*\)|performance\./,
];

/** The `from` specifiers of a module's imports and re-exports, comments removed. */
function imports(file: string): { code: string; specs: { spec: string; typeOnly: boolean }[] } {
  const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const specs = [...code.matchAll(/(?:^|\n)\s*(?:import|export)(\s+type)?\s[^'";]*?from\s+'([^']+)'/g)].map((m) => ({ spec: m[2]!, typeOnly: m[1] !== undefined }));
  return { code, specs };
}

describe('src/lib/quiz purity', () => {
  it('has modules to check, and sees their imports', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(imports(join(quizDir, 'types.ts')).specs).toEqual([{ spec: '../content/schema.ts', typeOnly: true }]);
    expect(imports(join(quizDir, 'review.ts')).specs.map((s) => s.spec)).toContain('ts-fsrs');
  });

  it.each(files.map((f) => [relative(quizDir, f), f]))('%s imports only what it may and uses no platform globals', (_name, file) => {
    const { code, specs } = imports(file);
    expect(code, 'no dynamic import()').not.toMatch(/\bimport\s*\(/);
    for (const { spec, typeOnly } of specs) {
      if (!spec.startsWith('.')) {
        expect(ALLOWED.has(spec), `package ${spec}`).toBe(true);
        continue;
      }
      expect(spec.endsWith('.ts'), `${spec}: relative imports name the .ts file`).toBe(true);
      const target = resolve(file, '..', spec);
      const inside = target.startsWith(quizDir + '/');
      expect(inside || ALLOWED.has(target) || (typeOnly && ALLOWED_TYPE_ONLY.has(target)), `${spec} leaves src/lib/quiz`).toBe(true);
    }
    for (const pattern of FORBIDDEN) expect(code.match(pattern)?.[0], `${pattern}`).toBeUndefined();
  });
});
