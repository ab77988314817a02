/** Shapes shared by the build-time compiler and the client. No runtime code here. */

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export interface Heading {
  depth: 2 | 3;
  id: string;
  /** Plain text of the heading, without the `{#id}` marker. */
  text: string;
}

/** What the course map and navigation need about one lesson in one language. */
export interface LessonSummary {
  title: string;
  summary: string;
  headings: Heading[];
  readingMinutes: number;
}

export interface LessonMeta {
  id: string;
  order: number;
  tags: string[];
  sims: string[];
  exercises: string[];
  /** The lesson's quiz tag (its first tag) and how many questions of the bank carry it. */
  quizTag: string;
  quizCount: number;
  langs: Record<Lang, LessonSummary>;
}

/** A glossary entry: a term a lesson tags in its frontmatter, in both languages, and where it is taught. */
export interface GlossaryEntry {
  id: string;
  lesson: string;
  heading: string;
  langs: Record<Lang, { term: string; definition: string }>;
}

/** The compiled body of one lesson in one language, loaded lazily per page. */
export interface LessonBody {
  html: string;
  diagramCount: number;
}

/** A problem in a content file, reported as `file:line: message`. */
export interface ContentProblem {
  file: string;
  line: number;
  message: string;
}

export function formatProblem(p: ContentProblem): string {
  return `${p.file}:${p.line}: ${p.message}`;
}

/** An exercise's metadata (content/exercises/<id>/meta.yaml), in the index every page can load. */
export interface ExerciseMeta {
  id: string;
  difficulty: 1 | 2 | 3;
  topic: string;
  /** `<lesson-id>#<heading-id>` */
  lesson: string;
  lab: string | null;
  title: Record<Lang, string>;
  tasks: Record<Lang, string>[];
  hints: Record<Lang, string>[];
  sources: string[];
}

/** What the exercise page loads lazily: instructions, the learner's starting point, the proof and the tests. */
export interface ExerciseFiles {
  instructions: Record<Lang, string>;
  /** The learner's file name, as the test file imports it: `<id>.ts`. */
  moduleName: string;
  testName: string;
  starter: string;
  solution: string;
  tests: string;
}
