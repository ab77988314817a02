/** Times and durations as the quiz pages show them. */
import type { Lang } from '../../lib/content/types';
import { t } from '../../lib/i18n/index.svelte';

/** A countdown or a duration as m:ss (minutes are not capped at 59: an interview lasts at most 45). */
export function clock(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The same duration in words, for screen readers ("12 min 5 s"). */
export function spokenDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return t('durationSpoken', { m: Math.floor(seconds / 60), s: seconds % 60 });
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A review interval, rounded the way Anki shows one: 1 min, 10 min, 5 h, 3 d, 2 mo, 1.2 y. */
export function interval(ms: number): string {
  if (ms < HOUR) return t('intervalMinutes', { n: Math.max(1, Math.round(ms / MINUTE)) });
  if (ms < DAY) return t('intervalHours', { n: Math.round(ms / HOUR) });
  if (ms < 30 * DAY) return t('intervalDays', { n: Math.round(ms / DAY) });
  if (ms < 365 * DAY) return t('intervalMonths', { n: Math.round(ms / (30 * DAY)) });
  return t('intervalYears', { n: Math.round((ms / (365 * DAY)) * 10) / 10 });
}

export function dateTime(ms: number, lang: Lang): string {
  return new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en', { dateStyle: 'medium', timeStyle: 'short' });
}
