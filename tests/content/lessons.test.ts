import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileContent, type CompiledContent } from '../../src/lib/content/build/compile';
import { STAGES, stageOf } from '../../src/lib/content/catalog';
import { LANGS, formatProblem } from '../../src/lib/content/types';
import { projectRoot } from './helpers';

/** The lessons the foundation ships as the model for the rest of the curriculum. */
const REQUIRED_LESSONS = ['registry', 'rate-limiting', 'circuit-breaking'];

let content: CompiledContent;
beforeAll(async () => {
  content = await compileContent(projectRoot);
});

describe('the content folder', () => {
  it('has no problems', () => {
    expect(content.problems.map(formatProblem)).toEqual([]);
  });

  it.each(REQUIRED_LESSONS)('has the lesson "%s" in every language', (id) => {
    const lesson = content.lessons.find((l) => l.id === id);
    expect(lesson, id).toBeDefined();
    for (const lang of LANGS) expect(content.bodies.has(`${id}/${lang}`), `${id}/${lang}`).toBe(true);
  });

  // Every lesson, not only the required ones, has what SYLLABUS.md's "What a lesson contains" lists.
  const allLessons = readdirSync(join(projectRoot, 'content/lessons')).sort();
  it('covers at least the required lessons', () => {
    expect(allLessons).toEqual(expect.arrayContaining(REQUIRED_LESSONS));
  });

  it('places every lesson on the course path, in an order that follows the stages', () => {
    const stageIndex = (id: string) => STAGES.findIndex((s) => (s.lessons as readonly string[]).includes(id));
    for (const id of allLessons) expect(stageOf(id), `${id} is in no stage of src/lib/content/catalog.ts`).toBeDefined();
    const stagesInOrder = content.lessons.map((l) => stageIndex(l.id));
    expect(stagesInOrder).toEqual([...stagesInOrder].sort((a, b) => a - b));
    const listed = STAGES.flatMap((s) => s.lessons);
    expect(new Set(listed).size).toBe(listed.length);
  });

  describe.each(allLessons.flatMap((id) => LANGS.map((lang) => [id, lang] as const)))('%s (%s)', (id, lang) => {
    const html = () => content.bodies.get(`${id}/${lang}`)?.html ?? '';
    const count = (pattern: RegExp) => (html().match(pattern) ?? []).length;

    it('has what a lesson contains: diagrams, Go, a table, follow-ups and pitfalls', () => {
      expect(content.bodies.get(`${id}/${lang}`)?.diagramCount, 'mermaid diagrams').toBeGreaterThanOrEqual(1);
      expect(count(/<pre data-lang="go"/g), 'go blocks').toBeGreaterThanOrEqual(1);
      expect(count(/<table>/g), 'tables').toBeGreaterThanOrEqual(1);
      expect(count(/class="callout callout-followup"/g), 'follow-ups').toBeGreaterThanOrEqual(3);
      expect(count(/class="callout callout-pitfall"/g), 'pitfalls').toBeGreaterThanOrEqual(1);
    });

    it('has a title, a summary and a table of contents', () => {
      const text = content.lessons.find((l) => l.id === id)!.langs[lang];
      expect(text.title.length).toBeGreaterThan(1);
      expect(text.summary.length).toBeGreaterThan(10);
      expect(text.headings.length).toBeGreaterThanOrEqual(5);
    });
  });
});
