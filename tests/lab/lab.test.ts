/**
 * The live lab as real processes: the bundle of `src/lab/main.ts`, run with this Node on 127.0.0.1
 * with OS-chosen ports. The tests assert on the events and their order, never on timings; every
 * wait is bounded and every process is SIGKILLed after each test.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findScenario } from '../../src/lib/sim/scenarios/index.ts';
import type { LabEvent } from '../../src/lab/protocol.ts';
import { Lab, buildLab } from './harness.ts';

let script = '';
let cleanup = () => {};
let lab: Lab;

beforeAll(async () => {
  const built = await buildLab();
  script = built.script;
  cleanup = built.cleanup;
});

afterAll(() => cleanup());

afterEach(async () => {
  await lab?.killAll();
});

const calls = (events: readonly LabEvent[]) => events.filter((e) => e.kind === 'call' && e.source === 'client');

async function postFault(instanceUrl: string, fault: { errorRate: number; latencyMs: number }): Promise<void> {
  const res = await fetch(`${instanceUrl}/admin/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  expect(res.status).toBe(204);
}

describe('lab: registry, instances and client as real processes', () => {
  it('a killed instance loses its registration after its TTL and the client stops calling it', async () => {
    lab = new Lab(script);
    const epoch = Date.now();
    const { url: registry } = await lab.registry(['--min-ttl-s', 1, '--epoch', epoch]);
    const instances: Record<string, { lease: string; proc: ReturnType<Lab['start']> }> = {};
    for (const id of ['inst-1', 'inst-2', 'inst-3']) {
      const started = await lab.instance(id, registry, ['--ttl-s', 3, '--epoch', epoch]);
      instances[id] = { lease: started.lease, proc: started.proc };
    }
    // The registry raised nothing: 3 s is above its 1 s minimum.
    expect(lab.events.filter((e) => e.kind === 'registered').map((e) => e.ttlS)).toEqual([3, 3, 3]);

    lab.start('client', ['client', '--registry', registry, '--rate', 30, '--burst', 5, '--breaker-timeout-ms', 1000, '--epoch', epoch, '--lifeline']);
    await lab.waitFor('the client to see all three instances', (e) => e.kind === 'view' && Array.isArray(e.instances) && e.instances.length === 3);
    await lab.waitFor('a successful call to inst-2', (e) => e.kind === 'call' && e.instance === 'inst-2' && e.outcome === 'success');

    const killedAt = lab.events.length;
    instances['inst-2']!.proc.child.kill('SIGKILL');

    const expired = await lab.waitFor('inst-2’s lease to expire at the registry', (e) => e.kind === 'lease-expired' && e.instance === 'inst-2', { from: killedAt });
    expect(expired.event.source).toBe('registry');
    // The lease that expired is the one inst-2 registered with (it renewed it until it died).
    expect(expired.event.lease).toBe(instances['inst-2']!.lease);

    const dropped = await lab.waitFor(
      'the client’s view to drop inst-2',
      (e) => e.kind === 'view' && e.source === 'client' && Array.isArray(e.instances) && !e.instances.includes('inst-2'),
      { from: killedAt },
    );
    expect(dropped.event.instances).toEqual(['inst-1', 'inst-3']);
    // The client learnt it from the watch: a delete of inst-2.
    expect(lab.events.slice(killedAt, dropped.index).some((e) => e.kind === 'watch' && e.action === 'delete' && e.instance === 'inst-2')).toBe(true);

    // Let the client make plenty of calls with its new view.
    let seen = 0;
    await lab.waitFor('20 successful calls after the view changed', (e) => e.kind === 'call' && e.outcome === 'success' && ++seen >= 20, { from: dropped.index + 1 });

    // No attempt that started after the view changed went to inst-2. (A `call` event is printed when
    // the attempt ends, so one already in flight may still end after the view event.)
    const viewT = dropped.event.t;
    const after = calls(lab.events.slice(dropped.index + 1));
    const startedAfter = after.filter((e) => e.t - Number(e.latencyMs) > viewT);
    expect(startedAfter.length).toBeGreaterThanOrEqual(20);
    expect(startedAfter.filter((e) => e.instance === 'inst-2')).toEqual([]);
    expect(new Set(startedAfter.map((e) => e.instance))).toEqual(new Set(['inst-1', 'inst-3']));
    // Between the kill and the expiry, calls that reached inst-2 failed, and the client retried elsewhere.
    const meanwhile = calls(lab.events.slice(killedAt, dropped.index)).filter((e) => e.instance === 'inst-2' && e.outcome !== 'success');
    expect(meanwhile.length).toBeGreaterThan(0);
    expect(lab.events.slice(killedAt).some((e) => e.kind === 'retry')).toBe(true);

    // Restarted (a new process, a new port, the same id), inst-2 registers with a new lease and the
    // client calls it again.
    const restartedAt = lab.events.length;
    const restarted = await lab.instance('inst-2', registry, ['--ttl-s', 3, '--epoch', epoch]);
    expect(restarted.lease).not.toBe(instances['inst-2']!.lease);
    const back = await lab.waitFor(
      'the client’s view to include inst-2 again',
      (e) => e.kind === 'view' && e.source === 'client' && Array.isArray(e.instances) && e.instances.includes('inst-2'),
      { from: restartedAt },
    );
    expect(back.event.instances).toEqual(['inst-1', 'inst-2', 'inst-3']);
    await lab.waitFor('a successful call to the restarted inst-2', (e) => e.kind === 'call' && e.instance === 'inst-2' && e.outcome === 'success', { from: back.index });
  }, 45_000);

  it('the breaker opens under injected errors and closes again once they stop', async () => {
    lab = new Lab(script);
    const epoch = Date.now();
    const { url: registry } = await lab.registry(['--min-ttl-s', 1, '--epoch', epoch]);
    const inst = await lab.instance('inst-1', registry, ['--ttl-s', 3, '--epoch', epoch]);
    lab.start('client', [
      'client',
      '--registry',
      registry,
      '--rate',
      40,
      '--consecutive-failures',
      3,
      '--breaker-timeout-ms',
      700,
      '--epoch',
      epoch,
      '--lifeline',
    ]);
    await lab.waitFor('a successful call', (e) => e.kind === 'call' && e.outcome === 'success');

    const faultAt = lab.events.length;
    await postFault(inst.url, { errorRate: 1, latencyMs: 0 });
    await lab.waitFor('the fault event', (e) => e.kind === 'fault' && e.instance === 'inst-1' && e.errorRate === 1, { from: faultAt });
    const opened = await lab.waitFor('the breaker to open', (e) => e.kind === 'state' && e.to === 'open', { from: faultAt });
    expect(opened.event).toMatchObject({ source: 'client', instance: 'inst-1', from: 'closed', to: 'open' });
    // ReadyToTrip is "consecutive failures > 3": the 4th failure trips it. Its `call` event comes
    // right after the `state` event (the breaker changes state while the failure is recorded).
    const failuresBefore = calls(lab.events.slice(faultAt, opened.index)).filter((e) => e.outcome === 'failure');
    expect(failuresBefore.length).toBeGreaterThanOrEqual(3);
    const tripping = await lab.waitFor('the client’s next event', (e) => e.source === 'client', { from: opened.index + 1 });
    expect(tripping.event).toMatchObject({ kind: 'call', instance: 'inst-1', outcome: 'failure', reason: 'error', state: 'open' });
    // Afterwards calls are rejected without reaching inst-1.
    await lab.waitFor('a rejected call', (e) => e.kind === 'call' && e.outcome === 'rejected' && e.reason === 'open', { from: opened.index });

    const healedAt = lab.events.length;
    await postFault(inst.url, { errorRate: 0, latencyMs: 0 });
    const closed = await lab.waitFor('the breaker to close again', (e) => e.kind === 'state' && e.to === 'closed', { from: healedAt });
    expect(closed.event).toMatchObject({ instance: 'inst-1', from: 'half-open', to: 'closed' });
    // It got there through half-open: open → half-open → closed.
    const transitions = lab.events
      .slice(opened.index, closed.index + 1)
      .filter((e) => e.kind === 'state')
      .map((e) => `${String(e.from)}->${String(e.to)}`);
    expect(transitions[0]).toBe('closed->open');
    expect(transitions.at(-2)).toBe('open->half-open');
    expect(transitions.at(-1)).toBe('half-open->closed');
    await lab.waitFor('a successful call after closing', (e) => e.kind === 'call' && e.outcome === 'success' && e.state === 'closed', { from: closed.index });
  }, 45_000);

  it('the registry speaks etcd’s lease semantics over HTTP', async () => {
    lab = new Lab(script);
    const { url } = await lab.registry(); // etcd's default minimum TTL: 2 s
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    // A TTL below the minimum is raised silently; the caller learns it from the answer.
    const granted = await call('POST', '/leases', { ttlS: 1 });
    expect(granted).toEqual({ status: 200, body: { id: expect.any(String), ttlS: 2 } });
    const lease = String(granted.body.id);
    expect(await call('POST', '/leases/nope/keepalive')).toEqual({ status: 404, body: { error: 'lease not found' } });
    expect(await call('PUT', '/keys/micro/registry/user/x', { value: 'v', lease: 'nope' })).toEqual({ status: 404, body: { error: 'lease not found' } });

    const listed = await call('GET', `/keys?prefix=${encodeURIComponent('/micro/registry/user/')}`);
    expect(listed.body.kvs).toEqual([]);
    // A watch from the next revision waits until something changes under the prefix.
    const watch = call('GET', `/watch?prefix=${encodeURIComponent('/micro/registry/user/')}&revision=${Number(listed.body.revision) + 1}`);
    const value = JSON.stringify({ name: 'user', version: 'latest', metadata: {}, nodes: [{ id: 'inst-9', address: '127.0.0.1:1', metadata: {} }] });
    expect((await call('PUT', '/keys/micro/registry/user/inst-9', { value, lease })).status).toBe(200);
    const watched = await watch;
    expect(watched.body.events).toEqual([{ type: 'put', revision: expect.any(Number), kv: expect.objectContaining({ key: '/micro/registry/user/inst-9', value, lease }), prevKv: null }]);
    expect(await call('POST', `/leases/${lease}/keepalive`)).toEqual({ status: 200, body: { id: lease, ttlS: 2 } });
    // Revoking the lease deletes its key at once.
    expect((await call('DELETE', `/leases/${lease}`)).status).toBe(200);
    const deregistered = await lab.waitFor('the registry to report the revoke', (e) => e.kind === 'deregistered');
    expect(deregistered.event).toMatchObject({ source: 'registry', instance: 'inst-9', cause: 'revoke' });
    expect((await call('GET', `/keys?prefix=${encodeURIComponent('/micro/registry/')}`)).body.kvs).toEqual([]);
    expect(await call('DELETE', `/leases/${lease}`)).toEqual({ status: 404, body: { error: 'lease not found' } });
  }, 30_000);

  it('POST /admin/crash kills an instance without a revoke: its lease expires on its own', async () => {
    lab = new Lab(script);
    const { url: registry } = await lab.registry(['--min-ttl-s', 1]);
    const inst = await lab.instance('inst-1', registry, ['--ttl-s', 1]);
    const res = await fetch(`${inst.url}/admin/crash`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect((await lab.waitExit(inst.proc)).code).toBe(137);
    const crashed = await lab.waitFor('the crash event', (e) => e.kind === 'crash' && e.instance === 'inst-1');
    const expired = await lab.waitFor('the lease to expire', (e) => e.kind === 'lease-expired' && e.instance === 'inst-1', { from: crashed.index });
    expect(expired.event.lease).toBe(inst.lease);
    expect(lab.events.some((e) => e.kind === 'deregistered' || e.kind === 'exit')).toBe(false);
  }, 30_000);

  it('`scenario` prints the same events as running the scenario in-process', async () => {
    lab = new Lab(script);
    const proc = lab.start('scenario', ['scenario', 'saga-compensation-retry', '--params', JSON.stringify({ compensationFailures: 2 }), '--seed', 7]);
    expect((await lab.waitExit(proc)).code).toBe(0);
    const expected = findScenario('saga-compensation-retry')!.run({ compensationFailures: 2 }, { seed: 7 });
    const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
    expect(lab.events).toEqual([
      ...expected.trace.map((e) => json({ ...e, source: 'scenario' })),
      { t: 120_000, kind: 'result', source: 'scenario', summary: json(expected.summary) },
    ]);
    expect(proc.logs).toEqual([]);

    const unknown = lab.start('unknown', ['scenario', 'no-such-scenario']);
    expect((await lab.waitExit(unknown)).code).toBe(2);
    const errors = lab.events.filter((e) => e.kind === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('no-such-scenario');
  }, 30_000);

  it('`all` starts the registry, instances and client, and stops them cleanly after --duration-s', async () => {
    lab = new Lab(script);
    const proc = lab.start('all', ['all', '--instances', 2, '--ttl-s', 3, '--min-ttl-s', 1, '--duration-s', 3, '--lifeline']);
    const { code } = await lab.waitExit(proc, 30_000);
    expect(code).toBe(0);
    const of = (kind: string) => lab.events.filter((e) => e.kind === kind).map((e) => e.source).sort();
    expect(of('listening')).toEqual(['inst-1', 'inst-2', 'registry']);
    expect(of('registered')).toEqual(['inst-1', 'inst-2']);
    expect(lab.events.some((e) => e.kind === 'view' && Array.isArray(e.instances) && e.instances.length === 2)).toBe(true);
    expect(calls(lab.events).some((e) => e.outcome === 'success')).toBe(true);
    // Clean stop: client first, instances revoke their leases (the registry says so), registry last.
    expect(of('exit')).toEqual(['client', 'inst-1', 'inst-2', 'registry']);
    expect(lab.events.filter((e) => e.kind === 'exit').every((e) => e.code === 0)).toBe(true);
    expect(lab.events.at(-1)).toMatchObject({ kind: 'exit', source: 'registry' });
    const deregistered = lab.events.filter((e) => e.kind === 'deregistered');
    expect(deregistered.map((e) => e.instance).sort()).toEqual(['inst-1', 'inst-2']);
    expect(deregistered.every((e) => e.cause === 'revoke')).toBe(true);
    const clientExit = lab.events.findIndex((e) => e.kind === 'exit' && e.source === 'client');
    expect(lab.events.findIndex((e) => e.kind === 'deregistered')).toBeGreaterThan(clientExit);
    // Nothing is left listening.
    const port = Number(lab.events.find((e) => e.kind === 'listening' && e.source === 'registry')!.port);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  }, 45_000);
});
