/**
 * Service registry scenarios: instances of the `user` service register in etcd through go-micro's
 * registry loop (models/registry/registry.ts `MicroServer` over `EtcdRegistry` and the lease store),
 * callers discover them with go-micro's watch-fed cache (`DiscoveryCache`) and pick one per request
 * with a client-side balancer (models/registry/balancers.ts). Everything runs in virtual time on one
 * Simulator, so the same parameters and seed give the same trace.
 *
 * How the pieces are wired, and why:
 * - An instance's keepalive is go-micro's RegisterInterval tick: `KeepAliveOnce` on its lease, or a new
 *   lease and put when the lease is gone. The interval is a fraction of the TTL (go-micro leaves both
 *   to you; clientv3's own KeepAlive uses TTL/3).
 * - etcd expires a lease exactly at its expiry here (the store is woken at `nextWakeAt`); real etcd's
 *   leader notices within ~500 ms more, which would only lengthen every gap below a little.
 * - Each client has its own registry connection, so a partition can cut clients off from etcd while
 *   the instances still renew. Watch events reach a client 2–20 ms after the change (seeded), in order.
 * - A call is decided when it is sent: an instance that is not serving refuses the connection.
 *   Requests arrive as a Poisson process per client, each with a user key for the hashing balancers.
 *
 * Trace events (`t` in ms):
 * - `registered` {instance, lease, ttlS}: the instance put its key with a fresh lease (at start, or
 *   again after losing its lease); `ttlS` is what etcd granted.
 * - `heartbeat` {instance, lease, ttlS}: a renewal of the lease succeeded.
 * - `heartbeat-failed` {instance, error}: the instance could not reach etcd on its tick.
 * - `lease-expired` {instance, lease, revision}: etcd deleted the key because nobody renewed it.
 * - `deregistered` {instance, cause: 'delete' | 'revoke', revision}: the instance removed its key.
 * - `watch` {client, action: 'create' | 'update' | 'delete', instance, revision}: a change reached a client's cache.
 * - `view` {client, instances}: the instance list a client's balancer works on changed.
 * - `call` {client, instance, key, ok, error?}: one request, when it is sent.
 * - `no-instance` {client, error}: a request found nothing to call.
 * - `sample` {calls: {instance: n}, failed}: every second, the calls sent in the second before.
 * - `crash` {instance}, `shutdown` {instance, how, drainMs}, `exit` {instance}, `join` {instance, weight},
 *   `restart` {instance, weight}.
 * - `partition` {clients, instances} / `heal` {clients, instances}: who lost / regained etcd.
 * - `fault-ignored` {fault, reason}: a fault that named an unknown or stopped instance, or an unknown kind.
 *
 * Faults (`scenario.faults`, moved by the parameters, plus `options.faults`), times in ms:
 * `{atMs, kind: 'crash', instance}`, `{atMs, kind: 'stop', instance, how?: 'revoke' | 'delete',
 * drainMs?}` (graceful), `{atMs, kind: 'join', instance, weight?}`, `{atMs, kind: 'restart', instance,
 * weight?}` (a crashed or stopped instance starts again: a new process, so a new lease), `{atMs, kind: 'partition',
 * clients?, instances?, durationMs?}` (without lists: every client) and `{atMs, kind: 'heal', clients?, instances?}`.
 */
import { Simulator, type EventId, type TraceEvent } from '../kernel.ts';
import type { Random } from '../random.ts';
import { MILLISECOND, SECOND, msToNanos, nanosToMs, type Nanos } from '../time.ts';
import { LeaseStore } from '../models/registry/lease.ts';
import {
  DiscoveryCache,
  ETCD_REGISTRY_PREFIX,
  EtcdRegistry,
  MicroServer,
  nodePath,
  type RegistryNode,
  type RegistryResult,
  type RegistryWatchOptions,
  type RegistryWatcher,
} from '../models/registry/registry.ts';
import { makePicker, type Picker } from '../models/registry/balancers.ts';
import { defineScenario, num, secondsParam, str, type Fault, type ParamSpec, type ParamValues, type Scenario, type ScenarioResult, type ScenarioSummary } from './types.ts';

const SERVICE = 'user';
const CLIENTS = ['client-1', 'client-2'] as const;
/** When the clients make their first lookup: after the first instances registered. */
const CLIENT_START_MS = 500;
const WATCH_DELAY_MIN_MS = 2;
const WATCH_DELAY_MAX_MS = 20;
const SAMPLE_EVERY: Nanos = SECOND;
const DEFAULT_DRAIN_MS = 1000;

