/**
 * `lab.mjs registry`: an etcd-like registry over HTTP. The state is the simulation's own
 * `LeaseStore` (etcd lease semantics, minimum TTL, revisions, watch history) on a wall clock; this
 * file only puts HTTP in front of it and drives its expiry like etcd's lessor, which looks for
 * expired leases every 500 ms. The API is described in README.md.
 *
 * Events: `listening {port}`, `lease-expired {instance, lease, revision}` and
 * `deregistered {instance, cause, revision}` (the registry's side of a key disappearing, with the
 * fields of the simulation's registry scenarios), `exit {code}`.
 */
import http from 'node:http';
import { LEASE_NOT_FOUND, LeaseStore, type KeyValue, type WatchEvent } from '../lib/sim/models/registry/lease.ts';
import { ETCD_REGISTRY_PREFIX, decodeService } from '../lib/sim/models/registry/registry.ts';
import { HttpError, closeServer, installCrashHandlers, labClock, listen, makeEmitter, onShutdown, readJson, sendJson } from './io.ts';
import type { RangeResponse, RegistryOptions, WatchResponse, WireKeyValue, WireWatchEvent } from './protocol.ts';

/** etcd's lessor looks for expired leases this often (`runLoop` in server/lease/lessor.go sleeps 500 ms). */
export const EXPIRY_CHECK_MS = 500;
/** A watch with nothing to report answers after this long, so clients notice dead connections. */
export const DEFAULT_WATCH_TIMEOUT_MS = 10_000;
const MAX_WATCH_TIMEOUT_MS = 60_000;

function wireKv(kv: KeyValue): WireKeyValue {
  return { key: kv.key, value: kv.value, lease: kv.lease ?? null, createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version };
}

function wireEvent(e: WatchEvent): WireWatchEvent {
  return e.type === 'put'
    ? { type: 'put', revision: e.revision, kv: wireKv(e.kv), prevKv: e.prevKv ? wireKv(e.prevKv) : null }
    : { type: 'delete', revision: e.revision, key: e.key, prevKv: wireKv(e.prevKv), cause: e.cause };
}

/** The instance a registry key stands for: the node id in its value, else the key's last segment. */
export function instanceOfKv(kv: KeyValue | WireKeyValue): string {
  const node = decodeService(kv.value)?.nodes[0];
  if (node && typeof node.id === 'string') return node.id;
  return kv.key.slice(kv.key.lastIndexOf('/') + 1);
}

interface Waiter {
  prefix: string;
  fromRevision: number;
  res: http.ServerResponse;
  timer: ReturnType<typeof setTimeout>;
}

