/**
 * The thin layer over `@webcontainer/api`, with the package replaced by a mock (the real one needs
 * StackBlitz's servers): what it calls, in which order, with which arguments.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SupportEnvironment } from '../../../src/lib/runtime/webcontainer/support.ts';

type Fn = (...args: unknown[]) => unknown;

const api = vi.hoisted(() => ({
  calls: [] as string[],
  boot: null as unknown as Fn,
  init: null as unknown as Fn,
}));

vi.mock('@webcontainer/api', () => ({
  WebContainer: { boot: (...args: unknown[]) => api.boot(...args) },
  auth: { init: (...args: unknown[]) => api.init(...args) },
}));

const SUPPORTED: SupportEnvironment = {
  crossOriginIsolated: true,
  hasSharedArrayBuffer: true,
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  allowIOS: false,
};

/** A `WebContainer` double: records calls; `node lab.mjs scenario` prints a result and exits. */
function fakeWebContainer() {
  const wc = {
    mount: vi.fn(async () => {}),
    teardown: vi.fn(() => {}),
    on: vi.fn(() => () => {}),
    spawn: vi.fn(async (_command: string, args: string[]) => {
      let controller!: ReadableStreamDefaultController<string>;
      const output = new ReadableStream<string>({ start: (c) => (controller = c) });
      setImmediate(() => {
        controller.enqueue(`@@EV {"t":1,"kind":"tick","source":"scenario"}\r\n@@EV {"t":2,"kind":"result","source":"scenario","summary":{"id":"${args[2]}"}}\r\n`);
        controller.close();
      });
      return { output, exit: new Promise<number>((resolve) => setImmediate(() => resolve(0))), kill: () => {} };
    }),
  };
  return wc;
}

async function load() {
  vi.resetModules();
  return import('../../../src/lib/runtime/webcontainer/webcontainer-runtime.ts');
}

