/**
 * Service registration and discovery over the lease store, as the registry lesson tells it:
 *
 * - `EtcdRegistry`: go-micro's `registry.Registry` as its etcd plugin implements it
 *   (github.com/go-micro/plugins `v4/registry/etcd/etcd.go` and `watcher.go`, commit
 *   a13be10a51ebccac65d9a2ac3cf1779648901b88): one key per node under `/micro/registry/<service>/<node>`,
 *   attached to a lease of `int64(RegisterTTL.Seconds())` seconds; a re-registration of an unchanged
 *   node only calls `KeepAliveOnce` on the cached lease and registers afresh when that lease is gone;
 *   watch results are "create" (a put with CreateRevision == ModRevision), "update" (other puts) and
 *   "delete" (decoded from the previous value).
 * - `MicroServer`: go-micro's server loop (go-micro `server/rpc_server.go` and `server/server.go` at
 *   v4.9.0, commit 1db36357d509bdc590fb08264f6d8f14cce9b867): register on start, re-register every
 *   `RegisterInterval` (defaults: TTL 90 s, interval 30 s), `RegisterCheck` before each, deregister
 *   on a clean stop; a crash just stops, and the lease expires one TTL after the last renewal.
 * - `DiscoveryCache`: go-micro `registry/cache/cache.go` (v4.9.0): lookups cached for one minute and
 *   kept fresh by a watch; when the registry errors, stale entries are served instead of the error.
 * - `ConsulAgent`: Consul's health checks, a separate small model (github.com/hashicorp/consul
 *   `agent/checks/check.go` at 0303d8c3e9dc4f3fda28567eb4593adb5d601e14 and `agent/agent.go` at
 *   078f1c478c73de285742cb4258ea231e8fb80169): TTL checks, HTTP checks, and the reaper behind
 *   `DeregisterCriticalServiceAfter`.
 *
 * Known differences from the Go code: the etcd plugin's `Watcher.Next` returns only the first event
 * of each watch response (a revoke that deletes several keys at once loses the others); every event
 * is delivered here. go-micro's `Register` retries three times with a backoff within one tick; here
 * one attempt stands for them.
 *
 * Everything runs in explicit virtual time: actors expose `nextWakeAt()`/`wake(t)` and `runActors`
 * (or the kernel) drives them in time order.
 */
import { MINUTE, SECOND, type Nanos } from '../../time.ts';
import type { KeyValue, LeaseId, LeaseStore, Watch, WatchEvent } from './lease.ts';

export interface RegistryNode {
  readonly id: string;
  readonly address: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface RegistryService {
  readonly name: string;
  readonly version: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly nodes: readonly RegistryNode[];
}

export type RegistryAction = 'create' | 'update' | 'delete';

/** registry.Result, plus the virtual time the watcher delivered it. */
export interface RegistryResult {
  readonly action: RegistryAction;
  readonly service: RegistryService;
  readonly at: Nanos;
  /** The etcd revision behind it. */
  readonly revision: number;
}

export type Outcome<T extends object = object> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: string };

/** `registry.ErrNotFound`. */
export const SERVICE_NOT_FOUND = 'service not found';
/** What a call answers while the client cannot reach etcd (in Go: a context deadline error). */
export const REGISTRY_UNREACHABLE = 'registry unreachable';

export const DEFAULT_REGISTER_TTL: Nanos = 90 * SECOND;
export const DEFAULT_REGISTER_INTERVAL: Nanos = 30 * SECOND;
/** registry/cache `DefaultTTL`. */
export const DEFAULT_CACHE_TTL: Nanos = MINUTE;
/** The etcd plugin's key prefix. */
export const ETCD_REGISTRY_PREFIX = '/micro/registry/';

/** Something that acts at times of its own choosing (a server's ticker, a keepalive loop, a store's expiries). */
export interface TimedActor {
  nextWakeAt(): Nanos | undefined;
  wake(t: Nanos): void;
}

/**
 * Wakes the actors in time order until nothing is due at or before `until`; at equal times the actor
 * listed first goes first. Throws if `maxSteps` wake-ups were not enough (an actor that never advances).
 */
