/** The FSRS ratings' names in the interface language. */
import { t } from '../../lib/i18n/index.svelte';
import type { StringKey } from '../../lib/i18n/strings';
import type { ReviewRating } from '../../lib/quiz/review';

const NAMES: Record<ReviewRating, StringKey> = { 1: 'rvAgain', 2: 'rvHard', 3: 'rvGood', 4: 'rvEasy' };

export function ratingName(rating: ReviewRating): string {
  return t(NAMES[rating]);
}
