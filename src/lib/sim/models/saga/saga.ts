/**
 * dtm's saga, in virtual time: a port of the dtm server's saga processor and of the retry machinery
 * around it, so the simulation shows what dtm really does, not what a textbook saga would do.
 *
 * Sources (github.com/dtm-labs/dtm at 18146ee53bafbf094b1a5f12ca7e8a29bdb57edd):
 * - dtmsvr/trans_type_saga.go (last changed in 2726af3): GenBranches and ProcessOnce, ported almost
 *   line by line in `processOnce` below;
 * - dtmsvr/trans_status.go (3e59da2): getBranchResult, execBranch, touchCronTime, getNextCronInterval,
 *   isTimeout, changeStatus;
 * - dtmsvr/api.go (svcSubmit), dtmsvr/trans_process.go (saveNew, processInner) and dtmsvr/cron.go
 *   (CronTransOnce) with dtmsvr/storage/sql/sql.go (LockOneGlobalTrans): when a saga is processed;
 * - dtmsvr/config/config.go: RetryInterval defaults to 10 s; a saga has no TimeoutToFail unless it
 *   sets one (isTimeout applies conf.TimeoutToFail, 35 s, to every type except saga);
 * - client/dtmcli/dtmimp/consts.go, client/dtmcli/consts.go: the result and status strings.
 *
 * What dtm does, in short:
 * - Each step is two branches, compensate then action, with branch ids "01", "02", ...
 * - Sequential: an action runs once the previous action succeeded. Concurrent: every action whose
 *   `orders` prerequisites succeeded runs at once.
 * - An action answering FAILURE aborts the saga. ONGOING or any other answer (an error, a timeout)
 *   leaves the branch prepared, to be retried by the cron.
 * - On abort, dtm compensates every action that is not still prepared, INCLUDING the one that failed
 *   (its failure may be uncertain), plus every action that was started and not answered yet, plus the
 *   actions that would have been started next (they "may have run"). Sequentially the compensations
 *   run in reverse step order, each waiting for the later ones to succeed; concurrently they all start
 *   together except that `orders` are honoured in reverse.
 *   Two consequences in concurrent sagas with `orders`, kept because dtm behaves so: an action that
 *   was due to start but never called gets a (null) compensation, and an action's error consumed
 *   while compensating clears its "may have run" flag, which can let its prerequisite be compensated
 *   before it. Both are harmless only with idempotent, null-compensation-tolerant branches (barrier.ts).
 * - A compensation answering anything but SUCCESS (FAILURE included) is retried until it succeeds;
 *   only then does the saga become `failed`.
 * - Retries happen when the cron finds the saga due: the next cron time is `now + NextCronInterval`,
 *   where the interval starts at RetryInterval (or TimeoutToFail when that is smaller), doubles after
 *   every error, stays after ONGOING and is reset after a success that follows a back-off.
 * - TimeoutToFail: a submitted saga found timed out becomes `aborting`.
 * - RetryLimit: an action answering ONGOING or an error is re-invoked at once, up to RetryLimit times
 *   per processing round; the next such answer aborts the saga (it ends `failed` once compensated).
 *
 * Deviations, all from running in virtual time instead of goroutines and a database:
 * - Branch calls take no virtual time, so the RequestTimeout-based `timeLimit` and the 3-second
 *   `waitDoneOnce` time-out never expire, and results of concurrently started branches are consumed
 *   in the order the branches were started (in dtm the order is whatever the goroutines produce).
 *   Where dtm would sit waiting for a result that can no longer come, the round simply ends.
 * - The cron picks the saga up exactly at its next cron time; dtm polls every TransCronInterval (3 s,
 *   minus up to 1 s of jitter), so a real retry comes a little later.
 * - A concurrent saga is processed by one round at a time (dtm locks the global transaction too).
 */
import { MILLISECOND, SECOND, type Nanos } from '../../time.ts';

/** Results a branch answers with (client/dtmcli/dtmimp/consts.go). Any other answer is an error. */
export const RESULT_SUCCESS = 'SUCCESS';
export const RESULT_FAILURE = 'FAILURE';
export const RESULT_ONGOING = 'ONGOING';

