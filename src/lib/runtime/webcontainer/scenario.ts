/**
 * `runScenario` in the container: `node lab.mjs scenario <id> ...` prints each trace event as an
 * `@@EV` line with `"source":"scenario"`, then a `result` event holding the summary, and exits 0; an
 * unknown scenario prints an `error` event and exits 2.
 *
 * Collection is strict, because a trace with a silently missing event is worse than none: an
 * unreadable `@@EV` line, an `error` event, a non-zero exit, a missing result or a run over the time
 * limit all reject, with a message that says which (and the last log lines, where a Node stack trace
 * would be).
 */
import type { TraceEvent } from '../../sim/kernel.ts';
import type { ScenarioResult, ScenarioSummary } from '../../sim/scenarios/types.ts';
import type { ScenarioRequest } from '../types.ts';
import { NODE, scenarioArgs } from './argv.ts';
import { delay } from './container.ts';
import { formatSeconds } from './boot.ts';
import type { ParsedItem } from './ev-parser.ts';
import type { ContainerHost } from './host.ts';
import type { ExitInfo, ManagedProcess } from './process.ts';

export const DEFAULT_SCENARIO_TIMEOUT_MS = 30_000;

/** Turns the items of a scenario run into its result, or the reason there is none. */
export class ScenarioCollector {
  readonly trace: TraceEvent[] = [];
  private result: TraceEvent | null = null;
  private error: string | null = null;

  accept(item: ParsedItem): void {
    if (item.type === 'log') return;
    if (item.type === 'error') {
      this.error ??= `unreadable event line (${item.message}): ${item.line}`;
      return;
    }
    const { event } = item;
    if (event.kind === 'error') {
      const message = typeof event['message'] === 'string' ? event['message'] : JSON.stringify(event);
      this.error ??= message;
      return;
    }
    if (event.kind === 'result') {
      if (this.result) this.trace.push(withoutSource(this.result)); // only the final one is the result
      this.result = event;
      return;
    }
    if (this.result) {
      // An event after a result: the earlier "result" was not the final one.
      this.trace.push(withoutSource(this.result));
      this.result = null;
    }
    this.trace.push(withoutSource(event));
  }

  /** The outcome, once the process ended as `exit` says. Throws an Error with the reason otherwise. */
  finish(scenario: string, exit: ExitInfo, logs: string[]): ScenarioResult {
    if (this.error !== null) throw new Error(this.error);
    if (exit.lost) throw new Error(`scenario ${scenario} did not finish: ${exit.reason}`);
    if (exit.code !== 0) {
      const tail = logs.length > 0 ? `:\n${logs.join('\n')}` : '';
      throw new Error(`scenario ${scenario} exited with code ${exit.code}${tail}`);
    }
    if (!this.result) throw new Error(`scenario ${scenario} ended without a result`);
    const summary = this.result['summary'];
    if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) {
      throw new Error(`scenario ${scenario} gave a result without a summary object`);
    }
    return { trace: this.trace, summary: summary as ScenarioSummary };
  }
}

export function withoutSource(event: TraceEvent): TraceEvent {
  const copy: TraceEvent = { ...event };
  delete copy['source'];
  return copy;
}

export interface RunScenarioOptions {
  timeoutMs?: number;
  /** A name for the process, e.g. `scenario-3`. */
  processId?: string;
  /** Told about the process while it runs (so its owner can kill it on dispose). */
  track?: (proc: ManagedProcess) => () => void;
}

export async function runScenarioOnHost(host: ContainerHost, request: ScenarioRequest, options: RunScenarioOptions = {}): Promise<ScenarioResult> {
  const args = scenarioArgs(request);
  const collector = new ScenarioCollector();
  const proc = await host.spawn(
    { id: options.processId ?? `scenario ${request.scenario}`, command: NODE, args },
    { onItem: (item) => collector.accept(item) },
  );
  const untrack = options.track?.(proc) ?? (() => {});
  const timeoutMs = options.timeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS;
  const limit = delay(host.timers, timeoutMs);
  try {
    const first = await Promise.race([proc.exited, limit.promise]);
    if (first === true) {
      // Over time: kill it; if even that fails, the host recycles the container. Not awaited: the
      // caller learns about the time-out now, the clean-up finishes on its own.
      void host.stop(proc);
      throw new Error(`scenario ${request.scenario} did not finish within ${formatSeconds(timeoutMs)} s`);
    }
    return collector.finish(request.scenario, first, proc.lastLogs());
  } finally {
    limit.cancel();
    untrack();
  }
}
