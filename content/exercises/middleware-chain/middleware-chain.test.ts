// Task 3 follows gin-gonic/gin middleware_test.go: TestMiddlewareGeneralCase ("ACDB"),
// TestMiddlewareNoRoute ("ACEGHFDB": repeated Next calls), TestMiddlewareAbort ("ACD"),
// TestMiddlewareAbortHandlersChainAndNext ("ACB") and TestMiddlewareFailHandlersChain ("A"), with
// context.go's Next/Abort/IsAborted and routergroup.go's "too many handlers" limit. Task 4 follows
// recovery.go (a recovered panic becomes AbortWithStatus(500)) and gin.Default's Logger-then-Recovery order.
import { describe, it, expect } from 'vitest';
import { compose, requireAuth, Context, ABORT_INDEX, recovery, logger, type Handler, type Middleware, type HandlerFunc, type LogEntry, type Req } from './middleware-chain';

function req(headers: Record<string, string> = {}, path = '/orders'): Req {
  return { method: 'GET', path, headers };
}

/** Logs "<name> before" and "<name> after" around the rest of the chain, plus the status it saw. */
function trace(log: string[], name: string): Middleware {
  return (next) => async (r) => {
    log.push(`${name} before`);
    const res = await next(r);
    log.push(`${name} after ${res.status}`);
    return res;
  };
}

