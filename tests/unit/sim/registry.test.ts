/**
 * go-micro registration over etcd leases, the caller's discovery cache and Consul health checks.
 * Tests named Test… port upstream tests: go-micro `registry/memory_test.go` (v4.9.0, commit
 * 1db36357d509bdc590fb08264f6d8f14cce9b867), run against the etcd-backed registry, and Consul
 * `agent/agent_test.go` (hashicorp/consul commit f4b321cb2f3f62be412ad1bbe8a01f742139be61).
 */
import { describe, expect, it } from 'vitest';
import { LeaseStore } from '../../../src/lib/sim/models/registry/lease';
import {
  ConsulAgent,
  DiscoveryCache,
  EtcdRegistry,
  MicroServer,
  REGISTRY_UNREACHABLE,
  SERVICE_NOT_FOUND,
  nodePath,
  runActors,
  type HttpProbeResult,
  type RegistryResult,
  type RegistryService,
} from '../../../src/lib/sim/models/registry/registry';
import { MILLISECOND, MINUTE, SECOND } from '../../../src/lib/sim/time';

const service = (name: string, version: string, ...ids: string[]): RegistryService => ({
  name,
  version,
  metadata: {},
  nodes: ids.map((id) => ({ id, address: 'localhost:9999', metadata: {} })),
});

// go-micro registry/memory_test.go's testData.
const testData: Record<string, RegistryService[]> = {
  foo: [service('foo', '1.0.0', 'foo-1.0.0-123', 'foo-1.0.0-321'), service('foo', '1.0.1', 'foo-1.0.1-321'), service('foo', '1.0.3', 'foo-1.0.3-345')],
  bar: [service('bar', 'default', 'bar-1.0.0-123', 'bar-1.0.0-321'), service('bar', 'latest', 'bar-1.0.1-321')],
};

function summary(results: readonly RegistryResult[]): string[] {
  return results.map((r) => `${r.at / SECOND}s ${r.action} ${r.service.nodes.map((n) => n.id).join(',')}`);
}

describe('ports of go-micro registry/memory_test.go, on the etcd registry', () => {
  it('TestMemoryRegistry: register, get each version, list, deregister, then not found', () => {
    const m = new EtcdRegistry(new LeaseStore());
    for (const services of Object.values(testData)) {
      services.forEach((s, i) => {
        expect(m.register(0, s)).toEqual({ ok: true });
        const got = m.getService(0, s.name);
        expect(got.ok && got.services.length).toBe(i + 1);
      });
    }
    for (const [name, services] of Object.entries(testData)) {
      const got = m.getService(0, name);
      if (!got.ok) throw new Error(got.error);
      expect(got.services.map((s) => s.version).sort()).toEqual(services.map((s) => s.version).sort());
      const first = got.services.find((s) => s.version === services[0]!.version)!;
      expect(first.nodes.map((n) => n.id).sort()).toEqual(services[0]!.nodes.map((n) => n.id).sort());
    }
    const listed = m.listServices(0);
    expect(listed.ok && listed.services.length).toBe(5);
    for (const services of Object.values(testData)) for (const s of services) expect(m.deregister(0, s)).toEqual({ ok: true });
    for (const name of Object.keys(testData)) expect(m.getService(0, name)).toEqual({ ok: false, error: SERVICE_NOT_FOUND });
  });

  it('TestMemoryRegistryTTL: RegisterTTL(1ms) asks etcd for 0 s, gets 2 s, and the nodes are gone after 2 s', () => {
    const store = new LeaseStore();
    const m = new EtcdRegistry(store);
    for (const services of Object.values(testData)) for (const s of services) m.register(0, s, { ttl: 1 * MILLISECOND });
    const { kvs } = store.range(0, '/micro/registry/');
    expect(kvs.map((kv) => store.timeToLive(0, kv.lease!).grantedTtl)).toEqual(kvs.map(() => 2));
    // ttlPruneTime * 2 in the Go test.
    expect(m.getService(1999 * MILLISECOND, 'foo')).toMatchObject({ ok: true });
    for (const name of Object.keys(testData)) expect(m.getService(2 * SECOND, name)).toEqual({ ok: false, error: SERVICE_NOT_FOUND });
  });

  it('TestMemoryRegistryTTLConcurrent: RegisterTTL(1s) (granted 2 s), 1000 readers at 2 s see no nodes', () => {
    const store = new LeaseStore();
    const m = new EtcdRegistry(store);
    for (const services of Object.values(testData)) for (const s of services) m.register(0, s, { ttl: 1 * SECOND });
    // Goroutines become separate clients of one store, all reading at waitTime = 2 s.
    const readers = Array.from({ length: 1000 }, () => new EtcdRegistry(store));
    for (const reader of readers) for (const name of Object.keys(testData)) expect(reader.getService(2 * SECOND, name)).toEqual({ ok: false, error: SERVICE_NOT_FOUND });
  });
});

