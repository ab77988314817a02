/**
 * Answers as text to show: the right one (practice feedback, the interview report, review) and the
 * learner's own (the report). Inline Markdown (`code`, **bold**) is kept for <Inline>.
 */
import type { Lang } from '../../lib/content/types';
import { t } from '../../lib/i18n/index.svelte';
import { correctResponse } from '../../lib/quiz/scoring';
import type { Question, Response } from '../../lib/quiz/types';

export function expectedText(question: Question, lang: Lang): string {
  const right = correctResponse(question);
  if (right.type === 'open') return question[lang].modelAnswer ?? '';
  if (right.type === 'numeric') return `${responseText(question, right, lang)}${question.tolerance ? ` (± ${question.tolerance})` : ''}`;
  return responseText(question, right, lang);
}

/** What `response` says, in words; null (skipped) reads as "I don't know". */
export function responseText(question: Question, response: Response | null, lang: Lang): string {
  const text = question[lang];
  if (response === null) return t('ivSkipped');
  switch (response.type) {
    case 'single':
    case 'code':
      return text.choices?.[response.choice] ?? '';
    case 'multiple':
      return response.choices.length === 0 ? '—' : response.choices.map((i) => text.choices?.[i] ?? '').join(' · ');
    case 'true-false':
      return response.value ? t('quizTrue') : t('quizFalse');
    case 'ordering':
      return response.order.map((i) => text.items?.[i] ?? '').join(' → ');
    case 'numeric':
      return `${response.value}${question.unit ? ` ${question.unit}` : ''}`;
    case 'open':
      return t('ivCovered', { n: response.ticked.length, total: text.rubric?.length ?? 0 });
  }
}
