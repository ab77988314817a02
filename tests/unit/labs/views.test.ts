/**
 * The lab views against real scenario runs: what the charts count must agree with the scenario's own
 * summary, the diagram must highlight the state the trace is in, and every fault a view offers must
 * change the run from its time on and leave everything before it unchanged (the deterministic kernel
 * makes "inject at the playhead" exact).
 */
import { describe, expect, it } from 'vitest';
import { countUpTo } from '../../../src/lib/labs/trace';
import { isUnavailable } from '../../../src/lib/labs/types';
import { LAB_VIEWS } from '../../../src/lib/labs/views';
import { findScenario, scenariosFor } from '../../../src/lib/sim/scenarios/index';
import type { ScenarioModel } from '../../../src/lib/sim/scenarios/types';

const sum = (values: (number | null)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);

describe('lab views', () => {
  it('breaker: the outcome chart adds up to the summary, and the diagram follows the state', () => {
    const scenario = findScenario('breaker-outage')!;
    const { trace, summary } = scenario.run();
    const [outcomes] = LAB_VIEWS.breaker.charts(trace, scenario.durationMs, 'en');
    const binSeconds = outcomes!.binMs / 1000;
    const [success, failure, rejected] = outcomes!.series.map((s) => Math.round(sum(s.values) * binSeconds));
    expect({ success, failure, rejected }).toEqual({ success: summary.successes, failure: summary.failures, rejected: summary.rejected });
    expect(outcomes!.bands!.map((b) => b.label)).toContain('open');

    const opened = trace.findIndex((e) => e.kind === 'state' && e.to === 'open');
    expect(LAB_VIEWS.breaker.highlight(trace, opened)).toEqual([{ id: 'closed', tone: 'active' }]);
    expect(LAB_VIEWS.breaker.highlight(trace, opened + 1)).toEqual([{ id: 'open', tone: 'bad' }]);
    expect(LAB_VIEWS.breaker.explain(trace[opened]!, 'zh')).toContain('熔断器打开');
  });

  it('limiter: one chart per algorithm, all on the same arrivals', () => {
    const scenario = findScenario('limiter-burst')!;
    const { trace, summary } = scenario.run();
    const charts = LAB_VIEWS.limiter.charts(trace, scenario.durationMs, 'en');
    const algorithms = summary.algorithms as Record<string, { admitted: number; rejected: number }>;
    expect(charts.map((c) => c.id)).toEqual(Object.keys(algorithms).map((a) => `algo-${a}`));
    for (const chart of charts) {
      const algorithm = chart.id.slice('algo-'.length);
      const [arriving, admitted, rejected] = chart.series.map((s) => Math.round(sum(s.values) * (chart.binMs / 1000)));
      expect({ admitted, rejected }).toEqual({ admitted: algorithms[algorithm]!.admitted, rejected: algorithms[algorithm]!.rejected });
      expect(arriving).toBe(summary.requests);
    }
  });

  it('registry: a crash shows as a bad node and, after the lease expires, as one instance fewer', () => {
    const scenario = findScenario('registry-crash-lease-expiry')!;
    const { trace } = scenario.run();
    const crash = trace.findIndex((e) => e.kind === 'crash');
    expect(LAB_VIEWS.registry.highlight(trace, crash + 1)).toContainEqual({ id: 'inst_2', tone: 'bad' });
    const [known] = LAB_VIEWS.registry.charts(trace, scenario.durationMs, 'en');
    const client = known!.series[0]!;
    expect(client.values.find((v) => v !== null)).toBe(3);
    expect(client.values.at(-1)).toBe(2);
    expect(LAB_VIEWS.registry.diagram(trace, {}, 'en')).toContain('inst_2["inst-2"]');
  });

  it('saga: balances end as promised and the failed step is marked', () => {
    const scenario = findScenario('saga-compensation-retry')!;
    const { trace } = scenario.run();
    const [balances] = LAB_VIEWS.saga.charts(trace, scenario.durationMs, 'en');
    expect(balances!.series.map((s) => [s.name, s.values.at(-1)])).toEqual([
      ['alice', 100],
      ['bob', 100],
      ['total', 200],
    ]);
    expect(LAB_VIEWS.saga.highlight(trace, trace.length)).toContainEqual({ id: 'Notify_a', tone: 'bad' });
  });

  const models: ScenarioModel[] = ['registry', 'rpc', 'breaker', 'limiter', 'saga'];
  for (const model of models) {
    it(`${model}: an injected fault never changes the run before the playhead, and faults change what follows`, () => {
      for (const scenario of scenariosFor(model)) {
        const base = scenario.run();
        // A saga is over within its first retry, so its faults are tried from the start.
        const atMs = model === 'saga' ? 0 : Math.round(scenario.durationMs * 0.4);
        let changedSome = false;
        const actions = LAB_VIEWS[model].faults(base.trace, {}, 'en');
        // The codec comparison has no faults to offer: its point is bytes and latency on a fixed link.
        if (scenario.id === 'rpc-protobuf-vs-json') {
          expect(actions).toEqual([]);
          continue;
        }
        for (const action of actions) {
          const fault = action.make(atMs, base.trace);
          if (isUnavailable(fault)) continue;
          const changed = scenario.run({}, { faults: [fault] });
          const before = countUpTo(base.trace, atMs - 1e-6);
          expect(changed.trace.slice(0, before), `${scenario.id} ${action.id}`).toEqual(base.trace.slice(0, before));
          // Some faults repeat what the scenario already scripts (a step that already fails), so
          // not every one must change the run; at least one per scenario must.
          changedSome ||= JSON.stringify(changed.trace) !== JSON.stringify(base.trace);
        }
        expect(changedSome, `${scenario.id}: no offered fault changes the run`).toBe(true);
      }
    });
  }
});
