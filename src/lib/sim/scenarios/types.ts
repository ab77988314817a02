/**
 * A scenario is data: which model, the parameters a learner can change, the load, and a fault
 * schedule, plus a story in both languages that a lesson links to. Running it in virtual time yields
 * a trace (`TraceEvent[]`, time-ordered) that the UI plays, scrubs and charts, and a short summary of
 * the numbers the story is about. Same scenario, parameters and seed: the same trace, everywhere.
 */
import type { Lang } from '../../content/types.ts';
import type { TraceEvent } from '../kernel.ts';

export type ScenarioModel = 'limiter' | 'breaker' | 'registry' | 'rpc' | 'saga';

export type Localized = Record<Lang, string>;

/** A number a learner can change: its default, its range, and how the UI labels it. */
export interface NumberParam {
  kind: 'number';
  label: Localized;
  default: number;
  min: number;
  max: number;
  step: number;
  unit?: string;
}

/** One of a fixed set of values (e.g. a step's scripted result). */
export interface ChoiceParam {
  kind: 'choice';
  label: Localized;
  default: string;
  options: readonly string[];
}

export type ParamSpec = NumberParam | ChoiceParam;

/** A duration parameter in whole seconds. */
export function secondsParam(zh: string, en: string, def: number, min: number, max: number): NumberParam {
  return { kind: 'number', label: { zh, en }, default: def, min, max, step: 1, unit: 's' };
}
export type ParamValues = Record<string, number | string>;

/** A fault at a point in virtual time (milliseconds), e.g. `{atMs: 5000, kind: 'outage', ...}`. */
export interface Fault {
  atMs: number;
  kind: string;
  [detail: string]: unknown;
}

export type SummaryValue = number | string | boolean | null | { [key: string]: SummaryValue };

/** The headline numbers, e.g. admitted and rejected per algorithm, time to recover. */
export interface ScenarioSummary {
  [metric: string]: SummaryValue;
}

export interface ScenarioResult {
  trace: TraceEvent[];
  summary: ScenarioSummary;
}

export interface Scenario {
  id: string;
  model: ScenarioModel;
  title: Localized;
  /** What happens and what to look for, in two or three sentences. */
  story: Localized;
  /** The lesson section it illustrates: `/lessons/<id>#<heading>`. */
  lesson: string;
  durationMs: number;
  seed: number;
  params: Record<string, ParamSpec>;
  faults: Fault[];
  /** Runs the scenario in virtual time with the given parameter values (defaults fill the rest). */
  run(values?: ParamValues, options?: { seed?: number; faults?: Fault[] }): ScenarioResult;
}

/** The parameter values to use: the defaults, overridden by what the caller gives and clamped to range. */
export function resolveParams(specs: Record<string, ParamSpec>, values: ParamValues = {}): ParamValues {
  const out: ParamValues = {};
  for (const [key, spec] of Object.entries(specs)) {
    const given = values[key];
    if (spec.kind === 'number') {
      const n = typeof given === 'number' && Number.isFinite(given) ? given : spec.default;
      out[key] = Math.min(spec.max, Math.max(spec.min, n));
    } else {
      out[key] = typeof given === 'string' && spec.options.includes(given) ? given : spec.default;
    }
  }
  return out;
}

export function num(values: ParamValues, key: string): number {
  const v = values[key];
  if (typeof v !== 'number') throw new Error(`scenario parameter "${key}" is not a number`);
  return v;
}

export function str(values: ParamValues, key: string): string {
  const v = values[key];
  if (typeof v !== 'string') throw new Error(`scenario parameter "${key}" is not a choice`);
  return v;
}

/** What a scenario file writes: everything but `run` and `faults`, which `defineScenario` derives. */
export interface ScenarioDef extends Omit<Scenario, 'run' | 'faults'> {
  /** The scenario's own faults for these parameter values (what `faults` shows for the defaults). */
  ownFaults(p: ParamValues): Fault[];
  /** Runs with resolved parameters, a seed, and the scenario's own faults plus the caller's. */
  execute(p: ParamValues, seed: number, faults: Fault[]): ScenarioResult;
}

export function defineScenario(def: ScenarioDef): Scenario {
  const { ownFaults, execute, ...meta } = def;
  return {
    ...meta,
    faults: ownFaults(resolveParams(meta.params)),
    run(values?: ParamValues, options: { seed?: number; faults?: Fault[] } = {}): ScenarioResult {
      const p = resolveParams(meta.params, values);
      return execute(p, options.seed ?? meta.seed, [...ownFaults(p), ...(options.faults ?? [])]);
    },
  };
}