export type GlobalStatus = 'prepared' | 'submitted' | 'aborting' | 'succeed' | 'failed';
export type BranchStatus = 'prepared' | 'succeed' | 'failed';
export type SagaOp = 'action' | 'compensate';

/** conf.RetryInterval's default (dtmsvr/config/config.go), in dtm's unit of whole seconds. */
export const DTM_DEFAULT_RETRY_INTERVAL: Nanos = 10 * SECOND;

/**
 * One saga step. `hasAction`/`hasCompensate` false stand for dtm's empty URL, which counts as an
 * immediate SUCCESS without any request (getURLResult), as in `saga.Add(url, "", req)`.
 */
export interface SagaStep {
  name: string;
  hasAction?: boolean;
  hasCompensate?: boolean;
}

export interface SagaOptions {
  /** dtmcli.Saga.SetConcurrent(). */
  concurrent?: boolean;
  /** dtmcli.Saga.AddBranchOrder: step index → the step indexes whose actions must succeed first. */
  orders?: Readonly<Record<number, readonly number[]>>;
  /** TransOptions.TimeoutToFail; 0 (dtm's default for a saga) means never. dtm counts whole seconds. */
  timeoutToFail?: Nanos;
  /** TransOptions.RetryInterval; 0 means the server's RetryInterval. dtm counts whole seconds. */
  retryInterval?: Nanos;
  /** TransOptions.RetryLimit; 0 means no limit. */
  retryLimit?: number;
  /** The server's conf.RetryInterval (default 10 s), also the lease the cron takes on a saga. */
  serverRetryInterval?: Nanos;
}

/** What the saga sends to a branch: the query parameters of dtm's request plus virtual time. */
export interface BranchCall {
  gid: string;
  step: string;
  stepIndex: number;
  /** dtm's branch_id: "01" for the first step. */
  branchId: string;
  op: SagaOp;
  at: Nanos;
  /** 1 for the first request to this branch and op, 2 for its first retry, ... */
  attempt: number;
}

/** Calls a branch and returns its answer: SUCCESS, FAILURE, ONGOING or anything else (an error). */
export type BranchInvoker = (call: BranchCall) => string;

export interface CallRecord extends BranchCall {
  result: string;
}

export interface StatusChange {
  at: Nanos;
  status: GlobalStatus;
  /** dtm's rollback_reason when the change carries one. */
  reason: string;
}

/** How dtm classifies an answer (dtmcli.HTTPResp2DtmError looks for ONGOING before FAILURE). */
export type BranchOutcome = 'success' | 'failure' | 'ongoing' | 'error';

export function classifyResult(result: string): BranchOutcome {
  if (result.includes(RESULT_ONGOING)) return 'ongoing';
  if (result.includes(RESULT_FAILURE)) return 'failure';
  return result === RESULT_SUCCESS ? 'success' : 'error';
}

/**
 * An invoker answering from a script: `script["TransIn.action"]` lists that branch's answers in
 * order; a branch with no script, or past its end, answers SUCCESS.
 */
export function scriptedInvoker(script: Readonly<Record<string, readonly string[]>>): BranchInvoker {
  return (call) => script[`${call.step}.${call.op}`]?.[call.attempt - 1] ?? RESULT_SUCCESS;
}

/** A branch as the store holds it (storage.TransBranchStore). */
interface Branch {
  stepIndex: number;
  branchId: string;
  op: SagaOp;
  /** False for dtm's empty URL. */
  hasUrl: boolean;
  status: BranchStatus;
  error: string;
}

/** ProcessOnce's view of a branch during one round (its `branchResult`). */
interface RoundEntry {
  status: BranchStatus;
  started: boolean;
  op: SagaOp;
}

/** A finished branch call waiting to be consumed, as sent on ProcessOnce's `resultChan`. */
interface Completion {
  index: number;
  status: BranchStatus;
  op: SagaOp;
  error: string;
}

type CallError = 'ongoing' | 'error' | null;
type CronType = 'backoff' | 'reset' | 'keep';

/** execBranch resets the back-off after a success once this long has passed since the last touch. */
const TOUCH_RESET_AFTER: Nanos = 1500 * MILLISECOND;

