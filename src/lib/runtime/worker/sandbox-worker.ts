/**
 * The sandboxed worker: it answers requests from the page on the port the sandbox iframe hands it.
 * It runs in an opaque origin, so code run here (later: learner code under the grader) cannot reach
 * the app's IndexedDB, localStorage, cookies or DOM, and its CSP forbids network access.
 */
import { SCENARIOS, findScenario } from '../../sim/scenarios/index.ts';
import type { PortMessage, WorkerRequest, WorkerResponse } from './protocol.ts';

interface WorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEvent<{ type: string }>) => void): void;
}

function handle(request: WorkerRequest): WorkerResponse {
  if (request.type === 'ping') return { id: request.id, ok: true, type: 'ping' };
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

(self as unknown as WorkerScope).addEventListener('message', (event) => {
  if (event.data?.type !== 'port') return;
  const port = event.ports[0];
  if (!port) return;
  port.onmessage = (message: MessageEvent<WorkerRequest>) => {
    const request = message.data;
    let response: WorkerResponse;
    try {
      response = handle(request);
    } catch (error) {
      response = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(response satisfies PortMessage);
  };
  port.postMessage({ type: 'worker-ready' } satisfies PortMessage);
});
