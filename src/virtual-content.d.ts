declare module 'virtual:content' {
  type Lang = import('./lib/content/types').Lang;
  type LessonBody = import('./lib/content/types').LessonBody;
  type LessonMeta = import('./lib/content/types').LessonMeta;
  export const lessons: LessonMeta[];
  export function loadLessonBody(id: string, lang: Lang): Promise<LessonBody | undefined>;
}
