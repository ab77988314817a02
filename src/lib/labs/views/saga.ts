/**
 * The saga lab: dtm's orchestration of actions and compensations, with the branch results, the
 * global status, retries, and the account balances that must end as promised.
 */
import type { TraceEvent } from '../../sim/kernel.ts';
import { stepPerBin } from '../trace.ts';
import { binFor, fmtMs, pick, type Highlight, type LabView, type Series } from '../types.ts';

/** The saga's steps in order of their first branch. */
export function stepsOf(trace: readonly TraceEvent[]): string[] {
  const steps: string[] = [];
  for (const e of trace) {
    if ((e.kind === 'branch' || e.kind === 'business') && typeof e.step === 'string' && !steps.includes(e.step)) steps.push(e.step);
  }
  return steps;
}

const branchNode = (step: string, op: string) => `${step}_${op === 'compensate' ? 'c' : 'a'}`.replace(/[^A-Za-z0-9_]/g, '_');

function accountsOf(trace: readonly TraceEvent[]): string[] {
  const first = trace.find((e) => e.kind === 'balances');
  return first ? Object.keys(first).filter((k) => k !== 't' && k !== 'kind' && k !== 'total') : [];
}

export const sagaView: LabView = {
  charts(trace, durationMs, lang) {
    const binMs = binFor(durationMs);
    const series: Series[] = accountsOf(trace).map((account, i) => ({
      name: account,
      colour: ((i % 4) + 1) as Series['colour'],
      values: stepPerBin<number | null>(trace, durationMs, binMs, null, (v, e) => (e.kind === 'balances' && typeof e[account] === 'number' ? (e[account] as number) : v)),
    }));
    series.push({
      name: pick(lang, '总额', 'total'),
      colour: 5,
      values: stepPerBin<number | null>(trace, durationMs, binMs, null, (v, e) => (e.kind === 'balances' && typeof e.total === 'number' ? e.total : v)),
    });
    return [{ id: 'balances', title: pick(lang, '账户余额', 'Account balances'), unit: '', binMs, shape: 'steps', series }];
  },

  diagram(trace, _params, lang) {
    const steps = stepsOf(trace);
    const lines = ['flowchart TD', `  dtm{{"dtm ${pick(lang, '(编排者)', '(orchestrator)')}"}}`];
    steps.forEach((step, i) => {
      lines.push(`  ${branchNode(step, 'action')}["${step}.action"]`);
      lines.push(`  ${branchNode(step, 'compensate')}["${step}.compensate"]`);
      if (i === 0) lines.push(`  dtm --> ${branchNode(step, 'action')}`);
      else lines.push(`  ${branchNode(steps[i - 1]!, 'action')} --> ${branchNode(step, 'action')}`);
      lines.push(`  ${branchNode(step, 'action')} -. "${pick(lang, '失败时补偿', 'undo on failure')}" .-> ${branchNode(step, 'compensate')}`);
    });
    return lines.join('\n');
  },

  highlight(trace, count) {
    const results = new Map<string, Highlight['tone']>();
    for (let i = 0; i < count; i++) {
      const e = trace[i]!;
      if (e.kind !== 'branch' || typeof e.step !== 'string' || typeof e.op !== 'string') continue;
      const result = String(e.result);
      results.set(branchNode(e.step, e.op), result === 'SUCCESS' ? 'active' : result === 'FAILURE' ? 'bad' : 'warn');
    }
    return [...results].map(([id, tone]) => ({ id, tone }));
  },

  explain(e, lang) {
    const branch = `${String(e.step)}.${String(e.op)}`;
    switch (e.kind) {
      case 'status': {
        const s = String(e.status);
        if (s === 'submitted') return pick(lang, '全局事务已提交给 dtm,开始按顺序执行各分支的 action。', 'The global transaction is submitted; dtm runs the branches\' actions in order.');
        if (s === 'aborting') return pick(lang, `全局事务进入 aborting${e.reason ? `(${String(e.reason)})` : ''}:dtm 按相反顺序执行补偿,包括失败的那个分支。`, `The saga is aborting${e.reason ? ` (${String(e.reason)})` : ''}: dtm runs compensations in reverse order, including the failed branch's own.`);
        if (s === 'failed') return pick(lang, '所有补偿都成功了,全局事务以 failed 结束:余额回到了开始时的状态。', 'Every compensation succeeded: the saga ends as failed, with the balances back where they started.');
        if (s === 'succeed') return pick(lang, '所有 action 成功,全局事务成功。', 'Every action succeeded: the saga succeeded.');
        return undefined;
      }
      case 'branch': {
        const r = String(e.result);
        if (r === 'FAILURE') return pick(lang, `${branch} 返回 FAILURE:这是确定的业务失败,dtm 不再重试它,转而回滚。`, `${branch} answered FAILURE: a definite business failure, so dtm stops retrying and rolls back.`);
        if (r.startsWith('ERROR') || r === 'TIMEOUT') return pick(lang, `${branch} 出错(${r}):结果不确定,dtm 会稍后重试,所以分支必须幂等。`, `${branch} errored (${r}): the outcome is uncertain, so dtm retries later, which is why branches must be idempotent.`);
        if (r === 'ONGOING') return pick(lang, `${branch} 返回 ONGOING:还在处理,dtm 按重试间隔再来问。`, `${branch} answered ONGOING: still in progress; dtm asks again after the retry interval.`);
        return undefined;
      }
      case 'retry-scheduled':
        return pick(lang, `dtm 安排在 ${fmtMs(Number(e.atMs))} 重试未完成的分支。`, `dtm schedules a retry of the unfinished branches at ${fmtMs(Number(e.atMs))}.`);
      case 'request-delayed':
        return pick(lang, `${branch} 的请求在网络中被延迟 ${fmtMs(Number(e.delayMs))}:dtm 视之为超时。`, `${branch}'s request is delayed ${fmtMs(Number(e.delayMs))} in the network: dtm sees a timeout.`);
      case 'request-arrived':
        return pick(lang, `迟到的 ${branch} 请求终于到达:子事务屏障决定它是否还能执行(防悬挂)。`, `The late ${branch} request finally arrives: the barrier decides whether it may still run (no suspension).`);
      default:
        return undefined;
    }
  },

  faults(trace, _params, lang) {
    return stepsOf(trace).flatMap((step) => [
      {
        id: `fail-${step}`,
        label: pick(lang, `让 ${step}.action 返回 FAILURE`, `Make ${step}.action answer FAILURE`),
        make: (atMs: number) => ({ atMs, kind: 'branch-answer', branch: `${step}.action`, answer: 'FAILURE', times: 1 }),
      },
      {
        id: `error-${step}`,
        label: pick(lang, `让 ${step}.compensate 出错一次`, `Make ${step}.compensate error once`),
        make: (atMs: number) => ({ atMs, kind: 'branch-answer', branch: `${step}.compensate`, answer: 'ERROR: injected', times: 1 }),
      },
    ]);
  },
};
