/**
 * Saga scenarios: a dtm saga (models/saga/saga.ts, a port of dtm's saga processor and retry cron)
 * calls branch handlers that move money between accounts, protected by dtm's sub-transaction barrier
 * (models/saga/barrier.ts) or by hand-written checks. Everything runs in virtual time; the saga and
 * its handlers use no randomness, so the seed does not change the trace.
 *
 * How the pieces are wired, and why:
 * - The simulator calls `submit` at t = 0 and then `cronOnce` exactly when the saga is next due, as
 *   dtm's cron would (dtm polls every few seconds, so a real retry comes a little later).
 * - A branch request is answered at once (the saga model gives calls no duration). A request held up
 *   in the network is answered with a time-out error at once and reaches the service later: dtm has
 *   given up on it, the service has not heard of it yet, which is exactly how a late action arises.
 * - A branch answer that is not SUCCESS (a fault) means the service rolled its local transaction back:
 *   no money moves, and with the barrier its barrier rows go too.
 *
 * Trace events (`t` in ms):
 * - `status` {status, reason?}: the global transaction's status changed (submitted, aborting, succeed, failed).
 * - `branch` {step, op, branchId, attempt, result}: dtm called a branch and got this answer.
 * - `request-delayed` {step, op, branchId, attempt, delayMs}: that request is stuck in the network; dtm times out.
 * - `request-arrived` {step, op, branchId, attempt}: the stuck request reaches the service, late.
 * - `business` {step, op, branchId, outcome: 'applied' | 'refused' | 'skipped', answer?, reason?}: what the
 *   handler did; `skipped` carries why (barrier: null-compensation, suspended, duplicate).
 * - `balances` {<account>: n, total}: after every change to the money.
 * - `retry-scheduled` {atMs, intervalMs}: the saga is unfinished; when dtm will process it again.
 *
 * Faults (`scenario.faults`, set from the parameters, plus `options.faults`), times in ms:
 * - `{atMs, kind: 'branch-answer', branch: 'TransIn.compensate', answer: 'ERROR' | 'FAILURE' | 'ONGOING' | …, times?: 1}`:
 *   from `atMs` on, the next `times` requests to that branch get this answer from the service;
 * - `{atMs, kind: 'network-delay', branch: 'TransIn.action', delayMs, times?: 1}`: from `atMs` on, the
 *   next `times` requests to that branch reach the service `delayMs` late, and dtm sees a time-out.
 */
import { Simulator, type TraceEvent } from '../kernel.ts';
import { SECOND, msToNanos, nanosToMs } from '../time.ts';
import { BarrierTable, BranchBarrier, type LocalTransaction } from '../models/saga/barrier.ts';
import { DtmSaga, RESULT_FAILURE, RESULT_ONGOING, RESULT_SUCCESS, type BranchCall, type GlobalStatus } from '../models/saga/saga.ts';
import { defineScenario, num, secondsParam, str, type Fault, type ParamSpec, type ParamValues, type Scenario, type ScenarioResult, type ScenarioSummary } from './types.ts';

/** What dtm sees when its HTTP request times out (any answer but SUCCESS/FAILURE/ONGOING is an error). */
const TIMEOUT_ANSWER = 'ERROR: context deadline exceeded';

/** How branch handlers guard against dtm's disorder. */
export const HANDLER_KINDS = ['barrier', 'plain', 'null-check'] as const;
export type HandlerKind = (typeof HANDLER_KINDS)[number];

interface StepSpec {
  name: string;
  /** What the action does to each account; the compensation undoes it. */
  moves?: Readonly<Record<string, number>>;
}

interface SagaWorldConfig {
  seed: number;
  durationMs: number;
  steps: readonly StepSpec[];
  accounts: Readonly<Record<string, number>>;
  handlers: HandlerKind;
  /** dtm counts both in whole seconds; 0 = dtm's default (no time-out; the server's 10 s interval). */
  timeoutToFailS: number;
  retryIntervalS: number;
  faults: readonly Fault[];
}

