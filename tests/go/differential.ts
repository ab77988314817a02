/**
 * The differential check: the same traces replayed by the real Go libraries (tests/go/oracle, one
 * `go test` process for all models) and by the TypeScript models (driver.ts, in this process, plus
 * a few traces through the real `scripts/sim.ts replay` CLI), compared line by line. Then the
 * checker proves it can fail: a deliberately broken variant of every compared model must be caught.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackoffReplay } from '../../src/lib/sim/replay/backoff.ts';
import { createBreakerReplay } from '../../src/lib/sim/replay/breaker.ts';
import { createLimiterReplay } from '../../src/lib/sim/replay/limiter.ts';
import { createRetryReplay } from '../../src/lib/sim/replay/retry.ts';
import type { JsonObject, ReplayFactory } from '../../src/lib/sim/replay/types.ts';
import { compareReplays, describeDifference, type Comparison } from './compare.ts';
import { replayTraces } from './driver.ts';
import { run } from './run.ts';
import { DIFFERENTIAL_MODELS, goldenTraces, randomTraces, type DifferentialModel, type Trace } from './traces.ts';

export interface DifferentialOptions {
  root: string;
  /** Random traces per model. */
  count: number;
  seed: number;
  log: (line: string) => void;
}

export interface ModelSummary {
  model: DifferentialModel;
  golden: number;
  /** The driver's replay of every trace. */
  all: Comparison;
  /** The few traces also replayed through the CLI process. */
  cli: Comparison;
}

export interface DifferentialResult {
  ok: boolean;
  summaries: ModelSummary[];
  /** Each self-test's name and how many differences it caused (each must be > 0). */
  selfTests: { name: string; differences: number }[];
  problems: string[];
}

/** Traces replayed through the CLI process too, per model: a golden one and two random ones. */
const CLI_TRACES = 3;

