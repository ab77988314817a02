/**
 * `src/lib/sim` is pure TypeScript: it runs unchanged in Node, a Web Worker and a WebContainer, and
 * the UI reaches it only through its public API. This reads every module's imports and globals.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const simDir = resolve(import.meta.dirname, '../../../src/lib/sim');
const files = (function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
})(simDir);

/** Modules outside src/lib/sim that sim code may import: shared types only. */
const ALLOWED_OUTSIDE = new Set([resolve(simDir, '../content/types.ts')]);
/**
 * Platform APIs a model must not touch. (`window` and `process` alone are fine as local names: a
 * window of time, a simulated process.)
 */
const FORBIDDEN_GLOBALS = [
  /\b(document|localStorage|sessionStorage|indexedDB|navigator|globalThis)\b/,
  /\bwindow\.(document|location|addEventListener|setTimeout|fetch)/,
  /\bprocess\.(env|argv|exit|stdout|stderr|hrtime|nextTick)\b/,
  /\brequire\(|\bBuffer\.|\bset(Timeout|Interval|Immediate)\(|\bfetch\(/,
  /Math\.random|Date\.now|new Date\(/,
];
/** Only the wall clock itself may read the platform's clock. */
const WALL_CLOCK_FILE = 'time.ts';

describe('src/lib/sim purity', () => {
  it('has modules to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [relative(simDir, f), f]))('%s imports only sim modules and uses no platform globals', (_name, file) => {
    const code = readFileSync(file, 'utf8');
    const withoutComments = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    expect(withoutComments, 'no dynamic import()').not.toMatch(/\bimport\s*\(/);
    if (relative(simDir, file) !== WALL_CLOCK_FILE) expect(withoutComments.match(/\bperformance\./)?.[0], 'performance.*').toBeUndefined();
    for (const match of withoutComments.matchAll(/(?:(?:import|export)\s[^'";]*?from\s+|import\s+)'([^']+)'/g)) {
      const spec = match[1]!;
      expect(spec.startsWith('.'), `${spec}: only relative imports (no packages, no node:)`).toBe(true);
      const target = resolve(file, '..', spec);
      expect(target.startsWith(simDir + '/') || ALLOWED_OUTSIDE.has(target), `${spec} leaves src/lib/sim`).toBe(true);
    }
    // Timers and I/O belong to the Clock and the runtime, never to a model: virtual time must rule.
    for (const pattern of FORBIDDEN_GLOBALS) {
      expect(withoutComments.match(pattern)?.[0], `${pattern}`).toBeUndefined();
    }
  });
});