export class DtmSaga {
  /** Every request sent to a branch, in time order. */
  readonly calls: CallRecord[] = [];
  /** The global status over time, starting with the submission. */
  readonly statusChanges: StatusChange[] = [];

  private readonly branches: Branch[];
  private readonly concurrent: boolean;
  private readonly orders: Map<number, number[]>;
  /** The reverse of `orders`: step → steps that depend on it (cSagaCustom.cOrders). */
  private readonly reverseOrders: Map<number, number[]>;
  private readonly timeoutToFail: Nanos;
  private readonly retryInterval: Nanos;
  private readonly retryLimit: number;
  private readonly serverRetryInterval: Nanos;
  private readonly attempts = new Map<string, number>();
  /** Counts branch executions and status changes, to tell a round that did nothing. */
  private progress = 0;

  private currentStatus: GlobalStatus = 'prepared';
  private reason = '';
  private createTime: Nanos = 0;
  private cronInterval: Nanos = 0;
  private cronTime: Nanos = Infinity;
  private lastTouched: Nanos = 0;
  private now: Nanos = 0;
  /** TransOptions.RetryCount: not persisted by dtm, so every processing round starts from 0. */
  private retryCount = 0;

  constructor(
    readonly gid: string,
    readonly steps: readonly SagaStep[],
    options: SagaOptions,
    private readonly invoke: BranchInvoker,
  ) {
    this.concurrent = options.concurrent ?? false;
    this.timeoutToFail = nonNegative('timeoutToFail', options.timeoutToFail ?? 0);
    this.retryInterval = nonNegative('retryInterval', options.retryInterval ?? 0);
    this.retryLimit = nonNegative('retryLimit', options.retryLimit ?? 0);
    if (!Number.isInteger(this.retryLimit)) throw new RangeError('retryLimit must be an integer');
    this.serverRetryInterval = nonNegative('serverRetryInterval', options.serverRetryInterval ?? DTM_DEFAULT_RETRY_INTERVAL);
    if (this.serverRetryInterval === 0) throw new RangeError('serverRetryInterval must be positive');
    const names = new Set(steps.map((s) => s.name));
    if (names.size !== steps.length) throw new RangeError('step names must be unique');
    const indexed = indexOrders(options.orders ?? {}, steps.length);
    this.orders = indexed.orders;
    this.reverseOrders = indexed.reverse;
    this.branches = generateBranches(steps);
  }

  get status(): GlobalStatus {
    return this.currentStatus;
  }

  /** dtm's rollback_reason: why the saga aborted (empty when it did not). */
  get rollbackReason(): string {
    return this.reason;
  }

  /** When the cron will next pick the saga up (Infinity before submission). */
  get nextCronTime(): Nanos {
    return this.cronTime;
  }

  /** The current retry interval, after any back-off. */
  get nextCronInterval(): Nanos {
    return this.cronInterval;
  }

  get finished(): boolean {
    return this.currentStatus === 'succeed' || this.currentStatus === 'failed';
  }

  /** Branch statuses in dtm's storage order: [step 1 compensate, step 1 action, step 2 compensate, ...]. */
  branchStatuses(): BranchStatus[] {
    return this.branches.map((b) => b.status);
  }

  /**
   * svcSubmit: the first submission saves the saga and processes it at once. Submitting a saga that is
   * still `submitted` processes it again; any other status refuses the submission.
   */
  submit(at: Nanos): void {
    this.moveTo(at);
    if (this.currentStatus === 'prepared') {
      this.createTime = at;
      this.currentStatus = 'submitted';
      this.statusChanges.push({ at, status: 'submitted', reason: '' });
      this.cronInterval = this.nextInterval('reset'); // saveNew
      this.cronTime = at + this.cronInterval;
    } else if (this.currentStatus !== 'submitted') {
      throw new Error(`current status '${this.currentStatus}', cannot sumbmit`); // dtm's own spelling
    }
    this.process(at);
  }