export async function runDifferential(opts: DifferentialOptions): Promise<DifferentialResult> {
  const { root, log } = opts;
  const work = mkdtempSync(join(tmpdir(), 'go-check-'));
  const problems: string[] = [];
  const traces = new Map<DifferentialModel, Trace[]>();
  for (const model of DIFFERENTIAL_MODELS) {
    const golden = goldenTraces(root, model);
    const all = [...golden, ...randomTraces(model, opts.count, opts.seed)];
    traces.set(model, all);
    writeFileSync(join(work, `${model}.in.jsonl`), all.map((t) => `${JSON.stringify(t.lines)}\n`).join(''));
  }

  log(`differential: replaying ${[...traces.values()].reduce((n, t) => n + t.length, 0)} traces through the Go libraries (go test ./oracle)`);
  const goRun = run('go', ['test', './oracle', '-run', '^TestReplay$', '-count=1', '-timeout=15m', '-v'], {
    cwd: join(root, 'tests/go'),
    env: { ...process.env, GOTRUTH_DIR: work, GOWORK: 'off' },
  });
  // The TS side runs meanwhile, in this process.
  const tsAnswers = new Map<DifferentialModel, unknown[][]>();
  for (const [model, all] of traces) tsAnswers.set(model, replayTraces(model, all));
  // And a few traces through the real CLI, one process per trace (each trace needs a fresh model).
  const cliRuns = new Map<DifferentialModel, Promise<unknown[][]>>();
  for (const [model, all] of traces) {
    const picked = cliTraces(model, all);
    cliRuns.set(model, Promise.all(picked.map((t) => replayWithCli(root, model, t))));
  }

  const go = await goRun;
  const timings = go.stdout.split('\n').filter((l) => /^\s+replay_test\.go:\d+: \w+: \d+ traces in/.test(l));
  for (const t of timings) log(`  go ${t.trim().replace(/^replay_test\.go:\d+: /, '')}`);
  if (go.code !== 0) {
    problems.push(`go test ./oracle failed (exit ${go.code}):\n${go.stdout}${go.stderr}`);
    rmSync(work, { recursive: true, force: true });
    return { ok: false, summaries: [], selfTests: [], problems };
  }

  const summaries: ModelSummary[] = [];
  const goAnswers = new Map<DifferentialModel, unknown[][]>();
  for (const [model, all] of traces) {
    const go = readAnswers(join(work, `${model}.go.jsonl`));
    goAnswers.set(model, go);
    const comparison = compareReplays(all, go, tsAnswers.get(model)!);
    const picked = cliTraces(model, all);
    const cli = compareReplays(picked, picked.map((t) => go[all.indexOf(t)]!), await cliRuns.get(model)!);
    summaries.push({ model, golden: goldenTraces(root, model).length, all: comparison, cli });
    for (const [what, c] of [['driver', comparison], ['CLI', cli]] as const) {
      if (!c.first) continue;
      const file = join(work, `${model}-first-difference.jsonl`);
      writeFileSync(file, c.first.trace.lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      problems.push(
        `${describeDifference(model, c.first)}\n  (${what}; ${c.differences} differing lines in all; ` +
          `replay it: node_modules/.bin/tsx scripts/sim.ts replay ${model} < ${file})`,
      );
    }
    if (comparison.errorLines > 0) log(`  note: ${model}: ${comparison.errorLines} lines answered with an error on both sides`);
  }

  // The checker must be able to fail: a broken variant of each model, replayed against the same Go answers.
  const selfTests = SELF_TESTS.map(({ model, name, factory }) => {
    const modelTraces = traces.get(model)!;
    return {
      name: `${model}: ${name}`,
      differences: compareReplays(modelTraces, goAnswers.get(model)!, replayTraces(model, modelTraces, factory)).differences,
    };
  });
  for (const s of selfTests) {
    if (s.differences === 0) problems.push(`self-test: the comparison did not notice a broken model (${s.name})`);
  }

  const ok = problems.length === 0;
  if (ok) rmSync(work, { recursive: true, force: true });
  else log(`differential: inputs and Go answers kept in ${work}`);
  return { ok, summaries, selfTests, problems };
}

function cliTraces(model: DifferentialModel, all: Trace[]): Trace[] {
  const golden = all.filter((t) => t.name.startsWith('golden/'));
  const random = all.filter((t) => !t.name.startsWith('golden/'));
  // The shortest golden trace keeps the CLI part quick (limiter has one of 2,500 ops).
  const shortest = [...golden].sort((a, b) => a.lines.length - b.lines.length).slice(0, 1);
  return [...shortest, ...random].slice(0, CLI_TRACES);
}

async function replayWithCli(root: string, model: string, trace: Trace): Promise<unknown[]> {
  const input = trace.lines.map((l) => `${JSON.stringify(l)}\n`).join('');
  const r = await run(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/sim.ts'), 'replay', model], { cwd: root, input });
  if (r.code !== 0) return [{ cliFailed: r.code, stderr: r.stderr }];
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

function readAnswers(file: string): unknown[][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown[]);
}

/** Float64 one unit in the last place above x (x finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** A config with one number changed, for the self-tests below. */
function withConfig<T extends JsonObject>(config: JsonObject, change: (c: T) => T): JsonObject {
  return change(structuredClone(config) as T);
}

/** Models with a small, deliberate bug each; every comparison must notice its own. */
const SELF_TESTS: { model: DifferentialModel; name: string; factory: ReplayFactory }[] = [
  {
    model: 'limiter',
    name: 'tokens one ulp too high',
    factory: (config) => {
      const model = createLimiterReplay(config);
      return {
        apply(op) {
          const answer = model.apply(op);
          if (typeof answer.tokens === 'number') answer.tokens = nextUp(answer.tokens);
          return answer;
        },
      };
    },
  },
  {
    model: 'limiter',
    name: 'CancelAt ignored',
    factory: (config) => {
      const model = createLimiterReplay(config);
      return { apply: (op) => (op.op === 'cancel' ? { ok: true } : model.apply(op)) };
    },
  },
  {
    model: 'breaker',
    name: 'trips one failure late',
    factory: (config) =>
      createBreakerReplay(
        withConfig<{ readyToTrip?: { consecutiveFailuresGt?: number; failureRatioGte?: number; minRequests?: number } } & JsonObject>(config, (c) => {
          const rule = c.readyToTrip;
          if (rule?.consecutiveFailuresGt !== undefined) rule.consecutiveFailuresGt += 1;
          if (rule?.minRequests !== undefined) rule.minRequests += 1;
          return c;
        }),
      ),
  },
  {
    model: 'backoff',
    name: 'multiplier applied one retry late',
    factory: (config) => {
      const model = createBackoffReplay(config);
      return {
        apply: (op) => (typeof op.retries === 'number' && op.retries > 1 ? model.apply({ ...op, retries: op.retries - 1 }) : model.apply(op)),
      };
    },
  },
  {
    model: 'retry',
    name: 'one attempt fewer',
    factory: (config) =>
      createRetryReplay(
        withConfig<{ maxAttempts?: number } & JsonObject>(config, (c) => {
          if (typeof c.maxAttempts === 'number' && c.maxAttempts > 2) c.maxAttempts -= 1;
          return c;
        }),
      ),
  },
];