interface SagaWorldResult {
  trace: TraceEvent[];
  saga: DtmSaga;
  /** Balances when the saga finished (undefined if it did not), and at the end of the run. */
  balancesAtSagaEnd: Record<string, number> | undefined;
  finalBalances: Record<string, number>;
}

interface PendingFault {
  fromMs: number;
  branch: string;
  remaining: number;
  answer?: string;
  delayMs?: number;
}

/** The faults, consumed one request at a time: the first one due for a branch applies. */
class FaultBook {
  private readonly entries: PendingFault[];

  constructor(faults: readonly Fault[]) {
    const usable = faults.filter((f) => typeof f.branch === 'string' && (f.kind === 'branch-answer' || f.kind === 'network-delay'));
    this.entries = usable
      .map((f, i) => ({ f, i }))
      .sort((a, b) => a.f.atMs - b.f.atMs || a.i - b.i)
      .map(({ f }) => ({
        fromMs: Number.isFinite(f.atMs) ? f.atMs : 0,
        branch: String(f.branch),
        remaining: typeof f.times === 'number' && f.times >= 0 ? Math.floor(f.times) : 1,
        ...(f.kind === 'branch-answer'
          ? { answer: typeof f.answer === 'string' ? f.answer : 'ERROR' }
          : { delayMs: typeof f.delayMs === 'number' && f.delayMs >= 0 ? f.delayMs : 0 }),
      }));
  }

  takeDelay(branch: string, nowMs: number): number | undefined {
    return this.take(branch, nowMs, (e) => e.delayMs !== undefined)?.delayMs;
  }

  takeAnswer(branch: string, nowMs: number): string | undefined {
    return this.take(branch, nowMs, (e) => e.answer !== undefined)?.answer;
  }

  private take(branch: string, nowMs: number, kind: (e: PendingFault) => boolean): PendingFault | undefined {
    const entry = this.entries.find((e) => e.branch === branch && e.remaining > 0 && e.fromMs <= nowMs && kind(e));
    if (entry) entry.remaining--;
    return entry;
  }
}

type HandlerOutcome = { answer: string; outcome: 'applied' | 'refused' | 'skipped'; reason?: string };