function okHandler(log: string[]): Handler {
  return async () => {
    log.push('handler');
    return { status: 200, body: 'ok' };
  };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('Task 1: Compose the onion', () => {
  it('runs the before-code outside-in and the after-code inside-out', async () => {
    const log: string[] = [];
    const h = compose([trace(log, 'm1'), trace(log, 'm2')])(okHandler(log));
    await h(req());
    expect(log).toEqual(['m1 before', 'm2 before', 'handler', 'm2 after 200', 'm1 after 200']);
  });

  it('passes the response back out through every layer, innermost first', async () => {
    const suffix =
      (s: string): Middleware =>
      (next) =>
      async (r) => {
        const res = await next(r);
        return { ...res, body: res.body + s };
      };
    const h = compose([suffix('A'), suffix('B')])(async () => ({ status: 200, body: 'ok' }));
    await expect(h(req())).resolves.toEqual({ status: 200, body: 'okBA' });
  });

  it('returns the handler itself when there are no middlewares', async () => {
    const log: string[] = [];
    const h = compose([])(okHandler(log));
    await expect(h(req())).resolves.toEqual({ status: 200, body: 'ok' });
    expect(log).toEqual(['handler']);
  });

  it('runs nothing until a request arrives, and runs the chain again for every request', async () => {
    const log: string[] = [];
    const h = compose([trace(log, 'm1')])(okHandler(log));
    expect(log).toEqual([]);
    await h(req());
    await h(req());
    expect(log).toEqual(['m1 before', 'handler', 'm1 after 200', 'm1 before', 'handler', 'm1 after 200']);
  });
});

describe('Task 2: Short-circuit with an auth middleware', () => {
  it('answers 401 without calling the handler when the header is missing', async () => {
    const log: string[] = [];
    const h = compose([requireAuth('s3cret')])(okHandler(log));
    await expect(h(req())).resolves.toEqual({ status: 401, body: 'unauthorized' });
    expect(log).toEqual([]);
  });

  it('rejects a wrong token and a token without the Bearer prefix', async () => {
    const h = compose([requireAuth('s3cret')])(okHandler([]));
    expect((await h(req({ authorization: 'Bearer wrong' }))).status).toBe(401);
    expect((await h(req({ authorization: 's3cret' }))).status).toBe(401);
  });

  it('lets a request with the right token through to the handler', async () => {
    const log: string[] = [];
    const h = compose([requireAuth('s3cret')])(okHandler(log));
    await expect(h(req({ authorization: 'Bearer s3cret' }))).resolves.toEqual({ status: 200, body: 'ok' });
    expect(log).toEqual(['handler']);
  });

  it('skips only the inner layers: the outer ones still see the 401', async () => {
    const log: string[] = [];
    const h = compose([trace(log, 'access-log'), requireAuth('s3cret'), trace(log, 'inner')])(okHandler(log));
    await h(req());
    expect(log).toEqual(['access-log before', 'access-log after 401']);
  });
});

describe('Task 3: A gin-style Context with next and abort', () => {
  it('runs the rest of the chain inside next() and keeps going after a handler that did not call it ("ACDB")', async () => {
    let signature = '';
    const abortedSeen: boolean[] = [];
    const c = new Context([
      async (c) => {
        signature += 'A';
        await c.next();
        signature += 'B';
      },
      () => {
        signature += 'C'; // never calls next: the loop still runs D
      },
      async (c) => {
        await delay(1);
        signature += 'D';
        abortedSeen.push(c.isAborted());
      },
    ]);
    await c.next();
    expect(signature).toBe('ACDB');
    expect(abortedSeen).toEqual([false]);
    expect(c.isAborted()).toBe(false);
  });

  it('does nothing on a repeated next() once the chain has run ("ACEGHFDB")', async () => {
    let signature = '';
    const c = new Context([
      async (c) => {
        signature += 'A';
        await c.next();
        signature += 'B';
      },
      async (c) => {
        signature += 'C';
        await c.next();
        await c.next();
        await c.next();
        await c.next();
        signature += 'D';
      },
      async (c) => {
        signature += 'E';
        await c.next();
        signature += 'F';
      },
      async (c) => {
        signature += 'G';
        await c.next();
        signature += 'H';
      },
    ]);
    await c.next();
    expect(signature).toBe('ACEGHFDB');
  });

  it('abort stops the later handlers, but the current one runs to its end ("ACD")', async () => {
    let signature = '';
    const c = new Context([
      () => {
        signature += 'A';
      },
      async (c) => {
        signature += 'C';
        c.abortWithStatus(401);
        await c.next();
        signature += 'D';
      },
      async (c) => {
        signature += ' X ';
        await c.next();
        signature += ' XX ';
      },
    ]);
    await c.next();
    expect(signature).toBe('ACD');
    expect(c.status).toBe(401);
    expect(c.isAborted()).toBe(true);
  });

  it('abort after next() marks the context aborted without undoing what ran ("ACB")', async () => {
    let signature = '';
    const c = new Context([
      async (c) => {
        signature += 'A';
        await c.next();
        c.abortWithStatus(410);
        signature += 'B';
      },
      async (c) => {
        signature += 'C';
        await c.next();
      },
    ]);
    await c.next();
    expect(signature).toBe('ACB');
    expect(c.status).toBe(410);
    expect(c.isAborted()).toBe(true);
  });

  it('abort in the first handler runs nothing else ("A")', async () => {
    let signature = '';
    const c = new Context([
      (c) => {
        signature += 'A';
        c.abortWithStatus(500);
      },
      async (c) => {
        signature += 'B';
        await c.next();
        signature += 'C';
      },
    ]);
    await c.next();
    expect(signature).toBe('A');
    expect(c.status).toBe(500);
  });

  it('refuses a chain of ABORT_INDEX (63) handlers or more', () => {
    const noop: HandlerFunc = () => {};
    expect(ABORT_INDEX).toBe(63);
    expect(() => new Context(Array.from({ length: 62 }, () => noop))).not.toThrow();
    expect(() => new Context(Array.from({ length: 63 }, () => noop))).toThrow('too many handlers');
  });
});

describe('Task 4: Recovery and logging middleware', () => {
  it('recovery turns a thrown error into an aborted 500 and reports the error', async () => {
    const errors: unknown[] = [];
    const boom = new Error('nil map');
    const c = new Context([
      recovery((e) => errors.push(e)),
      () => {
        throw boom;
      },
    ]);
    await c.next();
    expect(c.status).toBe(500);
    expect(c.body).toBe('internal server error');
    expect(c.isAborted()).toBe(true);
    expect(errors).toEqual([boom]);
  });

  it('recovery catches an async rejection from deep inside the chain', async () => {
    const c = new Context([
      recovery(),
      async (c) => {
        await c.next();
      },
      async () => {
        await delay(1);
        throw new Error('db timeout');
      },
    ]);
    await expect(c.next()).resolves.toBeUndefined();
    expect(c.status).toBe(500);
  });

  it('recovery cannot catch what a handler before it throws', async () => {
    const c = new Context([
      async (c) => {
        await c.next();
        throw new Error('outer bug');
      },
      recovery(),
      () => {},
    ]);
    await expect(c.next()).rejects.toThrow('outer bug');
  });

  it('logger records method, path, status, latency and aborted after the chain', async () => {
    const entries: LogEntry[] = [];
    const times = [1000, 1030, 2000, 2005];
    const clock = () => times.shift() ?? 0;
    const auth: HandlerFunc = (c) => {
      if (c.req.headers['authorization'] === undefined) c.abortWithStatus(401);
    };
    const handler: HandlerFunc = (c) => {
      c.body = 'ok';
    };
    await new Context([logger(clock, (e) => entries.push(e)), auth, handler], req({ authorization: 'Bearer t' })).next();
    await new Context([logger(clock, (e) => entries.push(e)), auth, handler], req({}, '/admin')).next();
    expect(entries).toEqual([
      { method: 'GET', path: '/orders', status: 200, latencyMs: 30, aborted: false },
      { method: 'GET', path: '/admin', status: 401, latencyMs: 5, aborted: true },
    ]);
  });

  it('logs the 500 when the logger is outside recovery, and nothing when it is inside', async () => {
    const boom: HandlerFunc = () => {
      throw new Error('panic');
    };
    const outside: LogEntry[] = [];
    await new Context([logger(() => 0, (e) => outside.push(e)), recovery(), boom]).next();
    expect(outside.map((e) => e.status)).toEqual([500]);

    const inside: LogEntry[] = [];
    const c = new Context([recovery(), logger(() => 0, (e) => inside.push(e)), boom]);
    await c.next();
    expect(c.status).toBe(500);
    expect(inside).toEqual([]);
  });
});
