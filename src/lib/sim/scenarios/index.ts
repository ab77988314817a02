/** Every scenario, by model: what the lab pages list and lessons link to. */
import { BREAKER_SCENARIOS } from './breaker.ts';
import { LIMITER_SCENARIOS } from './limiter.ts';
import type { Scenario, ScenarioModel } from './types.ts';

export const SCENARIOS: readonly Scenario[] = [...LIMITER_SCENARIOS, ...BREAKER_SCENARIOS];

export function scenariosFor(model: ScenarioModel): Scenario[] {
  return SCENARIOS.filter((s) => s.model === model);
}

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
