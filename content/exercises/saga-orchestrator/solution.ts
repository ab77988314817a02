/**
 * A saga orchestrator with dtm's semantics (github.com/dtm-labs/dtm, dtmsvr/trans_type_saga.go and
 * dtmsvr/trans_status.go), run in-process instead of by a server and its cron.
 *
 * - Each step has an action and a compensation; step i has the branch id "%02d" of i + 1.
 * - A branch answers SUCCESS, FAILURE or ONGOING. Throwing counts as an error (a 500, a timeout).
 * - Only an action's FAILURE is final: it aborts the saga. ONGOING and errors are retried, never
 *   compensated. A compensation is retried on anything but SUCCESS, FAILURE included.
 * - On abort, every action that was started is compensated, the failed one included, in reverse.
 * - Retry waits use one interval per saga: ONGOING keeps it, an error doubles it before waiting,
 *   a definite answer resets it to retryInterval (getNextCronInterval: cronKeep/cronBackoff/cronReset).
 */

export const SUCCESS: 'SUCCESS' = 'SUCCESS';
export const FAILURE: 'FAILURE' = 'FAILURE';
export const ONGOING: 'ONGOING' = 'ONGOING';

/** What a branch answers. Throwing (or rejecting) is an error: retried like ONGOING, with back-off. */
export type BranchResult = typeof SUCCESS | typeof FAILURE | typeof ONGOING;
export type Op = 'action' | 'compensate';
export type GlobalStatus = 'prepared' | 'submitted' | 'aborting' | 'succeed' | 'failed';

/** What the orchestrator passes to a branch: dtm's query parameters plus the attempt number. */
export interface BranchCall {
  gid: string;
  /** "01" for the first step, "02" for the second, ... */
  branchId: string;
  op: Op;
  /** 1 for the first call of this branch and op, 2 for its first retry, ... */
  attempt: number;
}

export type BranchFn = (call: BranchCall) => BranchResult | Promise<BranchResult>;

/** One branch call, appended when its answer arrives. ERROR means the call threw. */
export interface LogEntry {
  branchId: string;
  op: Op;
  attempt: number;
  result: BranchResult | 'ERROR';
}

export interface SagaOptions {
  /** The first retry interval in ms (dtm's RetryInterval, 10 s by default). */
  retryInterval?: number;
  /** Retries per branch and op before giving up with SagaStuckError (default 10). */
  maxRetries?: number;
  /** Waits ms milliseconds; tests inject a fake. Defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Thrown by submit() when a branch still has no definite answer after maxRetries retries. The saga
 * keeps its status ('submitted' or 'aborting'): in dtm the cron would keep retrying it.
 */
export class SagaStuckError extends Error {
  constructor(
    readonly gid: string,
    readonly status: GlobalStatus,
    readonly branchId: string,
    readonly op: Op,
    readonly attempts: number,
  ) {
    super(`saga ${gid} stuck in ${status}: branch ${branchId} ${op} has no definite answer after ${attempts} attempts`);
    this.name = 'SagaStuckError';
  }
}

interface Step {
  action: BranchFn;
  compensate: BranchFn;
}

/** A definite outcome of callUntilDefinite, or 'abandoned' when the caller told it to stop retrying. */
type Outcome = 'SUCCESS' | 'FAILURE' | 'abandoned';

export class Saga {
  /** Every branch call in the order the answers arrived. */
  readonly log: LogEntry[] = [];
  /** Every global status the saga has had, starting with 'prepared'. */
  readonly statusHistory: GlobalStatus[] = ['prepared'];

  private readonly steps: Step[] = [];
  private readonly orders = new Map<number, number[]>();
  private concurrent = false;
  private readonly retryInterval: number;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** dtm's NextCronInterval: shared by every branch of the saga. */
  private interval: number;

  constructor(
    readonly gid: string,
    options: SagaOptions = {},
  ) {
    this.retryInterval = options.retryInterval ?? 10_000;
    this.maxRetries = options.maxRetries ?? 10;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.interval = this.retryInterval;
  }

  get status(): GlobalStatus {
    return this.statusHistory[this.statusHistory.length - 1] ?? 'prepared';
  }

  /** dtmcli.Saga.Add: appends a step. */
  add(action: BranchFn, compensate: BranchFn): this {
    this.steps.push({ action, compensate });
    return this;
  }

  /** dtmcli.Saga.EnableConcurrent: start every action whose prerequisites have succeeded. */
  enableConcurrent(): this {
    this.concurrent = true;
    return this;
  }

  /** dtmcli.Saga.AddBranchOrder: step `branch` (0-based) starts only after the `pre` steps succeeded. */
  addBranchOrder(branch: number, pre: readonly number[]): this {
    this.orders.set(branch, [...(this.orders.get(branch) ?? []), ...pre]);
    return this;
  }