describe('EtcdRegistry (go-micro plugins v4/registry/etcd)', () => {
  it('keys each node under /micro/registry/<service>/<node>, with slashes flattened', () => {
    expect(nodePath('greeter', 'greeter-1')).toBe('/micro/registry/greeter/greeter-1');
    expect(nodePath('a/b', 'c/d')).toBe('/micro/registry/a-b/c-d');
  });

  it('watch results: create on the first put, update when the node changes, delete on deregister', () => {
    const store = new LeaseStore();
    const r = new EtcdRegistry(store);
    const results: RegistryResult[] = [];
    r.watch((res) => results.push(res));
    const s = service('greeter', '1.0.0', 'g1');
    r.register(0, s, { ttl: 10 * SECOND });
    r.register(3 * SECOND, s, { ttl: 10 * SECOND }); // unchanged: only KeepAliveOnce, no event
    r.register(6 * SECOND, { ...s, nodes: [{ id: 'g1', address: '10.0.0.9:8080', metadata: {} }] }, { ttl: 10 * SECOND });
    r.deregister(7 * SECOND, s);
    expect(summary(results)).toEqual(['0s create g1', '6s update g1', '7s delete g1']);
    expect(results[1]!.service.nodes[0]!.address).toBe('10.0.0.9:8080');
  });

  it('a re-registration of an unchanged node renews its lease with KeepAliveOnce', () => {
    const store = new LeaseStore();
    const r = new EtcdRegistry(store);
    const s = service('greeter', '1.0.0', 'g1');
    r.register(0, s, { ttl: 10 * SECOND });
    const lease = store.get(0, nodePath('greeter', 'g1'))!.lease!;
    r.register(8 * SECOND, s, { ttl: 10 * SECOND });
    expect(store.get(8 * SECOND, nodePath('greeter', 'g1'))!.lease).toBe(lease);
    expect(store.timeToLive(8 * SECOND, lease).ttl).toBe(9);
  });

  it('a restarted client finds its lease through the existing key and keeps it', () => {
    const store = new LeaseStore();
    const s = service('greeter', '1.0.0', 'g1');
    new EtcdRegistry(store).register(0, s, { ttl: 10 * SECOND });
    const lease = store.get(0, nodePath('greeter', 'g1'))!.lease;
    const results: RegistryResult[] = [];
    const restarted = new EtcdRegistry(store);
    restarted.watch((res) => results.push(res));
    restarted.register(5 * SECOND, s, { ttl: 10 * SECOND });
    expect(store.get(5 * SECOND, nodePath('greeter', 'g1'))!.lease).toBe(lease);
    expect(results).toEqual([]);
  });

  it('a watcher cut off from etcd resumes from its last revision and misses nothing', () => {
    const store = new LeaseStore();
    const writer = new EtcdRegistry(store);
    const reader = new EtcdRegistry(store);
    const results: RegistryResult[] = [];
    reader.watch((res) => results.push(res), { service: 'greeter' });
    writer.register(0, service('greeter', '1', 'g1'), { ttl: 5 * SECOND });
    writer.register(0, service('other', '1', 'o1'), { ttl: 5 * SECOND });
    reader.setReachable(false);
    writer.register(1 * SECOND, service('greeter', '1', 'g2'), { ttl: 5 * SECOND });
    store.advance(20 * SECOND); // both greeter leases expire while the reader is away
    expect(summary(results)).toEqual(['0s create g1']);
    reader.setReachable(true);
    expect(summary(results)).toEqual(['0s create g1', '20s create g2', '20s delete g1', '20s delete g2']);
    expect(reader.getService(20 * SECOND, 'greeter')).toEqual({ ok: false, error: SERVICE_NOT_FOUND });
  });

  it('calls fail while the client cannot reach etcd', () => {
    const r = new EtcdRegistry(new LeaseStore());
    r.setReachable(false);
    expect(r.register(0, service('a', '1', 'a1'))).toEqual({ ok: false, error: REGISTRY_UNREACHABLE });
    expect(r.getService(0, 'a')).toEqual({ ok: false, error: REGISTRY_UNREACHABLE });
    expect(r.register(0, service('a', '1'))).toEqual({ ok: false, error: 'Require at least one node' });
  });
});

