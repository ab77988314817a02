/** The app's sections besides the lessons: their URL, their name in the header, and their home-page card. */
import type { StringKey } from './i18n/strings';

export const SECTION_IDS = ['sims', 'exercises', 'quiz', 'interview', 'review'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export interface Section {
  id: SectionId;
  href: string;
  title: StringKey;
  /** What the section offers, one sentence on the home page. */
  body: StringKey;
}

export const SECTIONS: readonly Section[] = [
  { id: 'sims', href: '/sims', title: 'navSims', body: 'homeSimsBody' },
  { id: 'exercises', href: '/exercises', title: 'navExercises', body: 'homeExercisesBody' },
  { id: 'quiz', href: '/quiz', title: 'navQuiz', body: 'homeQuizBody' },
  { id: 'interview', href: '/interview', title: 'navInterview', body: 'homeInterviewBody' },
  { id: 'review', href: '/review', title: 'navReview', body: 'homeReviewBody' },
];
