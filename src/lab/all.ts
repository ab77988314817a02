/**
 * `lab.mjs all`: the whole lab from one command. Starts the registry, then `--instances` instances
 * (`inst-1` …), then the client, each as a child process running this same file
 * (`process.execPath` + `process.argv[1]`), all with one shared `--epoch` so their event times line
 * up, and forwards their output line by line. With `--duration-s` it stops by itself: client first,
 * then instances (which revoke their leases), then the registry, each with SIGTERM (SIGKILL after 3 s).
 * Children run with `--lifeline`, so they also stop if this process dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { log, onShutdown, sleep } from './io.ts';
import { labCommand, parseEventLine, type AllOptions } from './protocol.ts';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 3000;

interface Child {
  name: string;
  proc: ChildProcess;
  /** Settles when the process has exited and its output is all forwarded. */
  closed: Promise<number | null>;
  /** Resolves with the port of its `listening` event. */
  listening: Promise<number>;
}

function startChild(name: string, args: string[]): Child {
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let onListening: (port: number) => void = () => {};
  let onFailed: (err: Error) => void = () => {};
  const listening = new Promise<number>((resolve, reject) => {
    onListening = resolve;
    onFailed = reject;
  });
  listening.catch(() => {});
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    process.stdout.write(line + '\n');
    const event = parseEventLine(line);
    if (event?.kind === 'listening' && event.source === name && typeof event.port === 'number') onListening(event.port);
  });
  proc.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  proc.stdin!.on('error', () => {});
  const closed = new Promise<number | null>((resolve) => {
    proc.on('close', (code) => {
      onFailed(new Error(`${name} exited (code ${code}) before listening`));
      resolve(code);
    });
    proc.on('error', (err) => {
      onFailed(err);
      resolve(null);
    });
  });
  return { name, proc, closed, listening };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, sleep(ms).then(() => Promise.reject(new Error(`${what}: no answer within ${ms} ms`)))]);
}

async function stopChild(child: Child): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
    await child.closed;
    return;
  }
  child.proc.kill('SIGTERM');
  const done = await Promise.race([child.closed.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
  if (!done) {
    log('all', `${child.name} did not stop within ${STOP_TIMEOUT_MS} ms: SIGKILL`);
    child.proc.kill('SIGKILL');
    await child.closed;
  }
}

export async function runAll(opts: AllOptions): Promise<void> {
  const script = process.argv[1];
  if (script === undefined) throw new Error('all: cannot tell which file to run the children from');
  const epoch = opts.epoch ?? performance.timeOrigin;
  const registry: Child[] = [];
  const instances: Child[] = [];
  const clients: Child[] = [];
  let stopping = false;

  const stopAll = async (why: string): Promise<number> => {
    stopping = true;
    log('all', `stopping (${why})`);
    for (const group of [clients, instances, registry]) await Promise.all(group.map(stopChild));
    return 0;
  };
  const requestStop = onShutdown(opts.lifeline, stopAll);

  const watch = (child: Child) => {
    void child.closed.then((code) => {
      if (!stopping) log('all', `${child.name} exited with code ${code}`);
    });
  };

  try {
    const reg = startChild('registry', labCommand('registry', { port: 0, minTtlS: opts.minTtlS, epoch, lifeline: true }, script));
    registry.push(reg);
    watch(reg);
    const port = await withTimeout(reg.listening, START_TIMEOUT_MS, 'registry');
    const url = `http://127.0.0.1:${port}`;
    for (let i = 1; i <= opts.instances; i++) {
      const id = `inst-${i}`;
      const inst = startChild(id, labCommand('instance', { id, port: 0, registry: url, ttlS: opts.ttlS, seed: opts.seed + i, epoch, lifeline: true }, script));
      instances.push(inst);
      watch(inst);
    }
    await Promise.all(instances.map((c) => withTimeout(c.listening, START_TIMEOUT_MS, c.name)));
    const client = startChild(
      'client',
      labCommand(
        'client',
        {
          registry: url,
          rate: opts.rate,
          burst: opts.burst,
          load: opts.load,
          balancer: opts.balancer,
          breakerScope: opts.breakerScope,
          breakerTimeoutMs: opts.breakerTimeoutMs,
          consecutiveFailures: opts.consecutiveFailures,
          maxRequests: opts.maxRequests,
          maxAttempts: opts.maxAttempts,
          callTimeoutMs: opts.callTimeoutMs,
          seed: opts.seed,
          epoch,
          lifeline: true,
        },
        script,
      ),
    );
    clients.push(client);
    watch(client);
    log('all', `registry on ${url}; instances ${instances.map((c) => c.name).join(', ')}; client started`);
  } catch (err) {
    log('all', `start failed: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll('start failed');
    process.exitCode = 1;
    process.exit(1);
  }

  if (opts.durationS !== undefined) setTimeout(() => void requestStop(), opts.durationS * 1000);
}
