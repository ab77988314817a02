/**
 * Replays many traces through the TypeScript models in this one Node process. Each trace gets a
 * fresh ReplaySession fed the trace's lines as JSON text, exactly what `npm run -s sim -- replay
 * <model>` does with stdin, minus the process: thousands of traces would otherwise cost thousands
 * of Node start-ups. (go-check still runs a few traces through the real CLI process.)
 */
import { REPLAY_MODELS, type ReplayModelName } from '../../src/lib/sim/replay/index.ts';
import { ReplaySession } from '../../src/lib/sim/replay/session.ts';
import type { ReplayFactory } from '../../src/lib/sim/replay/types.ts';
import type { Trace } from './traces.ts';

/** One answer line per op, parsed. `factory` replaces the model's own (the checker's self-test). */
export function replayTraces(model: ReplayModelName, traces: readonly Trace[], factory?: ReplayFactory): unknown[][] {
  return traces.map((trace) => {
    const session = new ReplaySession(factory ?? REPLAY_MODELS[model]);
    const answers: unknown[] = [];
    for (const line of trace.lines) {
      const answer = session.feed(JSON.stringify(line));
      if (answer !== undefined) answers.push(JSON.parse(answer));
    }
    return answers;
  });
}
