/**
 * A unary RPC through a chain of services (client → A → B → C) over the simulated network, with
 * deadline propagation, server interceptors and client retries.
 *
 * Deadlines, as grpc-go carries them:
 * - A caller with a deadline sends the time it has left as the `grpc-timeout` header, computed when
 *   the request leaves (`encodeGrpcTimeout`, which rounds up to 8 digits). A caller whose deadline
 *   has already passed does not send at all and fails with DEADLINE_EXCEEDED (grpc-go checks the
 *   context before creating the stream).
 * - The callee decodes the header and starts its own deadline when the request arrives. The time
 *   the request spent on the network is therefore not subtracted: each hop believes it has a little
 *   more time than the client really left it, by the sum of the one-way transits so far. Propagation
 *   'grpc-timeout' (the default) models exactly that; 'transit-aware' subtracts the request's transit
 *   (as if deadlines travelled as absolute times between synchronised clocks), so the hop's budget
 *   is the remaining budget minus network time. The trace shows both numbers either way.
 * - Handlers honour their context: processing stops when the hop's deadline passes, and the hop
 *   answers DEADLINE_EXCEEDED without calling downstream. A caller stops waiting at its own
 *   deadline (producing DEADLINE_EXCEEDED itself) and resets the stream; the reset travels to the
 *   callee and cancels its handler and, through it, the rest of the chain.
 * - A send the network refuses at once (a partition, no route) fails fast with UNAVAILABLE, as an
 *   RPC on a channel in TRANSIENT_FAILURE does; a message lost on the way is only noticed when the
 *   caller's deadline passes.
 *
 * Interceptors run in onion order at each hop: `before` outside-in, then the handler, then
 * `after` inside-out (grpc-go's chained unary interceptors: the first one given is the outermost).
 *
 * Retries: `RetryingClient` makes the attempts of one call with a `RetryPolicy` and a channel's
 * `RetryThrottler` from retry.ts, deciding after each failed attempt in the order of
 * `simulateCall` (grpc-go's `shouldRetry`), with backoff jitter drawn from the simulator's seeded
 * generator. `simulateCall` needs each attempt's answer at once; here attempts take however long the
 * network and the chain take, so the same decisions are made event by event.
 *
 * Trace events (when the call is traced), all with `call` (the call id) and `attempt`
 * (grpc-previous-rpc-attempts):
 * - `attempt` {client, grpcTimeout, tokens}: the client starts an attempt;
 * - `hop` {hop, from, grpcTimeout, budgetMs, transitMs, remainingMs, clientRemainingMs}: a request
 *   arrives; `budgetMs` is the decoded header, `remainingMs` the hop's own deadline minus now,
 *   `clientRemainingMs` what the client really has left;
 * - `interceptor` {hop, name, phase: 'before' | 'after', code?};
 * - `deadline` {hop, where}: where a deadline ended something: 'before-send' (no budget left to call
 *   downstream), 'arrival', 'processing' (the handler was still working), 'waiting' (a caller
 *   stopped waiting for `waitingFor`; for the client, `busy` names the hop that was processing at
 *   that moment, i.e. where the time ran out);
 * - `reply` {hop, to, code, producedBy}; `late-reply` {hop, to}: a reply after the caller gave up;
 * - `cancel` {hop}: a reset reached a running handler;
 * - `drop` {from, to, reason, inFlight}: a message lost (loss, or a partition that began while it
 *   travelled: inFlight true) or refused at send (partition, no route: inFlight false);
 * - `retry` {code, delayMs, tokens}, `throttled` {code, tokens}: the client's decisions after a
 *   failed attempt (retry after a delay, or not, because the channel's tokens are at or below half);
 * - `response` {code, attempts, latencyMs, outcome, producedBy}: the call's final status.
 */
