/**
 * `lab.mjs instance`: one instance of the `user` service. It serves `GET /work` (with injectable
 * errors and latency, `POST /admin/fault`), registers in the registry under go-micro's etcd layout
 * (`/micro/registry/user/<id>`, value: the encoded service, attached to a lease), and keeps its lease
 * alive like etcd's clientv3: the simulation's `KeepAliveLoop` decides when to send (at once, then
 * TTL/3 after each answer, on a 500 ms tick) and when the channel is dead (lease not found, or no
 * answer within one TTL); this file carries its requests over HTTP. When the lease is lost the
 * instance registers again with a new one, retrying with grpc-go's connection backoff.
 * On SIGTERM/SIGINT it revokes its lease (its key disappears at once) and exits.
 *
 * Events: `listening {port}`, `registered {instance, lease, ttlS}`, `heartbeat {instance, lease, ttlS}`,
 * `heartbeat-failed {instance, error}`, `fault {instance, errorRate, latencyMs}`,
 * `shutdown {instance, how, drainMs}`, `exit {code}`, and `crash {instance}` for `POST /admin/crash`.
 */
import http from 'node:http';
import { Random } from '../lib/sim/random.ts';
import { MILLISECOND, nanosToMs, type Clock } from '../lib/sim/time.ts';
import { KeepAliveLoop, type KeepAliveResult } from '../lib/sim/models/registry/lease.ts';
import { encodeService, nodePath } from '../lib/sim/models/registry/registry.ts';
import { murmur3_32 } from '../lib/sim/models/registry/balancers.ts';
import { connectionBackoff, type BackoffConfig } from '../lib/sim/models/rpc/backoff.ts';
import {
  HttpError,
  StopSignal,
  closeServer,
  errorCode,
  exitAfterFlush,
  httpJson,
  installCrashHandlers,
  labClock,
  listen,
  makeEmitter,
  onShutdown,
  readJson,
  sendEmpty,
  sendJson,
  type Emit,
} from './io.ts';
import type { InstanceOptions } from './protocol.ts';

/** Re-registration after failures: grpc-go's connection backoff, scaled down for a lab. */
export const REGISTER_BACKOFF: BackoffConfig = { baseDelay: 250 * MILLISECOND, multiplier: 1.6, jitter: 0.2, maxDelay: 5000 * MILLISECOND };
/** How long one registry request may take. */
const REGISTRY_REQUEST_TIMEOUT_MS = 2000;

export interface Fault {
  errorRate: number;
  latencyMs: number;
}

/** Validates an `/admin/fault` body; missing fields keep their current value. */
export function parseFault(body: unknown, current: Fault): Fault {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'expected a JSON object');
  const b = body as Record<string, unknown>;
  const errorRate = b.errorRate === undefined ? current.errorRate : b.errorRate;
  const latencyMs = b.latencyMs === undefined ? current.latencyMs : b.latencyMs;
  if (typeof errorRate !== 'number' || !(errorRate >= 0 && errorRate <= 1)) throw new HttpError(400, 'errorRate must be a number in [0, 1]');
  if (typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs <= 60_000)) throw new HttpError(400, 'latencyMs must be a number in [0, 60000]');
  return { errorRate, latencyMs };
}

/**
 * The registration of one instance: grant + put, then a keepalive loop; again from the start when
 * the loop closes. All timing decisions of the keepalive come from the model.
 */
class Registration {
  lease: string | undefined;
  private loop: KeepAliveLoop | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  constructor(
    private readonly opts: InstanceOptions,
    private readonly address: string,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly emit: Emit,
    private readonly stop: StopSignal,
  ) {}

  private get key(): string {
    return nodePath(this.opts.service, this.opts.id);
  }

  start(): void {
    void this.register();
  }

  private async register(): Promise<void> {
    if (this.stop.stopped) return;
    const base = this.opts.registry;
    try {
      const granted = await httpJson('POST', `${base}/leases`, { body: { ttlS: this.opts.ttlS }, timeoutMs: REGISTRY_REQUEST_TIMEOUT_MS, stop: this.stop });
      const g = granted.body as { id?: unknown; ttlS?: unknown; error?: unknown };
      if (granted.status !== 200 || typeof g.id !== 'string' || typeof g.ttlS !== 'number') throw new Error(`grant: HTTP ${granted.status} ${String(g?.error ?? '')}`.trim());
      const value = encodeService({
        name: this.opts.service,
        version: 'latest',
        metadata: {},
        nodes: [{ id: this.opts.id, address: this.address, metadata: { weight: String(this.opts.weight) } }],
      });
      const put = await httpJson('PUT', `${base}/keys${this.key}`, { body: { value, lease: g.id }, timeoutMs: REGISTRY_REQUEST_TIMEOUT_MS, stop: this.stop });
      if (put.status !== 200) throw new Error(`put: HTTP ${put.status} ${String((put.body as { error?: unknown } | undefined)?.error ?? '')}`.trim());
      if (this.stop.stopped) return;
      this.failures = 0;
      this.lease = g.id;
      this.emit('registered', { instance: this.opts.id, lease: g.id, ttlS: g.ttlS });
      this.keepAlive(g.id);
    } catch (err) {
      if (this.stop.stopped) return;
      this.emit('heartbeat-failed', { instance: this.opts.id, error: errorCode(err) });
      const delay = connectionBackoff(REGISTER_BACKOFF, this.failures++, () => this.random.next());
      this.timer = setTimeout(() => void this.register(), nanosToMs(delay));
    }
  }