describe('MicroServer (go-micro server/rpc_server.go)', () => {
  function world(options: Partial<ConstructorParameters<typeof MicroServer>[1]> = {}) {
    const store = new LeaseStore();
    const registry = new EtcdRegistry(store);
    const server = new MicroServer(registry, { name: 'greeter', nodeId: 'greeter-1', address: '10.0.3.17:8080', ...options });
    const observer = new EtcdRegistry(store);
    const results: RegistryResult[] = [];
    observer.watch((r) => results.push(r));
    return { store, registry, server, results, run: (until: number) => runActors([store, server], until) };
  }

  it('with the defaults (TTL 90 s, interval 30 s) a crash is noticed one TTL after the last renewal', () => {
    const w = world();
    w.server.start(0);
    w.run(100 * SECOND);
    w.server.crash(100 * SECOND); // last renewal at 90 s
    w.run(10 * MINUTE);
    expect(summary(w.results)).toEqual(['0s create greeter-1', '180s delete greeter-1']);
    expect(w.server.events.filter((e) => e.kind === 'register').map((e) => e.t / SECOND)).toEqual([0, 30, 60, 90]);
  });

  it('a clean stop deregisters at once', () => {
    const w = world();
    w.server.start(0);
    w.run(45 * SECOND);
    w.server.stop(45 * SECOND);
    w.run(10 * MINUTE);
    expect(summary(w.results)).toEqual(['0s create greeter-1', '45s delete greeter-1']);
    expect(w.server.registered).toBe(false);
  });

  it('stays registered forever while the interval is below the TTL', () => {
    const w = world({ registerTtl: 10 * SECOND, registerInterval: 3 * SECOND });
    w.server.start(0);
    w.run(24 * 3600 * SECOND);
    expect(summary(w.results)).toEqual(['0s create greeter-1']);
  });

  it('flaps when RegisterInterval is not below RegisterTTL', () => {
    const w = world({ registerTtl: 10 * SECOND, registerInterval: 15 * SECOND });
    w.server.start(0);
    w.run(50 * SECOND);
    expect(summary(w.results)).toEqual([
      '0s create greeter-1',
      '10s delete greeter-1',
      '15s create greeter-1',
      '25s delete greeter-1',
      '30s create greeter-1',
      '40s delete greeter-1',
      '45s create greeter-1',
    ]);
  });

  it('a failing RegisterCheck deregisters the node until the check passes again', () => {
    let healthy = true;
    const w = world({ registerTtl: 30 * SECOND, registerInterval: 10 * SECOND, registerCheck: () => healthy });
    w.server.start(0);
    w.run(15 * SECOND);
    healthy = false;
    w.run(35 * SECOND);
    healthy = true;
    w.run(45 * SECOND);
    expect(summary(w.results)).toEqual(['0s create greeter-1', '20s delete greeter-1', '40s create greeter-1']);
  });

  it('a server cut off from etcd for longer than the TTL loses its key and registers afresh on return', () => {
    const w = world({ registerTtl: 10 * SECOND, registerInterval: 3 * SECOND });
    w.server.start(0);
    w.run(4 * SECOND); // renewed at 3 s
    w.registry.setReachable(false);
    w.run(20 * SECOND);
    w.registry.setReachable(true);
    w.run(22 * SECOND);
    expect(summary(w.results)).toEqual(['0s create greeter-1', '13s delete greeter-1', '21s create greeter-1']);
    expect(w.server.events.filter((e) => e.kind === 'register-failed')).toHaveLength(5); // 6, 9, 12, 15, 18 s
  });

  it('a 1.5 s RegisterTTL becomes a 1 s grant, raised by etcd to 2 s', () => {
    const w = world({ registerTtl: 1500 * MILLISECOND, registerInterval: 0 });
    w.server.start(0);
    const lease = w.store.get(0, nodePath('greeter', 'greeter-1'))!.lease!;
    expect(w.store.timeToLive(0, lease).grantedTtl).toBe(2);
  });
});