function runSagaWorld(cfg: SagaWorldConfig): SagaWorldResult {
  const sim = new Simulator(cfg.seed);
  const end = msToNanos(cfg.durationMs);
  const faults = new FaultBook(cfg.faults);
  const balances: Record<string, number> = { ...cfg.accounts };
  const stepByName = new Map(cfg.steps.map((s) => [s.name, s]));
  // One barrier table per service database, as each service keeps its own.
  const barrierTables = new Map(cfg.steps.map((s) => [s.name, new BarrierTable()]));
  // What the hand-written 'null-check' handlers remember: actions done, compensations done.
  const actionsDone = new Set<string>();
  const compensationsDone = new Set<string>();

  /** Set by the business when it moved money, so the balances follow the handler's event. */
  let moneyMoved = false;
  const emitBalances = (): void => {
    const total = Object.values(balances).reduce((a, b) => a + b, 0);
    sim.emit('balances', { ...balances, total });
  };

  /** The business itself: move the money, inside the local transaction when there is one. */
  const business = (call: BranchCall, tx: LocalTransaction | undefined): string => {
    const moves = stepByName.get(call.step)?.moves ?? {};
    const sign = call.op === 'action' ? 1 : -1;
    const entries = Object.entries(moves);
    for (const [account, delta] of entries) balances[account] = (balances[account] ?? 0) + sign * delta;
    tx?.onRollback(() => {
      for (const [account, delta] of entries) balances[account] = (balances[account] ?? 0) - sign * delta;
    });
    if (entries.length > 0) moneyMoved = true;
    return RESULT_SUCCESS;
  };

  const handle = (call: BranchCall): HandlerOutcome => {
    const id = `${call.gid}/${call.branchId}`;
    switch (cfg.handlers) {
      case 'barrier': {
        const table = barrierTables.get(call.step) ?? new BarrierTable();
        const r = new BranchBarrier(table, 'saga', call.gid, call.branchId, call.op).call((tx) => business(call, tx));
        if (r.skipped) return { answer: r.result, outcome: 'skipped', reason: r.skipped };
        return { answer: r.result, outcome: r.committed ? 'applied' : 'refused' };
      }
      case 'plain': {
        const answer = business(call, undefined);
        return { answer, outcome: answer === RESULT_SUCCESS ? 'applied' : 'refused' };
      }
      case 'null-check': {
        // The usual hand-written guards: idempotent actions, and "nothing to undo" when the action
        // left no record. Nothing stops an action that arrives after its compensation.
        if (call.op === 'action') {
          if (actionsDone.has(id)) return { answer: RESULT_SUCCESS, outcome: 'skipped', reason: 'duplicate' };
          const answer = business(call, undefined);
          if (answer === RESULT_SUCCESS) actionsDone.add(id);
          return { answer, outcome: answer === RESULT_SUCCESS ? 'applied' : 'refused' };
        }
        if (compensationsDone.has(id)) return { answer: RESULT_SUCCESS, outcome: 'skipped', reason: 'duplicate' };
        if (!actionsDone.has(id)) return { answer: RESULT_SUCCESS, outcome: 'skipped', reason: 'null-compensation' };
        const answer = business(call, undefined);
        if (answer === RESULT_SUCCESS) compensationsDone.add(id);
        return { answer, outcome: answer === RESULT_SUCCESS ? 'applied' : 'refused' };
      }
    }
  };

  const serve = (call: BranchCall): string => {
    moneyMoved = false;
    // A scripted answer is the whole handler failing (its local transaction, barrier rows included,
    // rolls back), so it applies even where the barrier would have skipped the business.
    const scripted = faults.takeAnswer(`${call.step}.${call.op}`, nanosToMs(sim.now()));
    const r: HandlerOutcome = scripted !== undefined && scripted !== RESULT_SUCCESS ? { answer: scripted, outcome: 'refused' } : handle(call);
    sim.emit('business', {
      step: call.step,
      op: call.op,
      branchId: call.branchId,
      outcome: r.outcome,
      ...(r.outcome === 'refused' ? { answer: r.answer } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    });
    if (moneyMoved) emitBalances();
    return r.answer;
  };

  let statusSeen = 0;
  let balancesAtSagaEnd: Record<string, number> | undefined;
  const flushStatus = (): void => {
    for (; statusSeen < saga.statusChanges.length; statusSeen++) {
      const change = saga.statusChanges[statusSeen]!;
      sim.emit('status', change.reason ? { status: change.status, reason: change.reason } : { status: change.status });
    }
  };

  const invoke = (call: BranchCall): string => {
    // A status change inside a round (aborting) happens before the compensations it starts.
    flushStatus();
    const where = { step: call.step, op: call.op, branchId: call.branchId, attempt: call.attempt };
    const delayMs = faults.takeDelay(`${call.step}.${call.op}`, nanosToMs(sim.now()));
    if (delayMs !== undefined) {
      sim.emit('request-delayed', { ...where, delayMs });
      sim.schedule(msToNanos(delayMs), () => {
        sim.emit('request-arrived', where);
        serve(call); // nobody waits for this answer any more
      });
      sim.emit('branch', { ...where, result: TIMEOUT_ANSWER });
      return TIMEOUT_ANSWER;
    }
    const result = serve(call);
    sim.emit('branch', { ...where, result });
    return result;
  };

  const saga = new DtmSaga(
    'gid-1',
    cfg.steps.map((s) => ({ name: s.name })),
    { timeoutToFail: cfg.timeoutToFailS * SECOND, retryInterval: cfg.retryIntervalS * SECOND },
    invoke,
  );

  const afterRound = (): void => {
    flushStatus();
    if (saga.finished) {
      balancesAtSagaEnd ??= { ...balances };
      return;
    }
    const next = saga.nextCronTime;
    sim.emit('retry-scheduled', { atMs: nanosToMs(next), intervalMs: nanosToMs(saga.nextCronInterval) });
    if (next <= end) {
      sim.at(next, () => {
        saga.cronOnce(sim.now());
        afterRound();
      });
    }
  };

  sim.at(0, () => {
    emitBalances();
    saga.submit(sim.now());
    afterRound();
  });
  sim.run({ until: end });
  return { trace: sim.trace, saga, balancesAtSagaEnd, finalBalances: { ...balances } };
}

// ---------------------------------------------------------------------------------------------
// Reading the results back

type BranchEvent = TraceEvent & { step: string; op: string; result: string; attempt: number };

function branchEvents(trace: readonly TraceEvent[]): BranchEvent[] {
  return trace.filter((e) => e.kind === 'branch') as BranchEvent[];
}

/** Steps in the order their compensation was first requested. */
function compensationOrder(trace: readonly TraceEvent[]): string {
  const order: string[] = [];
  for (const e of branchEvents(trace)) if (e.op === 'compensate' && !order.includes(e.step)) order.push(e.step);
  return order.join(' → ');
}

function callSequence(trace: readonly TraceEvent[]): string {
  return branchEvents(trace)
    .map((e) => `${e.step}.${e.op}:${e.result === RESULT_SUCCESS || e.result === RESULT_FAILURE || e.result === RESULT_ONGOING ? e.result : 'ERROR'}`)
    .join(' → ');
}

function statusTime(result: SagaWorldResult, status: GlobalStatus): number {
  const change = result.saga.statusChanges.find((c) => c.status === status);
  return change ? nanosToMs(change.at) : -1;
}

function total(balances: Readonly<Record<string, number>>): number {
  return Object.values(balances).reduce((a, b) => a + b, 0);
}

/**
 * The balances a finished saga promises: every action applied once if it succeeded, none if it
 * failed. Undefined while it is unfinished (no promise yet).
 */
function promisedBalances(cfg: SagaWorldConfig, status: GlobalStatus): Record<string, number> | undefined {
  if (status === 'failed') return { ...cfg.accounts };
  if (status !== 'succeed') return undefined;
  const out: Record<string, number> = { ...cfg.accounts };
  for (const step of cfg.steps) for (const [account, delta] of Object.entries(step.moves ?? {})) out[account] = (out[account] ?? 0) + delta;
  return out;
}

function sameBalances(a: Readonly<Record<string, number>> | undefined, b: Readonly<Record<string, number>> | undefined): boolean {
  if (!a || !b) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

// ---------------------------------------------------------------------------------------------
// Scenario definitions


const LESSON = '/lessons/distributed-transactions';
const AMOUNT = 30;
const TRANSFER_ACCOUNTS = { alice: 100, bob: 100 } as const;
const TRANS_OUT: StepSpec = { name: 'TransOut', moves: { alice: -AMOUNT } };
const TRANS_IN: StepSpec = { name: 'TransIn', moves: { bob: AMOUNT } };


const compensationScenario = defineScenario({
  id: 'saga-compensation-retry',
  model: 'saga',
  title: {
    zh: 'Saga 第 3 步失败并补偿;一次补偿出错后被重试',
    en: 'A saga fails at step 3 and compensates; one compensation fails once and is retried',
  },
  story: {
    zh: '转账 saga 有三步:TransOut 从 alice 扣 30,TransIn 给 bob 加 30,Notify 发通知。Notify 返回 FAILURE,dtm 把事务置为 aborting,按相反顺序补偿,连失败的那一步也补偿(它的失败可能并不确定,屏障让这次补偿成为空补偿)。TransIn 的补偿第一次报错,dtm 不会跳过它,也不会先补偿 TransOut:等定时任务下次捞起事务时重试,每出一次错等待时间翻倍(默认 RetryInterval 为 10 秒时,第一次重试在 20 秒后),补偿成功后才补偿 TransOut,事务变成 failed,余额回到原样。',
    en: 'A transfer saga has three steps: TransOut takes 30 from alice, TransIn gives 30 to bob, Notify sends a notice. Notify answers FAILURE, so dtm marks the saga aborting and compensates in reverse order, the failed step included (its failure may not be certain; the barrier turns that compensation into a null compensation). TransIn’s compensation errors the first time: dtm neither skips it nor moves on to TransOut, but retries when its cron picks the saga up again, and every error doubles the wait (with the default 10 s RetryInterval the first retry comes 20 s later). Only when it succeeds is TransOut compensated; the saga ends failed with the balances back where they started.',
  },
  lesson: LESSON,
  durationMs: 120_000,
  seed: 31,
  params: {
    failingStep: {
      kind: 'choice',
      label: { zh: '返回 FAILURE 的步骤', en: 'Step that answers FAILURE' },
      default: 'Notify',
      options: ['Notify', 'TransIn', 'TransOut', 'none'],
    },
    compensationFailures: {
      kind: 'number',
      label: { zh: '补偿连续出错次数', en: 'Times the compensation errors' },
      default: 1,
      min: 0,
      max: 3,
      step: 1,
    },
    failingCompensation: {
      kind: 'choice',
      label: { zh: '出错的补偿', en: 'Compensation that errors' },
      default: 'TransIn',
      options: ['TransIn', 'TransOut', 'Notify'],
    },
    retryIntervalS: secondsParam('重试间隔(RetryInterval)', 'Retry interval (RetryInterval)', 10, 1, 20),
  },
  ownFaults: (p) => {
    const faults: Fault[] = [];
    const failing = str(p, 'failingStep');
    if (failing !== 'none') faults.push({ atMs: 0, kind: 'branch-answer', branch: `${failing}.action`, answer: RESULT_FAILURE });
    const times = Math.round(num(p, 'compensationFailures'));
    if (times > 0) faults.push({ atMs: 0, kind: 'branch-answer', branch: `${str(p, 'failingCompensation')}.compensate`, answer: 'ERROR: database is locked', times });
    return faults;
  },
  execute(p, seed, faults) {
    const cfg: SagaWorldConfig = {
      seed,
      durationMs: 120_000,
      steps: [TRANS_OUT, TRANS_IN, { name: 'Notify' }],
      accounts: TRANSFER_ACCOUNTS,
      handlers: 'barrier',
      timeoutToFailS: 0,
      retryIntervalS: Math.round(num(p, 'retryIntervalS')),
      faults,
    };
    const result = runSagaWorld(cfg);
    const compensations = branchEvents(result.trace).filter((e) => e.op === 'compensate');
    const summary: ScenarioSummary = {
      status: result.saga.status,
      reason: result.saga.rollbackReason,
      abortedAtMs: statusTime(result, 'aborting'),
      finishedAtMs: statusTime(result, result.saga.status === 'succeed' ? 'succeed' : 'failed'),
      calls: callSequence(result.trace),
      compensationOrder: compensationOrder(result.trace),
      compensationRequests: compensations.length,
      compensationErrors: compensations.filter((e) => e.result !== RESULT_SUCCESS).length,
      finalBalances: result.finalBalances,
      balancesAsPromised: sameBalances(result.finalBalances, promisedBalances(cfg, result.saga.status)),
    };
    return { trace: result.trace, summary };
  },
});

const ongoingScenario = defineScenario({
  id: 'saga-ongoing-timeout',
  model: 'saga',
  title: {
    zh: 'ONGOING 与 TimeoutToFail:一直“处理中”直到超时回滚',
    en: 'ONGOING and TimeoutToFail: “still processing” until the saga times out',
  },
  story: {
    zh: '下单 saga 的第二步 Pay 调用第三方支付,对方一直回答 ONGOING(处理中)。ONGOING 不是失败:dtm 保持间隔不变(不像出错那样翻倍),每个 RetryInterval 再问一次。saga 设置了 TimeoutToFail,到点时 dtm 不再询问,把事务置为 aborting 并补偿:Pay 可能已经扣款,所以它也被补偿(屏障会让没扣过款的补偿成为空补偿)。把 ONGOING 次数调小,看看支付在超时前完成时事务如何成功。',
    en: 'The second step of an order saga, Pay, calls a payment provider that keeps answering ONGOING. ONGOING is not a failure: dtm keeps the interval (an error would double it) and asks again every RetryInterval. The saga sets TimeoutToFail; when it passes, dtm stops asking, marks the saga aborting and compensates. Pay may have charged the customer, so it is compensated too (the barrier turns it into a null compensation if nothing was charged). Lower the number of ONGOING answers to see the saga succeed when the payment settles in time.',
  },
  lesson: LESSON,
  durationMs: 130_000,
  seed: 32,
  params: {
    timeoutToFailS: secondsParam('超时失败(TimeoutToFail)', 'TimeoutToFail', 60, 5, 120),
    retryIntervalS: secondsParam('重试间隔(RetryInterval)', 'Retry interval (RetryInterval)', 10, 1, 30),
    ongoingAnswers: {
      kind: 'number',
      label: { zh: 'Pay 回答 ONGOING 的次数', en: 'Times Pay answers ONGOING' },
      default: 20,
      min: 0,
      max: 20,
      step: 1,
    },
    settlesAs: {
      kind: 'choice',
      label: { zh: '之后支付的结果', en: 'Then the payment' },
      default: 'SUCCESS',
      options: ['SUCCESS', 'FAILURE'],
    },
  },
  ownFaults: (p) => [
    { atMs: 0, kind: 'branch-answer', branch: 'Pay.action', answer: RESULT_ONGOING, times: Math.round(num(p, 'ongoingAnswers')) },
    ...(str(p, 'settlesAs') === 'FAILURE' ? [{ atMs: 0, kind: 'branch-answer', branch: 'Pay.action', answer: RESULT_FAILURE }] : []),
  ],
  execute(p, seed, faults) {
    const cfg: SagaWorldConfig = {
      seed,
      durationMs: 130_000,
      steps: [{ name: 'CreateOrder' }, { name: 'Pay', moves: { alice: -AMOUNT, shop: AMOUNT } }, { name: 'Ship' }],
      accounts: { alice: 100, shop: 0 },
      handlers: 'barrier',
      timeoutToFailS: Math.round(num(p, 'timeoutToFailS')),
      retryIntervalS: Math.round(num(p, 'retryIntervalS')),
      faults,
    };
    const result = runSagaWorld(cfg);
    const pays = branchEvents(result.trace).filter((e) => e.step === 'Pay' && e.op === 'action');
    const summary: ScenarioSummary = {
      status: result.saga.status,
      reason: result.saga.rollbackReason,
      payRequests: pays.length,
      ongoingAnswers: pays.filter((e) => e.result === RESULT_ONGOING).length,
      lastPayRequestMs: pays.at(-1)?.t ?? -1,
      abortedAtMs: statusTime(result, 'aborting'),
      finishedAtMs: statusTime(result, result.saga.status === 'succeed' ? 'succeed' : 'failed'),
      compensationOrder: compensationOrder(result.trace),
      finalBalances: result.finalBalances,
      balancesAsPromised: sameBalances(result.finalBalances, promisedBalances(cfg, result.saga.status)),
    };
    return { trace: result.trace, summary };
  },
});

const barrierScenario = defineScenario({
  id: 'saga-barrier-late-action',
  model: 'saga',
  title: {
    zh: '子事务屏障:动作比它的补偿晚到(空补偿与悬挂)',
    en: 'Barrier: an action arrives after its compensation (null compensation and suspension)',
  },
  story: {
    zh: 'TransOut 从 alice 扣 30 成功;TransIn 给 bob 加 30 的请求卡在网络里,dtm 等不到回答,事务到 TimeoutToFail 后回滚:先补偿 TransIn,再补偿 TransOut。之后那个迟到的 TransIn 请求才到达。用屏障时,补偿发现动作没执行过,什么也不做(空补偿),并留下记录让迟到的动作直接跳过(防悬挂),余额始终一致。不用屏障(plain)时,补偿从 bob 扣走他从没收到的 30,钱凭空少了;只手写“空补偿检查”(null-check)时,迟到的动作照样给 bob 加钱,钱凭空多了。',
    en: 'TransOut takes 30 from alice; the request giving bob 30 (TransIn) is stuck in the network, dtm gets no answer and, at TimeoutToFail, rolls back: it compensates TransIn, then TransOut. Only then does the late TransIn request reach bob’s service. With the barrier, the compensation sees the action never ran and does nothing (a null compensation) and leaves a row that makes the late action skip itself (no suspension): balances stay consistent. Without it (plain), the compensation takes from bob 30 he never received and money is lost; with only a hand-written null-compensation check, the late action still credits bob and money is created.',
  },
  lesson: LESSON,
  durationMs: 60_000,
  seed: 33,
  params: {
    handlers: {
      kind: 'choice',
      label: { zh: '分支处理方式', en: 'Branch handlers' },
      default: 'barrier',
      options: HANDLER_KINDS,
    },
    delayS: secondsParam('TransIn 请求在网络中的延迟', 'Network delay of the TransIn request', 20, 1, 50),
    timeoutToFailS: secondsParam('超时失败(TimeoutToFail)', 'TimeoutToFail', 5, 1, 20),
  },
  ownFaults: (p) => [{ atMs: 0, kind: 'network-delay', branch: 'TransIn.action', delayMs: num(p, 'delayS') * 1000 }],
  execute(p, seed, faults) {
    const cfg: SagaWorldConfig = {
      seed,
      durationMs: 60_000,
      steps: [TRANS_OUT, TRANS_IN],
      accounts: TRANSFER_ACCOUNTS,
      handlers: str(p, 'handlers') as HandlerKind,
      timeoutToFailS: Math.round(num(p, 'timeoutToFailS')),
      retryIntervalS: 0,
      faults,
    };
    const result = runSagaWorld(cfg);
    const promised = promisedBalances(cfg, result.saga.status);
    const arrived = result.trace.find((e) => e.kind === 'request-arrived');
    const lateEffect = arrived ? result.trace.find((e) => e.kind === 'business' && e.t === arrived.t && e.step === arrived.step && e.op === arrived.op) : undefined;
    const compensatedAtMs = branchEvents(result.trace).find((e) => e.step === 'TransIn' && e.op === 'compensate')?.t ?? -1;
    const atSagaEnd = sameBalances(result.balancesAtSagaEnd, promised);
    const atEnd = sameBalances(result.finalBalances, promised);
    const initialTotal = total(cfg.accounts);
    const summary: ScenarioSummary = {
      handlers: cfg.handlers,
      status: result.saga.status,
      abortedAtMs: statusTime(result, 'aborting'),
      transInCompensatedAtMs: compensatedAtMs,
      lateRequestArrivedAtMs: arrived?.t ?? -1,
      lateRequestWasLate: arrived !== undefined && compensatedAtMs >= 0 && arrived.t > compensatedAtMs,
      lateRequestOutcome: lateEffect ? String(lateEffect.reason ?? lateEffect.outcome) : 'not arrived',
      balancesAtSagaEnd: result.balancesAtSagaEnd ?? {},
      finalBalances: result.finalBalances,
      moneyDiffAtSagaEnd: result.balancesAtSagaEnd ? total(result.balancesAtSagaEnd) - initialTotal : 0,
      moneyDiffAtEnd: total(result.finalBalances) - initialTotal,
      invariantAtSagaEnd: atSagaEnd,
      invariantAtEnd: atEnd,
      invariantHolds: atSagaEnd && atEnd,
    };
    return { trace: result.trace, summary };
  },
});

export const SAGA_SCENARIOS: Scenario[] = [compensationScenario, ongoingScenario, barrierScenario];