  /**
   * CronTransOnce at time `at`: when the saga is unfinished and due, the cron takes it (pushing its next
   * cron time one server RetryInterval ahead, as LockOneGlobalTrans does) and processes it. Returns
   * whether it did. Calling it with a later `at` than the due time is dtm's tests' "forward now".
   */
  cronOnce(at: Nanos): boolean {
    this.moveTo(at);
    if (this.currentStatus === 'prepared' || this.finished || at < this.cronTime) return false;
    this.cronTime = at + this.serverRetryInterval;
    this.process(at);
    return true;
  }

  /** Lets the cron run every round that falls due up to and including `until`. */
  runUntil(until: Nanos): void {
    while (this.currentStatus !== 'prepared' && !this.finished && this.cronTime <= until) {
      const before = this.progress;
      const at = this.cronTime;
      this.cronOnce(at);
      if (this.progress === before) this.skipIdleRounds(at, until);
    }
    this.moveTo(until);
  }

  /**
   * A round that ran no branch and changed no status (a saga stuck on cyclic `orders`) left the state
   * exactly as it found it, so every later round does the same until the time-out can fire. Jump
   * over those rounds instead of looping through them: each moves the next cron time one server
   * RetryInterval ahead.
   */
  private skipIdleRounds(lastRound: Nanos, until: Nanos): void {
    const step = this.serverRetryInterval;
    const deadline = this.createTime + this.timeoutToFail;
    const timeoutPending = this.currentStatus === 'submitted' && this.timeoutToFail > 0 && deadline <= until;
    const rounds = timeoutPending
      ? Math.max(1, Math.ceil((deadline - lastRound) / step))
      : Math.floor((until - lastRound) / step) + 1;
    this.cronTime = lastRound + rounds * step;
  }

  private moveTo(at: Nanos): void {
    if (at < this.now) throw new RangeError(`time went backwards: ${at} < ${this.now}`);
    this.now = at;
  }

  /** TransGlobal.process → processInner: one processing round at the current time. */
  private process(at: Nanos): void {
    this.now = at;
    this.lastTouched = at;
    this.retryCount = 0;
    this.processOnce();
  }