describe('createWebContainerRuntime', () => {
  let wc: ReturnType<typeof fakeWebContainer>;
  let fetchMock: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    api.calls = [];
    wc = fakeWebContainer();
    api.boot = vi.fn(async () => {
      api.calls.push('boot');
      return wc;
    });
    api.init = vi.fn(() => {
      api.calls.push('auth.init');
      return { status: 'need-auth' };
    });
    fetchMock = vi.fn(async () => new Response('// lab bundle', { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
  });

  it('says why when the page cannot run a WebContainer, without loading anything', async () => {
    const { createWebContainerRuntime } = await load();
    const outcome = await createWebContainerRuntime({ bundleUrl: '/lab.mjs', environment: { ...SUPPORTED, crossOriginIsolated: false } });
    expect(outcome).toMatchObject({ ok: false, reason: { code: 'not-isolated' } });
    expect(api.boot).not.toHaveBeenCalled();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('boots once with COEP require-corp, mounts the fetched bundle as lab.mjs and runs scenarios', async () => {
    vi.stubEnv('VITE_WEBCONTAINER_CLIENT_ID', '');
    const { createWebContainerRuntime, onWebContainerStatus } = await load();
    const statuses: string[] = [];
    onWebContainerStatus((s) => statuses.push(s.state));
    const [a, b] = await Promise.all([
      createWebContainerRuntime({ bundleUrl: '/assets/lab.mjs', environment: SUPPORTED }),
      createWebContainerRuntime({ bundleUrl: '/assets/lab.mjs', environment: SUPPORTED }),
    ]);
    expect(a.ok && b.ok).toBe(true);
    expect(api.boot).toHaveBeenCalledTimes(1);
    expect(api.boot).toHaveBeenCalledWith({ coep: 'require-corp', workdirName: 'lab' });
    expect(api.init).not.toHaveBeenCalled();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock).toHaveBeenCalledWith('/assets/lab.mjs');
    expect(wc.mount).toHaveBeenCalledTimes(1);
    expect(wc.mount).toHaveBeenCalledWith({ 'lab.mjs': { file: { contents: '// lab bundle' } } });
    expect(wc.on).toHaveBeenCalledWith('error', expect.any(Function));
    if (!a.ok) return;
    expect(await a.runtime.runScenario({ scenario: 'saga-compensation-retry', seed: 3 })).toEqual({
      trace: [{ t: 1, kind: 'tick' }],
      summary: { id: 'saga-compensation-retry' },
    });
    expect(wc.spawn).toHaveBeenCalledWith('node', ['lab.mjs', 'scenario', 'saga-compensation-retry', '--seed', '3'], undefined);
    a.runtime.dispose();
    expect(wc.teardown).not.toHaveBeenCalled();
    if (b.ok) b.runtime.dispose();
    expect(wc.teardown).toHaveBeenCalledTimes(1);
    expect(statuses).toEqual(['booting', 'ready', 'torn-down']);
  });

  it('initialises auth with VITE_WEBCONTAINER_CLIENT_ID before the boot', async () => {
    vi.stubEnv('VITE_WEBCONTAINER_CLIENT_ID', 'wc_api_client_123');
    const { createWebContainerRuntime } = await load();
    const outcome = await createWebContainerRuntime({ bundleUrl: '/lab.mjs', environment: SUPPORTED });
    expect(outcome.ok).toBe(true);
    expect(api.init).toHaveBeenCalledWith({ clientId: 'wc_api_client_123', scope: '' });
    expect(api.calls).toEqual(['auth.init', 'boot']);
  });

  it('falls back with boot-failed when authorisation fails', async () => {
    vi.stubEnv('VITE_WEBCONTAINER_CLIENT_ID', 'wc_api_client_123');
    api.init = vi.fn(() => ({ status: 'auth-failed', error: 'access_denied', description: 'The user declined' }));
    const { createWebContainerRuntime } = await load();
    expect(await createWebContainerRuntime({ bundleUrl: '/lab.mjs', environment: SUPPORTED })).toEqual({
      ok: false,
      reason: { code: 'boot-failed', message: 'WebContainer authorisation failed: access_denied: The user declined' },
    });
    expect(api.boot).not.toHaveBeenCalled();
  });

  it('falls back with boot-failed when the bundle cannot be fetched, and tears the container down', async () => {
    fetchMock.mockImplementation(async () => new Response('not found', { status: 404 }));
    const { createWebContainerRuntime } = await load();
    expect(await createWebContainerRuntime({ bundleUrl: '/missing.mjs', environment: SUPPORTED })).toEqual({
      ok: false,
      reason: { code: 'boot-failed', message: 'could not prepare the WebContainer: could not load the lab bundle /missing.mjs: HTTP 404' },
    });
    expect(wc.teardown).toHaveBeenCalledTimes(1);
  });

  it('reports a boot rejected by the API as boot-failed', async () => {
    api.boot = vi.fn(async () => {
      throw new Error('Only a single WebContainer instance can be booted');
    });
    const { createWebContainerRuntime } = await load();
    expect(await createWebContainerRuntime({ bundleUrl: '/lab.mjs', environment: SUPPORTED })).toEqual({
      ok: false,
      reason: { code: 'boot-failed', message: 'Only a single WebContainer instance can be booted' },
    });
  });

  it('times out a boot that hangs', async () => {
    vi.useFakeTimers();
    try {
      api.boot = vi.fn(() => new Promise(() => {}));
      const { createWebContainerRuntime } = await load();
      let outcome: unknown = null;
      void createWebContainerRuntime({ bundleUrl: '/lab.mjs', environment: SUPPORTED, bootTimeoutMs: 30_000 }).then((o) => (outcome = o));
      await vi.advanceTimersByTimeAsync(29_999);
      expect(outcome).toBeNull();
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toEqual({
        ok: false,
        reason: { code: 'boot-timeout', message: 'WebContainer did not boot within 30 s: offline or blocked' },
      });
    } finally {
      vi.useRealTimers();
    }
  });
});
