/**
 * `lab.mjs client`: a caller of the `user` service, built from the simulation's models running on
 * a wall clock:
 *
 * - discovery: list the service's keys, then long-poll `GET /watch` from the next revision (etcd's
 *   list-then-watch), into a local cache that survives registry outages (go-micro's cache serves
 *   stale entries rather than an error); after an error it lists again, retrying with grpc-go's
 *   connection backoff (`models/rpc/backoff.ts`);
 * - load balancing: the balancers of `models/registry/balancers.ts`, rebuilt whenever the instance
 *   list changes, as gRPC rebuilds its picker;
 * - circuit breaking: sony/gobreaker v2 (`models/breaker/gobreaker.ts`, two-step), one breaker per
 *   instance by default (`--breaker-scope client` for one shared breaker);
 * - rate limiting: x/time/rate (`models/rate/token-bucket.ts`): each call does `Wait` with the call
 *   timeout as its deadline, so calls beyond the budget wait for a token, and fail as `limited` when
 *   the wait would pass the deadline (Go's "would exceed context deadline");
 * - retries: gRFC A6 policy and backoff (`models/rpc/retry.ts`): a failed attempt is retried after
 *   `retryBackoff`, on another instance when there is one, up to maxAttempts (capped at 5).
 *
 * Requests arrive as a Poisson process at `--load` calls per second (default: `--rate`), each with
 * a user key (for consistent hashing).
 *
 * Events: `view {client, instances}`, `watch {client, action, instance, revision}`,
 * `watch-failed {client, error}`, `call {client, id, instance, outcome, reason?, code, latencyMs,
 * state, attempt}` (one per attempt, when it ends; `limited` calls have attempt 0), `retry {client,
 * id, attempt, delayMs}`, `state {instance, from, to}` (breaker transitions), `exit {code}`.
 */
import http from 'node:http';
import { Random } from '../lib/sim/random.ts';
import { MILLISECOND, msToNanos, nanosToMs } from '../lib/sim/time.ts';
import { ErrTooManyRequests, TwoStepCircuitBreaker, stateString } from '../lib/sim/models/breaker/gobreaker.ts';
import { Limiter } from '../lib/sim/models/rate/token-bucket.ts';
import { connectionBackoff, type BackoffConfig } from '../lib/sim/models/rpc/backoff.ts';
import { makeRetryPolicy, retryBackoff, type RetryPolicy } from '../lib/sim/models/rpc/retry.ts';
import type { StatusCodeName } from '../lib/sim/models/rpc/status.ts';
import { makePicker, type Picker } from '../lib/sim/models/registry/balancers.ts';
import { decodeService, servicePath } from '../lib/sim/models/registry/registry.ts';
import { StopSignal, errorCode, httpJson, installCrashHandlers, labClock, makeEmitter, onShutdown, type Emit } from './io.ts';
import type { ClientOptions, LabBalancer, RangeResponse, WatchResponse, WireKeyValue } from './protocol.ts';

