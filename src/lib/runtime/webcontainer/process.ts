/**
 * One process inside the container, as the runtime sees it: its output parsed line by line into
 * events and logs, and one promise that says how it ended.
 *
 * How it ends is either an exit code, or "lost": the container under it was torn down (by the
 * watchdog or because the page stopped using it), after which WebContainer settles nothing of that
 * process any more. The exit is reported only once the output has been read to its end, so a
 * caller that collects events has them all; in case the output stream never closes, waiting for it
 * is bounded by `drainMs`.
 */
import { EvStreamParser, type ParsedItem } from './ev-parser.ts';
import { delay, type Container, type ContainerProcess, type Timers } from './container.ts';

export interface ProcessSpec {
  /** A name for messages and events: `registry`, `inst-2`, `scenario-1`... */
  id: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export type ExitInfo = { lost: false; code: number } | { lost: true; code: null; reason: string };

export interface ProcessHandlers {
  onItem?: (item: ParsedItem) => void;
  /** The `t` of events that carry none. */
  now?: () => number;
}

export interface ManagedProcessOptions extends ProcessHandlers {
  timers: Timers;
  /** How long to wait for the rest of the output after the exit code is known. Default 1000 ms. */
  drainMs?: number;
}

/** How many log lines a process keeps for error messages. */
const LOG_TAIL = 20;

export class ManagedProcess {
  readonly exited: Promise<ExitInfo>;
  private resolveExit!: (info: ExitInfo) => void;
  private done = false;
  private readonly tail: string[] = [];
  private reader: ReadableStreamDefaultReader<string> | null = null;

  constructor(
    readonly spec: ProcessSpec,
    readonly container: Container,
    private readonly raw: ContainerProcess,
    private readonly options: ManagedProcessOptions,
  ) {
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.resolveExit = resolve;
    });
    const outputDone = this.pump();
    raw.exit.then(
      async (code) => {
        const drain = delay(options.timers, options.drainMs ?? 1000);
        await Promise.race([outputDone, drain.promise]);
        drain.cancel();
        this.finish({ lost: false, code });
      },
      (error: unknown) => {
        this.finish({ lost: true, code: null, reason: error instanceof Error ? error.message : String(error) });
      },
    );
  }

  get id(): string {
    return this.spec.id;
  }

  /** Still running as far as we know: no exit code yet, not lost. */
  get running(): boolean {
    return !this.done;
  }

  /** The last lines of output that were not events (stack traces end up here). */
  lastLogs(): string[] {
    return [...this.tail];
  }

  /** Asks the process to end. Whether it does is seen on `exited`; see `ContainerHost.stop`. */
  kill(): void {
    if (this.done) return;
    try {
      this.raw.kill();
    } catch {
      // A process that already went away may refuse; `exited` tells the truth either way.
    }
  }

  /** The container went away under the process: it will not report an exit of its own. */
  markLost(reason: string): void {
    this.finish({ lost: true, code: null, reason });
  }

  private finish(info: ExitInfo): void {
    if (this.done) return;
    this.done = true;
    if (info.lost) this.reader?.cancel().catch(() => {});
    this.resolveExit(info);
  }

  private async pump(): Promise<void> {
    const parser = new EvStreamParser(this.options.now ? { now: this.options.now } : {});
    const deliver = (items: ParsedItem[]) => {
      for (const item of items) {
        if (item.type === 'log') this.remember(item.text);
        else if (item.type === 'error') this.remember(`${item.message}: ${item.line}`);
        try {
          this.options.onItem?.(item);
        } catch {
          // A listener's bug must not stop the reading of the output.
        }
      }
    };
    try {
      this.reader = this.raw.output.getReader();
      for (;;) {
        const { done, value } = await this.reader.read();
        if (done) break;
        if (typeof value === 'string') deliver(parser.push(value));
      }
    } catch {
      // The stream errored or was cancelled (container torn down): keep what was read.
    } finally {
      deliver(parser.flush());
      try {
        this.reader?.releaseLock();
      } catch {
        // Nothing to release.
      }
    }
  }

  private remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > LOG_TAIL) this.tail.shift();
  }
}
