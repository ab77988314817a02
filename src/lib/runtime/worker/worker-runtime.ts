/**
 * The worker backend, page side: a hidden `sandbox="allow-scripts"` iframe (opaque origin) whose
 * script starts the sim worker from source the page fetched, then a MessagePort straight to that
 * worker. Requests go one at a time; each has a time limit, and when it passes the watchdog removes
 * the iframe (which ends its worker, however busy) and the next request starts a fresh sandbox.
 * Nothing here runs the work itself, so a runaway computation never blocks the page.
 */
import type { GradeRequest } from '../../grader/grade.ts';
import type { LimiterPlugRequest, LimiterPlugResult } from '../../grader/plug.ts';
import type { GradeResult } from '../../grader/results.ts';
import type { ScenarioResult } from '../../sim/scenarios/types.ts';
import type { Runtime, ScenarioRequest } from '../types.ts';
import type { PortMessage, ReadyMessage, ScenarioInfo, StartMessage, WorkerRequest, WorkerResponse } from './protocol.ts';

export interface WorkerRuntimeOptions {
  /** The sandbox page (served with its own CSP). */
  runnerUrl: string;
  /** The single-file worker bundle, fetched once per page and posted into the sandbox. */
  workerUrl: string;
  /** Time limit of one request before the watchdog restarts the sandbox. */
  timeoutMs?: number;
  /** Time limit of starting the sandbox. */
  startTimeoutMs?: number;
  /** Told when the watchdog restarted the sandbox, with why. */
  onRestart?: (reason: string) => void;
}

/** A request that ran out of time; the sandbox was restarted. */
export class SandboxTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`did not finish within ${formatSeconds(limitMs)}; the sandbox was restarted`);
    this.name = 'SandboxTimeoutError';
  }
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

/** A request without its id: distributes Omit over the union, so each variant keeps its fields. */
type WorkerRequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

const workerSources = new Map<string, Promise<string>>();

function fetchWorkerSource(url: string): Promise<string> {
  let source = workerSources.get(url);
  if (!source) {
    source = fetch(url).then((response) => {
      if (!response.ok) throw new Error(`could not load the sandbox worker (${url}: HTTP ${response.status})`);
      return response.text();
    });
    source.catch(() => workerSources.delete(url));
    workerSources.set(url, source);
  }
  return source;
}

class Sandbox {
  readonly iframe: HTMLIFrameElement;
  readonly port: MessagePort;
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, (response: WorkerResponse) => void>();
  private removeWindowListener = () => {};