describe('DiscoveryCache (go-micro registry/cache)', () => {
  function world() {
    const store = new LeaseStore();
    const servers = ['g1', 'g2'].map(
      (id) =>
        new MicroServer(new EtcdRegistry(store), { name: 'greeter', nodeId: id, address: `${id}:8080`, registerTtl: 10 * SECOND, registerInterval: 3 * SECOND }),
    );
    const callerRegistry = new EtcdRegistry(store);
    const cache = new DiscoveryCache(callerRegistry);
    const ids = (t: number) => {
      const r = cache.nodes(t, 'greeter');
      return r.ok ? { ids: r.nodes.map((n) => n.id).sort(), stale: r.stale } : { error: r.error };
    };
    return { store, servers, callerRegistry, cache, ids, run: (until: number) => runActors([store, ...servers], until) };
  }

  it('lists once, then follows watch events: a new instance appears, a crashed one goes when its lease expires', () => {
    const w = world();
    w.servers[0]!.start(0);
    expect(w.ids(0)).toEqual({ ids: ['g1'], stale: false });
    w.servers[1]!.start(1 * SECOND);
    w.run(4 * SECOND);
    expect(w.ids(4 * SECOND)).toEqual({ ids: ['g1', 'g2'], stale: false });
    w.servers[0]!.crash(4 * SECOND); // last renewal at 3 s
    w.run(12999 * MILLISECOND);
    expect(w.ids(12999 * MILLISECOND)).toEqual({ ids: ['g1', 'g2'], stale: false });
    w.run(13 * SECOND);
    expect(w.ids(13 * SECOND)).toEqual({ ids: ['g2'], stale: false });
  });

  it('keeps serving the cached list, marked stale, while the registry is unreachable', () => {
    const w = world();
    for (const s of w.servers) s.start(0);
    expect(w.ids(0)).toEqual({ ids: ['g1', 'g2'], stale: false });
    w.callerRegistry.setReachable(false);
    w.servers[0]!.crash(5 * SECOND);
    w.run(30 * SECOND);
    expect(w.ids(30 * SECOND)).toEqual({ ids: ['g1', 'g2'], stale: false }); // within the 1-minute cache TTL
    w.run(10 * MINUTE);
    expect(w.ids(10 * MINUTE)).toEqual({ ids: ['g1', 'g2'], stale: true }); // refresh failed: stale beats empty
    expect(w.cache.error).toBe(REGISTRY_UNREACHABLE);
    w.callerRegistry.setReachable(true); // the watcher catches up with the missed delete
    expect(w.ids(10 * MINUTE)).toEqual({ ids: ['g2'], stale: false });
    expect(w.cache.error).toBeUndefined();
  });

  it('a caller starting cold during an outage has nothing to serve', () => {
    const w = world();
    w.servers[0]!.start(0);
    w.callerRegistry.setReachable(false);
    expect(w.ids(0)).toEqual({ error: REGISTRY_UNREACHABLE });
  });

  it('refreshes an expired entry from the registry when it can', () => {
    const w = world();
    w.servers[0]!.start(0);
    expect(w.ids(0)).toEqual({ ids: ['g1'], stale: false });
    w.run(2 * MINUTE);
    expect(w.ids(2 * MINUTE)).toEqual({ ids: ['g1'], stale: false });
    w.servers[0]!.stop(2 * MINUTE);
    expect(w.ids(2 * MINUTE)).toEqual({ error: SERVICE_NOT_FOUND });
  });
});

