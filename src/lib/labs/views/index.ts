/** The view of each lab, by simulation id (the ids of SIMS in src/lib/content/catalog.ts). */
import type { SimId } from '../../content/catalog.ts';
import type { LabView } from '../types.ts';
import { breakerView } from './breaker.ts';
import { limiterView } from './limiter.ts';
import { registryView } from './registry.ts';
import { rpcView } from './rpc.ts';
import { sagaView } from './saga.ts';

export const LAB_VIEWS: Record<SimId, LabView> = {
  registry: registryView,
  rpc: rpcView,
  breaker: breakerView,
  limiter: limiterView,
  saga: sagaView,
};
