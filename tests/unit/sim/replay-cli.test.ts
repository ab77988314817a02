/**
 * The replay CLI as a real process: `npm run -s sim -- replay <model>` is `tsx scripts/sim.ts`,
 * fed JSONL on stdin. Expected limiter answers are derived by hand from x/time/rate's rules (limit
 * 10/s, burst 3: the bucket starts full, one token per 100 ms).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');

function replay(args: string[], input: string) {
  const result = spawnSync(tsx, [join(root, 'scripts/sim.ts'), ...args], { input, encoding: 'utf8', cwd: root, timeout: 60_000 });
  const lines = result.stdout.split('\n').filter((l) => l !== '');
  return { status: result.status, lines: lines.map((l) => JSON.parse(l) as Record<string, unknown>), stderr: result.stderr };
}

describe('npm run -s sim -- replay', () => {
  it('answers every operation of a limiter trace with one line, errors included, and exits 0', () => {
    const input = readFileSync(join(root, 'tests/fixtures/replay/limiter-basic.jsonl'), 'utf8');
    const { status, lines } = replay(['replay', 'limiter'], input);
    expect(status).toBe(0);
    expect(lines).toEqual([
      { ok: true, tokens: 3 },
      { ok: true, tokens: 2 },
      { ok: true, tokens: 1 },
      { ok: false, tokens: 0 },
      { error: expect.stringMatching(/^malformed JSON/) },
      { error: expect.stringContaining('teleport') },
      { tokens: 1 },
      // One token at 100 ms, two wanted: the second comes 100 ms later, at 200 ms.
      { ok: true, timeToAct: 200 },
      { ok: true },
      // Cancelling right away gives both tokens back.
      { tokens: 1 },
    ]);
  });

  it('handles CRLF line endings and a last line without a newline', () => {
    const { lines } = replay(['replay', 'limiter'], '{"limit":"inf","burst":0}\r\n{"op":"allow","at":5,"n":1000}\r\n{"op":"tokens","at":5}');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ ok: true });
  });

  it('answers each operation of an unknown model with an error and says why on stderr', () => {
    const { status, lines, stderr } = replay(['replay', 'teleporter'], '{}\n{"op":"x"}\n{"op":"y"}\n');
    expect(status).toBe(0);
    expect(lines).toEqual([0, 1].map(() => ({ error: expect.stringContaining('unknown model "teleporter"') })));
    expect(stderr).toContain('unknown model "teleporter"');
  });

  it('answers every operation after a bad configuration with that error', () => {
    const { lines, stderr } = replay(['replay', 'breaker'], '{"maxRequests":"many"}\n{"op":"state","at":0}\n');
    expect(lines).toEqual([{ error: expect.stringMatching(/^bad configuration: /) }]);
    expect(stderr).toMatch(/bad configuration/);
  });

  it.each([
    ['breaker', '{"maxRequests":1,"intervalMs":0,"timeoutMs":60000,"readyToTrip":{"consecutiveFailuresGt":5}}', '{"op":"call","at":0,"result":"failure"}', { error: null, state: 'closed' }],
    ['backoff', '{"baseMs":1000,"multiplier":1.6,"jitter":0,"maxMs":120000}', '{"op":"delay","retries":3}', { delayMs: 4096 }],
    ['retry', '{"maxAttempts":4,"retryableCodes":["UNAVAILABLE"],"throttling":{"maxTokens":10,"tokenRatio":0.5},"server":{"default":"UNAVAILABLE","byIndex":{"0":"OK"}}}', '{"op":"call"}', { code: 'OK', attempts: 1 }],
    ['lease', '{"minTtlS":2}', '{"op":"grant","at":0,"id":"l1","ttlS":1}', { ttl: 2 }],
    ['saga', '{"steps":["TransOut","TransIn"],"concurrent":false,"script":{}}', '{"op":"run","untilMs":60000}', { status: 'succeed', calls: ['TransOut.action', 'TransIn.action'] }],
  ])('serves the %s model', (model, config, op, expected) => {
    const { status, lines } = replay(['replay', model], `${config}\n${op}\n`);
    expect(status).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject(expected);
  });

  it('exits 2 with usage when the command line is wrong', () => {
    const { status, stderr } = replay([], '');
    expect(status).toBe(2);
    expect(stderr).toContain('usage: npm run -s sim -- replay <model>');
  });
});
