/** Topic names as the quiz pages show them: a topic is a lesson id, named by the lesson's title. */
import { lessons } from 'virtual:content';
import type { Lang } from '../../lib/content/types';
import { t } from '../../lib/i18n/index.svelte';
import type { InterviewState } from '../../lib/quiz/types';

export function topicTitle(id: string, lang: Lang): string {
  return lessons.find((l) => l.id === id)?.langs[lang].title ?? id;
}

/** An interview's focus: "All topics", or the topics named. */
export function focusText(state: InterviewState, lang: Lang): string {
  return state.focus === 'all' ? t('ivFocusAll') : state.focus.map((id) => topicTitle(id, lang)).join(lang === 'zh' ? '、' : ', ');
}