import type { EventId, Simulator } from '../../kernel.ts';
import { nanosToMs, type Nanos } from '../../time.ts';
import type { RandomSource } from './backoff.ts';
import { decodeGrpcTimeout, encodeGrpcTimeout } from './grpc-timeout.ts';
import { sampleLatency, type LatencySpec, type Network } from './network.ts';
import { parsePushback, retryBackoff, RetryThrottler, type RetryPolicy, type RetryThrottlingSpec } from './retry.ts';
import type { StatusCodeName } from './status.ts';

export type DeadlinePropagation = 'grpc-timeout' | 'transit-aware';

/** What a hop knows about the request it is serving. */
export interface HopRequest {
  readonly call: string;
  readonly attempt: number;
  readonly hop: string;
  readonly index: number;
  readonly from: string;
  readonly arrivedAt: Nanos;
  /** The header text, or undefined when the caller had no deadline. */
  readonly grpcTimeout: string | undefined;
  /** The decoded header (Infinity without one). */
  readonly budget: Nanos;
  /** This hop's own deadline, absolute (Infinity without one). */
  readonly deadline: Nanos;
  /** How long the request spent on the network. */
  readonly transit: Nanos;
}

export interface HopAnswer {
  readonly code: StatusCodeName;
  /** A `grpc-retry-pushback-ms` trailer. */
  readonly pushback?: string;
}

export interface Interceptor {
  readonly name: string;
  /** On the way in; returning a status other than OK answers with it (inner layers do not run). */
  readonly before?: (request: HopRequest) => StatusCodeName | void;
  /** On the way out, with the status the inner layers produced. */
  readonly after?: (request: HopRequest, code: StatusCodeName) => void;
}

export interface HopSpec {
  readonly name: string;
  /** Work done before calling downstream (or answering, at the last hop). */
  readonly processing: LatencySpec | ((request: HopRequest) => Nanos);
  /** Outermost first. */
  readonly interceptors?: readonly Interceptor[];
  /** The hop's own verdict after processing (e.g. an outage); undefined or OK: carry on. */
  readonly answer?: (request: HopRequest) => HopAnswer | StatusCodeName | undefined;
  readonly requestBytes?: number;
  readonly responseBytes?: number;
}

export interface ChainOptions {
  readonly client: string;
  readonly hops: readonly HopSpec[];
  readonly propagation?: DeadlinePropagation;
  /** Which calls write trace events (default none). */
  readonly trace?: boolean | ((call: string) => boolean);
  /** Size of a request or response when the hop does not say (default 256 bytes). */
  readonly messageBytes?: number;
  /** Whether a caller that gives up resets the stream, cancelling the callee (default true). */
  readonly propagateCancellation?: boolean;
}

/** How one attempt ended, as the client saw it. */
export interface AttemptResult {
  readonly code: StatusCodeName;
  readonly pushback?: string;
  /** The node whose own work or timer produced the status (a hop, or the client). */
  readonly producedBy: string;
  /** The client's own deadline ended the wait. */
  readonly byClientDeadline: boolean;
  /** When the client's deadline ended the wait: the hop that was still processing then (where the time went). */
  readonly busyAtDeadline: string | null;
  readonly endAt: Nanos;
}

/** An RST_STREAM frame: a 9-byte HTTP/2 frame header and a 4-byte error code. */
const RST_STREAM_BYTES = 13;
const DEFAULT_MESSAGE_BYTES = 256;

interface CallContext {
  readonly call: string;
  readonly attempt: number;
  readonly clientDeadline: Nanos;
  readonly traced: boolean;
  /** The hop whose handler is processing right now (one at a time along a chain), or null. */
  busy: string | null;
}

interface Outcome {
  readonly code: StatusCodeName;
  readonly pushback?: string;
  readonly producedBy: string;
}

/** A call in progress from the caller's side: cancelling it stops the wait and resets the stream. */
interface PendingCall {
  cancel(): void;
}

export class CallChain {
  readonly client: string;
  readonly hops: readonly HopSpec[];
  private readonly propagation: DeadlinePropagation;
  private readonly traceFilter: (call: string) => boolean;
  private readonly messageBytes: number;
  private readonly propagateCancellation: boolean;