  /** transSagaProcessor.ProcessOnce, ported; the comments in quotes are dtm's. */
  private processOnce(): void {
    if (this.currentStatus === 'submitted' && this.isTimeout()) this.changeStatus('aborting', this.timeoutReason());
    const branches = this.branches;
    const n = branches.length;
    const concurrent = this.concurrent;
    let rsAToStart = 0;
    let rsAStarted = 0;
    let rsADone = 0;
    let rsAFailed = 0;
    let rsASucceed = 0;
    let rsCToStart = 0;
    let rsCDone = 0;
    let rsCSucceed = 0;
    let failureError: string | undefined;
    const round: RoundEntry[] = branches.map((b) => ({ status: b.status, started: false, op: b.op }));
    for (const b of branches) {
      if (b.op !== 'action') continue;
      if (b.status === 'prepared') rsAToStart++;
      else if (b.status === 'failed') rsAFailed++;
    }
    const entry = (i: number): RoundEntry => must(round[i], i);
    const shouldRun = (current: number): boolean => {
      // "if !csc.Concurrent，then check the branch in previous step is succeed"
      if (!concurrent && current >= 2 && entry(current - 2).status !== 'succeed') return false;
      for (const pre of this.orders.get(stepOf(current)) ?? []) {
        if (entry(pre * 2 + 1).status !== 'succeed') return false;
      }
      return true;
    };
    // "current compensate op rollbacked or related action still prepared"
    const rollbacked = (i: number): boolean => entry(i).status === 'succeed' || entry(i + 1).status === 'prepared';
    const shouldRollback = (current: number): boolean => {
      if (rollbacked(current)) return false;
      // "if !csc.Concurrent，then check the branch in next step is rollbacked"
      if (!concurrent && current < n - 2 && !rollbacked(current + 2)) return false;
      for (const next of this.reverseOrders.get(stepOf(current)) ?? []) {
        if (!rollbacked(2 * next)) return false;
      }
      return true;
    };
    // The result channel: calls finish at once, so their results queue up in start order.
    const completions: Completion[] = [];
    const execAsync = (i: number): void => {
      this.execBranch(i);
      const b = must(branches[i], i);
      completions.push({ index: i, status: b.status, op: b.op, error: b.error });
    };
    const pickToRunActions = (): number[] => {
      const toRun: number[] = [];
      for (let current = 1; current < n; current += 2) {
        const br = entry(current);
        if (!br.started && br.status === 'prepared' && shouldRun(current)) toRun.push(current);
      }
      return toRun;
    };
    const pickToRunCompensates = (): number[] => {
      const toRun: number[] = [];
      for (let current = n - 2; current >= 0; current -= 2) {
        const br = entry(current);
        if (!br.started && br.status === 'prepared' && shouldRollback(current)) toRun.push(current);
      }
      return toRun;
    };
    const runBranches = (toRun: number[]): void => {
      for (const i of toRun) {
        entry(i).started = true;
        if (entry(i).op === 'action') rsAStarted++;
        execAsync(i);
      }
    };
    /** Consumes one result; false when none can come any more (dtm would idle until its time limit). */
    const waitDoneOnce = (): boolean => {
      const r = completions.shift();
      if (!r) return false;
      const br = entry(r.index);
      br.status = r.status;
      if (r.op === 'action') {
        if (this.retryLimit > 0 && r.status === 'prepared') {
          // "if t.RetryCount < t.RetryLimit, branch will be retried util RetryLimit = 0"
          if (this.retryCount < this.retryLimit) {
            this.retryCount++;
            execAsync(r.index);
            return true;
          }
          // "if t.RetryCount = t.RetryLimit, trans will be aborted"
          this.changeStatus('aborting', `RetryCount is greater than RetryLimit, RetryLimit: ${this.retryLimit}`);
          return true;
        }
        rsADone++;
        if (r.status === 'failed') {
          rsAFailed++;
          failureError = r.error;
        } else if (r.status === 'succeed') {
          rsASucceed++;
        }
      } else {
        rsCDone++;
        if (r.status === 'succeed') rsCSucceed++;
      }
      return true;
    };
    const prepareToCompensate = (): void => {
      for (const i of pickToRunActions()) entry(i).started = true;
      for (let i = 1; i < n; i += 2) {
        // "these branches may have run. so flag them to status succeed, then run the corresponding compensate"
        if (entry(i).started && entry(i).status === 'prepared') entry(i).status = 'succeed';
      }
      for (let i = 0; i < n; i++) {
        if (entry(i).op === 'compensate' && entry(i).status !== 'succeed' && entry(i + 1).status !== 'prepared') rsCToStart++;
      }
    };

    while (this.currentStatus === 'submitted' && !this.isTimeout() && rsAFailed === 0) {
      runBranches(pickToRunActions());
      if (rsADone === rsAStarted) break; // "no branch is running, so break"
      if (!waitDoneOnce()) break;
    }
    if (this.currentStatus === 'submitted' && rsAFailed === 0 && rsAToStart === rsASucceed) {
      this.changeStatus('succeed', '');
      return;
    }
    if (this.currentStatus === 'submitted' && rsAFailed > 0) {
      this.changeStatus('aborting', failureError ?? 'fail message lost');
    }
    if (this.currentStatus === 'submitted' && this.isTimeout()) this.changeStatus('aborting', this.timeoutReason());
    if (this.currentStatus === 'aborting') prepareToCompensate();
    while (this.currentStatus === 'aborting') {
      runBranches(pickToRunCompensates());
      if (rsCDone === rsCToStart) break;
      if (!waitDoneOnce()) break;
    }
    if (this.currentStatus === 'aborting' && rsCToStart === rsCSucceed) this.changeStatus('failed', '');
  }

