/**
 * The `saga` model of the replay contract (DESIGN.md, "The replay contract"): a dtm saga submitted
 * at time 0 whose branches answer from a script.
 *
 * Config: `{"steps":["TransOut","TransIn"],"concurrent":false,"script":{"TransIn.action":["FAILURE"],
 * "TransOut.compensate":["ERROR","SUCCESS"]}}` — each branch's answers in order; a branch with no
 * script, or past its end, answers SUCCESS. Optional fields, with dtm's defaults:
 * `timeoutToFailMs` (0: a saga never times out), `retryIntervalMs` (0: the server's 10 s),
 * `retryLimit` (0: no limit) and `orders` (`{"1":[0]}`, dtmcli.Saga.AddBranchOrder). dtm counts the
 * two durations in whole seconds, so they must be multiples of 1000 ms.
 *
 * Op: `{"op":"run","untilMs":60000}` → `{"status":"succeed"|"failed"|"aborting"|"submitted",
 * "calls":["TransOut.action",...]}`, every request made up to and including `untilMs`, in time order.
 * The saga is deterministic, so each run replays it from time 0: runs may come in any order.
 */
import { DtmSaga, scriptedInvoker, type SagaOp } from '../models/saga/saga.ts';
import { SECOND, msToNanos } from '../time.ts';
import { ReplayError, numberField, optionalNumber, type Json, type JsonObject, type ReplayFactory } from './types.ts';

interface SagaReplayConfig {
  steps: string[];
  concurrent: boolean;
  orders: Record<number, number[]>;
  script: Record<string, string[]>;
  timeoutToFailMs: number;
  retryIntervalMs: number;
  retryLimit: number;
}

const OPS: readonly SagaOp[] = ['action', 'compensate'];

export const createSagaReplay: ReplayFactory = (raw) => {
  const config = parseConfig(raw);
  return {
    apply(op) {
      if (op.op !== 'run') throw new ReplayError(`unknown op ${JSON.stringify(op.op)}`);
      const untilMs = numberField(op, 'untilMs');
      if (untilMs < 0) throw new ReplayError('"untilMs" must not be negative');
      const saga = newSaga(config);
      saga.submit(0);
      saga.runUntil(msToNanos(untilMs));
      return { status: saga.status, calls: saga.calls.map((c) => `${c.step}.${c.op}`) };
    },
  };
};

function newSaga(config: SagaReplayConfig): DtmSaga {
  return new DtmSaga(
    'replay',
    config.steps.map((name) => ({ name })),
    {
      concurrent: config.concurrent,
      orders: config.orders,
      timeoutToFail: msToNanos(config.timeoutToFailMs),
      retryInterval: msToNanos(config.retryIntervalMs),
      retryLimit: config.retryLimit,
    },
    scriptedInvoker(config.script),
  );
}

function parseConfig(raw: JsonObject): SagaReplayConfig {
  const steps = parseSteps(raw.steps);
  const concurrent = raw.concurrent ?? false;
  if (typeof concurrent !== 'boolean') throw new ReplayError('"concurrent" must be a boolean');
  return {
    steps,
    concurrent,
    orders: parseOrders(raw.orders, steps.length),
    script: parseScript(raw.script, steps),
    timeoutToFailMs: wholeSecondsMs(raw, 'timeoutToFailMs'),
    retryIntervalMs: wholeSecondsMs(raw, 'retryIntervalMs'),
    retryLimit: nonNegativeInteger(raw, 'retryLimit'),
  };
}

function parseSteps(v: Json | undefined): string[] {
  if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string' && s !== '')) {
    throw new ReplayError('"steps" must be an array of non-empty strings');
  }
  if (new Set(v).size !== v.length) throw new ReplayError('"steps" must not repeat a name');
  return v;
}

function parseScript(v: Json | undefined, steps: readonly string[]): Record<string, string[]> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ReplayError('"script" must be an object');
  const script: Record<string, string[]> = {};
  for (const [key, answers] of Object.entries(v)) {
    const dot = key.lastIndexOf('.');
    const step = key.slice(0, dot);
    const op = key.slice(dot + 1);
    if (dot < 0 || !steps.includes(step) || !(OPS as readonly string[]).includes(op)) {
      throw new ReplayError(`"script" key ${JSON.stringify(key)} must be "<step>.action" or "<step>.compensate" of a listed step`);
    }
    if (!Array.isArray(answers) || !answers.every((a): a is string => typeof a === 'string')) {
      throw new ReplayError(`"script.${key}" must be an array of strings`);
    }
    script[key] = answers;
  }
  return script;
}

function parseOrders(v: Json | undefined, stepCount: number): Record<number, number[]> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ReplayError('"orders" must be an object');
  const isStep = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < stepCount;
  const orders: Record<number, number[]> = {};
  for (const [key, pres] of Object.entries(v)) {
    const step = Number(key);
    if (!/^\d+$/.test(key) || !isStep(step)) throw new ReplayError(`"orders" key ${JSON.stringify(key)} is not a step index`);
    if (!Array.isArray(pres) || !pres.every(isStep)) throw new ReplayError(`"orders.${key}" must be an array of step indexes`);
    orders[step] = pres;
  }
  return orders;
}

function wholeSecondsMs(raw: JsonObject, key: string): number {
  const ms = optionalNumber(raw, key, 0);
  if (ms < 0 || !Number.isInteger(msToNanos(ms) / SECOND)) {
    throw new ReplayError(`"${key}" must be a non-negative whole number of seconds in milliseconds (dtm counts seconds)`);
  }
  return ms;
}

function nonNegativeInteger(raw: JsonObject, key: string): number {
  const v = optionalNumber(raw, key, 0);
  if (v < 0 || !Number.isInteger(v)) throw new ReplayError(`"${key}" must be a non-negative integer`);
  return v;
}