  constructor(
    private readonly sim: Simulator,
    private readonly network: Network,
    options: ChainOptions,
  ) {
    if (options.hops.length === 0) throw new RangeError('a call chain needs at least one hop');
    this.client = options.client;
    this.hops = options.hops;
    this.propagation = options.propagation ?? 'grpc-timeout';
    const trace = options.trace ?? false;
    this.traceFilter = typeof trace === 'function' ? trace : () => trace;
    this.messageBytes = options.messageBytes ?? DEFAULT_MESSAGE_BYTES;
    this.propagateCancellation = options.propagateCancellation ?? true;
  }

  /** True when events of this call go to the trace. */
  traces(call: string): boolean {
    return this.traceFilter(call);
  }

  /**
   * One attempt from the client through the chain. `deadline` is absolute (Infinity: none); `done`
   * runs once, never synchronously.
   */
  attempt(call: string, previousAttempts: number, deadline: Nanos, done: (result: AttemptResult) => void): void {
    const ctx: CallContext = { call, attempt: previousAttempts, clientDeadline: deadline, traced: this.traceFilter(call), busy: null };
    this.callHop(this.client, deadline, 0, ctx, true, (outcome, byTimer) => {
      done({ ...outcome, byClientDeadline: byTimer, busyAtDeadline: byTimer ? ctx.busy : null, endAt: this.sim.now() });
    });
  }

  private emit(ctx: CallContext, kind: string, fields: Record<string, unknown>): void {
    if (ctx.traced) this.sim.emit(kind, { call: ctx.call, attempt: ctx.attempt, ...fields });
  }

