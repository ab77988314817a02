/**
 * The records the app stores, with guards that decide whether a stored or imported value is one of
 * ours. Anything that fails its guard is skipped and reported, never trusted and never fatal.
 */
import { LANGS, type Lang } from '../content/types';

export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemeSetting = (typeof THEMES)[number];

export interface Settings {
  lang: Lang;
  theme: ThemeSetting;
}

export type SettingRecord =
  | { key: 'lang'; value: Lang }
  | { key: 'theme'; value: ThemeSetting };

export interface LessonProgress {
  lessonId: string;
  /** Epoch milliseconds of the moment it was first read. */
  readAt: number;
  how: 'scroll' | 'manual';
}

type Guard<T> = (value: unknown) => value is T;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const isSettingRecord: Guard<SettingRecord> = (v): v is SettingRecord => {
  if (!isObject(v)) return false;
  if (v.key === 'lang') return (LANGS as readonly unknown[]).includes(v.value);
  if (v.key === 'theme') return (THEMES as readonly unknown[]).includes(v.value);
  return false;
};

export const isLessonProgress: Guard<LessonProgress> = (v): v is LessonProgress =>
  isObject(v) &&
  typeof v.lessonId === 'string' &&
  /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v.lessonId) &&
  typeof v.readAt === 'number' &&
  Number.isFinite(v.readAt) &&
  v.readAt > 0 &&
  (v.how === 'scroll' || v.how === 'manual');
