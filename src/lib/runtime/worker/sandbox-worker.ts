/**
 * The sandboxed worker: it answers requests from the page on the port the sandbox iframe hands it.
 * It runs in an opaque origin, so code run here (later: learner code under the grader) cannot reach
 * the app's IndexedDB, localStorage, cookies or DOM, and its CSP forbids network access.
 */
import { SCENARIOS, findScenario } from '../../sim/scenarios/index.ts';
import type { WorkerRequest, WorkerResponse } from './protocol.ts';
import { serveRequests } from './serve.ts';

function handle(request: WorkerRequest): WorkerResponse {
  if (request.type === 'ping') return { id: request.id, ok: true, type: 'ping' };
  if (request.type === 'grade' || request.type === 'limiter') return { id: request.id, ok: false, error: 'this worker runs simulations; learner code has its own worker' };
  if (request.type === 'catalog') {
    const scenarios = SCENARIOS.map(({ run: _run, ...info }) => info);
    return { id: request.id, ok: true, type: 'catalog', scenarios };
  }
  const { scenario: id, params, seed, faults } = request.request;
  const scenario = findScenario(id);
  if (!scenario) return { id: request.id, ok: false, error: `unknown scenario "${id}"` };
  const options: { seed?: number; faults?: typeof faults } = {};
  if (seed !== undefined) options.seed = seed;
  if (faults !== undefined) options.faults = faults;
  return { id: request.id, ok: true, type: 'scenario', result: scenario.run(params, options) };
}

serveRequests(handle);