describe('ConsulAgent health checks', () => {
  it('TestAgent_Service_Reap: a TTL check critical for longer than DeregisterCriticalServiceAfter gets its service reaped', () => {
    const a = new ConsulAgent(0, { reapInterval: 1 * MILLISECOND, deregisterIntervalMin: 0 });
    const ms = MILLISECOND;
    a.addService(0, {
      id: 'redis',
      name: 'redis',
      address: '127.0.0.1:8000',
      checks: [{ kind: 'ttl', status: 'passing', ttl: 10 * ms, deregisterCriticalServiceAfter: 100 * ms }],
    });
    expect(a.hasService('redis')).toBe(true);
    expect(a.checkState(0, 'service:redis')!.status).toBe('passing');
    runActors([a], 30 * ms);
    expect(a.hasService('redis')).toBe(true);
    expect(a.checkState(30 * ms, 'service:redis')).toMatchObject({ status: 'critical', output: 'TTL expired', criticalSince: 10 * ms });
    expect(a.updateTtl(30 * ms, 'service:redis', 'passing', 'foo')).toEqual({ ok: true });
    expect(a.checkState(30 * ms, 'service:redis')!.status).toBe('passing');
    runActors([a], 60 * ms);
    expect(a.hasService('redis')).toBe(true);
    expect(a.checkState(60 * ms, 'service:redis')).toMatchObject({ status: 'critical', criticalSince: 40 * ms });
    runActors([a], 360 * ms);
    expect(a.hasService('redis')).toBe(false);
    expect(a.reaped).toEqual([{ id: 'redis', at: 141 * ms }]); // critical for more than 100 ms
  });

  it('TestAgent_Service_NoReap: without DeregisterCriticalServiceAfter a critical service stays', () => {
    const a = new ConsulAgent(0, { reapInterval: 1 * MILLISECOND, deregisterIntervalMin: 0 });
    a.addService(0, { id: 'redis', name: 'redis', address: '127.0.0.1:8000', checks: [{ kind: 'ttl', status: 'passing', ttl: 10 * MILLISECOND }] });
    runActors([a], 330 * MILLISECOND);
    expect(a.hasService('redis')).toBe(true);
    expect(a.checkState(330 * MILLISECOND, 'service:redis')!.status).toBe('critical');
  });

  it('with the defaults, DeregisterCriticalServiceAfter is raised to 1 min and the reaper runs every 30 s', () => {
    const a = new ConsulAgent(0);
    a.addService(0, { id: 'g1', name: 'greeter', address: '10.0.0.1:8080', checks: [{ kind: 'ttl', ttl: 5 * SECOND, status: 'passing', deregisterCriticalServiceAfter: 10 * SECOND }] });
    runActors([a], 5 * MINUTE);
    // Critical from 5 s. Unraised, the 30 s pass would reap it; raised to 60 s, the 90 s pass does (85 s > 60 s).
    expect(a.reaped).toEqual([{ id: 'g1', at: 90 * SECOND }]);
  });

  it("go-micro's Consul plugin: RegisterTTL 30 s, deregistration after 1 min + 5 s, reaped at the 120 s pass after a crash", () => {
    const a = new ConsulAgent(0);
    // getDeregisterTTL(30 s) = 1 min + 5 s, since 30 s < 1 min (plugins v4/registry/consul/consul.go).
    a.addService(0, { id: 'g1', name: 'greeter', address: '10.0.0.1:8080', checks: [{ kind: 'ttl', ttl: 30 * SECOND, deregisterCriticalServiceAfter: 65 * SECOND }] });
    a.updateTtl(0, 'service:g1', 'passing'); // the plugin passes the check right after registering, then the process dies
    runActors([a], 5 * MINUTE);
    // Critical from 30 s: 60 s at the 90 s pass (not > 65 s), 90 s at the 120 s pass.
    expect(a.reaped).toEqual([{ id: 'g1', at: 120 * SECOND }]);
  });

  it('starts a check critical unless told otherwise, and hides non-passing services from passing-only queries', () => {
    const a = new ConsulAgent(0);
    a.addService(0, { id: 'g1', name: 'greeter', address: '10.0.0.1:8080', checks: [{ kind: 'ttl', ttl: 30 * SECOND }] });
    a.addService(0, { id: 'g2', name: 'greeter', address: '10.0.0.2:8080', checks: [{ kind: 'ttl', ttl: 30 * SECOND }] });
    expect(a.health(0, 'greeter', { passingOnly: true })).toEqual([]);
    a.updateTtl(1 * SECOND, 'service:g1', 'passing');
    a.updateTtl(1 * SECOND, 'service:g2', 'warning');
    expect(a.health(1 * SECOND, 'greeter', { passingOnly: true }).map((e) => e.id)).toEqual(['g1']);
    expect(a.health(1 * SECOND, 'greeter').map((e) => [e.id, e.status])).toEqual([
      ['g1', 'passing'],
      ['g2', 'warning'],
    ]);
    expect(a.updateTtl(0, 'service:nope', 'passing').ok).toBe(false);
  });

  it('HTTP checks: 2xx passing, 429 warning, other codes and timeouts critical; next probe one interval after the last finished', () => {
    const script: HttpProbeResult[] = [
      { status: 200, latency: 50 * MILLISECOND },
      { status: 429, latency: 50 * MILLISECOND },
      { status: 503, latency: 50 * MILLISECOND },
      { status: 200, latency: 30 * SECOND }, // a hung handler: the 10 s timeout answers first
      { error: 'connection refused' },
      { status: 204, latency: 0 },
    ];
    const probes: number[] = [];
    const a = new ConsulAgent(0, { reapInterval: 10 * MINUTE });
    a.addService(0, {
      id: 'web',
      name: 'web',
      address: '10.0.0.1:80',
      checks: [{ kind: 'http', interval: 10 * SECOND, probe: (t) => (probes.push(t), script[probes.length - 1] ?? { status: 200, latency: 0 }) }],
    });
    const statusAt = (t: number) => {
      runActors([a], t);
      return a.checkState(t, 'service:web')!.status;
    };
    expect(statusAt(0)).toBe('critical'); // initial status, probe under way
    expect(statusAt(50 * MILLISECOND)).toBe('passing');
    expect(statusAt(10_100 * MILLISECOND)).toBe('warning');
    expect(statusAt(20_150 * MILLISECOND)).toBe('critical');
    expect(statusAt(35 * SECOND)).toBe('critical');
    expect(a.checkState(35 * SECOND, 'service:web')!.output).toBe('HTTP GET: 503'); // the hung probe has not timed out yet
    statusAt(45 * SECOND);
    expect(a.checkState(45 * SECOND, 'service:web')).toMatchObject({ output: 'request timed out after 10s', criticalSince: 20_150 * MILLISECOND });
    statusAt(55 * SECOND);
    expect(a.checkState(55 * SECOND, 'service:web')!.output).toBe('connection refused');
    expect(statusAt(60 * SECOND)).toBe('critical');
    expect(statusAt(61 * SECOND)).toBe('passing');
    expect(probes.map((t) => t / MILLISECOND)).toEqual([0, 10_050, 20_100, 30_150, 50_150, 60_150]);
  });

  it('raises an HTTP check interval below 1 s to 1 s', () => {
    const probes: number[] = [];
    const a = new ConsulAgent(0);
    a.addService(0, { id: 'w', name: 'w', address: 'x', checks: [{ kind: 'http', interval: 1, probe: (t) => (probes.push(t), { status: 200, latency: 0 }) }] });
    runActors([a], 3 * SECOND);
    expect(probes).toEqual([0, 1 * SECOND, 2 * SECOND, 3 * SECOND]);
  });

  it('numbers the checks of a service with several of them', () => {
    const a = new ConsulAgent(0);
    const ids = a.addService(0, {
      id: 'db',
      name: 'db',
      address: 'x',
      checks: [
        { kind: 'ttl', ttl: SECOND, status: 'passing' },
        { kind: 'ttl', ttl: MINUTE, status: 'passing' },
      ],
    });
    expect(ids).toEqual(['service:db:1', 'service:db:2']);
    expect(a.health(2 * SECOND, 'db')[0]!.status).toBe('critical'); // the worst check decides
  });
});
