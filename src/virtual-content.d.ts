declare module 'virtual:content' {
  type Lang = import('./lib/content/types').Lang;
  type LessonBody = import('./lib/content/types').LessonBody;
  type LessonMeta = import('./lib/content/types').LessonMeta;
  export const lessons: LessonMeta[];
  export function loadLessonBody(id: string, lang: Lang): Promise<LessonBody | undefined>;
}

declare module 'virtual:content/glossary' {
  type GlossaryEntry = import('./lib/content/types').GlossaryEntry;
  /** Every term the lessons tag, sorted by its English form. */
  export const glossary: GlossaryEntry[];
}

declare module 'virtual:content/quiz' {
  const bank: import('./lib/quiz/types').Question[];
  export default bank;
}

declare module 'virtual:content/search' {
  const index: import('./lib/search/index-types').SearchIndex;
  export default index;
}

declare module 'virtual:runtime-assets' {
  /** The sandbox iframe's page. */
  export const sandboxRunnerUrl: string;
  /** The single-file worker bundle posted into the sandbox. */
  export const sandboxWorkerUrl: string;
  /** The live-lab Node bundle for the WebContainer, or null when the checkout has no live lab. */
  export const labBundleUrl: string | null;
  /** The single-file grader worker bundle (src/lib/grader/worker.ts), posted into the same sandbox. */
  export const graderWorkerUrl: string;
}

declare module 'virtual:content/exercises' {
  type ExerciseFiles = import('./lib/content/types').ExerciseFiles;
  type ExerciseMeta = import('./lib/content/types').ExerciseMeta;
  export const exercises: ExerciseMeta[];
  export function loadExerciseFiles(id: string): Promise<ExerciseFiles | undefined>;
}
