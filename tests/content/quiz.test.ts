/**
 * The quiz bank's validation: each broken question is reported at its own line with what is wrong,
 * and the good fixture passes. (The real bank's counts per topic are checked in quiz-bank.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileContent } from '../../src/lib/content/build/compile';
import { formatProblem } from '../../src/lib/content/types';
import { goodFixture, projectRoot, scratchContent } from './helpers';

let scratch: ReturnType<typeof scratchContent> | undefined;
afterEach(() => scratch?.cleanup());

const QUIZ = 'quiz/alpha.yaml';

async function problemsAfter(change: (text: string) => string): Promise<{ problems: string[]; line: (needle: string) => number }> {
  scratch = scratchContent();
  scratch.edit(QUIZ, change);
  const s = scratch;
  const { problems } = await compileContent(s.root, s.dir);
  return { problems: problems.map(formatProblem), line: (needle) => s.lineOf(QUIZ, needle) };
}

describe('quiz validation', () => {
  it('accepts the good fixture and keeps the questions in file order', async () => {
    const { problems, quiz } = await compileContent(projectRoot, goodFixture);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(quiz.map((q) => [q.id, q.type, q.topic])).toEqual([
      ['alpha-burst', 'numeric', 'alpha'],
      ['alpha-kind', 'single', 'alpha'],
      ['alpha-order', 'ordering', 'alpha'],
    ]);
  });

  it('reports an answer index outside the choices', async () => {
    const { problems, line } = await problemsAfter((t) => t.replace('    answer: 1\n', '    answer: 3\n'));
    expect(problems).toEqual([`content/${QUIZ}:${line('id: alpha-kind') + 0}: question "alpha-kind": answer must be the index of the right choice (0–2)`]);
  });

  it('reports choices that differ in number between the languages', async () => {
    const { problems } = await problemsAfter((t) => t.replace('choices: [fixed window, token bucket, leaky bucket]', 'choices: [fixed window, token bucket]'));
    expect(problems.some((p) => p.includes('question "alpha-kind": zh has 3 choices but en has 2'))).toBe(true);
  });

  it('requires a tolerance on a numeric answer and forbids an answer on an ordering', async () => {
    const { problems } = await problemsAfter((t) => t.replace('    tolerance: 0\n', '').replace("  - id: alpha-order\n    type: ordering\n", "  - id: alpha-order\n    type: ordering\n    answer: 1\n"));
    expect(problems.some((p) => p.includes('"alpha-burst": a numeric question states its tolerance'))).toBe(true);
    expect(problems.some((p) => p.includes('"alpha-order": an ordering question lists its items in the right order and has no "answer"'))).toBe(true);
  });

  it('reports a lesson section that does not exist, at the lesson line', async () => {
    const { problems, line } = await problemsAfter((t) => t.replace('    lesson: /lessons/alpha#token-bucket\n    answer: 1', '    lesson: /lessons/alpha#no-such\n    answer: 1'));
    expect(problems).toEqual([`content/${QUIZ}:${line('#no-such')}: question "alpha-kind": no heading "#no-such" in lesson "alpha" (zh)`]);
  });

  it('reports duplicate ids, unknown follow-ups and a topic that is not its file', async () => {
    const { problems } = await problemsAfter((t) =>
      t.replace('id: alpha-order', 'id: alpha-kind').replace('followUps: [alpha-kind]', 'followUps: [alpha-missing]').replace('topic: alpha', 'topic: beta'),
    );
    expect(problems.some((p) => p.includes('question id "alpha-kind" is already used at content/quiz/alpha.yaml:'))).toBe(true);
    expect(problems.some((p) => p.includes('follow-up "alpha-missing" does not exist'))).toBe(true);
    expect(problems.some((p) => p.includes('topic "beta" must match the file name (beta.yaml)'))).toBe(true);
  });

  it('reports a missing language and an unknown key through the schema, at their lines', async () => {
    const { problems, line } = await problemsAfter((t) => t.replace('    unit: requests\n', '    unit: requests\n    hint: none\n'));
    expect(problems).toContain(`content/${QUIZ}:${line('hint: none')}: unknown key "hint" (allowed: id, type, difficulty, tags, lesson, followUps, code, answer, tolerance, unit, zh, en)`);
  });
});