  /**
   * `caller` calls hop `index` with its deadline. With `ownTimer` the caller stops waiting at the
   * deadline itself (the client); a hop instead relies on its handler's deadline, which cancels
   * this pending call.
   */
  private callHop(
    caller: string,
    callerDeadline: Nanos,
    index: number,
    ctx: CallContext,
    ownTimer: boolean,
    done: (outcome: Outcome, byTimer: boolean) => void,
  ): PendingCall {
    const hop = this.hops[index]!;
    const now = this.sim.now();
    let settled = false;
    let timer: EventId | undefined;
    const settle = (outcome: Outcome, byTimer: boolean): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== undefined) this.sim.cancel(timer);
      done(outcome, byTimer);
      return true;
    };

    const remaining = callerDeadline - now;
    if (remaining <= 0) {
      this.emit(ctx, 'deadline', { hop: caller, where: 'before-send', calling: hop.name });
      this.sim.schedule(0, () => settle({ code: 'DEADLINE_EXCEEDED', producedBy: caller }, ownTimer));
      return { cancel: () => void (settled = true) };
    }
    const header = Number.isFinite(remaining) ? encodeGrpcTimeout(remaining) : undefined;

    // The handler on the other side, once the request has arrived; a reset may overtake the request.
    let handler: RunningHandler | undefined;
    let resetBeforeArrival = false;
    const reset = (): void => {
      if (!this.propagateCancellation) return;
      this.network.send(caller, hop.name, RST_STREAM_BYTES, () => {
        if (handler) handler.cancel();
        else resetBeforeArrival = true;
      });
    };

    if (ownTimer && Number.isFinite(callerDeadline)) {
      timer = this.sim.at(callerDeadline, () => {
        if (settled) return;
        this.emit(ctx, 'deadline', { hop: caller, where: 'waiting', waitingFor: hop.name, busy: ctx.busy });
        settle({ code: 'DEADLINE_EXCEEDED', producedBy: caller }, true);
        reset();
      });
    }

    const sent = this.network.send(
      caller,
      hop.name,
      hop.requestBytes ?? this.messageBytes,
      (delivery) => {
        if (resetBeforeArrival) return;
        const transit = delivery.deliveredAt - delivery.sentAt;
        handler = this.serve(index, caller, header, transit, ctx, (outcome) => {
          const back = this.network.send(
            hop.name,
            caller,
            hop.responseBytes ?? this.messageBytes,
            () => {
              if (!settle(outcome, false)) this.emit(ctx, 'late-reply', { hop: hop.name, to: caller });
            },
            (reason) => this.emit(ctx, 'drop', { from: hop.name, to: caller, reason, inFlight: true }),
          );
          // A reply that cannot go back is lost for the caller, who waits until its deadline: the
          // connection broke under a request it had already sent.
          if (back.dropped !== null) this.emit(ctx, 'drop', { from: hop.name, to: caller, reason: back.dropped, inFlight: true });
        });
      },
      (reason) => this.emit(ctx, 'drop', { from: caller, to: hop.name, reason, inFlight: true }),
    );
    if (sent.dropped !== null) {
      this.emit(ctx, 'drop', { from: caller, to: hop.name, reason: sent.dropped, inFlight: sent.dropped === 'loss' });
      // Known at once only when the connection itself is down: fail fast, as on a broken channel.
      if (sent.dropped !== 'loss') {
        this.sim.schedule(0, () => settle({ code: 'UNAVAILABLE', producedBy: caller }, false));
      }
    }
    return {
      cancel: () => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) this.sim.cancel(timer);
        reset();
      },
    };
  }

  /** Hop `index` serves a request that has just arrived; `reply` sends its status back upstream. */
  private serve(
    index: number,
    from: string,
    header: string | undefined,
    transit: Nanos,
    ctx: CallContext,
    reply: (outcome: Outcome) => void,
  ): RunningHandler {
    const hop = this.hops[index]!;
    const sim = this.sim;
    const arrivedAt = sim.now();
    const budget = header === undefined ? Infinity : decodeGrpcTimeout(header);
    const deadline = arrivedAt + budget - (this.propagation === 'transit-aware' ? transit : 0);
    const request: HopRequest = { call: ctx.call, attempt: ctx.attempt, hop: hop.name, index, from, arrivedAt, grpcTimeout: header, budget, deadline, transit };
    if (ctx.traced) {
      this.emit(ctx, 'hop', {
        hop: hop.name,
        from,
        grpcTimeout: header ?? null,
        budgetMs: msOrNull(budget),
        transitMs: nanosToMs(transit),
        remainingMs: msOrNull(deadline - arrivedAt),
        clientRemainingMs: msOrNull(ctx.clientDeadline - arrivedAt),
      });
    }

    let state: 'running' | 'done' | 'cancelled' = 'running';
    let phase: 'processing' | 'waiting' = 'processing';
    let processingTimer: EventId | undefined;
    let deadlineTimer: EventId | undefined;
    let downstream: PendingCall | undefined;
    const entered: Interceptor[] = [];

    const stopTimers = (): void => {
      if (processingTimer !== undefined) sim.cancel(processingTimer);
      if (deadlineTimer !== undefined) sim.cancel(deadlineTimer);
      if (ctx.busy === hop.name) ctx.busy = null;
    };
    const unwind = (code: StatusCodeName): void => {
      for (let i = entered.length - 1; i >= 0; i--) {
        const interceptor = entered[i]!;
        interceptor.after?.(request, code);
        this.emit(ctx, 'interceptor', { hop: hop.name, name: interceptor.name, phase: 'after', code });
      }
    };
    const finish = (outcome: Outcome): void => {
      if (state !== 'running') return;
      state = 'done';
      stopTimers();
      unwind(outcome.code);
      this.emit(ctx, 'reply', { hop: hop.name, to: from, code: outcome.code, producedBy: outcome.producedBy });
      reply(outcome);
    };
    const handle: RunningHandler = {
      cancel: () => {
        if (state !== 'running') return;
        state = 'cancelled';
        stopTimers();
        downstream?.cancel();
        this.emit(ctx, 'cancel', { hop: hop.name });
        // The handler returns ctx.Err(); the interceptors see it, but nothing goes back: the stream is gone.
        unwind('CANCELLED');
      },
    };

    for (const interceptor of hop.interceptors ?? []) {
      entered.push(interceptor);
      this.emit(ctx, 'interceptor', { hop: hop.name, name: interceptor.name, phase: 'before' });
      const verdict = interceptor.before?.(request);
      if (verdict && verdict !== 'OK') {
        finish({ code: verdict, producedBy: hop.name });
        return handle;
      }
    }
    if (deadline <= arrivedAt) {
      this.emit(ctx, 'deadline', { hop: hop.name, where: 'arrival' });
      finish({ code: 'DEADLINE_EXCEEDED', producedBy: hop.name });
      return handle;
    }
    const work = typeof hop.processing === 'function' ? hop.processing(request) : sampleLatency(hop.processing, sim.random);
    const isLast = index === this.hops.length - 1;
    // The last hop only needs a deadline timer if its work would reach the deadline; the others also
    // wait for downstream, so they always do. (Scheduled before the work's own event, so a deadline
    // falling exactly when the work ends wins, as Go's select would pick an expired context.)
    if (Number.isFinite(deadline) && (!isLast || arrivedAt + Math.max(0, work) >= deadline)) {
      deadlineTimer = sim.at(deadline, () => {
        if (state !== 'running') return;
        this.emit(ctx, 'deadline', { hop: hop.name, where: phase, ...(phase === 'waiting' ? { waitingFor: this.hops[index + 1]?.name } : {}) });
        downstream?.cancel();
        finish({ code: 'DEADLINE_EXCEEDED', producedBy: hop.name });
      });
    }
    ctx.busy = hop.name;
    processingTimer = sim.schedule(Math.max(0, work), () => {
      processingTimer = undefined;
      if (ctx.busy === hop.name) ctx.busy = null;
      if (state !== 'running') return;
      const verdict = hop.answer?.(request);
      const answer: HopAnswer | undefined = typeof verdict === 'string' ? { code: verdict } : verdict;
      if (answer && answer.code !== 'OK') {
        finish({ ...answer, producedBy: hop.name });
        return;
      }
      if (isLast) {
        finish({ code: 'OK', producedBy: hop.name });
        return;
      }
      phase = 'waiting';
      downstream = this.callHop(hop.name, deadline, index + 1, ctx, false, (outcome) => finish(outcome));
    });
    return handle;
  }
}