  /** Runs the saga to 'succeed' or 'failed'; rejects with SagaStuckError if a branch never answers. */
  async submit(): Promise<'succeed' | 'failed'> {
    if (this.status !== 'prepared') throw new Error(`saga ${this.gid}: cannot submit in status '${this.status}'`);
    this.checkOrders();
    this.changeStatus('submitted');
    const { started, failed } = this.concurrent ? await this.runActionsConcurrently() : await this.runActionsInOrder();
    if (!failed) {
      this.changeStatus('succeed');
      return 'succeed';
    }
    this.changeStatus('aborting');
    if (this.concurrent) await this.compensateConcurrently(started);
    else for (const i of [...started].sort((a, b) => b - a)) await this.callUntilDefinite(i, 'compensate');
    this.changeStatus('failed');
    return 'failed';
  }

  /** Sequential: each action starts after the previous one succeeded; a FAILURE stops the loop. */
  private async runActionsInOrder(): Promise<{ started: Set<number>; failed: boolean }> {
    const started = new Set<number>();
    for (let i = 0; i < this.steps.length; i++) {
      started.add(i);
      if ((await this.callUntilDefinite(i, 'action')) === 'FAILURE') return { started, failed: true };
    }
    return { started, failed: false };
  }

  /**
   * Concurrent: start every action whose orders are satisfied, and again after each answer. After a
   * FAILURE nothing new starts and retries stop; the actions in flight are awaited (dtm does not wait:
   * it compensates them at once, as "may have run", and relies on the barrier).
   */
  private async runActionsConcurrently(): Promise<{ started: Set<number>; failed: boolean }> {
    const n = this.steps.length;
    const succeeded = new Set<number>();
    const started = new Set<number>();
    const running = new Map<number, Promise<void>>();
    let failed = false;
    let stuck: unknown;
    const start = (i: number) => {
      started.add(i);
      const task = this.callUntilDefinite(i, 'action', () => failed).then(
        (outcome) => {
          if (outcome === 'SUCCESS') succeeded.add(i);
          else if (outcome === 'FAILURE') failed = true;
        },
        (err: unknown) => {
          stuck ??= err;
        },
      );
      running.set(
        i,
        task.finally(() => running.delete(i)),
      );
    };
    for (;;) {
      if (!failed && stuck === undefined) {
        for (let i = 0; i < n; i++) {
          if (!started.has(i) && (this.orders.get(i) ?? []).every((p) => succeeded.has(p))) start(i);
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    if (!failed && stuck !== undefined) throw stuck;
    if (!failed && succeeded.size < n) throw new Error(`saga ${this.gid}: branch orders form a cycle`);
    return { started, failed };
  }

  /**
   * Concurrent compensation: a step is compensated once every started step that had to wait for it
   * (the reverse of its orders) has been compensated. Without orders all start together.
   */
  private async compensateConcurrently(started: Set<number>): Promise<void> {
    const done = new Set<number>();
    const begun = new Set<number>();
    const running = new Map<number, Promise<void>>();
    let stuck: unknown;
    const dependents = (i: number) => [...this.orders].filter(([, pre]) => pre.includes(i)).map(([step]) => step);
    for (;;) {
      if (stuck === undefined) {
        for (const i of [...started].sort((a, b) => b - a)) {
          if (begun.has(i) || !dependents(i).every((d) => !started.has(d) || done.has(d))) continue;
          begun.add(i);
          const task = this.callUntilDefinite(i, 'compensate').then(
            () => {
              done.add(i);
            },
            (err: unknown) => {
              stuck ??= err;
            },
          );
          running.set(
            i,
            task.finally(() => running.delete(i)),
          );
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    if (stuck !== undefined) throw stuck;
  }

  /**
   * Calls one branch until it gives a definite answer: SUCCESS, or FAILURE for an action. Waits
   * between attempts with dtm's back-off; gives up after maxRetries retries with SagaStuckError.
   */
  private async callUntilDefinite(i: number, op: Op, stop: () => boolean = () => false): Promise<Outcome> {
    const step = this.steps[i];
    if (!step) throw new Error(`saga ${this.gid}: no step ${i}`);
    const branchId = String(i + 1).padStart(2, '0');
    for (let attempt = 1; ; attempt++) {
      let result: BranchResult | 'ERROR';
      try {
        result = await step[op]({ gid: this.gid, branchId, op, attempt });
      } catch {
        result = 'ERROR';
      }
      this.log.push({ branchId, op, attempt, result });
      if (result === SUCCESS || (result === FAILURE && op === 'action')) {
        this.interval = this.retryInterval; // cronReset after a definite answer
        return result;
      }
      // ONGOING keeps the interval (cronKeep); anything else doubles it (cronBackoff).
      if (result !== ONGOING) this.interval *= 2;
      if (stop()) return 'abandoned'; // the saga aborted meanwhile: this action "may have run"
      if (attempt > this.maxRetries) throw new SagaStuckError(this.gid, this.status, branchId, op, attempt);
      await this.sleep(this.interval);
    }
  }

  private checkOrders(): void {
    for (const [branch, pre] of this.orders) {
      for (const s of [branch, ...pre]) {
        if (!Number.isInteger(s) || s < 0 || s >= this.steps.length) throw new RangeError(`saga ${this.gid}: no step ${s} in branch orders`);
      }
    }
  }

  private changeStatus(status: GlobalStatus): void {
    this.statusHistory.push(status);
  }
}
