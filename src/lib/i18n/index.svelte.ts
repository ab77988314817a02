import type { Lang } from '../content/types';
import type { ThemeSetting } from '../store/records';
import { en, zh, type StringKey } from './strings';

const tables: Record<Lang, Record<StringKey, string>> = { zh, en };

/** The current UI and content language; the settings store writes it, components read it. */
export const locale = $state<{ lang: Lang }>({ lang: 'zh' });

/** Translates `key` in the current language, filling `{name}` placeholders from `params`. */
export function t(key: StringKey, params: Record<string, string | number> = {}): string {
  return tables[locale.lang][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The language a first-time visitor most likely reads. */
export function preferredLang(languages: readonly string[]): Lang {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'zh') return 'zh';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export function htmlLang(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : 'en';
}

const THEME_NAMES: Record<ThemeSetting, StringKey> = { system: 'themeSystem', light: 'themeLight', dark: 'themeDark' };

/** The name of a theme setting in the current language. */
export function themeName(theme: ThemeSetting): string {
  return t(THEME_NAMES[theme]);
}
