/**
 * Turns the exercise's TypeScript files into running CommonJS modules: sucrase strips the types and
 * rewrites imports (it keeps line numbers, so errors point at the learner's lines), and each module
 * is evaluated with a `require` that knows only the modules the grader provides. Eval is the point:
 * this runs inside the sandbox, whose CSP allows it and nothing else.
 */
import { transform } from 'sucrase';

export interface SourceFile {
  /** The file name the learner sees, e.g. `token-bucket.ts`. */
  name: string;
  code: string;
}

/** A syntax error or an error while a module was loading, with where it happened when known. */
export class ModuleError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'ModuleError';
  }

  /** "token-bucket.ts:3:12: Unexpected token" */
  describe(): string {
    const where = this.line === undefined ? this.file : `${this.file}:${this.line}${this.column === undefined ? '' : `:${this.column}`}`;
    return `${where}: ${this.message}`;
  }
}

/** Strips types and converts imports to `require`; throws ModuleError with the line on a syntax error. */
export function toCommonJs(file: SourceFile): string {
  try {
    return transform(file.code, { transforms: ['typescript', 'imports'], filePath: file.name, production: true }).code;
  } catch (error) {
    const e = error as Error & { loc?: { line: number; column: number } };
    const message = e.message.replace(/^Error transforming [^:]*: /, '').replace(/\s*\(\d+:\d+\)$/, '');
    throw new ModuleError(`SyntaxError: ${message}`, file.name, e.loc?.line, e.loc === undefined ? undefined : e.loc.column + 1);
  }
}

/** V8 and SpiderMonkey put the source URL and line in the stack; the Function wrapper adds two lines. */
function lineOf(error: unknown, file: string): number | undefined {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}:(\\d+):\\d+`).exec(stack);
  if (!match) return undefined;
  const line = Number(match[1]) - 2;
  return line > 0 ? line : undefined;
}

export interface ModuleSystem {
  /** Loads a file (once) and returns its exports. */
  load(name: string): Record<string, unknown>;
}

/**
 * A module system over `files`, where `provided` are modules given by name (e.g. `vitest`). A file is
 * required as `./name`, `./name.ts` or `./name.js`.
 */
export function moduleSystem(files: readonly SourceFile[], provided: Record<string, Record<string, unknown>>): ModuleSystem {
  const byName = new Map(files.map((f) => [f.name, f]));
  const cache = new Map<string, Record<string, unknown>>();

  function resolve(specifier: string): SourceFile | null {
    if (!specifier.startsWith('./')) return null;
    const base = specifier.slice(2).replace(/\.(ts|js)$/, '');
    return byName.get(`${base}.ts`) ?? byName.get(base) ?? null;
  }

  function load(name: string): Record<string, unknown> {
    const cached = cache.get(name);
    if (cached) return cached;
    const file = byName.get(name);
    if (!file) throw new Error(`no file named ${name}`);
    const code = toCommonJs(file);
    const module = { exports: {} as Record<string, unknown> };
    cache.set(name, module.exports);
    const require = (specifier: string) => {
      if (Object.hasOwn(provided, specifier)) return provided[specifier];
      const target = resolve(specifier);
      if (target) return load(target.name);
      throw new ModuleError(`Cannot import "${specifier}": exercises are self-contained (only ${Object.keys(provided).map((p) => `"${p}"`).join(', ')} and the exercise's own files can be imported)`, name);
    };
    let evaluate: (exports: unknown, require: unknown, module: unknown) => void;
    try {
      evaluate = new Function('exports', 'require', 'module', `${code}\n//# sourceURL=${name}`) as typeof evaluate;
    } catch (error) {
      // sucrase accepted it but the engine did not (e.g. a duplicate declaration).
      throw new ModuleError(`SyntaxError: ${(error as Error).message}`, name);
    }
    try {
      evaluate(module.exports, require, module);
    } catch (error) {
      if (error instanceof ModuleError) throw error;
      const e = error as Error;
      throw new ModuleError(`${e?.name ?? 'Error'} while loading: ${e?.message ?? String(error)}`, name, lineOf(error, name));
    }
    cache.set(name, module.exports);
    return module.exports;
  }

  return { load };
}