export const BALANCERS = ['round-robin', 'random', 'weighted', 'consistent-hash', 'modulo-hash'] as const;
export type BalancerKind = (typeof BALANCERS)[number];

interface InstanceSpec {
  id: string;
  weight: number;
  startMs: number;
}

interface WorldConfig {
  seed: number;
  durationMs: number;
  ttlS: number;
  /** RegisterInterval as a fraction of the TTL. */
  keepAliveFraction: number;
  balancer: BalancerKind;
  instances: InstanceSpec[];
  callsPerSecond: number;
  /** Requests carry keys `user-0` … `user-<keySpace - 1>`. */
  keySpace: number;
  virtualNodes: number;
  faults: Fault[];
}

interface Instance {
  id: string;
  key: string;
  server: MicroServer;
  registry: EtcdRegistry;
  /** Accepts calls: false after a crash, or once a graceful shutdown has drained. */
  serving: boolean;
  lease: string | undefined;
  seenEvents: number;
  tick: EventId | undefined;
}

interface Client {
  id: string;
  random: Random;
  registry: EtcdRegistry;
  cache: DiscoveryCache;
  /** The instance ids the picker was built on. */
  view: string;
  picker: Picker | undefined;
}

/**
 * A client's connection to etcd whose watch results reach the caller through the network: each
 * result is handed to `relay`, which decides when to deliver it. The discovery cache subscribes
 * through `watch`, so this is the one place to put latency between etcd and the cache.
 */
class RelayedWatchRegistry extends EtcdRegistry {
  constructor(
    store: LeaseStore,
    private readonly relay: (result: RegistryResult, deliver: () => void) => void,
  ) {
    super(store);
  }

  override watch(listener: (result: RegistryResult) => void, options: RegistryWatchOptions = {}): RegistryWatcher {
    return super.watch((result) => this.relay(result, () => listener(result)), options);
  }
}

function weightOf(node: RegistryNode): number {
  const w = Number(node.metadata.weight ?? 1);
  return Number.isInteger(w) && w > 0 ? w : 1;
}

