/** The app's sections besides the lessons: their URL, their name, and what their page promises. */
import type { StringKey } from './i18n/strings';

export const SECTION_IDS = ['sims', 'exercises', 'quiz', 'interview', 'review'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export interface Section {
  id: SectionId;
  href: string;
  title: StringKey;
  coming: StringKey;
  /** Whether `/<id>/<item>` addresses an item of the section (a simulation, an exercise). */
  hasItems: boolean;
}

export const SECTIONS: readonly Section[] = [
  { id: 'sims', href: '/sims', title: 'navSims', coming: 'comingSims', hasItems: true },
  { id: 'exercises', href: '/exercises', title: 'navExercises', coming: 'comingExercises', hasItems: true },
  { id: 'quiz', href: '/quiz', title: 'navQuiz', coming: 'comingQuiz', hasItems: false },
  { id: 'interview', href: '/interview', title: 'navInterview', coming: 'comingInterview', hasItems: false },
  { id: 'review', href: '/review', title: 'navReview', coming: 'comingReview', hasItems: false },
];

export function findSection(id: string): Section | undefined {
  return SECTIONS.find((s) => s.id === id);
}
