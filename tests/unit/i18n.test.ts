import { describe, expect, it } from 'vitest';
import { preferredLang, t, locale } from '../../src/lib/i18n/index.svelte';
import { en, zh } from '../../src/lib/i18n/strings';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('UI strings', () => {
  it('has the same keys in zh and en', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  it.each(Object.keys(zh) as (keyof typeof zh)[])('%s has the same placeholders and no empty text in both languages', (key) => {
    expect(zh[key].trim()).not.toBe('');
    expect(en[key].trim()).not.toBe('');
    expect(placeholders(en[key])).toEqual(placeholders(zh[key]));
  });

  it('fills placeholders in the current language and leaves unknown ones visible', () => {
    locale.lang = 'en';
    expect(t('progressSummary', { read: 1, total: 3 })).toBe('1 of 3 lessons read');
    locale.lang = 'zh';
    expect(t('progressSummary', { read: 1, total: 3 })).toBe('已读 1 / 3 课');
    expect(t('progressSummary', { read: 1 })).toBe('已读 1 / {total} 课');
  });
});

describe('preferredLang', () => {
  it.each([
    [['zh-CN', 'en'], 'zh'],
    [['zh-TW'], 'zh'],
    [['en-US', 'zh-CN'], 'en'],
    [['fr-FR', 'zh-CN'], 'zh'],
    [['fr-FR'], 'en'],
    [[], 'en'],
  ])('%j → %s', (languages, lang) => {
    expect(preferredLang(languages)).toBe(lang);
  });
});
