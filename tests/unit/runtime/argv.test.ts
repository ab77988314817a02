import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../../src/lab/protocol.ts';
import {
  clientArgs,
  faultArgs,
  instanceArgs,
  registryArgs,
  scenarioArgs,
} from '../../../src/lib/runtime/webcontainer/argv.ts';

describe('lab command lines', () => {
  it('builds each subcommand with the flags of the lab CLI', () => {
    expect(registryArgs({ port: 2379, minTtlS: 2, epoch: 5 })).toEqual(['lab.mjs', 'registry', '--port', '2379', '--min-ttl-s', '2', '--epoch', '5']);
    expect(registryArgs({ port: 2379 })).toEqual(['lab.mjs', 'registry', '--port', '2379']);
    expect(instanceArgs({ id: 'inst-2', port: 8082, registry: 'http://127.0.0.1:2379', ttlS: 5, epoch: 5 })).toEqual([
      'lab.mjs', 'instance', '--id', 'inst-2', '--port', '8082', '--registry', 'http://127.0.0.1:2379', '--ttl-s', '5', '--epoch', '5',
    ]);
    expect(
      clientArgs({
        registry: 'http://127.0.0.1:2379',
        rate: 20,
        burst: 5,
        balancer: 'consistent-hash',
        breakerTimeoutMs: 5000,
        consecutiveFailures: 5,
        maxAttempts: 3,
        callTimeoutMs: 500,
        epoch: 5,
      }),
    ).toEqual([
      'lab.mjs', 'client', '--registry', 'http://127.0.0.1:2379', '--rate', '20', '--burst', '5', '--balancer', 'consistent-hash',
      '--breaker-timeout-ms', '5000', '--consecutive-failures', '5', '--max-attempts', '3', '--call-timeout-ms', '500', '--epoch', '5',
    ]);
    expect(scenarioArgs({ scenario: 'rpc-retry-storm', params: { retries: 3 }, seed: 0, faults: [] })).toEqual([
      'lab.mjs', 'scenario', 'rpc-retry-storm', '--params', '{"retries":3}', '--seed', '0', '--faults', '[]',
    ]);
  });

  it('gives command lines the lab\'s own parser reads back', () => {
    expect(parseLabArgs(instanceArgs({ id: 'inst-1', port: 8081, registry: 'http://127.0.0.1:2379', ttlS: 7, epoch: 9 }).slice(1))).toMatchObject({
      command: 'instance',
      options: { id: 'inst-1', port: 8081, registry: 'http://127.0.0.1:2379', ttlS: 7, epoch: 9 },
    });
    expect(parseLabArgs(scenarioArgs({ scenario: 'breaker-outage', params: { timeoutS: 2 }, seed: 4 }).slice(1))).toEqual({
      command: 'scenario',
      options: { id: 'breaker-outage', params: { timeoutS: 2 }, seed: 4 },
    });
  });
});

/** Runs `node -e <fault script>` for real against a local server standing in for an instance. */
describe('the setFault script', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  });

  function listen(status: number): Promise<{ port: number; requests: { method?: string; url?: string; type?: string; body: string }[] }> {
    const requests: { method?: string; url?: string; type?: string; body: string }[] = [];
    return new Promise((resolve) => {
      server = createServer((req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          requests.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
          res.statusCode = status;
          res.end();
        });
      });
      server.listen(0, '127.0.0.1', () => resolve({ port: (server!.address() as AddressInfo).port, requests }));
    });
  }

  function node(args: string[]): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, args, (error, _stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
      });
    });
  }

  it('POSTs the fault and exits 0 on 204', async () => {
    const { port, requests } = await listen(204);
    expect(await node(faultArgs(port, { errorRate: 0.25, latencyMs: 40 }))).toEqual({ code: 0, stderr: '' });
    expect(requests).toEqual([{ method: 'POST', url: '/admin/fault', type: 'application/json', body: '{"errorRate":0.25,"latencyMs":40}' }]);
  });

  it('exits 1 with the status on any other answer', async () => {
    const { port } = await listen(500);
    expect(await node(faultArgs(port, { errorRate: 0, latencyMs: 0 }))).toEqual({ code: 1, stderr: 'POST /admin/fault answered 500\n' });
  });

  it('exits 1 when nothing listens', async () => {
    const { port } = await listen(204);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    const result = await node(faultArgs(port, { errorRate: 0, latencyMs: 0 }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^POST \/admin\/fault failed: connect ECONNREFUSED/);
  });
});
