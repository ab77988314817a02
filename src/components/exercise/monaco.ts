/**
 * Loads Monaco on demand (only the exercise page needs it: a few MB the rest of the app never loads),
 * with its two workers built by Vite: the editor's and TypeScript's language service, which gives the
 * learner IntelliSense and diagnostics. The TypeScript settings follow the project's (strict,
 * noUncheckedIndexedAccess), so the editor flags what the content type check would.
 */
import type * as Monaco from 'monaco-editor';

export type MonacoApi = typeof Monaco;

let loading: Promise<MonacoApi> | undefined;

/** Types for the test file's `import … from 'vitest'`: the grader's API, enough for hovers and no false errors. */
const VITEST_TYPES = `declare module 'vitest' {
  type Body = () => unknown;
  interface TestFn { (name: string, fn?: Body): void; skip: TestFn; only: TestFn; todo(name: string): void; each<T>(cases: readonly T[]): (name: string, fn: (...args: T extends readonly unknown[] ? T : [T]) => unknown) => void }
  interface DescribeFn { (name: string, fn: () => void): void; skip: DescribeFn; only: DescribeFn; each<T>(cases: readonly T[]): (name: string, fn: (...args: T extends readonly unknown[] ? T : [T]) => void) => void }
  export const describe: DescribeFn;
  export const it: TestFn;
  export const test: TestFn;
  export function beforeEach(fn: () => unknown): void;
  export function afterEach(fn: () => unknown): void;
  export function beforeAll(fn: () => unknown): void;
  export function afterAll(fn: () => unknown): void;
  export const expect: any;
}
`;

export function loadMonaco(): Promise<MonacoApi> {
  loading ??= (async () => {
    const [monaco, { default: EditorWorker }, { default: TsWorker }] = await Promise.all([
      import('monaco-editor'),
      import('monaco-editor/editor/editor.worker?worker'),
      import('monaco-editor/language/typescript/ts.worker?worker'),
    ]);
    (globalThis as unknown as { MonacoEnvironment: Monaco.Environment }).MonacoEnvironment = {
      getWorker: (_id, label) => (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
    };
    const ts = monaco.typescript;
    ts.typescriptDefaults.setCompilerOptions({
      target: ts.ScriptTarget.ESNext,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.NodeJs,
      lib: ['es2023', 'dom'],
      strict: true,
      noUncheckedIndexedAccess: true,
      noImplicitOverride: true,
      allowNonTsExtensions: true,
      isolatedModules: true,
    });
    ts.typescriptDefaults.setEagerModelSync(true);
    // Monaco's dark theme draws comments in #608b4e on #1e1e1e (4.2:1); WCAG AA wants 4.5:1.
    monaco.editor.defineTheme('lab-dark', { base: 'vs-dark', inherit: true, rules: [{ token: 'comment', foreground: '7ca668' }], colors: {} });
    monaco.editor.defineTheme('lab-light', { base: 'vs', inherit: true, rules: [], colors: {} });
    ts.typescriptDefaults.addExtraLib(VITEST_TYPES, 'file:///node_modules/@types/vitest/index.d.ts');
    return monaco;
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
