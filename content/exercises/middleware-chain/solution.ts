/**
 * Middleware in two styles. The net/http style (tasks 1 and 2) wraps handlers: each middleware takes
 * the next handler and returns a new one. The gin style (tasks 3 and 4) walks a slice of handlers with
 * an index, following gin-gonic/gin context.go (Next, Abort, IsAborted), routergroup.go
 * (combineHandlers) and recovery.go.
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
 * first on the way in and last on the way out.
 */
export function compose(middlewares: readonly Middleware[]): (handler: Handler) => Handler {
  return (handler) => middlewares.reduceRight<Handler>((next, mw) => mw(next), handler);
}

/**
 * Rejects a request whose `authorization` header is not `Bearer <token>` with 401 "unauthorized",
 * without calling the rest of the chain.
 */
export function requireAuth(token: string): Middleware {
  return (next) => async (req) => {
    if (req.headers['authorization'] !== `Bearer ${token}`) return { status: 401, body: 'unauthorized' };
    return next(req);
  };
}

/** gin's abortIndex (math.MaxInt8 >> 1): Abort sets the index here, and a chain must stay shorter. */
export const ABORT_INDEX = 63;

export type HandlerFunc = (c: Context) => void | Promise<void>;

/** A gin-style context: the handler chain, an index into it, and the response being built. */
export class Context {
  status = 200;
  body = '';
  private readonly handlers: readonly HandlerFunc[];
  private index = -1;

  constructor(
    handlers: readonly HandlerFunc[],
    readonly req: Req = { method: 'GET', path: '/', headers: {} },
  ) {
    if (handlers.length >= ABORT_INDEX) throw new Error('too many handlers'); // combineHandlers
    this.handlers = [...handlers];
  }

  /**
   * Runs the handlers after the current one, in a loop: a handler that returns without calling
   * next() does not stop the chain. Calling next() again after the chain has run does nothing.
   */
  async next(): Promise<void> {
    this.index++;
    while (this.index < this.handlers.length) {
      const handler = this.handlers[this.index];
      if (handler) await handler(this);
      this.index++;
    }
  }

  /** Stops the handlers after the current one. The current handler keeps running until it returns. */
  abort(): void {
    this.index = ABORT_INDEX;
  }

  isAborted(): boolean {
    return this.index >= ABORT_INDEX;
  }

  abortWithStatus(code: number): void {
    this.status = code;
    this.abort();
  }
}

/**
 * gin.Recovery: catches anything thrown by the handlers after it, reports it to onError, and answers
 * 500 with the chain aborted. It cannot see errors thrown by the handlers before it.
 */
export function recovery(onError: (err: unknown) => void = () => {}): HandlerFunc {
  return async (c) => {
    try {
      await c.next();
    } catch (err) {
      onError(err);
      c.body = 'internal server error';
      c.abortWithStatus(500);
    }
  };
}

export interface LogEntry {
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  aborted: boolean;
}

/**
 * gin.Logger-style: records one entry after the rest of the chain has run. Like gin's, it has no
 * deferred recovery, so an error thrown inside skips the entry: put it outside recovery().
 */
export function logger(clock: () => number, sink: (entry: LogEntry) => void): HandlerFunc {
  return async (c) => {
    const start = clock();
    await c.next();
    sink({ method: c.req.method, path: c.req.path, status: c.status, latencyMs: clock() - start, aborted: c.isAborted() });
  };
}
