/**
 * Middleware in two styles: net/http-style wrapping (compose, requireAuth) and a gin-style Context
 * that walks a handler slice with an index (next, abort, isAborted), plus recovery and logger.
 */

export interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
}

export interface Res {
  status: number;
  body: string;
}

export type Handler = (req: Req) => Promise<Res>;
export type Middleware = (next: Handler) => Handler;

/**
 * Chains middlewares around a handler so that the first one listed is the outermost layer: it runs
 * first on the way in and last on the way out. compose([])(h) behaves like h.
 */
export function compose(_middlewares: readonly Middleware[]): (handler: Handler) => Handler {
  throw new Error('not implemented');
}

/**
 * Rejects a request whose `authorization` header is not exactly `Bearer <token>` with
 * { status: 401, body: 'unauthorized' }, without calling the rest of the chain.
 */
export function requireAuth(_token: string): Middleware {
  throw new Error('not implemented');
}

/** gin's abortIndex (math.MaxInt8 >> 1): Abort sets the index here, and a chain must stay shorter. */
export const ABORT_INDEX = 63;

export type HandlerFunc = (c: Context) => void | Promise<void>;

/** A gin-style context: the handler chain, an index into it, and the response being built. */
export class Context {
  status = 200;
  body = '';
  private readonly handlers: readonly HandlerFunc[];

  /** Throws 'too many handlers' when handlers.length >= ABORT_INDEX. */
  constructor(
    handlers: readonly HandlerFunc[],
    readonly req: Req = { method: 'GET', path: '/', headers: {} },
  ) {
    this.handlers = [...handlers];
  }

  /**
   * Runs the handlers after the current one, in a loop: a handler that returns without calling
   * next() does not stop the chain. The engine starts a request with `await c.next()`.
   */
  async next(): Promise<void> {
    throw new Error('not implemented');
  }

  /** Stops the handlers after the current one. The current handler keeps running until it returns. */
  abort(): void {
    throw new Error('not implemented');
  }

  isAborted(): boolean {
    throw new Error('not implemented');
  }

  /** Sets status, then aborts. */
  abortWithStatus(_code: number): void {
    throw new Error('not implemented');
  }
}

/**
 * gin.Recovery: catches anything thrown by the handlers after it, passes it to onError, sets body
 * 'internal server error' and aborts with status 500.
 */
export function recovery(_onError: (err: unknown) => void = () => {}): HandlerFunc {
  throw new Error('not implemented');
}

export interface LogEntry {
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  aborted: boolean;
}

/**
 * gin.Logger-style: reads clock() before and after `await c.next()` and sends one entry to sink.
 * Like gin's, it catches nothing: if the chain throws, no entry is written.
 */
export function logger(_clock: () => number, _sink: (entry: LogEntry) => void): HandlerFunc {
  throw new Error('not implemented');
}
