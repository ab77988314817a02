/**
 * The registry lab: etcd leases, instances that heartbeat, and clients whose cached view follows the
 * watch. Charts: how many instances each client knows, and where calls go (and fail).
 */
import type { TraceEvent } from '../../sim/kernel.ts';
import { countPerBin, countUpTo, stepPerBin } from '../trace.ts';
import { binFor, fmtMs, pick, type ChartSpec, type FaultAction, type Highlight, type LabView, type Series } from '../types.ts';

/** A call that succeeded or failed, in the simulation's words (`ok`) or the live lab's (`outcome`). */
const succeeded = (e: TraceEvent) => e.kind === 'call' && (e.ok === true || e.outcome === 'success');
const failed = (e: TraceEvent) =>
  e.kind === 'no-instance' || (e.kind === 'call' && (e.ok === false || e.outcome === 'failure' || e.outcome === 'no-instance'));

/** Mermaid ids cannot hold '-': inst-1 → inst_1. */
export const nodeId = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');

/** Instances and clients in the order they appear in the trace. */
export function actorsOf(trace: readonly TraceEvent[]): { instances: string[]; clients: string[] } {
  const instances: string[] = [];
  const clients: string[] = [];
  for (const e of trace) {
    if ((e.kind === 'registered' || e.kind === 'join') && typeof e.instance === 'string' && !instances.includes(e.instance)) instances.push(e.instance);
    if (e.kind === 'view' && typeof e.client === 'string' && !clients.includes(e.client)) clients.push(e.client);
  }
  return { instances, clients };
}

type Life = 'up' | 'crashed' | 'stopped' | 'expired' | 'gone';

/** Each instance's condition after the first `count` events. */
export function livesAt(trace: readonly TraceEvent[], count: number): Map<string, Life> {
  const lives = new Map<string, Life>();
  for (let i = 0; i < count; i++) {
    const e = trace[i]!;
    // The live lab's processes: a killed instance exits (its lease lives on until it expires).
    if (e.kind === 'process-exited' && typeof e.source === 'string' && lives.has(e.source)) {
      lives.set(e.source, 'crashed');
      continue;
    }
    const inst = typeof e.instance === 'string' ? e.instance : undefined;
    if (!inst) continue;
    if (e.kind === 'registered' || e.kind === 'restart' || e.kind === 'join') lives.set(inst, 'up');
    else if (e.kind === 'crash') lives.set(inst, 'crashed');
    else if (e.kind === 'shutdown') lives.set(inst, 'stopped');
    else if (e.kind === 'lease-expired') lives.set(inst, lives.get(inst) === 'up' ? 'up' : 'expired');
    else if (e.kind === 'deregistered' || e.kind === 'exit') lives.set(inst, 'gone');
  }
  return lives;
}

