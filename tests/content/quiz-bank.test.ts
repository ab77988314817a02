/**
 * The real question bank against the syllabus: at least the listed number of questions per topic
 * (SYLLABUS.md's "quiz" column), every type in use, every question in both languages, follow-up
 * chains present, and every lesson's quiz tag reaching its questions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileContent, type CompiledContent } from '../../src/lib/content/build/compile';
import { QUIZ_TYPES } from '../../src/lib/content/schema';
import { projectRoot } from './helpers';

/** SYLLABUS.md, topic map, "quiz" column: the minimum per lesson. */
const MINIMUM: Record<string, number> = {
  registry: 25,
  rpc: 20,
  communication: 10,
  middleware: 12,
  config: 12,
  timeouts: 12,
  retries: 15,
  'rate-limiting': 15,
  'circuit-breaking': 15,
  'distributed-transactions': 15,
  decomposition: 10,
  observability: 12,
  security: 12,
  'api-evolution': 12,
  frameworks: 8,
  messaging: 10,
  production: 8,
};

let content: CompiledContent;
beforeAll(async () => {
  content = await compileContent(projectRoot);
});

describe('the quiz bank', () => {
  it('compiles without problems', () => {
    expect(content.problems).toEqual([]);
  });

  it('has at least the syllabus count for every topic, and 220 in all', () => {
    const counts = Object.fromEntries(Object.keys(MINIMUM).map((topic) => [topic, content.quiz.filter((q) => q.topic === topic).length]));
    for (const [topic, minimum] of Object.entries(MINIMUM)) expect(counts[topic], topic).toBeGreaterThanOrEqual(minimum);
    expect(content.quiz.length).toBeGreaterThanOrEqual(220);
  });

  it('uses every question type and every difficulty', () => {
    expect(new Set(content.quiz.map((q) => q.type))).toEqual(new Set(QUIZ_TYPES));
    expect(new Set(content.quiz.map((q) => q.difficulty))).toEqual(new Set([1, 2, 3]));
  });

  it('has every question in both languages', () => {
    for (const q of content.quiz) {
      expect(q.zh.prompt.trim(), q.id).not.toBe('');
      expect(q.en.prompt.trim(), q.id).not.toBe('');
      expect(q.zh.prompt, q.id).not.toBe(q.en.prompt);
    }
  });

  it('builds follow-up chains in every topic', () => {
    for (const topic of Object.keys(MINIMUM)) {
      expect(content.quiz.some((q) => q.topic === topic && q.followUps.length > 0), topic).toBe(true);
    }
  });

  it('links every lesson to its quiz tag', () => {
    for (const lesson of content.lessons) {
      expect(lesson.quizTag, lesson.id).toBe(lesson.id);
      expect(lesson.quizCount, lesson.id).toBeGreaterThanOrEqual(MINIMUM[lesson.id] ?? 1);
    }
  });
});
