/**
 * Runs the lab bundle with real Node: builds `src/lab/main.ts` into a temp dir once, spawns its
 * subcommands with `process.execPath`, and collects their `@@EV` lines in arrival order. Waiting is
 * always bounded (`waitFor` fails with a message naming what it waited for and what it saw), and
 * `killAll` SIGKILLs everything still running, so a failing test can neither hang nor leak processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { bundleSingleFile } from '../../scripts/lib/bundle.ts';
import { parseEventLine, type LabEvent } from '../../src/lab/protocol.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Builds the bundle into a fresh temp dir; returns its path and a cleanup function. */
export async function buildLab(): Promise<{ script: string; dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-test-'));
  const script = join(dir, 'lab.mjs');
  const code = await bundleSingleFile({ entry: join(ROOT, 'src/lab/main.ts'), platform: 'node', format: 'esm' });
  writeFileSync(script, code);
  return { script, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Every stdout line that is not an event. */
  logs: string[];
  stderr: string[];
  /** Resolves when the process has exited and its output is read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** One test's processes and the events of all of them, in the order they arrived. */
export class Lab {
  readonly events: LabEvent[] = [];
  readonly procs: Proc[] = [];
  private listeners = new Set<() => void>();

  constructor(private readonly script: string) {}

  start(name: string, args: readonly (string | number)[]): Proc {
    const child = spawn(process.execPath, [this.script, ...args.map(String)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const proc: Proc = {
      name,
      child,
      logs: [],
      stderr: [],
      exited: new Promise((resolveExit) => {
        child.on('close', (code, signal) => resolveExit({ code, signal }));
        child.on('error', () => resolveExit({ code: null, signal: null }));
      }),
    };
    child.stdin!.on('error', () => {});
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = parseEventLine(line);
      if (event) {
        this.events.push(event);
        for (const l of [...this.listeners]) l();
      } else {
        proc.logs.push(line);
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => proc.stderr.push(line));
    this.procs.push(proc);
    return proc;
  }

  /**
   * The first event at index ≥ `from` matching `predicate`, waiting up to `timeoutMs` for it. Fails
   * with `what` and the last events seen, so a broken lab says what it was doing.
   */
  waitFor(what: string, predicate: (e: LabEvent) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<{ event: LabEvent; index: number }> {
    const from = options.from ?? 0;
    const timeoutMs = options.timeoutMs ?? 15_000;
    return new Promise((resolveWait, reject) => {
      let checked = from;
      const check = (): boolean => {
        for (; checked < this.events.length; checked++) {
          const event = this.events[checked]!;
          if (predicate(event)) {
            done();
            resolveWait({ event, index: checked });
            return true;
          }
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        const tail = this.events
          .slice(-15)
          .map((e) => JSON.stringify(e))
          .join('\n  ');
        const stderr = this.procs.flatMap((p) => p.stderr.map((l) => `${p.name}: ${l}`)).join('\n  ');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nlast events:\n  ${tail}${stderr ? `\nstderr:\n  ${stderr}` : ''}`));
      }, timeoutMs);
      const listener = () => void check();
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
      check();
    });
  }

  /** Waits for a process to exit, failing after `timeoutMs`. */
  async waitExit(proc: Proc, timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${proc.name} did not exit within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([proc.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILLs every process still running and waits for them. */
  async killAll(): Promise<void> {
    await Promise.all(
      this.procs.map(async (p) => {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
        await Promise.race([p.exited, new Promise((r) => setTimeout(r, 5000))]);
      }),
    );
  }

  /** Starts a registry and waits for its port. */
  async registry(args: readonly (string | number)[] = []): Promise<{ proc: Proc; url: string }> {
    const proc = this.start('registry', ['registry', '--port', 0, '--lifeline', ...args]);
    const { event } = await this.waitFor('the registry to listen', (e) => e.kind === 'listening' && e.source === 'registry');
    return { proc, url: `http://127.0.0.1:${String(event.port)}` };
  }

  /** Starts an instance and waits until it has registered; returns its own URL too. */
  async instance(id: string, registry: string, args: readonly (string | number)[] = []): Promise<{ proc: Proc; url: string; lease: string }> {
    const from = this.events.length;
    const proc = this.start(id, ['instance', '--id', id, '--port', 0, '--registry', registry, '--lifeline', ...args]);
    const { event } = await this.waitFor(`${id} to listen`, (e) => e.kind === 'listening' && e.source === id, { from });
    const registered = await this.waitFor(`${id} to register`, (e) => e.kind === 'registered' && e.instance === id, { from });
    return { proc, url: `http://127.0.0.1:${String(event.port)}`, lease: String(registered.event.lease) };
  }
}
