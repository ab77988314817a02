/**
 * The `backoff` and `retry` replay models (DESIGN.md, "The replay contract"). The expected answers
 * of the traces below were produced by real grpc-go v1.85.0: its internal/backoff for `backoff`, and
 * for `retry` a real client and server over bufconn with the same retryPolicy and retryThrottling,
 * the server answering the scripted codes, tokens read from the client's retryThrottler.
 */
import { describe, expect, it } from 'vitest';
import { createBackoffReplay } from '../../../src/lib/sim/replay/backoff.ts';
import { createRetryReplay } from '../../../src/lib/sim/replay/retry.ts';
import { ReplaySession } from '../../../src/lib/sim/replay/session.ts';
import { ReplayError, type JsonObject } from '../../../src/lib/sim/replay/types.ts';

const call = { op: 'call' } as const;

function replay(config: JsonObject, ops: number): JsonObject[] {
  const model = createRetryReplay(config);
  return Array.from({ length: ops }, () => model.apply(call));
}

describe('backoff replay', () => {
  it('answers the example of DESIGN.md', () => {
    const model = createBackoffReplay({ baseMs: 1000, multiplier: 1.6, jitter: 0, maxMs: 120000 });
    expect(model.apply({ op: 'delay', retries: 3 })).toEqual({ delayMs: 4096 });
    expect(model.apply({ op: 'delay', retries: 0 })).toEqual({ delayMs: 1000 });
    expect(model.apply({ op: 'delay', retries: 7 })).toEqual({ delayMs: 26843.5456 });
    expect(model.apply({ op: 'delay', retries: 1000 })).toEqual({ delayMs: 120000 });
  });

  it('matches grpc-go v1.85.0 Backoff on odd configurations', () => {
    // BaseDelay 820ms, Multiplier 1.8033461302237015, MaxDelay 69449ms: Go says 28202551814 ns at 6.
    const model = createBackoffReplay({ baseMs: 820, multiplier: 1.8033461302237015, jitter: 0, maxMs: 69449 });
    expect(model.apply({ op: 'delay', retries: 6 })).toEqual({ delayMs: 28202.551814 });
  });

  it('evaluates a non-zero jitter at the middle of its range', () => {
    const model = createBackoffReplay({ baseMs: 1000, multiplier: 1.6, jitter: 0.2, maxMs: 120000 });
    expect(model.apply({ op: 'delay', retries: 3 })).toEqual({ delayMs: 4096 });
  });

  it('rejects bad configurations and operations', () => {
    expect(() => createBackoffReplay({ baseMs: 1000, multiplier: 1.6, jitter: 0 })).toThrow(ReplayError);
    expect(() => createBackoffReplay({ baseMs: '1s', multiplier: 1.6, jitter: 0, maxMs: 1 })).toThrow(ReplayError);
    const model = createBackoffReplay({ baseMs: 1000, multiplier: 1.6, jitter: 0, maxMs: 120000 });
    expect(() => model.apply({ op: 'reset' })).toThrow(ReplayError);
    expect(() => model.apply({ op: 'delay' })).toThrow(ReplayError);
    expect(() => model.apply({ op: 'delay', retries: 1.5 })).toThrow(ReplayError);
  });
});

