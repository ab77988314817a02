/**
 * The WebContainer backend (DESIGN.md, "Runtimes"): the page's real container behind the
 * `ContainerHost`, and `createWebContainerRuntime`.
 *
 * - `@webcontainer/api` is imported with `import()` when the first boot starts, so it is a chunk of
 *   its own that pages without a live lab never download.
 * - One boot per page: the host is module-level, every runtime shares it. `WebContainer.boot()` can
 *   run once per page until `teardown()`, and it never settles when StackBlitz is unreachable, hence
 *   the time-out (30 s) after which the app falls back to the worker runtime with the reason.
 * - `VITE_WEBCONTAINER_CLIENT_ID`, when set, is passed to `auth.init({clientId, scope: ''})` before the
 *   first boot (the API refuses `auth.init` after a boot, and a second `auth.init`).
 * - The lab programs are one prebuilt file served by the app as a static asset (`bundleUrl`); it is
 *   fetched once and mounted as `lab.mjs` in every container booted. Never `npm install`.
 */
import type { WebContainer } from '@webcontainer/api';
import { LAB_FILE } from './argv.ts';
import type { Container } from './container.ts';
import { ContainerHost, type ContainerHostOptions, type HostStatus } from './host.ts';
import { openRuntime, type RuntimeCoreOptions, type RuntimeOutcome } from './runtime-core.ts';
import { currentEnvironment, detectWebContainerSupport, type SupportEnvironment } from './support.ts';

export type { WebContainerRuntime, RuntimeOutcome } from './runtime-core.ts';
export type { HostStatus } from './host.ts';
export type { LiveLabOptions, WebContainerLiveLab, LabLogLine } from './live-lab.ts';

export interface CreateWebContainerRuntimeOptions extends RuntimeCoreOptions {
  /** Where the app serves the lab bundle (`lab.mjs`). */
  bundleUrl: string;
  /** The learner asked for the WebContainer on iOS/iPadOS. */
  allowIOS?: boolean;
  /** Instead of the page's own (tests). */
  environment?: SupportEnvironment;
  /** Boot time-out, default 30 s. Only the first call that boots the page's container sets it. */
  bootTimeoutMs?: number;
}

/** The part of a real `WebContainer` the backend uses, behind the `Container` interface. */
export function adaptWebContainer(wc: WebContainer): Container {
  return {
    mount: (tree) => wc.mount(tree),
    spawn: (command, args, options) => wc.spawn(command, args, options),
    onPort: (listener) => wc.on('port', (port, type) => listener(port, type)),
    onError: (listener) => wc.on('error', (error) => listener({ message: error.message })),
    teardown: () => wc.teardown(),
  };
}

function clientId(): string | null {
  const value: unknown = import.meta.env.VITE_WEBCONTAINER_CLIENT_ID;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

let authInitialised = false;

async function bootWebContainer(): Promise<Container> {
  const api = await import('@webcontainer/api');
  const id = clientId();
  if (id !== null && !authInitialised) {
    authInitialised = true;
    let result: ReturnType<typeof api.auth.init>;
    try {
      result = api.auth.init({ clientId: id, scope: '' });
    } catch (error) {
      // Someone else on the page initialised it already: that is what we wanted.
      if (!(error instanceof Error && /only be called once/.test(error.message))) throw error;
      result = { status: 'authorized' };
    }
    if (result.status === 'auth-failed') {
      throw new Error(`WebContainer authorisation failed: ${result.error}: ${result.description}`);
    }
  }
  const wc = await api.WebContainer.boot({ coep: 'require-corp', workdirName: 'lab' });
  return adaptWebContainer(wc);
}

// --- the lab bundle: fetched once per URL, mounted in every container ---

let bundleUrl: string | null = null;
let bundle: { url: string; text: Promise<string> } | null = null;
const mountedUrl = new WeakMap<Container, string>();

function loadBundle(url: string): Promise<string> {
  if (bundle?.url !== url) {
    const text = (async () => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`could not load the lab bundle ${url}: HTTP ${response.status}`);
      return response.text();
    })();
    bundle = { url, text };
    text.catch(() => {
      if (bundle?.text === text) bundle = null; // try again next time
    });
  }
  return bundle.text;
}

async function mountBundle(container: Container, url: string): Promise<void> {
  const contents = await loadBundle(url);
  await container.mount({ [LAB_FILE]: { file: { contents } } });
  mountedUrl.set(container, url);
}

// --- the page's host ---

let host: ContainerHost | null = null;
const statusListeners = new Set<(status: HostStatus) => void>();

function pageHost(options: Pick<ContainerHostOptions, 'bootTimeoutMs'>): ContainerHost {
  if (!host) {
    host = new ContainerHost({
      ...options,
      boot: bootWebContainer,
      prepare: async (container) => {
        if (bundleUrl === null) throw new Error('no lab bundle URL');
        await mountBundle(container, bundleUrl);
      },
    });
    host.onStatus((status) => {
      for (const listener of [...statusListeners]) listener(status);
    });
  }
  return host;
}

/**
 * The page's WebContainer as it changes (`booting`, `ready`, `failed`, `restarted`, `torn-down`...),
 * for the indicator that shows which runtime is active and why; also before any runtime exists.
 */
export function onWebContainerStatus(listener: (status: HostStatus) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

/**
 * Checks support, boots the page's WebContainer (or joins the one already booted) and mounts the
 * lab bundle. On failure, the reason to show while the app uses the worker runtime instead.
 */
export async function createWebContainerRuntime(options: CreateWebContainerRuntimeOptions): Promise<RuntimeOutcome> {
  const env = options.environment ?? currentEnvironment({ allowIOS: options.allowIOS ?? false });
  const support = detectWebContainerSupport(env);
  if (!support.ok) return support;

  bundleUrl = options.bundleUrl;
  loadBundle(options.bundleUrl).catch(() => {}); // start downloading while the container boots

  const pageHostOptions = options.bootTimeoutMs !== undefined ? { bootTimeoutMs: options.bootTimeoutMs } : {};
  const h = pageHost(pageHostOptions);
  const outcome = await openRuntime(h, options);
  if (!outcome.ok) return outcome;

  // The container may have been booted by an earlier caller with another bundle.
  const container = h.active;
  if (container && mountedUrl.get(container) !== options.bundleUrl) {
    try {
      await mountBundle(container, options.bundleUrl);
    } catch (error) {
      outcome.runtime.dispose();
      return { ok: false, reason: { code: 'boot-failed', message: error instanceof Error ? error.message : String(error) } };
    }
  }
  return outcome;
}