  /** execBranch with getBranchResult: calls the branch, stores its status, moves the cron time. */
  private execBranch(i: number): CallError {
    this.progress++;
    const b = must(this.branches[i], i);
    const step = must(this.steps[b.stepIndex], b.stepIndex);
    let result = RESULT_SUCCESS; // "empty url is success": no request at all
    if (b.hasUrl) {
      const key = `${b.branchId}/${b.op}`;
      const attempt = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, attempt);
      const call: BranchCall = { gid: this.gid, step: step.name, stepIndex: b.stepIndex, branchId: b.branchId, op: b.op, at: this.now, attempt };
      result = this.invoke(call);
      this.calls.push({ ...call, result });
    }
    const outcome = classifyResult(result);
    let status: BranchStatus | '' = '';
    let err: CallError = null;
    if (outcome === 'success') {
      status = 'succeed';
    } else if (b.op === 'action' && outcome === 'failure') {
      // Only a saga action can fail for good; a compensation's FAILURE is just another error.
      status = 'failed';
      b.error = `url:${step.name}.${b.op} return failed: ${result}`;
    } else if (outcome === 'ongoing') {
      err = 'ongoing';
    } else {
      err = 'error';
    }
    if (status !== '') b.status = status; // changeBranchStatus
    // "if time pass 1500ms and NextCronInterval is not default, then reset NextCronInterval"
    if (
      err === null &&
      (this.now - this.lastTouched >= TOUCH_RESET_AFTER ||
        (this.cronInterval > this.serverRetryInterval && this.cronInterval > this.retryInterval))
    ) {
      this.touchCronTime('reset');
    } else if (err === 'ongoing') {
      this.touchCronTime('keep');
    } else if (err === 'error') {
      this.touchCronTime('backoff');
    }
    return err;
  }

  private touchCronTime(type: CronType): void {
    this.lastTouched = this.now;
    this.cronInterval = this.nextInterval(type);
    this.cronTime = this.now + this.cronInterval;
  }

  /** getNextCronInterval: the exponential back-off of the retry interval. */
  private nextInterval(type: CronType): Nanos {
    if (type === 'backoff') return this.cronInterval * 2;
    if (type === 'keep') return this.cronInterval;
    if (this.retryInterval !== 0) return this.retryInterval;
    if (this.timeoutToFail > 0 && this.timeoutToFail < this.serverRetryInterval) return this.timeoutToFail;
    return this.serverRetryInterval;
  }

  /** isTimeout for a saga: only its own TimeoutToFail counts. */
  private isTimeout(): boolean {
    return this.timeoutToFail !== 0 && this.now - this.createTime >= this.timeoutToFail;
  }

  private timeoutReason(): string {
    return `Timeout after ${this.timeoutToFail / SECOND} seconds`;
  }

  private changeStatus(status: GlobalStatus, reason: string): void {
    if (reason !== '') this.reason = reason;
    this.progress++;
    this.currentStatus = status;
    this.statusChanges.push({ at: this.now, status, reason });
  }
}

/** GenBranches: per step a compensate branch then an action branch, both with branch id "%02d". */
function generateBranches(steps: readonly SagaStep[]): Branch[] {
  return steps.flatMap((step, stepIndex) => {
    const branchId = String(stepIndex + 1).padStart(2, '0');
    const make = (op: SagaOp, hasUrl: boolean): Branch => ({ stepIndex, branchId, op, hasUrl, status: 'prepared', error: '' });
    return [make('compensate', step.hasCompensate ?? true), make('action', step.hasAction ?? true)];
  });
}

function indexOrders(
  orders: Readonly<Record<number, readonly number[]>>,
  stepCount: number,
): { orders: Map<number, number[]>; reverse: Map<number, number[]> } {
  const forward = new Map<number, number[]>();
  const reverse = new Map<number, number[]>();
  const checkStep = (v: number) => {
    if (!Number.isInteger(v) || v < 0 || v >= stepCount) throw new RangeError(`orders: no step ${v}`);
  };
  for (const [key, pres] of Object.entries(orders)) {
    const step = Number(key);
    checkStep(step);
    for (const pre of pres) {
      checkStep(pre);
      forward.set(step, [...(forward.get(step) ?? []), pre]);
      reverse.set(pre, [...(reverse.get(pre) ?? []), step]);
    }
  }
  return { orders: forward, reverse };
}

/** "origin one step correspond to 2 step in dtmsvr" */
function stepOf(branchIndex: number): number {
  return Math.floor(branchIndex / 2);
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a non-negative number`);
  return v;
}

function must<T>(v: T | undefined, i: number): T {
  if (v === undefined) throw new Error(`saga: no entry ${i}`);
  return v;
}
