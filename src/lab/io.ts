/**
 * Node-side plumbing shared by the lab programs: event output, the lab's clock, small HTTP helpers,
 * and shutdown (signals, the stdin lifeline).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { WallClock } from '../lib/sim/time.ts';
import { formatEventLine, type LabEvent } from './protocol.ts';

// A reader that went away (the parent died, `head` closed the pipe) must not crash the program.
process.stdout.on('error', () => {});

/** Writes one `@@EV` line. */
export function writeEvent(event: LabEvent): void {
  process.stdout.write(formatEventLine(event) + '\n');
}

/** An ordinary log line (not an event). */
export function log(source: string, message: string): void {
  process.stdout.write(`[${source}] ${message}\n`);
}

export type Emit = (kind: string, fields?: Record<string, unknown>) => void;

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Milliseconds since `epoch` (unix ms), or since this process started. Uses the monotonic clock
 * anchored at `performance.timeOrigin`, so a wall-clock step never makes events go back in time, and
 * processes given the same epoch share one time axis.
 */
export function makeTimer(epoch?: number): () => number {
  if (epoch === undefined) return () => round3(performance.now());
  const offset = performance.timeOrigin - epoch;
  return () => round3(offset + performance.now());
}

/** An emitter of this process's events: `emit('heartbeat', {instance, ...})`. */
export function makeEmitter(source: string, epoch?: number): Emit {
  const now = makeTimer(epoch);
  return (kind, fields = {}) => {
    const { t: _t, kind: _k, source: _s, ...rest } = fields;
    writeEvent({ t: now(), kind, source, ...rest });
  };
}

/**
 * The models' clock in the labs: the simulation's own WallClock (monotonic, nanoseconds since it
 * was created). The models only need a clock that never goes back; event times use `makeTimer`.
 */
export function labClock(): WallClock {
  return new WallClock();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A shutdown flag that long waits and requests can listen to, so they end early. */
export class StopSignal {
  stopped = false;
  private readonly listeners = new Set<() => void>();

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const l of listeners) l();
  }

  /** Calls `listener` on stop (at once if already stopped); returns an unsubscribe function. */
  onStop(listener: () => void): () => void {
    if (this.stopped) {
      listener();
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sleeps `ms`, or less if stopped meanwhile. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const timer = setTimeout(() => {
        off();
        resolve();
      }, Math.max(0, ms));
      const off = this.onStop(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: http.ServerResponse, status: number): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status);
  res.end();
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The request body as JSON (an empty body is `{}`); HttpError 400/413 on bad input. */
export function readJson(req: http.IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'malformed JSON body'));
      }
    });
    req.on('error', reject);
  });
}

export interface HttpResult {
  status: number;
  body: unknown;
}

export interface RequestOptions {
  body?: unknown;
  /** Whole-request time limit; the request is destroyed with an error whose code is 'ETIMEDOUT'. */
  timeoutMs: number;
  agent?: http.Agent | false;
  headers?: Record<string, string>;
  /** Destroys the request early (shutdown). */
  stop?: StopSignal;
}

/** An HTTP request with a JSON body and answer; rejects on network errors and time-outs only. */
export function httpJson(method: string, url: string, options: RequestOptions): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    let settled = false;
    let offStop: (() => void) | undefined;
    const req = http.request(url, { method, headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        offStop?.();
        if (settled) return;
        settled = true;
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = undefined;
        if (text !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', fail);
    });
    function fail(err: Error) {
      clearTimeout(timer);
      offStop?.();
      if (settled) return;
      settled = true;
      reject(err);
    }
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`timeout after ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' });
      req.destroy(err);
      fail(err);
    }, options.timeoutMs);
    req.on('error', fail);
    offStop = options.stop?.onStop(() => {
      const err = Object.assign(new Error('stopped'), { code: 'ESTOPPED' });
      req.destroy(err);
      fail(err);
    });
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A short name for a network error: ECONNREFUSED, ECONNRESET, ETIMEDOUT, ... */
export function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (err instanceof Error) return err.message;
  }
  return String(err);
}

/** Listens on 127.0.0.1 and resolves with the port actually bound. */
export function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** Closes a server, cutting idle and active connections (long polls included). */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

// ---------------------------------------------------------------------------------------------
// Shutdown

/**
 * Runs `shutdown` once on SIGTERM, SIGINT, or (with `lifeline`) when stdin closes, then exits with
 * its code after stdout is flushed. A second signal exits at once.
 */
export function onShutdown(lifeline: boolean | undefined, shutdown: (why: string) => Promise<number>): () => Promise<void> {
  let running: Promise<void> | undefined;
  const run = (why: string): Promise<void> => {
    if (running) return running;
    running = (async () => {
      let code = 0;
      try {
        code = await shutdown(why);
      } catch (e) {
        process.stderr.write(`shutdown failed: ${e instanceof Error ? e.stack : String(e)}\n`);
        code = 1;
      }
      exitAfterFlush(code);
    })();
    return running;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (running) process.exit(130);
      void run(signal);
    });
  }
  if (lifeline) {
    process.stdin.on('data', () => {});
    process.stdin.on('end', () => void run('stdin closed'));
    process.stdin.on('error', () => void run('stdin closed'));
    process.stdin.resume();
  }
  return () => run('requested');
}

/** Exits once everything written to stdout has been handed to the OS. */
export function exitAfterFlush(code: number): void {
  process.exitCode = code;
  // A zero-length write calls back after every earlier write has been flushed.
  process.stdout.write('', () => process.exit(code));
  // In case stdout is gone and the callback never comes.
  setTimeout(() => process.exit(code), 2000).unref();
}

/** Reports an unexpected error as an `error` event and an `exit` event, then exits 1. */
export function installCrashHandlers(emit: Emit): void {
  const crash = (err: unknown) => {
    emit('error', { message: err instanceof Error ? err.message : String(err) });
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    emit('exit', { code: 1 });
    exitAfterFlush(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}
