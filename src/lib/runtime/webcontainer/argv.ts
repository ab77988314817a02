/**
 * The command lines of the lab bundle (`lab.mjs`, built from `src/lab`), exactly as its CLI reads
 * them:
 *
 * ```
 * node lab.mjs registry --port <p> [--min-ttl-s 2] [--epoch <unix ms>]
 * node lab.mjs instance --id <inst-N> --port <p> --registry http://127.0.0.1:<p> [--ttl-s 5] [--epoch <unix ms>]
 * node lab.mjs client   --registry http://127.0.0.1:<p> [--rate 20] [--burst 5] [--balancer ...]
 *                       [--breaker-timeout-ms 5000] [--consecutive-failures 5] [--max-attempts 3]
 *                       [--call-timeout-ms 500] [--epoch <unix ms>]
 * node lab.mjs scenario <scenario-id> [--params '<json object>'] [--seed <n>] [--faults '<json array>']
 * ```
 *
 * The argv itself comes from `labCommand` of `src/lab/protocol.ts`, the lab's own builder, so the two
 * sides cannot drift apart. Optional flags are passed only when given, so the lab's defaults (and a
 * scenario's own seed) apply otherwise. `spawn` takes an argument array, so JSON needs no shell
 * quoting.
 *
 * Ports are fixed: the container has its own network namespace, so nothing on the page or the
 * machine can collide with them.
 */
import { LAB_SCRIPT, labCommand, type LabInputByKind } from '../../../lab/protocol.ts';
import type { ScenarioRequest } from '../types.ts';

export const LAB_FILE = LAB_SCRIPT;
export const NODE = 'node';
export const REGISTRY_PORT = 2379;
/** `inst-1` listens on 8081, `inst-2` on 8082, ... */
export const FIRST_INSTANCE_PORT = 8081;

/** The client's settings (all the lab's `client` flags but the registry and the epoch). */
export type ClientOptions = Omit<LabInputByKind['client'], 'registry' | 'epoch' | 'lifeline'>;

export function instanceId(n: number): string {
  return `inst-${n}`;
}

export function instancePort(n: number, firstPort = FIRST_INSTANCE_PORT): number {
  return firstPort + n - 1;
}

export function registryUrl(port = REGISTRY_PORT): string {
  return `http://127.0.0.1:${port}`;
}

export function registryArgs(options: { port: number; minTtlS?: number | undefined; epoch?: number | undefined }): string[] {
  return labCommand('registry', { port: options.port, minTtlS: options.minTtlS, epoch: options.epoch }, LAB_FILE);
}

export function instanceArgs(options: { id: string; port: number; registry: string; ttlS?: number | undefined; epoch?: number | undefined }): string[] {
  return labCommand(
    'instance',
    { id: options.id, port: options.port, registry: options.registry, ttlS: options.ttlS, epoch: options.epoch },
    LAB_FILE,
  );
}

export function clientArgs(options: ClientOptions & { registry: string; epoch?: number | undefined }): string[] {
  return labCommand('client', options, LAB_FILE);
}

export function scenarioArgs(request: ScenarioRequest): string[] {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(request.scenario)) {
    throw new Error(`not a scenario id: ${JSON.stringify(request.scenario)}`);
  }
  return labCommand(
    'scenario',
    { id: request.scenario, params: request.params, seed: request.seed, faults: request.faults },
    LAB_FILE,
  );
}

/**
 * `node -e` source that sets an instance's injected faults: `POST /admin/fault` on the instance's
 * port inside the container, exit 0 on 204, 1 otherwise. The browser cannot reach the container's
 * 127.0.0.1 (ports are exposed only through cross-origin preview URLs, which the app's CSP forbids
 * anyway), so the request is made from inside. `node:http` rather than `fetch`, with its own
 * time-out and no keep-alive agent, so the process ends as soon as the answer is in.
 */
export function faultScript(port: number, fault: { errorRate: number; latencyMs: number }): string {
  const body = JSON.stringify({ errorRate: fault.errorRate, latencyMs: fault.latencyMs });
  return [
    `const http = require('http');`,
    `const body = ${JSON.stringify(body)};`,
    `const req = http.request({ host: '127.0.0.1', port: ${port}, path: '/admin/fault', method: 'POST', agent: false,`,
    `  headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {`,
    `  res.resume();`,
    `  res.on('end', () => {`,
    `    if (res.statusCode === 204) process.exit(0);`,
    `    console.error('POST /admin/fault answered ' + res.statusCode);`,
    `    process.exit(1);`,
    `  });`,
    `});`,
    `req.setTimeout(3000, () => req.destroy(new Error('no answer within 3 s')));`,
    `req.on('error', (error) => { console.error('POST /admin/fault failed: ' + error.message); process.exit(1); });`,
    `req.end(body);`,
  ].join('\n');
}

export function faultArgs(port: number, fault: { errorRate: number; latencyMs: number }): string[] {
  return ['-e', faultScript(port, fault)];
}