export const registryView: LabView = {
  charts(trace, durationMs, lang) {
    const binMs = binFor(durationMs);
    const perSecond = 1000 / binMs;
    const { instances, clients } = actorsOf(trace);
    const known: Series[] = clients.map((client, i) => ({
      name: client,
      colour: ((i % 5) + 1) as Series['colour'],
      values: stepPerBin<number | null>(trace, durationMs, binMs, null, (n, e) => (e.kind === 'view' && e.client === client && Array.isArray(e.instances) ? e.instances.length : n)),
    }));
    const calls: Series[] = instances.slice(0, 4).map((inst, i) => ({
      name: inst,
      colour: ((i % 4) + 1) as Series['colour'],
      values: countPerBin(trace, durationMs, binMs, (e) => succeeded(e) && e.instance === inst).map((n) => n * perSecond),
    }));
    calls.push({
      name: pick(lang, '失败的调用', 'failed calls'),
      colour: 5,
      values: countPerBin(trace, durationMs, binMs, failed).map((n) => n * perSecond),
    });
    const charts: ChartSpec[] = [
      { id: 'known', title: pick(lang, '每个客户端已知的实例数', 'Instances known to each client'), unit: '', binMs, shape: 'steps', series: known },
      { id: 'calls', title: pick(lang, '各实例收到的成功调用(每秒)', 'Successful calls per instance per second'), unit: '/s', binMs, shape: 'line', series: calls },
    ];
    return charts;
  },

  diagram(trace, _params, lang) {
    const { instances, clients } = actorsOf(trace);
    const lines = ['flowchart LR', `  etcd[("etcd ${pick(lang, '(租约 + 键)', '(leases + keys)')}")]`];
    for (const inst of instances) lines.push(`  ${nodeId(inst)}["${inst}"] -- "${pick(lang, '注册 + 续约', 'register + keep-alive')}" --> etcd`);
    for (const client of clients) lines.push(`  etcd -. "watch" .-> ${nodeId(client)}(["${client}"])`);
    return lines.join('\n');
  },

  highlight(trace, count): Highlight[] {
    const out: Highlight[] = [];
    for (const [inst, life] of livesAt(trace, count)) {
      out.push({ id: nodeId(inst), tone: life === 'up' ? 'active' : life === 'stopped' ? 'warn' : 'bad' });
    }
    const partitioned = new Set<string>();
    for (let i = 0; i < count; i++) {
      const e = trace[i]!;
      if ((e.kind === 'partition' || e.kind === 'heal') && Array.isArray(e.clients)) {
        for (const c of e.clients) {
          if (e.kind === 'partition') partitioned.add(String(c));
          else partitioned.delete(String(c));
        }
      }
    }
    for (const c of partitioned) out.push({ id: nodeId(c), tone: 'warn' });
    return out;
  },

  explain(e, lang) {
    const inst = String(e.instance ?? '');
    switch (e.kind) {
      case 'registered':
        return pick(lang, `${inst} 用 TTL ${String(e.ttlS)} 秒的租约写入了自己的键;此后靠 KeepAlive 续约。`, `${inst} put its key with a ${String(e.ttlS)} s lease; from now on KeepAlive renews it.`);
      case 'crash':
        return pick(lang, `${inst} 崩溃了:没有注销,也不再续约。它的键会一直留在 etcd 里,直到租约过期。`, `${inst} crashed: no deregistration, no more renewals. Its key stays in etcd until the lease expires.`);
      case 'lease-expired':
        return pick(lang, `${inst} 的租约过期,etcd 删除了它的键;watch 会把删除事件推给各客户端。`, `${inst}'s lease expired and etcd deleted its key; the watch carries the delete to every client.`);
      case 'shutdown':
        return pick(lang, `${inst} 优雅下线:先撤销租约(键立刻删除),再等 ${fmtMs(Number(e.drainMs))} 处理完在途请求。`, `${inst} shuts down gracefully: it revokes its lease (the key goes at once), then drains for ${fmtMs(Number(e.drainMs))}.`);
      case 'deregistered':
        return pick(lang, `${inst} 的键被删除(${String(e.cause)}),客户端马上就会从 watch 得知。`, `${inst}'s key was deleted (${String(e.cause)}); clients learn of it from the watch right away.`);
      case 'view': {
        const list = Array.isArray(e.instances) ? e.instances.map(String) : [];
        return pick(lang, `${String(e.client)} 的本地缓存更新:现在知道 ${list.length} 个实例(${list.join(', ') || '无'})。`, `${String(e.client)}'s cache changed: it now knows ${list.length} instance(s) (${list.join(', ') || 'none'}).`);
      }
      case 'partition':
        return pick(lang, '网络分区:部分客户端连不上 etcd。它们继续使用本地缓存里的实例列表,可能调用已经死掉的实例。', 'A partition: some clients cannot reach etcd. They keep using their cached instance list, which may include dead instances.');
      case 'heal':
        return pick(lang, '分区恢复:客户端重新 watch 并补上错过的变更。', 'The partition heals: clients watch again and catch up on what they missed.');
      case 'join':
        return pick(lang, `新实例 ${inst} 加入并注册;客户端通过 watch 发现它。`, `A new instance ${inst} joins and registers; clients discover it through the watch.`);
      case 'restart':
        return pick(lang, `${inst} 重启:新进程申请新的租约并重新注册。`, `${inst} restarts: the new process grants a new lease and registers again.`);
      default:
        return undefined;
    }
  },

  faults(trace, _params, lang) {
    const { instances } = actorsOf(trace);
    const actions: FaultAction[] = instances.flatMap((inst): FaultAction[] => [
      {
        id: `crash-${inst}`,
        label: pick(lang, `杀掉 ${inst}`, `Kill ${inst}`),
        make: (atMs: number, current: readonly TraceEvent[]) => {
          const life = livesAt(current, countUpTo(current, atMs)).get(inst);
          return life === 'up' ? { atMs, kind: 'crash', instance: inst } : { unavailable: pick(lang, `${inst} 没有在运行`, `${inst} is not running`) };
        },
      },
      {
        id: `restart-${inst}`,
        label: pick(lang, `重启 ${inst}`, `Restart ${inst}`),
        make: (atMs: number, current: readonly TraceEvent[]) => {
          const life = livesAt(current, countUpTo(current, atMs)).get(inst);
          return life !== undefined && life !== 'up' ? { atMs, kind: 'restart', instance: inst } : { unavailable: pick(lang, `${inst} 正在运行`, `${inst} is running`) };
        },
      },
    ]);
    actions.push({
      id: 'partition',
      label: pick(lang, '把客户端与 etcd 分区 10 秒', 'Partition the clients from etcd for 10 s'),
      make: (atMs: number) => ({ atMs, kind: 'partition', durationMs: 10_000 }),
    });
    return actions;
  },
};
