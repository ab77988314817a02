/**
 * What a lab page needs to know about one model to show its trace: the charts, the diagram and what
 * to highlight in it, the explanation of an event, and the faults a learner can inject. Pure
 * functions of a trace, so they are computed once per run and tested without a browser.
 */
import type { Lang } from '../content/types.ts';
import type { TraceEvent } from '../sim/kernel.ts';
import type { Fault, ParamValues } from '../sim/scenarios/types.ts';

export interface Series {
  name: string;
  /** One of the chart palette's slots, 1–5 (CSS variables `--series-1` …, contrast-checked in both themes). */
  colour: 1 | 2 | 3 | 4 | 5;
  values: (number | null)[];
}

export interface Band {
  from: number;
  to: number;
  label: string;
  /** `ok`, `bad` or `warn`: the band's colour. */
  tone: 'ok' | 'bad' | 'warn';
}

export interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  binMs: number;
  series: Series[];
  bands?: Band[];
  /** `line` joins points; `steps` holds each value until the next (counts of things known). */
  shape: 'line' | 'steps';
}

/** A diagram node and how to mark it: `active` (the current state or step), `bad` (down, failed), `warn`. */
export interface Highlight {
  id: string;
  tone: 'active' | 'bad' | 'warn';
}

export interface FaultAction {
  id: string;
  label: string;
  /** The fault to add at the playhead's time, or a reason why it cannot be added now. */
  make(atMs: number, trace: readonly TraceEvent[]): Fault | { unavailable: string };
}

/** Whether a fault action declined (and why), rather than giving a fault. */
export function isUnavailable(made: Fault | { unavailable: string }): made is { unavailable: string } {
  return typeof (made as { unavailable?: unknown }).unavailable === 'string' && (made as { kind?: unknown }).kind === undefined;
}

export interface LabView {
  charts(trace: readonly TraceEvent[], durationMs: number, lang: Lang): ChartSpec[];
  /** Mermaid source of the diagram, drawn from a run's trace; node ids are stable so that `highlight` can name them. */
  diagram(trace: readonly TraceEvent[], params: ParamValues, lang: Lang): string;
  /** The diagram nodes to mark once the first `count` events have happened. */
  highlight(trace: readonly TraceEvent[], count: number): Highlight[];
  /** A sentence about an event worth explaining, or undefined for routine ones (calls, samples). */
  explain(event: TraceEvent, lang: Lang): string | undefined;
  faults(trace: readonly TraceEvent[], params: ParamValues, lang: Lang): FaultAction[];
}

export function pick(lang: Lang, zh: string, en: string): string {
  return lang === 'zh' ? zh : en;
}

/** A bin width that gives a chart between about 40 and 120 points. */
export function binFor(durationMs: number): number {
  for (const bin of [100, 250, 500, 1000, 2000, 5000]) if (durationMs / bin <= 120) return bin;
  return 10_000;
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms)} ms`;
}
