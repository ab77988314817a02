/**
 * A small test runner with Vitest's authoring API — describe/it/test (with .each, .skip, .only,
 * .todo), beforeAll/afterAll/beforeEach/afterEach — for running exercise tests where Vitest itself
 * cannot: a browser worker. Tests are collected while the test module runs, then run one at a time in
 * authored order, the way Vitest runs a file's tests by default. Results come back in Exercism's v3
 * shape (results.ts). Same statuses as Vitest for the same file is checked by tests/exercises.
 */
import type { ExpectStatic } from '@vitest/expect';
import { format, objDisplay, stringify } from '@vitest/utils/display';
import { assertionCountError, createExpect, resetAssertionState } from './expect.ts';
import { MESSAGE_LIMIT, OUTPUT_LIMIT, cap, type TestResult } from './results.ts';

type Fn = () => unknown;
type Hook = () => unknown;

interface TestNode {
  kind: 'test';
  name: string;
  fn: Fn | null;
  mode: 'run' | 'skip' | 'only' | 'todo';
}

interface SuiteNode {
  kind: 'suite';
  name: string;
  mode: 'run' | 'skip' | 'only';
  children: (TestNode | SuiteNode)[];
  beforeAll: Hook[];
  afterAll: Hook[];
  beforeEach: Hook[];
  afterEach: Hook[];
}

/** How long one async test may take before it fails ("Test timed out"), well inside the run's limit. */
export const TEST_TIMEOUT_MS = 1000;

const TASK = /^Task (\d+)\b/;

export interface HarnessOptions {
  /** Where console output goes while a test runs; the harness captures it per test. */
  console?: Console;
  testTimeoutMs?: number;
}

export interface Harness {
  /** The module the test file gets for `import … from 'vitest'`. */
  api: Record<string, unknown>;
  run(): Promise<TestResult[]>;
}

