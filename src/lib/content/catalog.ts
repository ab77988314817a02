/**
 * The simulations and exercises that lessons may link to, with their display names.
 *
 * Lessons are validated against these ids so that a typo in a link fails the build. Every exercise id
 * has its folder `content/exercises/<id>/`, whose meta.yaml title must equal the names here (the
 * content check enforces both).
 */
import type { Lang } from './types.ts';

type Names = Record<Lang, string>;

export const SIMS = {
  registry: { zh: '服务注册与发现模拟', en: 'Service registry simulation' },
  rpc: { zh: 'RPC 调用模拟', en: 'RPC simulation' },
  breaker: { zh: '熔断器模拟', en: 'Circuit breaker simulation' },
  limiter: { zh: '限流器模拟', en: 'Rate limiter simulation' },
  saga: { zh: 'Saga 分布式事务模拟', en: 'Saga simulation' },
} as const satisfies Record<string, Names>;

export const EXERCISES = {
  'token-bucket': { zh: '令牌桶限流器', en: 'Token bucket limiter' },
  'sliding-window': { zh: '滑动窗口限流器', en: 'Sliding window limiter' },
  'circuit-breaker': { zh: '兼容 gobreaker 的熔断器', en: 'A gobreaker-compatible circuit breaker' },
  'retry-backoff': { zh: '指数退避 + 抖动 + 截止时间的重试', en: 'Retry with backoff, jitter and a deadline' },
  'context-tree': { zh: 'Context 取消树', en: 'A context cancellation tree' },
  'lease-registry': { zh: '带 Watch 的租约注册中心', en: 'A lease registry with watch' },
  'load-balancers': { zh: '负载均衡器:平滑加权轮询与一致性哈希', en: 'Load balancers: smooth weighted round robin and consistent hashing' },
  'saga-orchestrator': { zh: '带补偿的 Saga 编排器', en: 'A saga orchestrator with compensation' },
  'saga-barrier': { zh: 'Saga 子事务屏障', en: 'A saga barrier' },
  'middleware-chain': { zh: '洋葱模型中间件链', en: 'A middleware onion chain' },
  'protobuf-wire': { zh: 'Protobuf varint 与线格式 vs JSON', en: 'Protobuf varints and wire format vs JSON' },
  'jwt-hs256': { zh: 'JWT HS256 校验', en: 'JWT HS256 verification' },
  'hot-reload-config': { zh: '原子替换与回滚的热加载配置', en: 'Hot-reload config with atomic swap and rollback' },
  traceparent: { zh: 'W3C traceparent 解析与传播', en: 'W3C traceparent parsing and propagation' },
  singleflight: { zh: 'singleflight 请求合并', en: 'Singleflight' },
  bulkhead: { zh: '舱壁信号量', en: 'A bulkhead semaphore' },
  'idempotent-consumer': { zh: '幂等消费者', en: 'An idempotent consumer' },
} as const satisfies Record<string, Names>;

export type SimId = keyof typeof SIMS;
export type ExerciseId = keyof typeof EXERCISES;

export function isSimId(id: string): id is SimId {
  return Object.hasOwn(SIMS, id);
}

export function isExerciseId(id: string): id is ExerciseId {
  return Object.hasOwn(EXERCISES, id);
}

/** The display name of a simulation or exercise, or undefined for an unknown id. */
export function catalogName(kind: 'sims' | 'exercises', id: string, lang: Lang): string | undefined {
  if (kind === 'sims') return isSimId(id) ? SIMS[id][lang] : undefined;
  return isExerciseId(id) ? EXERCISES[id][lang] : undefined;
}

/**
 * The course path: the syllabus's lessons grouped into stages, in the order a learner should take
 * them. Every lesson in content/lessons must belong to a stage, and lesson `order`s must follow the
 * stages (a content test checks both). Lessons not written yet are listed so the path is complete
 * from day one; their planned orders are their position here: registry 1 … frameworks 6,
 * timeouts 7 … circuit-breaking 10, distributed-transactions 11, messaging 12, decomposition 13,
 * observability 14, security 15, api-evolution 16, production 17.
 */
export const STAGES = [
  {
    id: 'fundamentals',
    title: { zh: '基础:发现、通信与配置', en: 'Fundamentals: discovery, communication, configuration' },
    lessons: ['registry', 'rpc', 'communication', 'middleware', 'config', 'frameworks'],
  },
  {
    id: 'resilience',
    title: { zh: '韧性:超时、重试、限流与熔断', en: 'Resilience: timeouts, retries, rate limits, breakers' },
    lessons: ['timeouts', 'retries', 'rate-limiting', 'circuit-breaking'],
  },
  {
    id: 'consistency',
    title: { zh: '数据一致性:事务、消息与拆分', en: 'Data consistency: transactions, messaging, decomposition' },
    lessons: ['distributed-transactions', 'messaging', 'decomposition'],
  },
  {
    id: 'operations',
    title: { zh: '运维与演进:可观测性、安全与生产实践', en: 'Operations: observability, security, evolution, production' },
    lessons: ['observability', 'security', 'api-evolution', 'production'],
  },
] as const satisfies readonly { id: string; title: Names; lessons: readonly string[] }[];

export type StageId = (typeof STAGES)[number]['id'];

/** The stage a lesson belongs to, or undefined for a lesson the path does not know. */
export function stageOf(lessonId: string): (typeof STAGES)[number] | undefined {
  return STAGES.find((s) => (s.lessons as readonly string[]).includes(lessonId));
}