export function runActors(actors: readonly TimedActor[], until: Nanos, maxSteps = 1_000_000): void {
  for (let step = 0; step < maxSteps; step++) {
    let next: TimedActor | undefined;
    let nextAt = Number.POSITIVE_INFINITY;
    for (const actor of actors) {
      const at = actor.nextWakeAt();
      if (at !== undefined && at < nextAt) {
        next = actor;
        nextAt = at;
      }
    }
    if (!next || nextAt > until) return;
    next.wake(nextAt);
  }
  throw new Error(`runActors: more than ${maxSteps} wake-ups before ${until}`);
}

/** The plugin's `nodePath`: slashes inside names become dashes so each node is one path segment. */
export function nodePath(service: string, nodeId: string): string {
  return `${servicePath(service)}/${nodeId.replaceAll('/', '-')}`;
}

export function servicePath(service: string): string {
  return `${ETCD_REGISTRY_PREFIX}${service.replaceAll('/', '-')}`;
}

export function encodeService(service: RegistryService): string {
  return JSON.stringify(service);
}

/** The plugin's `decode`: undefined for anything that is not a service. */
export function decodeService(value: string): RegistryService | undefined {
  try {
    const v: unknown = JSON.parse(value);
    if (typeof v !== 'object' || v === null) return undefined;
    const s = v as Partial<RegistryService>;
    if (typeof s.name !== 'string' || !Array.isArray(s.nodes)) return undefined;
    return { name: s.name, version: s.version ?? '', metadata: s.metadata ?? {}, nodes: s.nodes };
  } catch {
    return undefined;
  }
}