  /**
   * Drives the model's KeepAliveLoop over HTTP. At each wake-up the model would call
   * `renewer.keepAlive(t)` synchronously; here the request is sent at the wake-up time and the
   * model is woken when the answer (or the network error) arrives, with that answer. So "TTL/3
   * after each response" and "no response within one TTL closes the channel" keep the model's rules.
   */
  private keepAlive(leaseId: string): void {
    let answer: KeepAliveResult = { ok: false, error: 'no answer' };
    let reachable = true;
    const loop = new KeepAliveLoop({ keepAlive: () => answer }, leaseId, this.clock.now(), { reachable: () => reachable });
    this.loop = loop;

    const schedule = (): void => {
      if (this.stop.stopped || this.loop !== loop) return;
      const at = loop.nextWakeAt();
      if (at === undefined) {
        // The channel closed: the lease is gone (or unreachable for a whole TTL). Register again.
        this.lease = undefined;
        this.emit('heartbeat-failed', { instance: this.opts.id, error: loop.reason ?? 'keepalive closed' });
        void this.register();
        return;
      }
      this.timer = setTimeout(() => void send(), Math.max(0, nanosToMs(at - this.clock.now())));
    };

    const send = async (): Promise<void> => {
      const before = loop.responses;
      try {
        const res = await httpJson('POST', `${this.opts.registry}/leases/${encodeURIComponent(leaseId)}/keepalive`, {
          timeoutMs: REGISTRY_REQUEST_TIMEOUT_MS,
          stop: this.stop,
        });
        const body = res.body as { ttlS?: unknown; error?: unknown } | undefined;
        if (res.status === 200 && typeof body?.ttlS === 'number') answer = { ok: true, ttl: body.ttlS };
        else if (res.status === 404) answer = { ok: false, error: typeof body?.error === 'string' ? body.error : 'lease not found' };
        else throw new Error(`HTTP ${res.status}`);
        reachable = true;
      } catch (err) {
        if (this.stop.stopped) return;
        reachable = false;
        this.emit('heartbeat-failed', { instance: this.opts.id, error: errorCode(err) });
      }
      if (this.stop.stopped || this.loop !== loop) return;
      loop.wake(this.clock.now());
      if (loop.responses > before) this.emit('heartbeat', { instance: this.opts.id, lease: leaseId, ttlS: loop.ttl });
      schedule();
    };

    schedule();
  }

  /** Stops renewing; returns the lease to revoke, if any. */
  halt(): string | undefined {
    clearTimeout(this.timer);
    this.loop?.stop();
    this.loop = undefined;
    return this.lease;
  }
}

export async function runInstance(opts: InstanceOptions): Promise<void> {
  const emit = makeEmitter(opts.id, opts.epoch);
  installCrashHandlers(emit);
  const clock = labClock();
  const random = new Random(opts.seed ?? murmur3_32(opts.id));
  const faultRandom = random.fork();
  let fault: Fault = { errorRate: opts.errorRate, latencyMs: opts.latencyMs };
  const stop = new StopSignal();
  let served = 0;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://instance');
    const method = req.method ?? 'GET';
    if (url.pathname === '/work' && method === 'GET') {
      // Decide at arrival, so the outcome sequence depends only on the seed and the request order.
      const { errorRate, latencyMs } = fault;
      const fail = errorRate > 0 && faultRandom.chance(errorRate);
      served++;
      if (latencyMs > 0) await stop.sleep(latencyMs);
      if (fail) return sendJson(res, 500, { instance: opts.id, error: 'injected error' });
      return sendJson(res, 200, { instance: opts.id, ok: true, key: url.searchParams.get('key') });
    }
    if (url.pathname === '/admin/fault' && method === 'POST') {
      fault = parseFault(await readJson(req), fault);
      emit('fault', { instance: opts.id, errorRate: fault.errorRate, latencyMs: fault.latencyMs });
      return sendEmpty(res, 204);
    }
    if (url.pathname === '/admin/fault' && method === 'GET') return sendJson(res, 200, fault);
    if (url.pathname === '/admin/crash' && method === 'POST') {
      // Dies like SIGKILL would: no revoke, no exit event; the lease must expire on its own. (For
      // runtimes whose kill() is not a real SIGKILL.)
      emit('crash', { instance: opts.id });
      sendEmpty(res, 202);
      exitAfterFlush(137);
      return;
    }
    if (url.pathname === '/admin/stop' && method === 'POST') {
      sendEmpty(res, 202);
      void requestStop();
      return;
    }
    if (url.pathname === '/health' && method === 'GET') return sendJson(res, 200, { instance: opts.id, ok: true, served, lease: registration?.lease ?? null });
    throw new HttpError(404, `no route ${method} ${url.pathname}`);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) sendJson(res, err.status, { error: err.message });
      else sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  server.keepAliveTimeout = 60_000;
  let registration: Registration | undefined;

  const requestStop = onShutdown(opts.lifeline, async () => {
    stop.stop();
    const lease = registration?.halt();
    if (lease !== undefined) {
      // A clean stop: revoke the lease so the key goes now, not one TTL later.
      emit('shutdown', { instance: opts.id, how: 'revoke', drainMs: 0 });
      try {
        await httpJson('DELETE', `${opts.registry}/leases/${encodeURIComponent(lease)}`, { timeoutMs: 1000 });
      } catch {
        // The registry is gone too: the lease will expire on its own.
      }
    }
    await closeServer(server);
    emit('exit', { code: 0 });
    return 0;
  });

  const port = await listen(server, opts.port);
  emit('listening', { port });
  if (opts.errorRate > 0 || opts.latencyMs > 0) emit('fault', { instance: opts.id, errorRate: fault.errorRate, latencyMs: fault.latencyMs });
  registration = new Registration(opts, `127.0.0.1:${port}`, clock, random, emit, stop);
  registration.start();
}
