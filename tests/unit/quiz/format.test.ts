/** How the quiz pages write times: the countdown, spoken durations, and review intervals. */
import { afterEach, describe, expect, it } from 'vitest';
import { clock, interval, spokenDuration } from '../../../src/components/quiz/format';
import { locale } from '../../../src/lib/i18n/index.svelte';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

afterEach(() => {
  locale.lang = 'zh';
});

describe('clock', () => {
  it('shows mm:ss, rounding up so that 00:00 means the time is up', () => {
    expect(clock(15 * MIN)).toBe('15:00');
    expect(clock(45 * MIN)).toBe('45:00');
    expect(clock(61_000)).toBe('01:01');
    expect(clock(59_001)).toBe('01:00');
    expect(clock(1)).toBe('00:01');
    expect(clock(0)).toBe('00:00');
    expect(clock(-5000)).toBe('00:00');
  });

  it('says the same in words for screen readers, in the page language', () => {
    locale.lang = 'en';
    expect(spokenDuration(12 * MIN + 5000)).toBe('12 min 5 s');
    locale.lang = 'zh';
    expect(spokenDuration(12 * MIN + 5000)).toBe('12 分 5 秒');
  });
});

describe('interval', () => {
  it('rounds the way the grade buttons show it', () => {
    locale.lang = 'en';
    expect(interval(20_000)).toBe('1 min');
    expect(interval(MIN)).toBe('1 min');
    expect(interval(10 * MIN)).toBe('10 min');
    expect(interval(5 * 60 * MIN)).toBe('5 h');
    expect(interval(DAY)).toBe('1 d');
    expect(interval(3.4 * DAY)).toBe('3 d');
    expect(interval(60 * DAY)).toBe('2 mo');
    expect(interval(366 * DAY)).toBe('1 y');
    locale.lang = 'zh';
    expect(interval(10 * MIN)).toBe('10 分钟');
    expect(interval(3 * DAY)).toBe('3 天');
  });
});