/** The picker of a scenario's balancer parameter ('weighted' is smooth weighted round robin). */
function pickerFor(kind: BalancerKind, nodes: readonly RegistryNode[], random: Random, virtualNodes: number): Picker {
  const peers = nodes.map((n) => ({ id: n.id, weight: weightOf(n) }));
  return makePicker(kind === 'weighted' ? 'smooth-weighted' : kind, peers, random, { virtualNodes });
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/** Runs instances, etcd and clients together and returns the trace. */
function runWorld(cfg: WorldConfig): TraceEvent[] {
  const sim = new Simulator(cfg.seed);
  const end = msToNanos(cfg.durationMs);
  const store = new LeaseStore();
  const ttl = cfg.ttlS * SECOND;
  const interval = Math.max(MILLISECOND, Math.round(cfg.keepAliveFraction * ttl));
  const instances = new Map<string, Instance>();
  const instanceOfKey = new Map<string, string>();
  const clients = new Map<string, Client>();
  let sampleCalls: Record<string, number> = {};
  let sampleFailed = 0;

  // etcd's lessor: wake the store at the next expiry so a key disappears exactly when its lease runs out.
  let expiryEvent: EventId | undefined;
  const armExpiry = (): void => {
    if (expiryEvent !== undefined) sim.cancel(expiryEvent);
    const at = store.nextWakeAt();
    expiryEvent =
      at === undefined
        ? undefined
        : sim.at(Math.max(at, sim.now()), () => {
            expiryEvent = undefined;
            store.advance(sim.now());
            armExpiry();
          });
  };

  // What etcd itself saw: the registry's side of the story, before any client hears of it.
  store.watch(ETCD_REGISTRY_PREFIX, (event) => {
    if (event.type !== 'delete') return;
    const instance = instanceOfKey.get(event.key) ?? event.key;
    if (event.cause === 'expire') sim.emit('lease-expired', { instance, lease: event.prevKv.lease, revision: event.revision });
    else sim.emit('deregistered', { instance, cause: event.cause, revision: event.revision });
  });

  /** Turns the server's registration results into heartbeat events. */
  const report = (inst: Instance): void => {
    const events = inst.server.events;
    for (; inst.seenEvents < events.length; inst.seenEvents++) {
      const e = events[inst.seenEvents]!;
      if (e.kind === 'register') {
        const lease = store.get(sim.now(), inst.key)?.lease;
        const ttlS = lease === undefined ? 0 : store.timeToLive(sim.now(), lease).grantedTtl;
        // The same lease renewed is a heartbeat; a new one means the instance registered (again).
        sim.emit(lease !== undefined && lease === inst.lease ? 'heartbeat' : 'registered', { instance: inst.id, lease, ttlS });
        inst.lease = lease;
      } else if (e.kind === 'register-failed') {
        sim.emit('heartbeat-failed', { instance: inst.id, error: e.error });
      }
    }
  };

  const scheduleTick = (inst: Instance): void => {
    const at = inst.server.nextWakeAt();
    inst.tick =
      at === undefined
        ? undefined
        : sim.at(at, () => {
            inst.server.wake(sim.now());
            report(inst);
            armExpiry();
            scheduleTick(inst);
          });
  };

  const startInstance = (id: string, weight: number): void => {
    const registry = new EtcdRegistry(store);
    const server = new MicroServer(registry, {
      name: SERVICE,
      nodeId: id,
      address: `10.0.0.${instances.size + 11}:8080`,
      metadata: { weight: String(weight) },
      registerTtl: ttl,
      registerInterval: interval,
    });
    const inst: Instance = { id, key: nodePath(SERVICE, id), server, registry, serving: true, lease: undefined, seenEvents: 0, tick: undefined };
    instances.set(id, inst);
    instanceOfKey.set(inst.key, id);
    server.start(sim.now());
    report(inst);
    armExpiry();
    scheduleTick(inst);
  };

  const stopTicking = (inst: Instance): void => {
    if (inst.tick !== undefined) sim.cancel(inst.tick);
    inst.tick = undefined;
  };

  const newClient = (id: string): Client => {
    const random = sim.random.fork();
    let lastDelivery: Nanos = 0;
    const registry = new RelayedWatchRegistry(store, (result, deliver) => {
      // Watch events travel over one stream: later ones never overtake earlier ones.
      const delay = Math.round(random.uniform(WATCH_DELAY_MIN_MS, WATCH_DELAY_MAX_MS) * MILLISECOND);
      lastDelivery = Math.max(lastDelivery, sim.now() + delay);
      sim.at(lastDelivery, () => {
        sim.emit('watch', { client: id, action: result.action, instance: result.service.nodes[0]?.id, revision: result.revision });
        deliver();
      });
    });
    return { id, random, registry, cache: new DiscoveryCache(registry), view: '', picker: undefined };
  };

  const call = (client: Client): void => {
    const found = client.cache.nodes(sim.now(), SERVICE);
    if (!found.ok) {
      sim.emit('no-instance', { client: client.id, error: found.error });
      return;
    }
    const view = found.nodes.map((n) => n.id).join(',');
    if (view !== client.view || !client.picker) {
      client.view = view;
      client.picker = pickerFor(cfg.balancer, found.nodes, client.random, cfg.virtualNodes);
      sim.emit('view', { client: client.id, instances: found.nodes.map((n) => n.id) });
    }
    const key = `user-${client.random.int(cfg.keySpace)}`;
    const target = client.picker.pick(key);
    if (target === undefined) {
      sim.emit('no-instance', { client: client.id, error: 'none available' });
      return;
    }
    const ok = instances.get(target)?.serving ?? false;
    sampleCalls[target] = (sampleCalls[target] ?? 0) + 1;
    if (!ok) sampleFailed++;
    sim.emit('call', ok ? { client: client.id, instance: target, key, ok } : { client: client.id, instance: target, key, ok, error: 'connection refused' });
  };

  const ignore = (fault: Fault, reason: string): void => sim.emit('fault-ignored', { fault: fault.kind, reason });

  /** The clients and instances a partition or heal names; by default every client. */
  const targetsOf = (fault: Fault): { clients: Client[]; instances: Instance[] } => {
    const clientIds = stringList(fault.clients);
    const instanceIds = stringList(fault.instances);
    const pickedClients = clientIds ?? (instanceIds ? [] : [...clients.keys()]);
    return {
      clients: pickedClients.map((id) => clients.get(id)).filter((c): c is Client => c !== undefined),
      instances: (instanceIds ?? []).map((id) => instances.get(id)).filter((i): i is Instance => i !== undefined),
    };
  };

  const setReachable = (fault: Fault, reachable: boolean): void => {
    const targets = targetsOf(fault);
    // The store's clock moves to now first, so a reconnecting watcher stamps its catch-up with now.
    store.advance(sim.now());
    sim.emit(reachable ? 'heal' : 'partition', { clients: targets.clients.map((c) => c.id), instances: targets.instances.map((i) => i.id) });
    for (const c of targets.clients) c.registry.setReachable(reachable);
    for (const i of targets.instances) i.registry.setReachable(reachable);
  };

  const applyFault = (fault: Fault): void => {
    const id = typeof fault.instance === 'string' ? fault.instance : '';
    const inst = instances.get(id);
    switch (fault.kind) {
      case 'crash': {
        if (!inst || inst.server.state !== 'running') return ignore(fault, `no running instance "${id}"`);
        inst.serving = false;
        inst.server.crash(sim.now());
        stopTicking(inst);
        sim.emit('crash', { instance: id });
        return;
      }
      case 'stop': {
        if (!inst || inst.server.state !== 'running') return ignore(fault, `no running instance "${id}"`);
        const how = fault.how === 'delete' ? 'delete' : 'revoke';
        const drainMs = typeof fault.drainMs === 'number' && fault.drainMs >= 0 ? fault.drainMs : DEFAULT_DRAIN_MS;
        sim.emit('shutdown', { instance: id, how, drainMs });
        // clientv3 code revokes the lease; go-micro's Deregister deletes the key. Either way the
        // watchers hear of it at once. After a revoke the server's own delete finds nothing to do.
        if (how === 'revoke' && inst.lease !== undefined) store.revoke(sim.now(), inst.lease);
        inst.server.stop(sim.now());
        stopTicking(inst);
        armExpiry();
        // Keep serving while callers learn of the removal, then exit.
        sim.schedule(msToNanos(drainMs), () => {
          inst.serving = false;
          sim.emit('exit', { instance: id });
        });
        return;
      }
      case 'join': {
        if (id === '' || instances.has(id)) return ignore(fault, `instance "${id}" exists or has no name`);
        const weight = typeof fault.weight === 'number' && Number.isInteger(fault.weight) && fault.weight > 0 ? fault.weight : 1;
        sim.emit('join', { instance: id, weight });
        startInstance(id, weight);
        return;
      }
      case 'restart': {
        if (!inst || inst.server.state === 'running' || inst.serving) return ignore(fault, `instance "${id}" is not stopped`);
        const weight = typeof fault.weight === 'number' && Number.isInteger(fault.weight) && fault.weight > 0 ? fault.weight : 1;
        instances.delete(id);
        sim.emit('restart', { instance: id, weight });
        startInstance(id, weight);
        return;
      }
      case 'partition': {
        setReachable(fault, false);
        if (typeof fault.durationMs === 'number' && fault.durationMs >= 0) sim.schedule(msToNanos(fault.durationMs), () => setReachable(fault, true));
        return;
      }
      case 'heal':
        setReachable(fault, true);
        return;
      default:
        ignore(fault, 'unknown fault kind');
    }
  };

  // Order of setup matters only for events at the same instant: instances, then faults, then clients.
  for (const spec of cfg.instances) sim.at(msToNanos(spec.startMs), () => startInstance(spec.id, spec.weight));
  const faults = cfg.faults
    .map((fault, i) => ({ fault, i, atMs: Math.max(0, Number.isFinite(fault.atMs) ? fault.atMs : 0) }))
    .sort((a, b) => a.atMs - b.atMs || a.i - b.i);
  for (const { fault, atMs } of faults) if (atMs <= cfg.durationMs) sim.at(msToNanos(atMs), () => applyFault(fault));
  const meanGapMs = 1000 / cfg.callsPerSecond;
  for (const id of CLIENTS) {
    const client = newClient(id);
    clients.set(id, client);
    const arrive = (): void => {
      call(client);
      const gap = Math.max(1, Math.round(client.random.exponential(meanGapMs) * MILLISECOND));
      if (sim.now() + gap < end) sim.schedule(gap, arrive);
    };
    sim.at(msToNanos(CLIENT_START_MS), arrive);
  }
  const sample = (): void => {
    sim.emit('sample', { calls: sampleCalls, failed: sampleFailed });
    sampleCalls = {};
    sampleFailed = 0;
    if (sim.now() + SAMPLE_EVERY <= end) sim.schedule(SAMPLE_EVERY, sample);
  };
  sim.at(SAMPLE_EVERY, sample);

  sim.run({ until: end });
  return sim.trace;
}

// ---------------------------------------------------------------------------------------------
// Reading the trace back: the numbers each story is about.

type Calls = (TraceEvent & { client: string; instance: string; ok: boolean })[];

function callsOf(trace: readonly TraceEvent[]): Calls {
  return trace.filter((e) => e.kind === 'call') as Calls;
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[keyOf(item)] = (out[keyOf(item)] ?? 0) + 1;
  return out;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function sharesPct(calls: Calls): Record<string, number> {
  const counts = countBy(calls, (c) => c.instance);
  const out: Record<string, number> = {};
  for (const id of Object.keys(counts).sort()) out[id] = round1((100 * (counts[id] ?? 0)) / Math.max(1, calls.length));
  return out;
}

/** When an instance left, when etcd dropped its key, and when each client's cache let go of it. */
interface Departure {
  leftAtMs: number;
  lastRenewalMs: number;
  keyGoneAtMs: number;
  /** The latest client's removal; -1 if some client never removed it. */
  removedAtMs: number;
  failedCalls: number;
}

function departure(trace: readonly TraceEvent[], instance: string, leftKinds: readonly string[]): Departure {
  const left = trace.find((e) => leftKinds.includes(e.kind) && e.instance === instance);
  const leftAtMs = left?.t ?? -1;
  const renewals = trace.filter((e) => (e.kind === 'heartbeat' || e.kind === 'registered') && e.instance === instance && e.t <= leftAtMs);
  const keyGone = trace.find((e) => (e.kind === 'lease-expired' || e.kind === 'deregistered') && e.instance === instance && e.t >= leftAtMs);
  const removals = CLIENTS.map((c) => trace.find((e) => e.kind === 'watch' && e.action === 'delete' && e.client === c && e.instance === instance && e.t >= leftAtMs));
  const removedAtMs = left && removals.every((r) => r) ? Math.max(...removals.map((r) => r!.t)) : -1;
  return {
    leftAtMs,
    lastRenewalMs: renewals.at(-1)?.t ?? -1,
    keyGoneAtMs: keyGone?.t ?? -1,
    removedAtMs,
    failedCalls: callsOf(trace).filter((c) => c.instance === instance && !c.ok).length,
  };
}

function grantedTtlS(trace: readonly TraceEvent[]): number {
  const first = trace.find((e) => e.kind === 'registered');
  return typeof first?.ttlS === 'number' ? first.ttlS : -1;
}

// ---------------------------------------------------------------------------------------------
// Scenario definitions


const ttlParam: ParamSpec = {
  kind: 'number',
  label: { zh: '租约 TTL(etcd 最小 2 秒,更小会被悄悄调高)', en: 'Lease TTL (etcd’s minimum is 2 s; smaller values are raised silently)' },
  default: 10,
  min: 2,
  max: 30,
  step: 1,
  unit: 's',
};

const fractionParam: ParamSpec = {
  kind: 'number',
  label: { zh: '续约间隔(TTL 的比例,1/3 最常见)', en: 'Keepalive interval (fraction of the TTL; 1/3 is usual)' },
  default: 0.33,
  min: 0.1,
  max: 1,
  step: 0.01,
};

const threeInstances = (weights: readonly number[]): InstanceSpec[] =>
  weights.map((weight, i) => ({ id: `inst-${i + 1}`, weight, startMs: i * 100 }));

/** The world most scenarios share: three equal instances, round robin, 10 calls/s over 1,000 users. */
const STANDARD_WORLD = {
  keepAliveFraction: 1 / 3,
  balancer: 'round-robin',
  instances: threeInstances([1, 1, 1]),
  callsPerSecond: 10,
  keySpace: 1000,
  virtualNodes: 160,
} as const satisfies Partial<WorldConfig>;


const crashScenario = defineScenario({
  id: 'registry-crash-lease-expiry',
  model: 'registry',
  title: {
    zh: '实例崩溃:租约过期后,调用方才不再调用它',
    en: 'An instance crashes: its lease expires and clients stop calling it',
  },
  story: {
    zh: '三个实例用带 TTL 的租约注册,并按 TTL 的一定比例定期续约;两个调用方通过 watch 维护本地缓存,用负载均衡器挑实例。inst-2 在第 10 秒崩溃,但它的 key 不会马上消失:etcd 要等到最后一次续约之后整整一个 TTL 才删除它,删除事件再经 watch 传到调用方。这段空窗期里发往 inst-2 的调用全部失败;调大 TTL 或续约间隔,看空窗期怎么变长。',
    en: 'Three instances register with a TTL lease and renew it at a fraction of the TTL; two clients keep a local cache fed by a watch and pick an instance with a load balancer. inst-2 crashes at t = 10 s, but its key does not vanish at once: etcd deletes it one full TTL after the last renewal, and the delete then travels to the clients over their watch. Every call sent to inst-2 in that gap fails. Raise the TTL or the keepalive interval and watch the gap grow.',
  },
  lesson: '/lessons/registry#etcd-lease',
  durationMs: 60_000,
  seed: 21,
  params: {
    ttlS: ttlParam,
    keepAliveFraction: fractionParam,
    crashAtS: secondsParam('inst-2 崩溃时间', 'When inst-2 crashes', 10, 1, 25),
    balancer: {
      kind: 'choice',
      label: { zh: '负载均衡', en: 'Load balancer' },
      default: 'round-robin',
      options: ['round-robin', 'random', 'weighted', 'consistent-hash'],
    },
  },
  ownFaults: (p) => [{ atMs: num(p, 'crashAtS') * 1000, kind: 'crash', instance: 'inst-2' }],
  execute(p, seed, faults) {
    const trace = runWorld({
      ...STANDARD_WORLD,
      seed,
      durationMs: 60_000,
      ttlS: Math.round(num(p, 'ttlS')),
      keepAliveFraction: num(p, 'keepAliveFraction'),
      balancer: str(p, 'balancer') as BalancerKind,
      instances: threeInstances([3, 2, 1]),
      faults,
    });
    const gone = departure(trace, 'inst-2', ['crash']);
    const calls = callsOf(trace);
    const summary: ScenarioSummary = {
      grantedTtlS: grantedTtlS(trace),
      keepAliveIntervalMs: Math.round(num(p, 'keepAliveFraction') * Math.round(num(p, 'ttlS')) * 1000),
      crashAtMs: gone.leftAtMs,
      lastHeartbeatMs: gone.lastRenewalMs,
      leaseExpiredAtMs: gone.keyGoneAtMs,
      removedAtMs: gone.removedAtMs,
      crashToRemovalMs: gone.removedAtMs >= 0 ? round1(gone.removedAtMs - gone.leftAtMs) : -1,
      failedCallsInGap: gone.failedCalls,
      calls: calls.length,
      callsPerInstance: countBy(calls, (c) => c.instance),
    };
    return { trace, summary };
  },
});

const partitionScenario = defineScenario({
  id: 'registry-partition-cache',
  model: 'registry',
  title: {
    zh: '注册中心不可达:调用方继续用本地缓存',
    en: 'The registry is unreachable: clients keep serving from their cache',
  },
  story: {
    zh: '第 10 秒起两个调用方和 etcd 之间断网,实例们仍然健康、照常续约。调用方不再收到 watch 事件,但继续用缓存里的实例列表,调用全部成功,没有一次因为“找不到实例”而失败。第 15 秒 inst-2 崩溃:etcd 在一个 TTL 后删掉了它,调用方却不知道,一直调用它直到网络恢复、watch 补上删除事件。过期的列表只让部分调用失败;清空的列表会让所有调用失败。',
    en: 'From t = 10 s the two clients cannot reach etcd, while the instances stay healthy and keep renewing. The clients get no watch events but keep using the instance list in their cache: every call succeeds and none fails for lack of an instance. At t = 15 s inst-2 crashes: etcd drops it one TTL later, but the clients cannot hear it and keep calling it until the network heals and their watch catches up with the delete. A stale list costs some failed calls; an empty one would cost them all.',
  },
  lesson: '/lessons/registry#watch-and-cache',
  durationMs: 60_000,
  seed: 22,
  params: {
    ttlS: ttlParam,
    partitionAtS: secondsParam('断网开始', 'Partition starts', 10, 1, 30),
    partitionS: secondsParam('断网时长', 'Partition lasts', 25, 1, 40),
    crashAtS: secondsParam('inst-2 崩溃时间', 'When inst-2 crashes', 15, 1, 50),
  },
  ownFaults: (p) => [
    { atMs: num(p, 'partitionAtS') * 1000, kind: 'partition', clients: [...CLIENTS], durationMs: num(p, 'partitionS') * 1000 },
    { atMs: num(p, 'crashAtS') * 1000, kind: 'crash', instance: 'inst-2' },
  ],
  execute(p, seed, faults) {
    const trace = runWorld({ ...STANDARD_WORLD, seed, durationMs: 60_000, ttlS: Math.round(num(p, 'ttlS')), faults });
    const from = trace.find((e) => e.kind === 'partition')?.t ?? -1;
    const to = trace.find((e) => e.kind === 'heal' && e.t >= from)?.t ?? -1;
    const inPartition = (t: number) => from >= 0 && t >= from && (to < 0 || t < to);
    const during = callsOf(trace).filter((c) => inPartition(c.t));
    const gone = departure(trace, 'inst-2', ['crash']);
    const summary: ScenarioSummary = {
      partitionFromMs: from,
      partitionToMs: to,
      callsDuringPartition: during.length,
      failedDuringPartition: during.filter((c) => !c.ok).length,
      noInstanceDuringPartition: trace.filter((e) => e.kind === 'no-instance' && inPartition(e.t)).length,
      heartbeatsDuringPartition: trace.filter((e) => e.kind === 'heartbeat' && inPartition(e.t)).length,
      crashAtMs: gone.leftAtMs,
      leaseExpiredAtMs: gone.keyGoneAtMs,
      removedAtMs: gone.removedAtMs,
      crashToRemovalMs: gone.removedAtMs >= 0 ? round1(gone.removedAtMs - gone.leftAtMs) : -1,
      failedCallsToCrashed: gone.failedCalls,
      callsPerInstance: countBy(callsOf(trace), (c) => c.instance),
    };
    return { trace, summary };
  },
});

const shutdownScenario = defineScenario({
  id: 'registry-graceful-vs-crash',
  model: 'registry',
  title: {
    zh: '优雅下线 vs 崩溃',
    en: 'Graceful shutdown vs crash',
  },
  story: {
    zh: '第 10 秒两个实例同时离开:inst-2 收到 SIGTERM,先注销(撤销租约),再继续处理一小段时间后退出;inst-3 直接崩溃。inst-2 在几毫秒内就从调用方缓存里消失,一次失败的调用都没有;inst-3 要等租约过期,期间发给它的调用全部失败。把排空时间调成 0,看看“先注销再退出”为什么重要。',
    en: 'At t = 10 s two instances leave at once: inst-2 gets SIGTERM, deregisters first (revoking its lease), keeps serving for a short drain and then exits; inst-3 simply crashes. inst-2 leaves the clients’ caches within milliseconds without a single failed call; inst-3 stays until its lease expires, and every call sent to it meanwhile fails. Set the drain to 0 to see why “deregister, then exit” matters.',
  },
  lesson: '/lessons/registry#instance-lifecycle',
  durationMs: 50_000,
  seed: 23,
  params: {
    ttlS: ttlParam,
    stopAtS: secondsParam('离开时间', 'When they leave', 10, 2, 15),
    drainMs: {
      kind: 'number',
      label: { zh: '注销后的排空时间', en: 'Drain after deregistering' },
      default: 1000,
      min: 0,
      max: 5000,
      step: 100,
      unit: 'ms',
    },
    how: {
      kind: 'choice',
      label: { zh: '注销方式:撤销租约(clientv3)或删除 key(go-micro)', en: 'Deregister by revoking the lease (clientv3) or deleting the key (go-micro)' },
      default: 'revoke',
      options: ['revoke', 'delete'],
    },
  },
  ownFaults: (p) => [
    { atMs: num(p, 'stopAtS') * 1000, kind: 'stop', instance: 'inst-2', how: str(p, 'how'), drainMs: num(p, 'drainMs') },
    { atMs: num(p, 'stopAtS') * 1000, kind: 'crash', instance: 'inst-3' },
  ],
  execute(p, seed, faults) {
    const trace = runWorld({ ...STANDARD_WORLD, seed, durationMs: 50_000, ttlS: Math.round(num(p, 'ttlS')), faults });
    const graceful = departure(trace, 'inst-2', ['shutdown']);
    const crashed = departure(trace, 'inst-3', ['crash']);
    const delay = (d: Departure) => (d.removedAtMs >= 0 ? round1(d.removedAtMs - d.leftAtMs) : -1);
    const summary: ScenarioSummary = {
      grantedTtlS: grantedTtlS(trace),
      gracefulRemovalMs: delay(graceful),
      gracefulFailedCalls: graceful.failedCalls,
      crashRemovalMs: delay(crashed),
      crashFailedCalls: crashed.failedCalls,
      callsPerInstance: countBy(callsOf(trace), (c) => c.instance),
    };
    return { trace, summary };
  },
});

const JOINER = 'inst-4';

const joinScenario = defineScenario({
  id: 'registry-join-rebalance',
  model: 'registry',
  title: {
    zh: '新实例加入:平滑加权轮询 vs 一致性哈希',
    en: 'An instance joins: smooth weighted round robin vs consistent hashing',
  },
  story: {
    zh: '三个实例在跑,第 10 秒 inst-4 注册进来,调用方通过 watch 得知后重建负载均衡器。平滑加权轮询按权重立刻把请求分给新实例,但同一个用户的请求本来就没有固定落点;一致性哈希只把大约 1/4 的用户挪到新实例,其余用户仍落在原来的实例上;简单的 hash % N 则让大多数用户换了实例。比较加入前后的请求占比和“换了实例的用户”比例。',
    en: 'Three instances are running when inst-4 registers at t = 10 s; the clients hear of it over their watch and rebuild their balancer. Smooth weighted round robin hands the newcomer its weighted share at once, but a user’s requests never had a home anyway; consistent hashing moves only about a quarter of the users to the newcomer and leaves the rest where they were; plain hash % N moves most users. Compare the shares before and after, and the share of users who changed instance.',
  },
  lesson: '/lessons/registry#consistent-hashing',
  durationMs: 30_000,
  seed: 24,
  params: {
    balancer: {
      kind: 'choice',
      label: { zh: '负载均衡', en: 'Load balancer' },
      default: 'consistent-hash',
      options: ['consistent-hash', 'modulo-hash', 'weighted'],
    },
    joinAtS: secondsParam('inst-4 加入时间', 'When inst-4 joins', 10, 2, 20),
    newWeight: {
      kind: 'number',
      label: { zh: 'inst-4 的权重(加权轮询;一致性哈希上表现为更多虚拟节点)', en: 'Weight of inst-4 (weighted RR; more points on the hash ring)' },
      default: 1,
      min: 1,
      max: 5,
      step: 1,
    },
    virtualNodes: {
      kind: 'number',
      label: { zh: '每个实例的虚拟节点数', en: 'Virtual nodes per instance' },
      default: 160,
      min: 1,
      max: 320,
      step: 1,
    },
  },
  ownFaults: (p) => [{ atMs: num(p, 'joinAtS') * 1000, kind: 'join', instance: JOINER, weight: Math.round(num(p, 'newWeight')) }],
  execute(p, seed, faults) {
    const trace = runWorld({
      ...STANDARD_WORLD,
      seed,
      durationMs: 30_000,
      ttlS: 10,
      balancer: str(p, 'balancer') as BalancerKind,
      callsPerSecond: 50,
      keySpace: 200,
      virtualNodes: Math.round(num(p, 'virtualNodes')),
      faults,
    });
    // Each client switches when its watch delivers the newcomer.
    const seenAt = new Map<string, number>();
    for (const e of trace) {
      if (e.kind === 'watch' && e.action === 'create' && e.instance === JOINER && !seenAt.has(String(e.client))) seenAt.set(String(e.client), e.t);
    }
    const after = (c: Calls[number]) => c.t >= (seenAt.get(c.client) ?? Infinity);
    const calls = callsOf(trace);
    const before = calls.filter((c) => !after(c));
    const later = calls.filter(after);
    // A user "moved" if the instance of its last request before differs from its first one after.
    const lastBefore = new Map<string, string>();
    for (const c of before) lastBefore.set(String(c.key), c.instance);
    const firstAfter = new Map<string, string>();
    for (const c of later) if (!firstAfter.has(String(c.key))) firstAfter.set(String(c.key), c.instance);
    const compared = [...firstAfter.keys()].filter((k) => lastBefore.has(k));
    const moved = compared.filter((k) => lastBefore.get(k) !== firstAfter.get(k));
    const summary: ScenarioSummary = {
      joinedAtMs: trace.find((e) => e.kind === 'join')?.t ?? -1,
      seenByClientsAtMs: seenAt.size === CLIENTS.length ? Math.max(...seenAt.values()) : -1,
      sharesBeforePct: sharesPct(before),
      sharesAfterPct: sharesPct(later),
      usersCompared: compared.length,
      usersMovedPct: compared.length > 0 ? round1((100 * moved.length) / compared.length) : -1,
      usersMovedToNewcomerPct: compared.length > 0 ? round1((100 * moved.filter((k) => firstAfter.get(k) === JOINER).length) / compared.length) : -1,
    };
    return { trace, summary };
  },
});

export const REGISTRY_SCENARIOS: Scenario[] = [crashScenario, partitionScenario, shutdownScenario, joinScenario];
