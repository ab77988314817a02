/**
 * `lab.mjs scenario <id>`: runs one scenario of `src/lib/sim/scenarios` in virtual time, exactly as
 * the worker runtime does, and prints its trace as `@@EV` lines (`source: "scenario"`), then a
 * `result` event with the summary at `t = durationMs`. An unknown scenario prints one `error` event
 * and exits with code 2.
 */
import { findScenario } from '../lib/sim/scenarios/index.ts';
import { formatEventLine, type LabEvent, type ScenarioOptions } from './protocol.ts';

/** The lines `lab.mjs scenario` prints, and its exit code. Pure: the tests call it in-process too. */
export function scenarioLines(opts: ScenarioOptions): { lines: string[]; code: number } {
  const scenario = findScenario(opts.id);
  if (!scenario) {
    return { lines: [formatEventLine({ t: 0, kind: 'error', source: 'scenario', message: `unknown scenario "${opts.id}"` })], code: 2 };
  }
  const options: { seed?: number; faults?: NonNullable<ScenarioOptions['faults']> } = {};
  if (opts.seed !== undefined) options.seed = opts.seed;
  if (opts.faults !== undefined) options.faults = opts.faults;
  const result = scenario.run(opts.params, options);
  const lines = result.trace.map((e) => formatEventLine({ ...e, source: 'scenario' } as LabEvent));
  lines.push(formatEventLine({ t: scenario.durationMs, kind: 'result', source: 'scenario', summary: result.summary }));
  return { lines, code: 0 };
}

export function runScenarioCommand(opts: ScenarioOptions): void {
  let out: { lines: string[]; code: number };
  try {
    out = scenarioLines(opts);
  } catch (e) {
    out = { lines: [formatEventLine({ t: 0, kind: 'error', source: 'scenario', message: e instanceof Error ? e.message : String(e) })], code: 1 };
  }
  // One write per chunk of lines; the process then ends on its own once stdout is drained.
  const CHUNK = 2000;
  for (let i = 0; i < out.lines.length; i += CHUNK) process.stdout.write(out.lines.slice(i, i + CHUNK).join('\n') + '\n');
  process.exitCode = out.code;
}
