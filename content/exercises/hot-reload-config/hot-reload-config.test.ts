// Cases follow the publish pattern of Go's sync/atomic Pointer[T] (golang/go src/sync/atomic/type.go):
// readers Load one immutable snapshot, a writer builds a new value and Stores it in one step. The
// reload flow (validate, keep the last good config, notify after the change) follows viper's
// WatchConfig/OnConfigChange (spf13/viper viper.go) and the config lesson's Holder.Apply.
import { describe, it, expect } from 'vitest';
import { ConfigHolder, type ChangeEvent, type Snapshot } from './hot-reload-config';

interface AppConfig {
  rateLimitQps: number;
  timeoutMs: number;
  features: Record<string, boolean>;
}

const FIELDS = ['rateLimitQps', 'timeoutMs', 'features'];

/** A strict validator: ranges, types and no unknown keys. Returns every problem. */
function validate(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['config must be a JSON object'];
  const c = value as Record<string, unknown>;
  const errors: string[] = [];
  for (const key of Object.keys(c)) if (!FIELDS.includes(key)) errors.push(`unknown field "${key}"`);
  const qps = c['rateLimitQps'];
  if (typeof qps !== 'number' || qps < 1 || qps > 100_000) errors.push('rateLimitQps must be in [1, 100000]');
  const timeout = c['timeoutMs'];
  if (typeof timeout !== 'number' || timeout < 10 || timeout > 10_000) errors.push('timeoutMs must be in [10, 10000]');
  if (typeof c['features'] !== 'object' || c['features'] === null) errors.push('features must be an object');
  return errors;
}

const cfg = (qps: number, timeoutMs = 500, features: Record<string, boolean> = { newCheckout: false }): string =>
  JSON.stringify({ rateLimitQps: qps, timeoutMs, features });

const make = (historyLimit?: number) =>
  new ConfigHolder<AppConfig>(cfg(100), historyLimit === undefined ? { validate } : { validate, historyLimit });

/** Records every event a listener receives, as "kind:previous->current". */
function recorder(log: string[], name = '') {
  return (e: ChangeEvent<AppConfig>) => {
    log.push(`${name}${e.kind}:${e.previous.version}->${e.current.version}`);
  };
}

describe('Task 1: Immutable snapshots and the swap', () => {
  it('starts from a validated initial config at version 1 and fails fast on an invalid one', () => {
    const h = make();
    expect(h.current().version).toBe(1);
    expect(h.current().config).toEqual({ rateLimitQps: 100, timeoutMs: 500, features: { newCheckout: false } });
    expect(() => new ConfigHolder<AppConfig>(cfg(0), { validate })).toThrow(/rateLimitQps must be in \[1, 100000\]/);
    expect(() => new ConfigHolder<AppConfig>('{', { validate })).toThrow(/invalid JSON/);
  });

  it('publishes a new snapshot object and leaves the old one exactly as it was', () => {
    const h = make();
    const before = h.current();
    expect(h.apply(cfg(200, 800, { newCheckout: true }))).toEqual({ status: 'applied', version: 2, errors: [] });
    const after = h.current();
    expect(after).not.toBe(before);
    expect(after.version).toBe(2);
    expect(after.config.rateLimitQps).toBe(200);
    expect(after.config.features['newCheckout']).toBe(true);
    // A request that loaded the old snapshot keeps a complete, unchanged view.
    expect(before.version).toBe(1);
    expect(before.config).toEqual({ rateLimitQps: 100, timeoutMs: 500, features: { newCheckout: false } });
  });

  it('freezes snapshots deeply, so a reader cannot change what others see', () => {
    const h = make();
    h.apply(cfg(300, 900, { a: true }));
    const s = h.current();
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.config)).toBe(true);
    expect(Object.isFrozen(s.config.features)).toBe(true);
    expect(() => {
      (s.config as AppConfig).rateLimitQps = 1;
    }).toThrow(TypeError);
    expect(() => {
      (s.config.features as Record<string, boolean>)['a'] = false;
    }).toThrow(TypeError);
    expect(h.current().config.features['a']).toBe(true);
  });

  it('keeps serving the old snapshot while the new text is being validated', () => {
    const seen: number[] = [];
    let holder: ConfigHolder<AppConfig> | undefined;
    holder = new ConfigHolder<AppConfig>(cfg(100), {
      validate: (v) => {
        if (holder) seen.push(holder.current().config.rateLimitQps);
        return validate(v);
      },
    });
    holder.apply(cfg(200));
    holder.apply(cfg(300));
    expect(seen).toEqual([100, 200]);
    expect(holder.current().config.rateLimitQps).toBe(300);
  });
});