describe('retry replay', () => {
  it('answers the example of DESIGN.md', () => {
    const config = {
      maxAttempts: 4,
      retryableCodes: ['UNAVAILABLE'],
      throttling: { maxTokens: 10, tokenRatio: 0.5 },
      server: { default: 'UNAVAILABLE', byIndex: { '0': 'OK' } },
    };
    expect(replay(config, 1)).toEqual([{ code: 'OK', lastServerIndex: 0, attempts: 1, tokens: 10 }]);
  });

  it('replays TestRetryThrottling as grpc-go does', () => {
    const ok = [0, 3, 6, 10, 11, 12, 13, 14, 16, 18];
    const config = {
      maxAttempts: 4,
      retryableCodes: ['UNAVAILABLE'],
      throttling: { maxTokens: 10, tokenRatio: 0.5 },
      server: { default: 'UNAVAILABLE', byIndex: Object.fromEntries(ok.map((i) => [String(i), 'OK'])) },
    };
    const go: [string, number, number, number][] = [
      ['OK', 0, 1, 10],
      ['OK', 3, 3, 8.5],
      ['OK', 6, 3, 7],
      ['UNAVAILABLE', 8, 2, 5],
      ['UNAVAILABLE', 9, 1, 4],
      ['OK', 10, 1, 4.5],
      ['OK', 11, 1, 5],
      ['OK', 12, 1, 5.5],
      ['OK', 13, 1, 6],
      ['OK', 14, 1, 6.5],
      ['OK', 16, 2, 6],
      ['UNAVAILABLE', 17, 1, 5],
    ];
    expect(replay(config, go.length)).toEqual(
      go.map(([code, lastServerIndex, attempts, tokens]) => ({ code, lastServerIndex, attempts, tokens })),
    );
  });

  it('replays a random trace with throttling as grpc-go does (maxAttempts 7 capped to 5)', () => {
    const config = {
      maxAttempts: 7,
      retryableCodes: ['UNAVAILABLE', 'ALREADY_EXISTS'],
      throttling: { maxTokens: 3, tokenRatio: 0.25 },
      server: {
        default: 'UNAVAILABLE',
        byIndex: {
          '0': 'ALREADY_EXISTS', '1': 'ALREADY_EXISTS', '3': 'OK', '4': 'ALREADY_EXISTS', '5': 'UNAVAILABLE',
          '7': 'ALREADY_EXISTS', '8': 'OK', '9': 'UNAVAILABLE', '10': 'UNAVAILABLE', '11': 'OK', '12': 'ALREADY_EXISTS',
        },
      },
    };
    const go: [string, number, number, number][] = [
      ['ALREADY_EXISTS', 1, 2, 1],
      ['UNAVAILABLE', 2, 1, 0],
      ['OK', 3, 1, 0.25],
      ['ALREADY_EXISTS', 4, 1, 0],
      ['UNAVAILABLE', 5, 1, 0],
      ['UNAVAILABLE', 6, 1, 0],
      ['ALREADY_EXISTS', 7, 1, 0],
      ['OK', 8, 1, 0.25],
      ['UNAVAILABLE', 9, 1, 0],
      ['UNAVAILABLE', 10, 1, 0],
      ['OK', 11, 1, 0.25],
      ['ALREADY_EXISTS', 12, 1, 0],
    ];
    expect(replay(config, go.length)).toEqual(
      go.map(([code, lastServerIndex, attempts, tokens]) => ({ code, lastServerIndex, attempts, tokens })),
    );
  });

  it('replays a random trace without throttling as grpc-go does', () => {
    const codes = 'OK INTERNAL OK ALREADY_EXISTS ALREADY_EXISTS INTERNAL ALREADY_EXISTS - ALREADY_EXISTS - - UNAVAILABLE - UNAVAILABLE OK OK UNAVAILABLE OK ALREADY_EXISTS ALREADY_EXISTS OK INTERNAL OK';
    const byIndex = Object.fromEntries(
      codes.split(' ').flatMap((c, i) => (c === '-' ? [] : [[String(i), c]])),
    );
    const config = { maxAttempts: 3, retryableCodes: ['UNAVAILABLE', 'ALREADY_EXISTS'], throttling: null, server: { default: 'UNAVAILABLE', byIndex } };
    const go: [string, number, number][] = [
      ['OK', 0, 1],
      ['INTERNAL', 1, 1],
      ['OK', 2, 1],
      ['INTERNAL', 5, 3],
      ['ALREADY_EXISTS', 8, 3],
      ['UNAVAILABLE', 11, 3],
      ['OK', 14, 3],
      ['OK', 15, 1],
      ['OK', 17, 2],
      ['OK', 20, 3],
      ['INTERNAL', 21, 1],
      ['OK', 22, 1],
    ];
    expect(replay(config, go.length)).toEqual(
      go.map(([code, lastServerIndex, attempts]) => ({ code, lastServerIndex, attempts, tokens: null })),
    );
  });

  it('reads an absent throttling as null and codes given as numbers', () => {
    const model = createRetryReplay({ maxAttempts: 2, retryableCodes: [14], server: { default: 14, byIndex: {} } });
    expect(model.apply(call)).toEqual({ code: 'UNAVAILABLE', lastServerIndex: 1, attempts: 2, tokens: null });
  });

  it('rejects bad configurations', () => {
    const good = { maxAttempts: 4, retryableCodes: ['UNAVAILABLE'], throttling: null, server: { default: 'OK', byIndex: {} } };
    const bad: JsonObject[] = [
      { ...good, maxAttempts: 1 },
      { ...good, maxAttempts: 2.5 },
      { ...good, retryableCodes: [] },
      { ...good, retryableCodes: ['Unavailable'] },
      { ...good, retryableCodes: 'UNAVAILABLE' },
      { ...good, throttling: { maxTokens: 0, tokenRatio: 0.5 } },
      { ...good, throttling: { maxTokens: 1001, tokenRatio: 0.5 } },
      { ...good, throttling: { maxTokens: 10, tokenRatio: 0 } },
      { ...good, throttling: { maxTokens: 10 } },
      { ...good, server: { byIndex: {} } },
      { ...good, server: { default: 'NOPE', byIndex: {} } },
      { ...good, server: { default: 'OK', byIndex: { '-1': 'OK' } } },
      { ...good, server: { default: 'OK', byIndex: { '01': 'OK' } } },
      { ...good, server: { default: 'OK', byIndex: { '0': 'SOMETIMES' } } },
      { ...good, server: 'OK' },
    ];
    for (const config of bad) expect(() => createRetryReplay(config), JSON.stringify(config)).toThrow(ReplayError);
  });

  it('rejects unknown operations', () => {
    const model = createRetryReplay({ maxAttempts: 4, retryableCodes: ['UNAVAILABLE'], throttling: null, server: { default: 'OK' } });
    expect(() => model.apply({ op: 'hedge' })).toThrow(ReplayError);
    expect(() => model.apply({})).toThrow(ReplayError);
  });

  it('runs through a replay session line by line', () => {
    const session = new ReplaySession(createRetryReplay);
    expect(
      session.feed('{"maxAttempts":4,"retryableCodes":["UNAVAILABLE"],"throttling":{"maxTokens":10,"tokenRatio":0.5},"server":{"default":"UNAVAILABLE","byIndex":{"0":"OK"}}}'),
    ).toBeUndefined();
    expect(JSON.parse(session.feed('{"op":"call"}')!)).toEqual({ code: 'OK', lastServerIndex: 0, attempts: 1, tokens: 10 });
    expect(JSON.parse(session.feed('{"op":"call"}')!)).toEqual({ code: 'UNAVAILABLE', lastServerIndex: 4, attempts: 4, tokens: 6 });
    expect(JSON.parse(session.feed('{"op":"nope"}')!)).toHaveProperty('error');
  });
});
