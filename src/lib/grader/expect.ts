/**
 * The grader's `expect`: Vitest's own matchers from `@vitest/expect` on chai, assembled the way
 * Vitest assembles its global `expect` (packages/vitest/src/integrations/chai), minus snapshots,
 * spies' auto-tracking and `expect.poll`, which exercise tests do not use.
 */
import {
  ASYMMETRIC_MATCHERS_OBJECT,
  ChaiStyleAssertions,
  GLOBAL_EXPECT,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  chai,
  customMatchers,
  getState,
  setState,
  type ExpectStatic,
} from '@vitest/expect';

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  chai.use(JestExtend);
  chai.use(JestChaiExpect);
  chai.use(ChaiStyleAssertions);
  chai.use(JestAsymmetricMatchers);
}

export function createExpect(): ExpectStatic {
  install();
  const expect = ((value: unknown, message?: string) => {
    const { assertionCalls } = getState(expect);
    setState({ assertionCalls: assertionCalls + 1 }, expect);
    return chai.expect(value, message);
  }) as unknown as ExpectStatic;
  Object.assign(expect, chai.expect);
  Object.assign(expect, (globalThis as Record<symbol, unknown>)[ASYMMETRIC_MATCHERS_OBJECT]);
  expect.getState = () => getState(expect);
  expect.setState = (state) => setState(state, expect);
  setState(
    {
      assertionCalls: 0,
      isExpectingAssertions: false,
      isExpectingAssertionsError: null,
      expectedAssertionsNumber: null,
      expectedAssertionsNumberErrorGen: null,
      currentTestName: '',
    } as never,
    expect,
  );
  (expect as { assert: unknown }).assert = chai.assert;
  expect.extend = (matchers) => (chai.expect as unknown as { extend: (e: unknown, m: unknown) => void }).extend(expect, matchers);
  expect.unreachable = (message?: string) => {
    chai.assert.fail(`expected${message ? ` "${message}" ` : ' '}not to be reached`);
  };
  (expect as unknown as { assertions: (n: number) => void }).assertions = (expected: number) => {
    expect.setState({ expectedAssertionsNumber: expected, expectedAssertionsNumberErrorGen: () => new Error(`expected number of assertions to be ${expected}, but got ${expect.getState().assertionCalls}`) } as never);
  };
  (expect as unknown as { hasAssertions: () => void }).hasAssertions = () => {
    expect.setState({ isExpectingAssertions: true, isExpectingAssertionsError: new Error('expected any number of assertion, but got none') } as never);
  };
  expect.extend(customMatchers);
  (globalThis as Record<symbol, unknown>)[GLOBAL_EXPECT] = expect;
  return expect;
}

/** Checks `expect.assertions(n)` / `expect.hasAssertions()` after a test, as Vitest does. */
export function assertionCountError(expect: ExpectStatic): Error | null {
  const state = expect.getState();
  if (state.expectedAssertionsNumber !== null && state.assertionCalls !== state.expectedAssertionsNumber) {
    return state.expectedAssertionsNumberErrorGen?.() ?? new Error('wrong number of assertions');
  }
  if (state.isExpectingAssertions && state.assertionCalls === 0) return state.isExpectingAssertionsError ?? new Error('expected any number of assertion, but got none');
  return null;
}

export function resetAssertionState(expect: ExpectStatic, testName: string): void {
  expect.setState({
    assertionCalls: 0,
    isExpectingAssertions: false,
    isExpectingAssertionsError: null,
    expectedAssertionsNumber: null,
    expectedAssertionsNumberErrorGen: null,
    currentTestName: testName,
  } as never);
}