describe('Task 2: Validation and rejection', () => {
  it('rejects text that is not JSON and keeps the last good config', () => {
    const h = make();
    const good = h.current();
    const r = h.apply('{"rateLimitQps": 200,');
    expect(r.status).toBe('rejected');
    expect(r.version).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^invalid JSON/);
    expect(h.current()).toBe(good);
  });

  it('reports every validation problem and notifies nobody', () => {
    const h = make();
    const log: string[] = [];
    h.subscribe(recorder(log));
    const r = h.apply(JSON.stringify({ rateLimitQps: 0, timeoutMs: 5, features: {}, retries: 3 }));
    expect(r).toEqual({
      status: 'rejected',
      version: 1,
      errors: ['unknown field "retries"', 'rateLimitQps must be in [1, 100000]', 'timeoutMs must be in [10, 10000]'],
    });
    expect(h.current().version).toBe(1);
    expect(log).toEqual([]);
  });

  it('treats the same content with other whitespace or key order as unchanged', () => {
    const h = make();
    const log: string[] = [];
    h.subscribe(recorder(log));
    const same = '{ "features": { "newCheckout": false },\n  "timeoutMs": 500, "rateLimitQps": 100 }';
    expect(h.apply(same)).toEqual({ status: 'unchanged', version: 1, errors: [] });
    expect(h.apply(cfg(100, 500, { newCheckout: true }))).toEqual({ status: 'applied', version: 2, errors: [] });
    expect(log).toEqual(['change:1->2']);
  });

  it('gives versions 1, 2, 3 … to applied changes only', () => {
    const h = make();
    const versions = [cfg(1), 'nope', cfg(1), cfg(-5), cfg(2), cfg(3)].map((t) => h.apply(t).version);
    expect(versions).toEqual([2, 2, 2, 2, 3, 4]);
    expect(h.history().map((s) => s.version)).toEqual([1, 2, 3, 4]);
  });
});

describe('Task 3: Subscribers and automatic rollback', () => {
  it('notifies subscribers after the swap, in order, and stops after unsubscribe', () => {
    const h = make();
    const log: string[] = [];
    let seenInside: Snapshot<AppConfig> | undefined;
    h.subscribe((e) => {
      seenInside = h.current();
      recorder(log, 'a:')(e);
    });
    const unsubscribeB = h.subscribe(recorder(log, 'b:'));
    h.apply(cfg(200));
    expect(seenInside?.version).toBe(2);
    unsubscribeB();
    h.apply(cfg(300));
    expect(log).toEqual(['a:change:1->2', 'b:change:1->2', 'a:change:2->3']);
  });

  it('rolls back when a subscriber throws, and tells the ones that saw the change', () => {
    const h = make();
    const good = h.current();
    const log: string[] = [];
    h.subscribe(recorder(log, 'a:'));
    h.subscribe((e) => {
      recorder(log, 'b:')(e);
      if (e.kind === 'change' && e.current.config.rateLimitQps > 1000) throw new Error('pool cannot grow that far');
    });
    h.subscribe(recorder(log, 'c:'));
    const r = h.apply(cfg(5000));
    expect(r).toEqual({ status: 'rolled-back', version: 1, errors: ['pool cannot grow that far'] });
    expect(h.current()).toBe(good);
    expect(log).toEqual(['a:change:1->2', 'b:change:1->2', 'a:rollback:2->1', 'b:rollback:2->1']);
  });

  it('never reuses the failed version and keeps it out of the history', () => {
    const h = make();
    let fail = true;
    h.subscribe(() => {
      if (fail) throw new Error('boom');
    });
    expect(h.apply(cfg(200)).status).toBe('rolled-back');
    fail = false;
    expect(h.apply(cfg(200))).toEqual({ status: 'applied', version: 3, errors: [] });
    expect(h.history().map((s) => s.version)).toEqual([1, 3]);
  });

  it('ignores errors thrown while listeners are told about a rollback', () => {
    const h = make();
    h.subscribe((e) => {
      throw new Error(`always fails on ${e.kind}`);
    });
    const r = h.apply(cfg(200));
    expect(r.status).toBe('rolled-back');
    expect(r.errors).toEqual(['always fails on change']);
    expect(h.current().version).toBe(1);
  });
});

describe('Task 4: Manual rollback and bounded history', () => {
  it('rollback() restores the previous good snapshot and notifies every subscriber', () => {
    const h = make();
    h.apply(cfg(200));
    const v2 = h.current();
    h.apply(cfg(300));
    const log: string[] = [];
    h.subscribe(recorder(log, 'a:'));
    h.subscribe(recorder(log, 'b:'));
    expect(h.rollback()).toBe(v2);
    expect(h.current()).toBe(v2);
    expect(log).toEqual(['a:rollback:3->2', 'b:rollback:3->2']);
  });

  it('walks back one version per call and throws when nothing is left', () => {
    const h = make();
    h.apply(cfg(200));
    h.apply(cfg(300));
    expect(h.rollback().version).toBe(2);
    expect(h.rollback().version).toBe(1);
    expect(() => h.rollback()).toThrow('no previous version to roll back to');
    expect(h.current().version).toBe(1);
  });

  it('keeps at most historyLimit snapshots, dropping the oldest', () => {
    const h = make(3);
    for (const qps of [200, 300, 400, 500]) h.apply(cfg(qps));
    expect(h.history().map((s) => s.version)).toEqual([3, 4, 5]);
    expect(h.rollback().version).toBe(4);
    expect(h.rollback().version).toBe(3);
    expect(() => h.rollback()).toThrow('no previous version to roll back to');
    expect(make().history().map((s) => s.version)).toEqual([1]);
  });

  it('gives the next change a fresh version after a rollback', () => {
    const h = make();
    h.apply(cfg(200));
    h.apply(cfg(300));
    h.rollback();
    expect(h.apply(cfg(300))).toEqual({ status: 'applied', version: 4, errors: [] });
    expect(h.history().map((s) => s.version)).toEqual([1, 2, 4]);
  });
});