function newSuite(name: string, mode: SuiteNode['mode']): SuiteNode {
  return { kind: 'suite', name, mode, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
}

/** Vitest's `.each` title: %# and %$ (index), printf placeholders, and $key for object rows. */
function eachTitle(template: string, row: unknown, index: number): string {
  let title = template.replace(/%%/g, '\u0000').replace(/%#/g, String(index)).replace(/%\$/g, String(index + 1)).replace(/\u0000/g, '%%');
  const items = Array.isArray(row) ? row : [row];
  if (typeof row === 'object' && row !== null && !Array.isArray(row)) {
    title = title.replace(/\$([$\w.]+)/g, (_, key: string) => {
      let value: unknown = row;
      for (const part of key.split('.')) value = value == null ? undefined : (value as Record<string, unknown>)[part];
      return objDisplay(value);
    });
  }
  const placeholders = (title.match(/%[sdifjoOc]/g) ?? []).length;
  return placeholders ? format(title, ...items.slice(0, placeholders)) : title.replace(/%%/g, '%');
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return cap(`${name}${error.message}`, MESSAGE_LIMIT);
  }
  return cap(`thrown: ${stringify(error)}`, MESSAGE_LIMIT);
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const expect: ExpectStatic = createExpect();
  const root = newSuite('', 'run');
  let current = root;
  let collecting = true;
  const testTimeoutMs = options.testTimeoutMs ?? TEST_TIMEOUT_MS;

  function assertCollecting(what: string): void {
    if (!collecting) throw new Error(`${what}() must be called at the top level of the test file or inside describe(), not inside a test`);
  }

  function addSuite(name: string, body: (() => void) | undefined, mode: SuiteNode['mode']): void {
    assertCollecting('describe');
    const suite = newSuite(name, mode);
    current.children.push(suite);
    const parent = current;
    current = suite;
    try {
      const result = body?.();
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        throw new Error(`describe("${name}") must not be async: tests are collected synchronously`);
      }
    } finally {
      current = parent;
    }
  }

  function addTest(name: string, fn: Fn | undefined, mode: TestNode['mode']): void {
    assertCollecting('test');
    current.children.push({ kind: 'test', name, fn: fn ?? null, mode: fn ? mode : 'todo' });
  }

  function withModifiers<T extends (name: string, fn?: never) => void>(
    add: (name: string, fn: never, mode: 'run' | 'skip' | 'only' | 'todo') => void,
    hasTodo: boolean,
  ): T {
    const base = ((name: string, fn?: never) => add(String(name), fn as never, 'run')) as unknown as Record<string, unknown>;
    base.skip = (name: string, fn?: never) => add(String(name), fn as never, 'skip');
    base.only = (name: string, fn?: never) => add(String(name), fn as never, 'only');
    if (hasTodo) base.todo = (name: string) => add(String(name), undefined as never, 'todo');
    base.each =
      (table: readonly unknown[]) =>
      (template: string, fn: (...args: unknown[]) => unknown) => {
        if (!Array.isArray(table)) throw new Error('.each() expects an array of cases');
        table.forEach((row, index) => {
          const args = Array.isArray(row) ? row : [row];
          add(eachTitle(String(template), row, index), (() => fn(...args)) as never, 'run');
        });
      };
    base.skipIf = (condition: unknown) => (condition ? base.skip : base);
    base.runIf = (condition: unknown) => (condition ? base : base.skip);
    return base as unknown as T;
  }

  const describe = withModifiers((name, fn, mode) => addSuite(name, fn as (() => void) | undefined, mode === 'todo' ? 'skip' : mode), false);
  const test = withModifiers((name, fn, mode) => addTest(name, fn as Fn | undefined, mode), true);

  const hook = (kind: 'beforeAll' | 'afterAll' | 'beforeEach' | 'afterEach') => (fn: Hook) => {
    assertCollecting(kind);
    current[kind].push(fn);
  };

  const api: Record<string, unknown> = {
    describe,
    suite: describe,
    it: test,
    test,
    expect,
    beforeAll: hook('beforeAll'),
    afterAll: hook('afterAll'),
    beforeEach: hook('beforeEach'),
    afterEach: hook('afterEach'),
    vi: new Proxy({}, { get: () => { throw new Error('vi is not available in the exercise grader: inject time and dependencies instead'); } }),
  };

  async function withTimeout(run: () => unknown, label: string): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = run();
    if (!result || typeof (result as Promise<unknown>).then !== 'function') return;
    try {
      await Promise.race([
        result,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${label} timed out in ${testTimeoutMs}ms`)), testTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Captures console output into `sink` for the duration of one test. */
  function captureConsole(sink: string[]): () => void {
    const target = options.console ?? globalThis.console;
    const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
    const saved = methods.map((m) => target[m]);
    for (const m of methods) {
      target[m] = (...args: unknown[]) => {
        sink.push(format(...(args as [unknown, ...unknown[]])));
      };
    }
    return () => methods.forEach((m, i) => (target[m] = saved[i] as never));
  }

  function hasOnly(node: SuiteNode | TestNode): boolean {
    return node.mode === 'only' || (node.kind === 'suite' && node.children.some(hasOnly));
  }

  async function run(): Promise<TestResult[]> {
    collecting = false;
    const results: TestResult[] = [];
    const onlyMode = hasOnly(root);

    async function runSuite(suite: SuiteNode, path: string[], each: { before: Hook[]; after: Hook[] }, taskId: number | undefined, skipped: boolean, onlyAbove: boolean): Promise<void> {
      const beforeEach = [...each.before, ...suite.beforeEach];
      const afterEach = [...suite.afterEach, ...each.after];
      const inOnly = onlyAbove || suite.mode === 'only';
      let setupError: unknown = null;
      if (!skipped) {
        for (const fn of suite.beforeAll) {
          try {
            await withTimeout(fn, 'beforeAll hook');
          } catch (error) {
            setupError = error;
            break;
          }
        }
      }
      for (const child of suite.children) {
        const childPath = [...path, child.name];
        const childTask = taskId ?? (path.length === 0 ? Number(TASK.exec(child.name)?.[1]) || undefined : undefined);
        const selected = !onlyMode || inOnly || hasOnly(child);
        if (child.kind === 'suite') {
          await runSuite(child, childPath, { before: beforeEach, after: afterEach }, childTask, skipped || child.mode === 'skip' || !selected, inOnly || child.mode === 'only');
          continue;
        }
        const result: TestResult = { name: childPath.join(' > '), status: 'pass' };
        if (childTask !== undefined) result.task_id = childTask;
        if (skipped || child.mode === 'skip' || child.mode === 'todo' || !selected || !child.fn) {
          // Exercism has no "skipped"; a test that did not run has not passed.
          result.status = 'fail';
          result.message = child.mode === 'todo' ? 'todo: this test is not written yet' : 'skipped';
          results.push(result);
          continue;
        }
        if (setupError !== null) {
          result.status = 'fail';
          result.message = `beforeAll failed: ${messageOf(setupError)}`;
          results.push(result);
          continue;
        }
        const output: string[] = [];
        const restore = captureConsole(output);
        resetAssertionState(expect, result.name);
        const cleanups: Hook[] = [];
        let failure: unknown = null;
        try {
          for (const fn of beforeEach) {
            let cleanup: unknown;
            await withTimeout(() => (cleanup = fn()), 'beforeEach hook');
            // beforeEach may return a cleanup function (a Vitest feature); resolved promises too.
            const resolved = cleanup && typeof (cleanup as Promise<unknown>).then === 'function' ? await cleanup : cleanup;
            if (typeof resolved === 'function') cleanups.unshift(resolved as Hook);
          }
          const fn = child.fn;
          await withTimeout(() => fn(), 'Test');
          const countError = assertionCountError(expect);
          if (countError) throw countError;
        } catch (error) {
          failure = error;
        }
        for (const fn of [...cleanups, ...afterEach]) {
          try {
            await withTimeout(fn, 'afterEach hook');
          } catch (error) {
            failure ??= error;
          }
        }
        restore();
        if (failure !== null) {
          result.status = 'fail';
          result.message = messageOf(failure);
          const assertion = failure as { showDiff?: boolean; expected?: unknown; actual?: unknown };
          if (assertion && typeof assertion === 'object' && assertion.showDiff !== false && 'expected' in assertion && 'actual' in assertion) {
            result.expected = cap(stringify(assertion.expected), MESSAGE_LIMIT);
            result.actual = cap(stringify(assertion.actual), MESSAGE_LIMIT);
          }
        }
        if (output.length) result.output = cap(output.join('\n'), OUTPUT_LIMIT);
        results.push(result);
      }
      if (!skipped) {
        for (const fn of suite.afterAll) {
          try {
            await withTimeout(fn, 'afterAll hook');
          } catch {
            // Vitest reports a failing afterAll against the suite, not its tests, which already ran.
          }
        }
      }
    }

    await runSuite(root, [], { before: [], after: [] }, undefined, false, false);
    return results;
  }

  return { api, run };
}