interface RunningHandler {
  cancel(): void;
}

function msOrNull(t: Nanos): number | null {
  return Number.isFinite(t) ? nanosToMs(t) : null;
}

// ---- client retries ----

export type CallEnd = 'ok' | 'non-retryable' | 'throttled' | 'max-attempts' | 'deadline' | 'pushback-abort';

export interface CallOutcome {
  readonly call: string;
  readonly code: StatusCodeName;
  readonly outcome: CallEnd;
  readonly attempts: number;
  readonly startAt: Nanos;
  readonly endAt: Nanos;
  /** Who produced the final status (a hop, or the client). */
  readonly producedBy: string;
  /** When the client's deadline cut the last attempt: the hop still processing at that moment. */
  readonly busyAtDeadline: string | null;
  /** The waits between attempts. */
  readonly delays: readonly Nanos[];
  /** Throttle tokens when the call ended (null without throttling). */
  readonly tokens: number | null;
}

export interface RetryingClientOptions {
  /** null: the method has no retry policy, every failure is final. */
  readonly policy: RetryPolicy | null;
  /** The channel's retryThrottling; null or absent: none. */
  readonly throttling?: RetryThrottlingSpec | null;
  /** Jitter draws (default: the simulator's seeded generator). */
  readonly random?: RandomSource;
}

/** One client channel: its calls share the throttle tokens. */
export class RetryingClient {
  readonly throttler: RetryThrottler | null;
  private readonly policy: RetryPolicy | null;
  private readonly random: RandomSource;