/** Re-listing after a discovery error: grpc-go's connection backoff, scaled down for a lab. */
export const DISCOVERY_BACKOFF: BackoffConfig = { baseDelay: 200 * MILLISECOND, multiplier: 1.6, jitter: 0.2, maxDelay: 5000 * MILLISECOND };
const WATCH_TIMEOUT_MS = 10_000;
/** Status codes the client retries (an attempt's time-out counts as DEADLINE_EXCEEDED, like a per-try timeout). */
export const RETRYABLE_CODES: readonly StatusCodeName[] = ['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'INTERNAL'];

export interface Endpoint {
  id: string;
  key: string;
  address: string;
  weight: number;
}

/** The endpoint a registry key describes (go-micro's encoded service), or undefined. */
export function endpointOf(kv: WireKeyValue): Endpoint | undefined {
  const node = decodeService(kv.value)?.nodes[0];
  if (!node || typeof node.id !== 'string' || typeof node.address !== 'string') return undefined;
  const w = Number(node.metadata?.weight ?? 1);
  return { id: node.id, key: kv.key, address: node.address, weight: Number.isInteger(w) && w > 0 ? w : 1 };
}

/** List-then-watch discovery into a local cache. */
class Discovery {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly idOfKey = new Map<string, string>();
  private viewKey = '';
  view: Endpoint[] = [];
  private listed: () => void = () => {};
  /** Settles after the first listing attempt, successful or not. */
  readonly firstListing = new Promise<void>((resolve) => (this.listed = resolve));

  constructor(
    private readonly opts: ClientOptions,
    private readonly emit: Emit,
    private readonly stop: StopSignal,
    private readonly random: Random,
    private readonly onChange: (view: Endpoint[]) => void,
  ) {}

  get(id: string): Endpoint | undefined {
    return this.endpoints.get(id);
  }

  async run(): Promise<void> {
    const prefix = servicePath(this.opts.service) + '/';
    const base = this.opts.registry;
    let failures = 0;
    while (!this.stop.stopped) {
      try {
        const listed = await httpJson('GET', `${base}/keys?prefix=${encodeURIComponent(prefix)}`, { timeoutMs: 2000, stop: this.stop, agent: false });
        if (listed.status !== 200) throw new Error(`list: HTTP ${listed.status}`);
        const range = listed.body as RangeResponse;
        this.replace(range.kvs);
        this.listed();
        failures = 0;
        let next = range.revision + 1;
        while (!this.stop.stopped) {
          const url = `${base}/watch?prefix=${encodeURIComponent(prefix)}&revision=${next}&timeoutMs=${WATCH_TIMEOUT_MS}`;
          const res = await httpJson('GET', url, { timeoutMs: WATCH_TIMEOUT_MS + 5000, stop: this.stop, agent: false });
          if (res.status !== 200) throw new Error(`watch: HTTP ${res.status} ${String((res.body as { error?: unknown } | undefined)?.error ?? '')}`.trim());
          const watched = res.body as WatchResponse;
          for (const e of watched.events) {
            if (e.type === 'put') {
              const ep = endpointOf(e.kv);
              if (!ep) continue;
              this.put(ep);
              this.emit('watch', { client: this.opts.id, action: e.kv.createRevision === e.kv.modRevision ? 'create' : 'update', instance: ep.id, revision: e.revision });
            } else {
              const id = this.idOfKey.get(e.key);
              if (id === undefined) continue;
              this.remove(e.key);
              this.emit('watch', { client: this.opts.id, action: 'delete', instance: id, revision: e.revision });
            }
          }
          this.publish();
          next = Math.max(next, watched.revision + 1);
        }
      } catch (err) {
        this.listed();
        if (this.stop.stopped) return;
        // Keep serving from the cache while the registry is away.
        this.emit('watch-failed', { client: this.opts.id, error: errorCode(err) });
        await this.stop.sleep(nanosToMs(connectionBackoff(DISCOVERY_BACKOFF, failures++, () => this.random.next())));
      }
    }
  }

  private replace(kvs: readonly WireKeyValue[]): void {
    this.endpoints.clear();
    this.idOfKey.clear();
    for (const kv of kvs) {
      const ep = endpointOf(kv);
      if (ep) this.put(ep);
    }
    this.publish();
  }

  private put(ep: Endpoint): void {
    const previous = this.endpoints.get(ep.id);
    if (previous && previous.key !== ep.key) this.idOfKey.delete(previous.key);
    this.endpoints.set(ep.id, ep);
    this.idOfKey.set(ep.key, ep.id);
  }

  private remove(key: string): void {
    const id = this.idOfKey.get(key);
    this.idOfKey.delete(key);
    if (id !== undefined) this.endpoints.delete(id);
  }

  /** Tells the client when the list (ids, addresses or weights) changed; `view` events name the ids. */
  private publish(): void {
    const view = [...this.endpoints.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const key = JSON.stringify(view.map((e) => [e.id, e.address, e.weight]));
    if (key === this.viewKey) return;
    const idsChanged = JSON.stringify(view.map((e) => e.id)) !== JSON.stringify(this.view.map((e) => e.id));
    this.viewKey = key;
    this.view = view;
    if (idsChanged) this.emit('view', { client: this.opts.id, instances: view.map((e) => e.id) });
    this.onChange(view);
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export async function runClient(opts: ClientOptions): Promise<void> {
  const emit = makeEmitter('client', opts.epoch);
  installCrashHandlers(emit);
  const clock = labClock();
  const random = new Random(opts.seed);
  const lbRandom = random.fork();
  const loadRandom = random.fork();
  const retryRandom = random.fork();
  const discoveryRandom = random.fork();
  const stop = new StopSignal();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const nowMs = () => nanosToMs(clock.now());

  const policy: RetryPolicy | null =
    opts.maxAttempts >= 2
      ? makeRetryPolicy({
          maxAttempts: opts.maxAttempts,
          initialBackoff: msToNanos(opts.initialBackoffMs),
          maxBackoff: msToNanos(opts.maxBackoffMs),
          backoffMultiplier: opts.backoffMultiplier,
          retryableStatusCodes: RETRYABLE_CODES,
        })
      : null;
  const maxAttempts = policy?.maxAttempts ?? 1;
  const limiter = new Limiter(opts.rate, opts.burst);

  // Breakers: per instance (keyed by id, renewed when the address changes: a new endpoint), or one.
  const breakers = new Map<string, { address: string; cb: TwoStepCircuitBreaker<2> }>();
  const newBreaker = (name: string) =>
    new TwoStepCircuitBreaker<2>(
      {
        name,
        maxRequests: opts.maxRequests,
        interval: 0,
        timeout: msToNanos(opts.breakerTimeoutMs),
        readyToTrip: (c) => c.consecutiveFailures > opts.consecutiveFailures,
        onStateChange: (n, from, to) => emit('state', { instance: opts.breakerScope === 'instance' ? n : null, from: stateString(from), to: stateString(to) }),
      },
      { clock, version: 2 },
    );
  const shared = opts.breakerScope === 'client' ? newBreaker(opts.id) : undefined;
  const breakerFor = (ep: Endpoint): TwoStepCircuitBreaker<2> => {
    if (shared) return shared;
    const held = breakers.get(ep.id);
    if (held && held.address === ep.address) return held.cb;
    const cb = newBreaker(ep.id);
    breakers.set(ep.id, { address: ep.address, cb });
    return cb;
  };

  let picker: Picker | undefined;
  const discovery = new Discovery(opts, emit, stop, discoveryRandom, (view) => {
    picker = view.length > 0 ? makePicker(opts.balancer, view, lbRandom) : undefined;
    for (const id of [...breakers.keys()]) if (!view.some((e) => e.id === id)) breakers.delete(id);
  });

  /** The instance for this attempt: the balancer's choice, or another one not tried yet by this call. */
  const pick = (key: string, tried: ReadonlySet<string>): Endpoint | undefined => {
    const ids = discovery.view.map((e) => e.id);
    if (!picker || ids.length === 0) return undefined;
    let id = picker.pick(key);
    if (id !== undefined && tried.has(id) && ids.some((x) => !tried.has(x))) {
      for (let i = 0; i < ids.length && id !== undefined && tried.has(id); i++) id = picker.pick(key);
      if (id === undefined || tried.has(id)) id = ids.find((x) => !tried.has(x));
    }
    return id === undefined ? undefined : discovery.get(id);
  };

  const attemptOnce = async (id: number, attempt: number, key: string, tried: Set<string>): Promise<StatusCodeName> => {
    const base = { client: opts.id, id };
    const target = pick(key, tried);
    if (!target) {
      emit('call', { ...base, instance: null, outcome: 'no-instance', reason: 'none available', code: 'UNAVAILABLE', latencyMs: 0, state: shared ? stateString(shared.state()) : null, attempt });
      return 'UNAVAILABLE';
    }
    tried.add(target.id);
    const cb = breakerFor(target);
    const allowance = cb.allow();
    if (allowance.error) {
      const reason = allowance.error === ErrTooManyRequests ? 'too_many_requests' : 'open';
      emit('call', { ...base, instance: target.id, outcome: 'rejected', reason, code: 'UNAVAILABLE', latencyMs: 0, state: stateString(cb.state()), attempt });
      return 'UNAVAILABLE';
    }
    const start = nowMs();
    let code: StatusCodeName;
    let reason: string | undefined;
    let error: string | undefined;
    try {
      const res = await httpJson('GET', `http://${target.address}/work?key=${encodeURIComponent(key)}`, {
        timeoutMs: opts.callTimeoutMs,
        agent,
        headers: { 'x-attempt': String(attempt) },
        stop,
      });
      code = res.status === 200 ? 'OK' : res.status === 503 ? 'UNAVAILABLE' : res.status >= 500 ? 'INTERNAL' : 'UNKNOWN';
      if (code !== 'OK') {
        reason = 'error';
        error = `HTTP ${res.status}`;
      }
    } catch (err) {
      const c = errorCode(err);
      if (c === 'ESTOPPED') return 'CANCELLED';
      code = c === 'ETIMEDOUT' ? 'DEADLINE_EXCEEDED' : 'UNAVAILABLE';
      reason = c === 'ETIMEDOUT' ? 'timeout' : 'connection';
      error = c;
    }
    const latencyMs = round3(nowMs() - start);
    allowance.done(code === 'OK' ? null : new Error(error ?? code));
    if (code !== 'OK') picker?.reportFailure?.(target.id);
    emit('call', {
      ...base,
      instance: target.id,
      outcome: code === 'OK' ? 'success' : 'failure',
      ...(reason === undefined ? {} : { reason, error }),
      code,
      latencyMs,
      state: stateString(cb.state()),
      attempt,
    });
    return code;
  };

  const logicalCall = async (id: number): Promise<void> => {
    const t0 = clock.now();
    // x/time/rate's Wait(ctx) with the call's deadline.
    const wait = limiter.waitN(t0, 1, t0 + msToNanos(opts.callTimeoutMs));
    if (!wait.ok) {
      emit('call', { client: opts.id, id, instance: null, outcome: 'limited', reason: wait.error, code: 'RESOURCE_EXHAUSTED', latencyMs: 0, state: null, attempt: 0 });
      return;
    }
    if (wait.delay > 0) await stop.sleep(nanosToMs(wait.delay));
    if (stop.stopped) return;
    const key = `user-${random.int(opts.keySpace)}`;
    const tried = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      const code = await attemptOnce(id, attempt, key, tried);
      if (code === 'OK' || stop.stopped) return;
      if (!policy || attempt >= maxAttempts || !policy.retryableStatusCodes.has(code)) return;
      const delayMs = round3(nanosToMs(retryBackoff(policy, attempt - 1, () => retryRandom.next())));
      emit('retry', { client: opts.id, id, attempt: attempt + 1, delayMs });
      await stop.sleep(delayMs);
      if (stop.stopped) return;
    }
  };

  // Poisson arrivals at the offered load; a process that fell far behind does not burst to catch up.
  const load = opts.load ?? opts.rate;
  let arrivals: ReturnType<typeof setTimeout> | undefined;
  let callSeq = 0;
  let nextArrival = nowMs();
  const arrive = (): void => {
    if (stop.stopped) return;
    const now = nowMs();
    if (nextArrival < now - 1000) nextArrival = now;
    for (let n = 0; nextArrival <= now && n < 1000; n++) {
      void logicalCall(++callSeq);
      nextArrival += loadRandom.exponential(1000 / load);
    }
    arrivals = setTimeout(arrive, Math.max(0, nextArrival - nowMs()));
  };

  onShutdown(opts.lifeline, async () => {
    stop.stop();
    clearTimeout(arrivals);
    agent.destroy();
    emit('exit', { code: 0 });
    return 0;
  });

  void discovery.run();
  await discovery.firstListing;
  nextArrival = nowMs();
  if (load > 0 && !stop.stopped) arrive();
}