/** The plugin hashes a node to skip unchanged re-registrations; a canonical JSON does the same job. */
function nodeHash(node: RegistryNode): string {
  const metadata = Object.fromEntries(Object.entries(node.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify([node.id, node.address, metadata]);
}

export interface RegisterOptions {
  /** `registry.RegisterTTL`; 0 registers without a lease (the key stays until deregistered). */
  ttl?: Nanos;
}

export interface RegistryWatchOptions {
  /** `registry.WatchService`: only this service's keys. */
  service?: string;
}

export interface RegistryWatcher {
  stop(): void;
}

/**
 * One process's go-micro registry client on etcd. `setReachable(false)` cuts it off from etcd: calls
 * fail, and its watchers hold still; when it comes back they resume from the last revision they
 * delivered, as clientv3's watcher does after a reconnect, so no change is lost.
 */
export class EtcdRegistry {
  private reachableNow = true;
  private readonly leaseCache = new Map<string, LeaseId>();
  private readonly registered = new Map<string, string>();
  private readonly watchers = new Set<EtcdRegistryWatcher>();

  constructor(private readonly store: LeaseStore) {}

  get reachable(): boolean {
    return this.reachableNow;
  }

  setReachable(reachable: boolean): void {
    this.reachableNow = reachable;
    if (reachable) for (const w of this.watchers) w.resume();
  }

  /** registry.Register: each node separately; answers the last error, as the plugin does. */
  register(t: Nanos, service: RegistryService, options: RegisterOptions = {}): Outcome {
    if (service.nodes.length === 0) return { ok: false, error: 'Require at least one node' };
    let failure: Outcome | undefined;
    for (const node of service.nodes) {
      const result = this.registerNode(t, service, node, options.ttl ?? 0);
      if (!result.ok) failure = result;
    }
    return failure ?? { ok: true };
  }

  /** registry.Deregister: deletes the node keys (the lease is left to expire on its own, as in the plugin). */
  deregister(t: Nanos, service: RegistryService): Outcome {
    if (service.nodes.length === 0) return { ok: false, error: 'Require at least one node' };
    for (const node of service.nodes) {
      this.registered.delete(service.name + node.id);
      this.leaseCache.delete(service.name + node.id);
      if (!this.reachableNow) return { ok: false, error: REGISTRY_UNREACHABLE };
      this.store.delete(t, nodePath(service.name, node.id));
    }
    return { ok: true };
  }

  /** registry.GetService: one entry per version, nodes in key order. */
  getService(t: Nanos, name: string): Outcome<{ services: RegistryService[] }> {
    if (!this.reachableNow) return { ok: false, error: REGISTRY_UNREACHABLE };
    const { kvs } = this.store.range(t, `${servicePath(name)}/`);
    if (kvs.length === 0) return { ok: false, error: SERVICE_NOT_FOUND };
    return { ok: true, services: groupBy(kvs, (s) => s.version) };
  }

  /** registry.ListServices: one entry per name and version, sorted by name. */
  listServices(t: Nanos): Outcome<{ services: RegistryService[] }> {
    if (!this.reachableNow) return { ok: false, error: REGISTRY_UNREACHABLE };
    const { kvs } = this.store.range(t, ETCD_REGISTRY_PREFIX);
    const services = groupBy(kvs, (s) => `${s.name}\u0000${s.version}`);
    return { ok: true, services: services.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
  }

  /** registry.Watch: results in revision order, delivered synchronously to `listener`. */
  watch(listener: (result: RegistryResult) => void, options: RegistryWatchOptions = {}): RegistryWatcher {
    const prefix = options.service === undefined ? ETCD_REGISTRY_PREFIX : `${servicePath(options.service)}/`;
    const watcher = new EtcdRegistryWatcher(this.store, prefix, listener, () => this.reachableNow, () => this.watchers.delete(watcher));
    this.watchers.add(watcher);
    return watcher;
  }

  private registerNode(t: Nanos, service: RegistryService, node: RegistryNode, ttl: Nanos): Outcome {
    if (!this.reachableNow) return { ok: false, error: REGISTRY_UNREACHABLE };
    const cacheKey = service.name + node.id;
    const path = nodePath(service.name, node.id);

    // A restarted client finds its lease through the existing key.
    let leaseId = this.leaseCache.get(cacheKey);
    if (leaseId === undefined) {
      const existing = this.store.get(t, path);
      const decoded = existing && decodeService(existing.value);
      const first = decoded?.nodes[0];
      if (existing?.lease !== undefined && first) {
        leaseId = existing.lease;
        this.leaseCache.set(cacheKey, leaseId);
        this.registered.set(cacheKey, nodeHash(first));
      }
    }

    let leaseNotFound = false;
    if (leaseId !== undefined) leaseNotFound = !this.store.keepAlive(t, leaseId).ok;

    const hash = nodeHash(node);
    if (this.registered.get(cacheKey) === hash && !leaseNotFound) return { ok: true };

    // int64(options.TTL.Seconds()): a 1.5 s TTL asks for 1 s, and etcd raises it to its minimum.
    let newLease: LeaseId | undefined;
    if (ttl > 0) {
      const granted = this.store.grantNew(t, Math.trunc(ttl / SECOND));
      if (!granted.ok) return granted;
      newLease = granted.id;
    }
    const value = encodeService({ name: service.name, version: service.version, metadata: service.metadata, nodes: [node] });
    const put = this.store.put(t, path, value, newLease);
    if (!put.ok) return put;
    this.registered.set(cacheKey, hash);
    if (newLease !== undefined) this.leaseCache.set(cacheKey, newLease);
    return { ok: true };
  }
}

class EtcdRegistryWatcher implements RegistryWatcher {
  private readonly watch: Watch;
  private lastRevision: number;
  private stopped = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly prefix: string,
    private readonly listener: (result: RegistryResult) => void,
    private readonly reachable: () => boolean,
    private readonly onStop: () => void,
  ) {
    this.lastRevision = store.revision;
    this.watch = store.watch(prefix, (event) => {
      if (this.reachable()) this.deliver(event, event.at);
    });
  }

  /** Catches up on what happened while the client was cut off, stamped with the reconnection time. */
  resume(): void {
    if (this.stopped) return;
    const at = this.store.now;
    for (const event of this.store.history(this.prefix, this.lastRevision + 1)) this.deliver(event, at);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.watch.cancel();
    this.onStop();
  }

  private deliver(event: WatchEvent, at: Nanos): void {
    if (this.stopped) return;
    this.lastRevision = event.revision;
    const result = toResult(event, at);
    if (result) this.listener(result);
  }
}

/** watcher.go's Next: the action from the event type and revisions, the service from the (previous) value. */
function toResult(event: WatchEvent, at: Nanos): RegistryResult | undefined {
  if (event.type === 'put') {
    const service = decodeService(event.kv.value);
    if (!service) return undefined;
    const action = event.kv.createRevision === event.kv.modRevision ? 'create' : 'update';
    return { action, service, at, revision: event.revision };
  }
  const service = decodeService(event.prevKv.value);
  return service && { action: 'delete', service, at, revision: event.revision };
}

function groupBy(kvs: readonly KeyValue[], keyOf: (s: RegistryService) => string): RegistryService[] {
  const groups = new Map<string, { name: string; version: string; metadata: Readonly<Record<string, string>>; nodes: RegistryNode[] }>();
  for (const kv of kvs) {
    const s = decodeService(kv.value);
    if (!s) continue;
    const k = keyOf(s);
    const group = groups.get(k);
    if (group) group.nodes.push(...s.nodes);
    else groups.set(k, { name: s.name, version: s.version, metadata: s.metadata, nodes: [...s.nodes] });
  }
  return [...groups.values()];
}

export interface MicroServerOptions {
  name: string;
  version?: string;
  /** Node id; go-micro uses `<name>-<uuid>`. */
  nodeId: string;
  address: string;
  metadata?: Record<string, string>;
  registerTtl?: Nanos;
  registerInterval?: Nanos;
  /** `server.RegisterCheck`: false deregisters the node until the check passes again. */
  registerCheck?: (t: Nanos) => boolean;
}

export type MicroServerState = 'created' | 'running' | 'crashed' | 'stopped';

export interface MicroServerEvent {
  readonly t: Nanos;
  readonly kind: 'register' | 'register-failed' | 'check-failed' | 'deregister' | 'crash' | 'stop';
  readonly error?: string;
}

/**
 * go-micro's server registration loop. `Register` is retried three times with a backoff inside one
 * tick in Go; here one attempt per tick stands for them (a failure is retried at the next tick).
 */
export class MicroServer implements TimedActor {
  readonly service: RegistryService;
  readonly registerTtl: Nanos;
  readonly registerInterval: Nanos;
  readonly events: MicroServerEvent[] = [];
  private currentState: MicroServerState = 'created';
  private isRegistered = false;
  private nextTick: Nanos | undefined;

  constructor(
    private readonly registry: EtcdRegistry,
    private readonly options: MicroServerOptions,
  ) {
    this.registerTtl = options.registerTtl ?? DEFAULT_REGISTER_TTL;
    this.registerInterval = options.registerInterval ?? DEFAULT_REGISTER_INTERVAL;
    this.service = {
      name: options.name,
      version: options.version ?? 'latest',
      metadata: {},
      nodes: [{ id: options.nodeId, address: options.address, metadata: { ...options.metadata } }],
    };
  }

  get state(): MicroServerState {
    return this.currentState;
  }

  /** Whether the server believes it is registered (rpcServer.registered). */
  get registered(): boolean {
    return this.isRegistered;
  }

  start(t: Nanos): void {
    if (this.currentState !== 'created') throw new Error(`cannot start a ${this.currentState} server`);
    this.currentState = 'running';
    if (this.check(t)) this.register(t);
    // time.NewTicker(RegisterInterval): ticks at start + k·interval; no ticker when the interval is 0.
    this.nextTick = this.registerInterval > 0 ? t + this.registerInterval : undefined;
  }

  nextWakeAt(): Nanos | undefined {
    return this.currentState === 'running' ? this.nextTick : undefined;
  }

  wake(t: Nanos): void {
    if (this.currentState !== 'running' || this.nextTick === undefined) return;
    this.nextTick += this.registerInterval;
    if (!this.check(t)) {
      if (this.isRegistered) this.deregister(t);
      return;
    }
    this.register(t);
  }

  /** The process dies: no more renewals and no deregistration; its lease runs out after the TTL. */
  crash(t: Nanos): void {
    if (this.currentState !== 'running') return;
    this.currentState = 'crashed';
    this.events.push({ t, kind: 'crash' });
  }

  /** SIGTERM: stop the ticker and deregister, so callers hear of it at once instead of after the TTL. */
  stop(t: Nanos): void {
    if (this.currentState !== 'running') return;
    this.currentState = 'stopped';
    this.events.push({ t, kind: 'stop' });
    if (this.isRegistered) this.deregister(t);
  }

  private check(t: Nanos): boolean {
    const ok = this.options.registerCheck?.(t) ?? true;
    if (!ok) this.events.push({ t, kind: 'check-failed' });
    return ok;
  }

  private register(t: Nanos): void {
    const result = this.registry.register(t, this.service, { ttl: this.registerTtl });
    if (result.ok) {
      this.isRegistered = true;
      this.events.push({ t, kind: 'register' });
    } else {
      this.events.push({ t, kind: 'register-failed', error: result.error });
    }
  }

  private deregister(t: Nanos): void {
    const result = this.registry.deregister(t, this.service);
    this.isRegistered = false;
    this.events.push(result.ok ? { t, kind: 'deregister' } : { t, kind: 'deregister', error: result.error });
  }
}

export interface DiscoveryCacheOptions {
  /** How long a lookup is trusted without a refresh (registry/cache DefaultTTL, 1 minute). */
  ttl?: Nanos;
}

export interface DiscoveryAnswer {
  readonly services: RegistryService[];
  /** True when served from the cache because the registry failed. */
  readonly stale: boolean;
}

/**
 * go-micro's registry cache on the caller's side. The first lookup of a service starts a watch on it
 * and lists it; later lookups are answered from memory while the entry is younger than the TTL (every
 * watch update renews it). When a refresh fails and entries are cached, they are served, stale,
 * instead of the error; a registry outage therefore never empties a caller's list.
 */
export class DiscoveryCache {
  private readonly ttl: Nanos;
  private readonly cache = new Map<string, RegistryService[]>();
  private readonly expires = new Map<string, Nanos>();
  private readonly watchers = new Map<string, RegistryWatcher>();
  private status: string | undefined;

  constructor(
    private readonly registry: EtcdRegistry,
    options: DiscoveryCacheOptions = {},
  ) {
    this.ttl = options.ttl ?? DEFAULT_CACHE_TTL;
  }

  /** The last registry error, cleared by the next success (cache.status). */
  get error(): string | undefined {
    return this.status;
  }

  /** cache.GetService. */
  getService(t: Nanos, name: string): Outcome<DiscoveryAnswer> {
    const cached = copyServices(this.cache.get(name) ?? []);
    const expires = this.expires.get(name);
    if (cached.length > 0 && expires !== undefined && t <= expires) return { ok: true, services: cached, stale: false };

    if (!this.watchers.has(name)) {
      this.watchers.set(
        name,
        this.registry.watch(
          (result) => {
            this.status = undefined; // a watch result proves the registry is back (cache.watch)
            this.update(result);
          },
          { service: name },
        ),
      );
    }
    const fresh = this.registry.getService(t, name);
    if (!fresh.ok) {
      if (cached.length > 0) {
        this.status = fresh.error;
        return { ok: true, services: cached, stale: true };
      }
      return fresh;
    }
    this.status = undefined;
    this.set(name, copyServices(fresh.services), t);
    if (fresh.services.length === 0) return { ok: false, error: SERVICE_NOT_FOUND };
    return { ok: true, services: copyServices(fresh.services), stale: false };
  }

  /** All nodes of a service, every version, in cache order: what a selector strategy walks. */
  nodes(t: Nanos, name: string): Outcome<{ nodes: RegistryNode[]; stale: boolean }> {
    const answer = this.getService(t, name);
    if (!answer.ok) return answer;
    return { ok: true, nodes: answer.services.flatMap((s) => s.nodes), stale: answer.stale };
  }

  stop(): void {
    for (const w of this.watchers.values()) w.stop();
    this.watchers.clear();
  }

  private set(name: string, services: RegistryService[], t: Nanos): void {
    this.cache.set(name, services);
    this.expires.set(name, t + this.ttl);
  }

  private del(name: string): void {
    if (this.status !== undefined) return; // don't blow away the cache in an error state
    this.cache.delete(name);
    this.expires.delete(name);
  }

  /** cache.update, ported: merge created/updated nodes by id, drop deleted ones, drop empty versions. */
  private update(result: RegistryResult): void {
    const name = result.service.name;
    const services = this.cache.get(name);
    if (!services) return; // nothing is cached unless there was a lookup
    if (result.service.nodes.length === 0) {
      if (result.action === 'delete') this.del(name);
      return;
    }
    const index = services.findIndex((s) => s.version === result.service.version);
    const current = services[index];
    if (result.action === 'create' || result.action === 'update') {
      if (!current) {
        this.set(name, [...services, copyService(result.service)], result.at);
        return;
      }
      const incoming = result.service.nodes.map((n) => ({ ...n }));
      const kept = current.nodes.filter((cur) => !incoming.some((n) => n.id === cur.id));
      const next = [...services];
      next[index] = { ...copyService(result.service), nodes: [...incoming, ...kept] };
      this.set(name, next, result.at);
      return;
    }
    if (!current) return;
    const nodes = current.nodes.filter((cur) => !result.service.nodes.some((del) => del.id === cur.id));
    if (nodes.length > 0) {
      const next = [...services];
      next[index] = { ...current, nodes };
      this.set(name, next, result.at);
      return;
    }
    if (services.length === 1) {
      this.del(name);
      return;
    }
    this.set(
      name,
      services.filter((s) => s.version !== current.version),
      result.at,
    );
  }
}

function copyService(s: RegistryService): RegistryService {
  return { name: s.name, version: s.version, metadata: { ...s.metadata }, nodes: s.nodes.map((n) => ({ ...n, metadata: { ...n.metadata } })) };
}

function copyServices(services: readonly RegistryService[]): RegistryService[] {
  return services.map(copyService);
}

// ---------------------------------------------------------------------------------------------
// Consul-style health checks

export type CheckStatus = 'passing' | 'warning' | 'critical';

/** What an HTTP probe returned: a status code after some latency, or a transport error. */
export type HttpProbeResult = { readonly status: number; readonly latency: Nanos } | { readonly error: string; readonly latency?: Nanos };

interface CheckCommon {
  /** Initial status; Consul starts a check critical unless told otherwise. */
  status?: CheckStatus;
  /** Reap the service once this check has been critical for longer than this (raised to the minimum, 1 min). */
  deregisterCriticalServiceAfter?: Nanos;
}

export interface TtlCheckDefinition extends CheckCommon {
  readonly kind: 'ttl';
  readonly ttl: Nanos;
}

export interface HttpCheckDefinition extends CheckCommon {
  readonly kind: 'http';
  /** Raised to Consul's minimum of 1 s. */
  readonly interval: Nanos;
  /** Request timeout; Consul's default is 10 s. */
  readonly timeout?: Nanos;
  /** Consul waits a random stagger in [0, interval) before the first probe; pass it here (default 0). */
  readonly firstCheckDelay?: Nanos;
  readonly probe: (t: Nanos) => HttpProbeResult;
}

export type CheckDefinition = TtlCheckDefinition | HttpCheckDefinition;

export interface ConsulServiceDefinition {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly checks: readonly CheckDefinition[];
}

export interface ConsulAgentOptions {
  /** How often the reaper looks for services to deregister (`CheckReapInterval`, 30 s). */
  reapInterval?: Nanos;
  /** The floor for DeregisterCriticalServiceAfter (`CheckDeregisterIntervalMin`, 1 min). */
  deregisterIntervalMin?: Nanos;
}

export interface CheckState {
  readonly id: string;
  readonly status: CheckStatus;
  readonly output: string;
  /** Since when the check has been critical, if it is. */
  readonly criticalSince: Nanos | undefined;
}

export interface HealthEntry {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  /** The worst status among the service's checks. */
  readonly status: CheckStatus;
  readonly checks: readonly CheckState[];
}

export const CONSUL_HTTP_TIMEOUT: Nanos = 10 * SECOND;
export const CONSUL_REAP_INTERVAL: Nanos = 30 * SECOND;
export const CONSUL_DEREGISTER_INTERVAL_MIN: Nanos = MINUTE;
/** `checks.MinInterval`: shorter HTTP check intervals are raised to it. */
export const CONSUL_MIN_CHECK_INTERVAL: Nanos = SECOND;

interface Check {
  readonly id: string;
  readonly serviceId: string;
  readonly definition: CheckDefinition;
  status: CheckStatus;
  output: string;
  criticalSince: Nanos | undefined;
  /** TTL checks: when the timer fires if nobody updates the check. */
  ttlExpiresAt: Nanos | undefined;
  /** HTTP checks: the next probe, or the pending result of the probe under way. */
  nextProbeAt: Nanos | undefined;
  pending: { readonly at: Nanos; readonly status: CheckStatus; readonly output: string } | undefined;
  /** HTTP checks: the interval after the minimum was applied. */
  readonly interval: Nanos;
  reapAfter: Nanos;
}

/**
 * A Consul agent's local services and checks. Check ids follow Consul: `service:<id>` for a single
 * check, `service:<id>:<n>` (n from 1) when a service has several.
 *
 * - TTL check (CheckTTL): every update (pass, warn or fail) sets the status and restarts the timer;
 *   when the timer fires the check turns critical with "TTL expired".
 * - HTTP check (CheckHTTP): 2xx is passing, 429 warning, anything else, an error or the timeout
 *   critical. The next probe starts one interval after the previous one *finished*, since the check
 *   loop waits for the request before arming `time.After(interval)`.
 * - A failing check hides the service from passing-only queries but keeps it in the catalog; the
 *   reaper, every `reapInterval`, deregisters services whose check has been critical for longer than
 *   its DeregisterCriticalServiceAfter.
 *
 * Not modelled: `SuccessBeforePassing`/`FailuresBeforeCritical` (both 0 by default), anti-entropy to
 * the servers, gossip-driven node health.
 */
export class ConsulAgent implements TimedActor {
  private readonly reapInterval: Nanos;
  private readonly deregisterIntervalMin: Nanos;
  private readonly services = new Map<string, ConsulServiceDefinition>();
  private readonly checks = new Map<string, Check>();
  private nextReapAt: Nanos;
  /** Services removed by the reaper, with when. */
  readonly reaped: { readonly id: string; readonly at: Nanos }[] = [];

  constructor(start: Nanos = 0, options: ConsulAgentOptions = {}) {
    this.reapInterval = options.reapInterval ?? CONSUL_REAP_INTERVAL;
    this.deregisterIntervalMin = options.deregisterIntervalMin ?? CONSUL_DEREGISTER_INTERVAL_MIN;
    this.nextReapAt = start + this.reapInterval;
  }

  addService(t: Nanos, service: ConsulServiceDefinition): string[] {
    this.removeService(t, service.id);
    this.services.set(service.id, service);
    const ids: string[] = [];
    service.checks.forEach((definition, i) => {
      const id = service.checks.length === 1 ? `service:${service.id}` : `service:${service.id}:${i + 1}`;
      const status = definition.status ?? 'critical';
      const after = definition.deregisterCriticalServiceAfter ?? 0;
      this.checks.set(id, {
        id,
        serviceId: service.id,
        definition,
        status,
        output: '',
        criticalSince: status === 'critical' ? t : undefined,
        ttlExpiresAt: definition.kind === 'ttl' ? t + definition.ttl : undefined,
        nextProbeAt: definition.kind === 'http' ? t + (definition.firstCheckDelay ?? 0) : undefined,
        pending: undefined,
        interval: definition.kind === 'http' ? Math.max(definition.interval, CONSUL_MIN_CHECK_INTERVAL) : 0,
        reapAfter: after > 0 ? Math.max(after, this.deregisterIntervalMin) : 0,
      });
      ids.push(id);
    });
    return ids;
  }

  removeService(_t: Nanos, id: string): boolean {
    if (!this.services.delete(id)) return false;
    for (const [checkId, check] of this.checks) if (check.serviceId === id) this.checks.delete(checkId);
    return true;
  }

  hasService(id: string): boolean {
    return this.services.has(id);
  }

  /** Agent UpdateTTL (`PassTTL`, `WarnTTL`, `FailTTL`): sets the status and restarts the TTL timer. */
  updateTtl(t: Nanos, checkId: string, status: CheckStatus, output = ''): Outcome {
    const check = this.checks.get(checkId);
    if (!check || check.definition.kind !== 'ttl') return { ok: false, error: `CheckID "${checkId}" does not have associated TTL` };
    this.settle(check, t);
    this.setStatus(check, t, status, output);
    check.ttlExpiresAt = t + check.definition.ttl;
    return { ok: true };
  }

  checkState(t: Nanos, checkId: string): CheckState | undefined {
    const check = this.checks.get(checkId);
    if (!check) return undefined;
    this.settle(check, t);
    return { id: check.id, status: check.status, output: check.output, criticalSince: check.criticalSince };
  }

  /** The health endpoint for a service name; `passingOnly` is `?passing`: every check must pass. */
  health(t: Nanos, name: string, options: { passingOnly?: boolean } = {}): HealthEntry[] {
    const entries: HealthEntry[] = [];
    for (const service of this.services.values()) {
      if (service.name !== name) continue;
      const checks = [...this.checks.values()].filter((c) => c.serviceId === service.id).map((c) => this.checkState(t, c.id)!);
      const status = worst(checks.map((c) => c.status));
      if (options.passingOnly && status !== 'passing') continue;
      entries.push({ id: service.id, name: service.name, address: service.address, status, checks });
    }
    return entries;
  }

  nextWakeAt(): Nanos | undefined {
    let next = this.nextReapAt;
    for (const check of this.checks.values()) {
      const at = check.pending?.at ?? check.nextProbeAt;
      if (at !== undefined && at < next) next = at;
    }
    return next;
  }

  wake(t: Nanos): void {
    for (const check of [...this.checks.values()]) this.runHttp(check, t);
    if (t >= this.nextReapAt) {
      this.reap(t);
      this.nextReapAt = t + this.reapInterval;
    }
  }

  private runHttp(check: Check, t: Nanos): void {
    const definition = check.definition;
    if (definition.kind !== 'http') return;
    if (check.pending && check.pending.at <= t) {
      const { at, status, output } = check.pending;
      check.pending = undefined;
      this.setStatus(check, at, status, output);
      check.nextProbeAt = at + check.interval;
    }
    if (!check.pending && check.nextProbeAt !== undefined && check.nextProbeAt <= t) {
      const started = check.nextProbeAt;
      check.nextProbeAt = undefined;
      check.pending = probeOutcome(definition, started);
      if (check.pending.at <= t) this.runHttp(check, t);
    }
  }

  /** Fires a TTL check's timer if it has run out by `t` (timers are evaluated lazily). */
  private settle(check: Check, t: Nanos): void {
    if (check.ttlExpiresAt !== undefined && t >= check.ttlExpiresAt) {
      const at = check.ttlExpiresAt;
      check.ttlExpiresAt = undefined;
      this.setStatus(check, at, 'critical', check.output === '' ? 'TTL expired' : `TTL expired (last output before timeout follows): ${check.output}`);
    }
  }

  private setStatus(check: Check, t: Nanos, status: CheckStatus, output: string): void {
    // CriticalTime is set when a check turns critical and kept while it stays critical.
    if (status === 'critical') check.criticalSince ??= t;
    else check.criticalSince = undefined;
    check.status = status;
    check.output = output;
  }

  private reap(t: Nanos): void {
    for (const check of [...this.checks.values()]) {
      if (!this.services.has(check.serviceId)) continue;
      this.settle(check, t);
      if (check.reapAfter > 0 && check.status === 'critical' && check.criticalSince !== undefined && t - check.criticalSince > check.reapAfter) {
        this.removeService(t, check.serviceId);
        this.reaped.push({ id: check.serviceId, at: t });
      }
    }
  }
}

function probeOutcome(definition: HttpCheckDefinition, started: Nanos): { at: Nanos; status: CheckStatus; output: string } {
  const timeout = definition.timeout ?? CONSUL_HTTP_TIMEOUT;
  const result = definition.probe(started);
  const latency = result.latency ?? 0;
  if (latency >= timeout) return { at: started + timeout, status: 'critical', output: `request timed out after ${timeout / SECOND}s` };
  const at = started + latency;
  if ('error' in result) return { at, status: 'critical', output: result.error };
  if (result.status >= 200 && result.status <= 299) return { at, status: 'passing', output: `HTTP GET: ${result.status}` };
  if (result.status === 429) return { at, status: 'warning', output: `HTTP GET: ${result.status}` };
  return { at, status: 'critical', output: `HTTP GET: ${result.status}` };
}

function worst(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.includes('critical')) return 'critical';
  if (statuses.includes('warning')) return 'warning';
  return 'passing';
}
