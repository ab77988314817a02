/** Every scenario, by model: what the lab pages list and lessons link to. */
import { BREAKER_SCENARIOS } from './breaker.ts';
import { LIMITER_SCENARIOS } from './limiter.ts';
import { REGISTRY_SCENARIOS } from './registry.ts';
import { RPC_SCENARIOS } from './rpc.ts';
import { SAGA_SCENARIOS } from './saga.ts';
import type { Scenario, ScenarioModel } from './types.ts';

export const SCENARIOS: readonly Scenario[] = [...REGISTRY_SCENARIOS, ...RPC_SCENARIOS, ...LIMITER_SCENARIOS, ...BREAKER_SCENARIOS, ...SAGA_SCENARIOS];

export function scenariosFor(model: ScenarioModel): Scenario[] {
  return SCENARIOS.filter((s) => s.model === model);
}

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