  constructor(options: Required<Pick<WorkerRuntimeOptions, 'runnerUrl' | 'workerUrl' | 'startTimeoutMs'>>) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.iframe = document.createElement('iframe');
    this.iframe.setAttribute('sandbox', 'allow-scripts');
    this.iframe.setAttribute('aria-hidden', 'true');
    this.iframe.tabIndex = -1;
    this.iframe.title = 'sandbox';
    this.iframe.className = 'runtime-sandbox';
    this.iframe.hidden = true;

    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the sandbox did not start within ${formatSeconds(options.startTimeoutMs)}`)),
        options.startTimeoutMs,
      );
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.removeWindowListener();
        if (error) reject(error);
        else resolve();
      };
      const onWindowMessage = (event: MessageEvent<ReadyMessage>) => {
        if (event.source !== this.iframe.contentWindow || event.data?.type !== 'lab-sandbox-ready') return;
        fetchWorkerSource(options.workerUrl).then(
          (source) => {
            const start: StartMessage = { type: 'lab-sandbox-start', source };
            // An opaque origin has no name to target, hence '*'; the port is the only way back.
            this.iframe.contentWindow?.postMessage(start, '*', [channel.port2]);
          },
          (error: unknown) => settle(error instanceof Error ? error : new Error(String(error))),
        );
      };
      addEventListener('message', onWindowMessage);
      this.removeWindowListener = () => removeEventListener('message', onWindowMessage);
      this.port.onmessage = (event: MessageEvent<PortMessage>) => {
        const data = event.data;
        if ('type' in data && data.type === 'worker-ready') settle();
        else if ('type' in data && data.type === 'start-failed') settle(new Error(`the sandbox worker failed to start: ${data.message}`));
        else if ('id' in data) {
          this.pending.get(data.id)?.(data);
          this.pending.delete(data.id);
        }
      };
    });
    this.iframe.src = options.runnerUrl;
    document.body.append(this.iframe);
  }

  send(request: WorkerRequest): Promise<WorkerResponse> {
    return new Promise((resolve) => {
      this.pending.set(request.id, resolve);
      this.port.postMessage(request);
    });
  }

  destroy(): void {
    this.removeWindowListener();
    this.port.close();
    this.pending.clear();
    // Removing the iframe destroys its document and with it the worker, even mid-loop.
    this.iframe.remove();
  }
}

export class WorkerRuntime implements Runtime {
  readonly kind = 'worker' as const;
  private sandbox: Sandbox | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private disposed = false;
  private readonly options: Required<Omit<WorkerRuntimeOptions, 'onRestart'>> & Pick<WorkerRuntimeOptions, 'onRestart'>;

  constructor(options: WorkerRuntimeOptions) {
    this.options = { timeoutMs: 10_000, startTimeoutMs: 10_000, ...options };
  }

  /** Starts the sandbox now rather than on the first request. */
  warmUp(): Promise<void> {
    return this.ensureSandbox().ready;
  }

  async runScenario(request: ScenarioRequest): Promise<ScenarioResult> {
    const response = await this.request({ type: 'scenario', request });
    if (response.type !== 'scenario') throw new Error(`unexpected answer "${response.type}" from the sandbox`);
    return response.result;
  }

  /** The scenarios the worker can run, without their code (the page does not bundle the sim core). */
  async catalog(): Promise<ScenarioInfo[]> {
    const response = await this.request({ type: 'catalog' });
    if (response.type !== 'catalog') throw new Error(`unexpected answer "${response.type}" from the sandbox`);
    return response.scenarios;
  }

  /** Grades learner code (the grader worker only); a time-out rejects with SandboxTimeoutError. */
  async grade(request: GradeRequest): Promise<GradeResult> {
    const response = await this.request({ type: 'grade', request });
    if (response.type !== 'grade') throw new Error(`unexpected answer "${response.type}" from the sandbox`);
    return response.result;
  }

  /** Runs the learner's limiter on the lab's arrivals (the grader worker only). */
  async runLearnerLimiter(request: LimiterPlugRequest): Promise<LimiterPlugResult> {
    const response = await this.request({ type: 'limiter', request });
    if (response.type !== 'limiter') throw new Error(`unexpected answer "${response.type}" from the sandbox`);
    return response.result;
  }

  async ping(): Promise<void> {
    await this.request({ type: 'ping' });
  }

  dispose(): void {
    this.disposed = true;
    this.sandbox?.destroy();
    this.sandbox = undefined;
  }

  private ensureSandbox(): Sandbox {
    if (this.disposed) throw new Error('the runtime was disposed');
    this.sandbox ??= new Sandbox(this.options);
    return this.sandbox;
  }

  /** One request at a time: the time limit measures this request's work, not its wait in line. */
  private request(
    body: WorkerRequestBody,
    timeoutMs = this.options.timeoutMs,
  ): Promise<Extract<WorkerResponse, { ok: true }>> {
    const run = async () => {
      const sandbox = this.ensureSandbox();
      try {
        await sandbox.ready;
      } catch (error) {
        this.restart(sandbox, error instanceof Error ? error.message : String(error));
        throw error;
      }
      const id = this.nextId++;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          this.restart(sandbox, `a request ran longer than ${formatSeconds(timeoutMs)}`);
          reject(new SandboxTimeoutError(timeoutMs));
        }, timeoutMs);
      });
      try {
        const response = await Promise.race([sandbox.send({ ...body, id } as WorkerRequest), timeout]);
        if (!response.ok) throw new Error(response.error);
        return response;
      } finally {
        clearTimeout(timer);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private restart(sandbox: Sandbox, reason: string): void {
    sandbox.destroy();
    if (this.sandbox === sandbox) this.sandbox = undefined;
    this.options.onRestart?.(reason);
  }
}