export async function runRegistry(opts: RegistryOptions): Promise<void> {
  const emit = makeEmitter('registry', opts.epoch);
  installCrashHandlers(emit);
  const clock = labClock();
  const store = new LeaseStore({ minTtlS: opts.minTtlS });
  const now = () => clock.now();

  // The registry's own story: keys of services that disappear, and why.
  store.watch(ETCD_REGISTRY_PREFIX, (event) => {
    if (event.type !== 'delete') return;
    const instance = instanceOfKv(event.prevKv);
    if (event.cause === 'expire') emit('lease-expired', { instance, lease: event.prevKv.lease ?? null, revision: event.revision });
    else emit('deregistered', { instance, cause: event.cause, revision: event.revision });
  });

  // Long-polling watchers, answered after the current transaction (a revoke deletes several keys
  // under one revision: they must all go out in the same answer).
  const waiters = new Set<Waiter>();
  let answerScheduled = false;
  const answer = (w: Waiter, events: WireWatchEvent[]) => {
    clearTimeout(w.timer);
    waiters.delete(w);
    const body: WatchResponse = { revision: store.revision, events };
    sendJson(w.res, 200, body);
  };
  store.watch('', () => {
    if (answerScheduled) return;
    answerScheduled = true;
    setImmediate(() => {
      answerScheduled = false;
      for (const w of [...waiters]) {
        const events = store.history(w.prefix, w.fromRevision);
        if (events.length > 0) answer(w, events.map(wireEvent));
      }
    });
  });

  const expiryLoop = setInterval(() => store.advance(now()), EXPIRY_CHECK_MS);

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://registry');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const t = now();

    if (path === '/health' && method === 'GET') return sendJson(res, 200, { ok: true, revision: store.revision });

    if (path === '/leases' && method === 'POST') {
      const body = (await readJson(req)) as { ttlS?: unknown; id?: unknown };
      if (typeof body.ttlS !== 'number' || !Number.isInteger(body.ttlS)) throw new HttpError(400, 'ttlS must be a whole number of seconds');
      if (body.id !== undefined && (typeof body.id !== 'string' || body.id === '')) throw new HttpError(400, 'id must be a non-empty string');
      const granted = body.id === undefined ? store.grantNew(t, body.ttlS) : store.grant(t, body.id, body.ttlS);
      if (!granted.ok) throw new HttpError(granted.error === LEASE_NOT_FOUND ? 404 : 409, granted.error);
      return sendJson(res, 200, { id: granted.id, ttlS: granted.ttl });
    }
    if (path === '/leases' && method === 'GET') return sendJson(res, 200, { leases: store.leases(t) });

    const lease = /^\/leases\/([^/]+)(\/keepalive)?$/.exec(path);
    if (lease) {
      const id = decodeURIComponent(lease[1]!);
      if (lease[2] && method === 'POST') {
        const kept = store.keepAlive(t, id);
        if (!kept.ok) throw new HttpError(404, kept.error);
        return sendJson(res, 200, { id, ttlS: kept.ttl });
      }
      if (!lease[2] && method === 'DELETE') {
        const revoked = store.revoke(t, id);
        if (!revoked.ok) throw new HttpError(404, revoked.error);
        return sendJson(res, 200, { id, revoked: true, revision: store.revision });
      }
      if (!lease[2] && method === 'GET') {
        const ttl = store.timeToLive(t, id);
        return sendJson(res, 200, { id, ttl: ttl.ttl, grantedTtl: ttl.grantedTtl, keys: ttl.keys });
      }
    }

    if (path === '/keys' && method === 'GET') {
      const range = store.range(t, url.searchParams.get('prefix') ?? '');
      const body: RangeResponse = { revision: range.revision, kvs: range.kvs.map(wireKv) };
      return sendJson(res, 200, body);
    }
    if (path.startsWith('/keys/')) {
      const key = '/' + path.slice('/keys/'.length).split('/').map(decodeURIComponent).join('/');
      if (method === 'PUT') {
        const body = (await readJson(req)) as { value?: unknown; lease?: unknown };
        if (typeof body.value !== 'string') throw new HttpError(400, 'value must be a string');
        if (body.lease !== undefined && body.lease !== null && typeof body.lease !== 'string') throw new HttpError(400, 'lease must be a string');
        const put = store.put(now(), key, body.value, typeof body.lease === 'string' ? body.lease : undefined);
        if (!put.ok) throw new HttpError(404, put.error);
        return sendJson(res, 200, { revision: put.revision });
      }
      if (method === 'GET') {
        const kv = store.get(t, key);
        if (!kv) throw new HttpError(404, 'key not found');
        return sendJson(res, 200, { revision: store.revision, kv: wireKv(kv) });
      }
      if (method === 'DELETE') return sendJson(res, 200, store.delete(t, key));
    }

    if (path === '/watch' && method === 'GET') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const fromRevision = Number(url.searchParams.get('revision') ?? store.revision + 1);
      const timeoutParam = url.searchParams.get('timeoutMs');
      const timeoutMs = timeoutParam === null ? DEFAULT_WATCH_TIMEOUT_MS : Number(timeoutParam);
      if (!Number.isInteger(fromRevision) || fromRevision < 1) throw new HttpError(400, 'revision must be a positive integer');
      if (!Number.isFinite(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_WATCH_TIMEOUT_MS) throw new HttpError(400, `timeoutMs must be in [0, ${MAX_WATCH_TIMEOUT_MS}]`);
      store.advance(t);
      // etcd: "required revision is a future revision". Here it means the registry restarted under
      // the watcher: it must list again.
      if (fromRevision > store.revision + 1) throw new HttpError(400, `required revision is a future revision (current ${store.revision})`);
      const events = store.history(prefix, fromRevision);
      if (events.length > 0) return sendJson(res, 200, { revision: store.revision, events: events.map(wireEvent) } satisfies WatchResponse);
      const waiter: Waiter = { prefix, fromRevision, res, timer: setTimeout(() => answer(waiter, []), timeoutMs) };
      waiters.add(waiter);
      res.on('close', () => {
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
      });
      return;
    }

    throw new HttpError(404, `no route ${method} ${path}`);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) sendJson(res, err.status, { error: err.message });
      else if (err instanceof RangeError) sendJson(res, 400, { error: err.message });
      else sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  server.keepAliveTimeout = 60_000;

  onShutdown(opts.lifeline, async () => {
    clearInterval(expiryLoop);
    for (const w of waiters) clearTimeout(w.timer);
    await closeServer(server);
    emit('exit', { code: 0 });
    return 0;
  });

  const port = await listen(server, opts.port);
  emit('listening', { port });
}
