/**
 * A saga orchestrator with dtm's semantics. Implement submit(): run the actions, compensate on
 * FAILURE (the failed branch included, in reverse), retry errors and ONGOING with back-off, retry
 * compensations until they succeed, and (task 5) run actions concurrently under branch orders.
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
 * Thrown by submit() when a branch still has no definite answer after maxRetries retries
 * (attempts = maxRetries + 1). The saga keeps its status: 'submitted' or 'aborting'.
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

  constructor(
    readonly gid: string,
    options: SagaOptions = {},
  ) {
    this.retryInterval = options.retryInterval ?? 10_000;
    this.maxRetries = options.maxRetries ?? 10;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
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

  /**
   * Runs the saga to 'succeed' or 'failed' and records every call in `log` and every status in
   * `statusHistory`. Rejects with SagaStuckError when a branch never gives a definite answer.
   */
  async submit(): Promise<'succeed' | 'failed'> {
    throw new Error('not implemented');
  }
}
