/** The models of the replay contract, by the name the CLI and the Go oracle use. */
import { createBackoffReplay } from './backoff.ts';
import { createBreakerReplay } from './breaker.ts';
import { createLeaseReplay } from './lease.ts';
import { createLimiterReplay } from './limiter.ts';
import { createRetryReplay } from './retry.ts';
import { createSagaReplay } from './saga.ts';
import type { ReplayFactory } from './types.ts';

export const REPLAY_MODELS = {
  limiter: createLimiterReplay,
  breaker: createBreakerReplay,
  backoff: createBackoffReplay,
  retry: createRetryReplay,
  lease: createLeaseReplay,
  saga: createSagaReplay,
} as const satisfies Record<string, ReplayFactory>;

export type ReplayModelName = keyof typeof REPLAY_MODELS;
