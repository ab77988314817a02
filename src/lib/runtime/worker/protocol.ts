/**
 * Messages between the page and the sandboxed worker. The page talks to the worker over a
 * MessagePort handed through the sandbox iframe, so after start-up nothing passes through the
 * iframe's window and the page never listens to arbitrary `message` events.
 */
import type { Scenario, ScenarioResult } from '../../sim/scenarios/types.ts';
import type { GradeRequest } from '../../grader/grade.ts';
import type { LimiterPlugRequest, LimiterPlugResult } from '../../grader/plug.ts';
import type { GradeResult } from '../../grader/results.ts';
import type { ScenarioRequest } from '../types.ts';

/** Page → sandbox iframe: the worker's source and the port the worker will answer on. */
export interface StartMessage {
  type: 'lab-sandbox-start';
  source: string;
}

/** Sandbox iframe → page: the iframe's script is running (it is waiting for StartMessage). */
export interface ReadyMessage {
  type: 'lab-sandbox-ready';
}

/** Sandbox iframe → page (over the port): the worker could not be created. */
export interface StartFailedMessage {
  type: 'start-failed';
  message: string;
}

/** What the page knows of a scenario without running it: everything but `run`. */
export type ScenarioInfo = Omit<Scenario, 'run'>;

export type WorkerRequest =
  | { id: number; type: 'scenario'; request: ScenarioRequest }
  | { id: number; type: 'catalog' }
  | { id: number; type: 'ping' }
  | { id: number; type: 'grade'; request: GradeRequest }
  | { id: number; type: 'limiter'; request: LimiterPlugRequest };

export type WorkerResponse =
  | { id: number; ok: true; type: 'scenario'; result: ScenarioResult }
  | { id: number; ok: true; type: 'catalog'; scenarios: ScenarioInfo[] }
  | { id: number; ok: true; type: 'ping' }
  | { id: number; ok: true; type: 'grade'; result: GradeResult }
  | { id: number; ok: true; type: 'limiter'; result: LimiterPlugResult }
  | { id: number; ok: false; error: string };

/** Worker → page (over the port), once, when it is ready to take requests. */
export interface WorkerReady {
  type: 'worker-ready';
}

export type PortMessage = WorkerResponse | WorkerReady | StartFailedMessage;