  constructor(
    private readonly sim: Simulator,
    readonly chain: CallChain,
    options: RetryingClientOptions,
  ) {
    this.policy = options.policy;
    this.throttler = options.throttling ? new RetryThrottler(options.throttling) : null;
    this.random = options.random ?? (() => sim.random.next());
  }

  /**
   * Starts a call now with `timeout` (undefined: no deadline); the deadline covers all attempts.
   * `onDone` runs once with the final status.
   */
  call(call: string, timeout: Nanos | undefined, onDone: (outcome: CallOutcome) => void): void {
    const sim = this.sim;
    const policy = this.policy;
    const throttler = this.throttler;
    const traced = this.chain.traces(call);
    const startAt = sim.now();
    const deadline = timeout === undefined ? Infinity : startAt + timeout;
    const delays: Nanos[] = [];
    let attempts = 0;
    let retriesSincePushback = 0;
    const emit = (kind: string, fields: Record<string, unknown>): void => {
      if (traced) sim.emit(kind, { call, ...fields });
    };
    const tokens = (): number | null => (throttler ? throttler.tokens : null);

    const finish = (code: StatusCodeName, outcome: CallEnd, producedBy: string, busyAtDeadline: string | null = null): void => {
      if (code === 'OK') throttler?.successfulRPC();
      const endAt = sim.now();
      emit('response', { attempt: attempts - 1, code, attempts, latencyMs: nanosToMs(endAt - startAt), outcome, producedBy });
      onDone({ call, code, outcome, attempts, startAt, endAt, producedBy, busyAtDeadline, delays, tokens: tokens() });
    };

    const start = (): void => {
      const previous = attempts++;
      if (traced) {
        const left = deadline - sim.now();
        emit('attempt', {
          attempt: previous,
          client: this.chain.client,
          grpcTimeout: Number.isFinite(left) && left > 0 ? encodeGrpcTimeout(left) : null,
          tokens: tokens(),
        });
      }
      this.chain.attempt(call, previous, deadline, (result) => judge(result, previous));
    };

    // The order of grpc-go's shouldRetry, as in simulateCall (retry.ts); committed RPCs do not arise
    // here because no hop sends response headers before its status.
    const judge = (result: AttemptResult, previous: number): void => {
      const { code, producedBy } = result;
      if (code === 'OK') return finish(code, 'ok', producedBy);
      if (result.byClientDeadline) {
        if (policy?.retryableStatusCodes.has('DEADLINE_EXCEEDED')) throttler?.throttle();
        return finish('DEADLINE_EXCEEDED', 'deadline', producedBy, result.busyAtDeadline);
      }
      const pushback = parsePushback(result.pushback);
      if (pushback.kind === 'abort') {
        throttler?.throttle();
        return finish(code, 'pushback-abort', producedBy);
      }
      if (!policy || !policy.retryableStatusCodes.has(code)) return finish(code, 'non-retryable', producedBy);
      if (throttler?.throttle()) {
        emit('throttled', { attempt: previous, code, tokens: tokens() });
        return finish(code, 'throttled', producedBy);
      }
      if (attempts >= policy.maxAttempts) return finish(code, 'max-attempts', producedBy);
      let delay: Nanos;
      if (pushback.kind === 'delay') {
        delay = pushback.delay;
        retriesSincePushback = 0;
      } else {
        delay = retryBackoff(policy, retriesSincePushback, this.random);
        retriesSincePushback++;
      }
      const wait = Math.max(0, delay);
      if (sim.now() + wait >= deadline) {
        // grpc-go waits on the backoff timer and the context together: the call ends at the deadline.
        sim.at(deadline, () => finish('DEADLINE_EXCEEDED', 'deadline', this.chain.client));
        return;
      }
      delays.push(delay);
      emit('retry', { attempt: previous, code, delayMs: nanosToMs(delay), tokens: tokens() });
      sim.schedule(wait, start);
    };

    start();
  }
}
