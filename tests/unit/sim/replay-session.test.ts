import { describe, expect, it } from 'vitest';
import { ReplaySession } from '../../../src/lib/sim/replay/session';
import { ReplayError, numberField, type ReplayFactory } from '../../../src/lib/sim/replay/types';

/** A tiny model for testing the session: a counter that adds `by`. */
const counter: ReplayFactory = (config) => {
  let total = numberField(config, 'start');
  return {
    apply(op) {
      if (op.op === 'add') {
        total += numberField(op, 'by');
        return { total };
      }
      if (op.op === 'explode') throw new Error('boom');
      throw new ReplayError(`unknown op ${JSON.stringify(op.op)}`);
    },
  };
};

const run = (factory: ReplayFactory | undefined, lines: string[]) => {
  const session = new ReplaySession(factory, 'unknown model "x"');
  return { out: lines.map((l) => session.feed(l)).filter((l) => l !== undefined), session };
};

describe('ReplaySession', () => {
  it('answers each operation with one line and the configuration with none', () => {
    const { out } = run(counter, ['{"start":1}', '{"op":"add","by":2}', '', '{"op":"add","by":3}']);
    expect(out).toEqual(['{"total":3}', '{"total":6}']);
  });

  it('answers malformed lines, non-objects, unknown ops and bad fields with an error and carries on', () => {
    const { out } = run(counter, ['{"start":0}', '{"op":"add",', '[1,2]', '{"op":"mul"}', '{"op":"add","by":"x"}', '{"op":"add","by":1}']);
    expect(out.map((l) => JSON.parse(l))).toEqual([
      { error: expect.stringMatching(/^malformed JSON/) },
      { error: 'each line must be a JSON object' },
      { error: 'unknown op "mul"' },
      { error: '"by" must be a finite number' },
      { total: 1 },
    ]);
  });

  it('labels a model bug as an internal error instead of hiding it', () => {
    const { out } = run(counter, ['{"start":0}', '{"op":"explode"}']);
    expect(JSON.parse(out[0]!)).toEqual({ error: 'internal error: boom' });
  });

  it('answers every operation after a bad configuration with that error', () => {
    const { out, session } = run(counter, ['{"start":"zero"}', '{"op":"add","by":1}', '{"op":"add","by":1}']);
    expect(session.configError).toBe('bad configuration: "start" must be a finite number');
    expect(out).toEqual([0, 1].map(() => JSON.stringify({ error: 'bad configuration: "start" must be a finite number' })));
  });

  it('answers every operation of an unknown model with an error', () => {
    const { out } = run(undefined, ['{}', '{"op":"add","by":1}']);
    expect(out).toEqual(['{"error":"unknown model \\"x\\""}']);
  });
});
