/**
 * The deterministic discrete-event kernel. A virtual clock in integer nanoseconds, an event queue
 * ordered by (time, insertion order), a seeded PRNG and generator-based processes. Nothing here
 * reads the wall clock or Math.random, so the same seed and inputs give the same trace in Node, a
 * Worker or a WebContainer.
 *
 * Processes are generator functions: `yield <nanos>` sleeps, `yield signal` waits for a Signal.
 * This keeps model code sequential ("call, wait for the timeout, retry") without promises, whose
 * scheduling would escape virtual time.
 */
import { Random } from './random.ts';
import { nanosToMs, type Clock, type Nanos } from './time.ts';

export interface TraceEvent {
  /** Virtual time in milliseconds (fractions allowed). */
  t: number;
  kind: string;
  [field: string]: unknown;
}

export type EventId = number;

/**
 * Something a process can wait for; `fire` wakes every waiter (each gets the value). A fire is not
 * remembered: a process that starts waiting afterwards waits for the next one.
 */
export class Signal<T = unknown> {
  private waiters: ((value: T) => void)[] = [];

  /** Wakes every process waiting on this signal, in the order they started waiting. */
  fire(value: T): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake(value);
  }

  /** @internal used by the simulator */
  subscribe(wake: (value: T) => void): void {
    this.waiters.push(wake);
  }

  get waiting(): number {
    return this.waiters.length;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a process may wait on a signal of any payload
export type ProcessStep = Nanos | Signal<any>;
export type Process = Generator<ProcessStep, void, unknown>;

export interface RunOptions {
  /**
   * Stop before the first event later than this time; the clock is then left at `until` (unless
   * `maxEvents` stopped the run first, which leaves it at the last event run).
   */
  until?: Nanos;
  /** Safety net against runaway models: stop after this many events. */
  maxEvents?: number;
}

export class Simulator implements Clock {
  readonly random: Random;
  readonly trace: TraceEvent[] = [];
  private time: Nanos = 0;
  private seq = 0;
  private processed = 0;
  // A binary min-heap over parallel arrays: no object per event on the hot path.
  private heapTimes: number[] = [];
  private heapSeqs: number[] = [];
  private actions = new Map<number, () => void>();

  constructor(seed = 1) {
    this.random = new Random(seed);
  }

  now(): Nanos {
    return this.time;
  }

  get eventsProcessed(): number {
    return this.processed;
  }

  get pending(): number {
    return this.actions.size;
  }

  /** Runs `action` after `delay` nanoseconds (0 = later in the current instant, after what is queued). */
  schedule(delay: Nanos, action: () => void): EventId {
    if (!(delay >= 0)) throw new RangeError(`delay must be >= 0, got ${delay}`);
    return this.at(this.time + delay, action);
  }

  /** Runs `action` at absolute virtual time `time` (not in the past). */
  at(time: Nanos, action: () => void): EventId {
    if (!Number.isFinite(time) || time < this.time) throw new RangeError(`cannot schedule at ${time}: now is ${this.time}`);
    const id = this.seq++;
    this.actions.set(id, action);
    this.push(Math.round(time), id);
    return id;
  }

  /**
   * Cancels a scheduled event; returns whether it was still pending. Its heap slot is dropped lazily
   * when it reaches the top, which keeps cancel O(1).
   */
  cancel(id: EventId): boolean {
    return this.actions.delete(id);
  }

  /** Starts a process now (it runs until its first yield immediately). */
  spawn(process: Process): void {
    this.resume(process, undefined);
  }

  /**
   * Appends an event to the trace at the current virtual time. A field named `t` or `kind` would be
   * overwritten, losing information, so it is refused: name it something else (e.g. `fault`).
   */
  emit(kind: string, fields: Record<string, unknown> = {}): void {
    if ('t' in fields || 'kind' in fields) throw new Error(`trace event "${kind}": fields "t" and "kind" are reserved`);
    this.trace.push({ t: nanosToMs(this.time), kind, ...fields });
  }

  run(options: RunOptions = {}): void {
    const until = options.until ?? Number.POSITIVE_INFINITY;
    const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
    let budget = maxEvents;
    while (this.heapTimes.length > 0 && budget > 0) {
      const time = this.heapTimes[0]!;
      if (time > until) break;
      const id = this.pop();
      const action = this.actions.get(id);
      if (!action) continue; // cancelled
      this.actions.delete(id);
      this.time = time;
      this.processed++;
      budget--;
      action();
    }
    if (Number.isFinite(until) && until > this.time && budget > 0) this.time = until;
  }

  private resume(process: Process, value: unknown): void {
    const step = process.next(value);
    if (step.done) return;
    const wait = step.value;
    if (wait instanceof Signal) wait.subscribe((v) => this.resume(process, v));
    else this.schedule(wait, () => this.resume(process, undefined));
  }

  private push(time: number, seq: number): void {
    const times = this.heapTimes;
    const seqs = this.heapSeqs;
    let i = times.length;
    times.push(time);
    seqs.push(seq);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && seqs[parent]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
  }

  private pop(): number {
    const times = this.heapTimes;
    const seqs = this.heapSeqs;
    const top = seqs[0]!;
    const lastTime = times.pop()!;
    const lastSeq = seqs.pop()!;
    const n = times.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && (times[right]! < times[left]! || (times[right] === times[left] && seqs[right]! < seqs[left]!))) child = right;
      const ct = times[child]!;
      if (lastTime < ct || (lastTime === ct && lastSeq < seqs[child]!)) break;
      times[i] = ct;
      seqs[i] = seqs[child]!;
      i = child;
    }
    times[i] = lastTime;
    seqs[i] = lastSeq;
    return top;
  }
}
