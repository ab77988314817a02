/**
 * The live labs' wire protocol, shared by the lab program (`src/lab/main.ts`, bundled as `lab.mjs`)
 * and whoever runs it (the WebContainer runtime, the tests): the `@@EV` event lines, the command
 * line of every subcommand, and a builder for it.
 *
 * This module is pure: no `node:` imports, no DOM, no timers, so the browser side can import it.
 *
 * Event lines: one per event on stdout, `@@EV ` followed by a JSON object whose first keys are `t`
 * (milliseconds since the process's epoch: `--epoch <unix ms>`, or its own start), `kind` and
 * `source` (`registry`, an instance id such as `inst-2`, `client`, or `scenario`). Every other line
 * is an ordinary log line.
 */
import type { TraceEvent } from '../lib/sim/kernel.ts';
import type { Fault, ParamValues } from '../lib/sim/scenarios/types.ts';

export const EV_PREFIX = '@@EV ';

/** What the lab bundle is called where it is mounted (the WebContainer's working directory). */
export const LAB_SCRIPT = 'lab.mjs';

/** A lab event: a simulation trace event plus the process that printed it. */
export interface LabEvent extends TraceEvent {
  source: string;
}

/** The one `@@EV` line of an event (no newline), with `t`, `kind` and `source` first. */
export function formatEventLine(event: LabEvent): string {
  const { t, kind, source, ...fields } = event;
  return EV_PREFIX + JSON.stringify({ t, kind, source, ...fields });
}

// CSI sequences (colours, cursor moves), OSC sequences (titles) and lone ESC-x pairs.
// eslint-disable-next-line no-control-regex -- matching terminal escapes is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** A line without terminal escapes and carriage returns (a pty's `\r\n`, progress redraws). */
export function cleanLine(line: string): string {
  return line.replace(ANSI, '').replace(/\r/g, '');
}

/**
 * The event on a line, or undefined for an ordinary log line. Tolerates ANSI escape codes and `\r`
 * (a WebContainer's terminal adds both). A line that starts with the prefix but does not hold a JSON
 * object with a string `kind` is not an event either.
 */
export function parseEventLine(line: string): LabEvent | undefined {
  const clean = cleanLine(line).trimStart();
  if (!clean.startsWith(EV_PREFIX)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(clean.slice(EV_PREFIX.length));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.kind !== 'string') return undefined;
  return {
    ...record,
    t: typeof record.t === 'number' ? record.t : 0,
    kind: record.kind,
    source: typeof record.source === 'string' ? record.source : '',
  };
}

/** Splits a stream of text chunks, cut anywhere, into lines (`\n`, `\r\n`). */
export class LineSplitter {
  private rest = '';

  /** The lines completed by this chunk. */
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  /** The unterminated last line, if any (call at end of stream). */
  flush(): string[] {
    const last = this.rest;
    this.rest = '';
    return last === '' ? [] : [last.endsWith('\r') ? last.slice(0, -1) : last];
  }
}

// ---------------------------------------------------------------------------------------------
// Subcommands and their options

export const LAB_COMMANDS = ['registry', 'instance', 'client', 'scenario', 'all'] as const;
export type LabCommandKind = (typeof LAB_COMMANDS)[number];

export const LAB_BALANCERS = ['round-robin', 'random', 'smooth-weighted', 'consistent-hash'] as const;
export type LabBalancer = (typeof LAB_BALANCERS)[number];

/** One breaker per instance (default), or one for the whole client. */
export const BREAKER_SCOPES = ['instance', 'client'] as const;
export type BreakerScope = (typeof BREAKER_SCOPES)[number];

/** The service every lab instance registers as (go-micro layout: `/micro/registry/user/<id>`). */
export const DEFAULT_SERVICE = 'user';

interface CommonOptions {
  /** Unix time in ms that event times count from; default: the process's own start. */
  epoch?: number;
  /** Shut down gracefully when stdin closes (so a child never outlives the process that started it). */
  lifeline?: boolean;
}

export interface RegistryOptions extends CommonOptions {
  port: number;
  /** etcd's minimum lease TTL (it raises smaller grants to this), in whole seconds. */
  minTtlS: number;
}

export interface InstanceOptions extends CommonOptions {
  id: string;
  port: number;
  /** Base URL of the registry, e.g. http://127.0.0.1:2379. */
  registry: string;
  ttlS: number;
  service: string;
  /** Metadata `weight` (for the smooth-weighted balancer). */
  weight: number;
  /** Seed of the fault injector's PRNG; default: a hash of the id. */
  seed?: number;
  /** Initial fault. */
  errorRate: number;
  latencyMs: number;
}

export interface ClientOptions extends CommonOptions {
  registry: string;
  id: string;
  service: string;
  /** Token bucket: tokens per second. */
  rate: number;
  burst: number;
  /** Offered load in calls per second (Poisson arrivals); default: `rate`. */
  load?: number;
  balancer: LabBalancer;
  breakerScope: BreakerScope;
  /** gobreaker Timeout: how long the breaker stays open. */
  breakerTimeoutMs: number;
  /** gobreaker ReadyToTrip: `consecutiveFailures > n` (the simulation's rule). */
  consecutiveFailures: number;
  /** gobreaker MaxRequests: probes let through while half-open. */
  maxRequests: number;
  /** gRPC retry policy maxAttempts (1: no retries; capped at 5 like grpc-go). */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  backoffMultiplier: number;
  /** Timeout of one attempt, and the longest a call waits for the rate limiter. */
  callTimeoutMs: number;
  /** Requests carry keys `user-0` … `user-(keySpace-1)` (for consistent hashing). */
  keySpace: number;
  seed: number;
}

export interface ScenarioOptions {
  id: string;
  params: ParamValues;
  seed?: number;
  faults?: Fault[];
}

/** The client settings `all` passes on to the client it starts. */
type ClientSettings = 'rate' | 'burst' | 'load' | 'balancer' | 'breakerScope' | 'breakerTimeoutMs' | 'consecutiveFailures' | 'maxRequests' | 'maxAttempts' | 'callTimeoutMs' | 'seed';

export interface AllOptions extends CommonOptions, Pick<ClientOptions, ClientSettings> {
  instances: number;
  ttlS: number;
  minTtlS: number;
  /** Stop everything after this many seconds; default: run until SIGINT/SIGTERM. */
  durationS?: number;
}

export interface LabOptionsByKind {
  registry: RegistryOptions;
  instance: InstanceOptions;
  client: ClientOptions;
  scenario: ScenarioOptions;
  all: AllOptions;
}

/** What `labCommand` needs for each subcommand: the required fields, everything else optional. */
export interface LabInputByKind {
  registry: Partial<RegistryOptions>;
  instance: Partial<InstanceOptions> & Pick<InstanceOptions, 'id' | 'registry'>;
  client: Partial<ClientOptions> & Pick<ClientOptions, 'registry'>;
  scenario: Partial<ScenarioOptions> & Pick<ScenarioOptions, 'id'>;
  all: Partial<AllOptions>;
}

export type LabInvocation = { [K in LabCommandKind]: { command: K; options: LabOptionsByKind[K] } }[LabCommandKind];

export const REGISTRY_DEFAULTS: Readonly<Pick<RegistryOptions, 'port' | 'minTtlS'>> = { port: 0, minTtlS: 2 };
export const INSTANCE_DEFAULTS: Readonly<Pick<InstanceOptions, 'port' | 'ttlS' | 'service' | 'weight' | 'errorRate' | 'latencyMs'>> = {
  port: 0,
  ttlS: 5,
  service: DEFAULT_SERVICE,
  weight: 1,
  errorRate: 0,
  latencyMs: 0,
};
export const CLIENT_DEFAULTS: Readonly<Omit<ClientOptions, 'registry' | 'load' | 'epoch' | 'lifeline'>> = {
  id: 'client',
  service: DEFAULT_SERVICE,
  rate: 20,
  burst: 5,
  balancer: 'round-robin',
  breakerScope: 'instance',
  breakerTimeoutMs: 5000,
  consecutiveFailures: 5,
  maxRequests: 1,
  maxAttempts: 3,
  initialBackoffMs: 50,
  maxBackoffMs: 1000,
  backoffMultiplier: 2,
  callTimeoutMs: 500,
  keySpace: 100,
  seed: 1,
};
export const ALL_DEFAULTS: Readonly<Omit<AllOptions, 'durationS' | 'load' | 'epoch' | 'lifeline'>> = {
  instances: 3,
  ttlS: 5,
  minTtlS: 2,
  rate: CLIENT_DEFAULTS.rate,
  burst: CLIENT_DEFAULTS.burst,
  balancer: CLIENT_DEFAULTS.balancer,
  breakerScope: CLIENT_DEFAULTS.breakerScope,
  breakerTimeoutMs: CLIENT_DEFAULTS.breakerTimeoutMs,
  consecutiveFailures: CLIENT_DEFAULTS.consecutiveFailures,
  maxRequests: CLIENT_DEFAULTS.maxRequests,
  maxAttempts: CLIENT_DEFAULTS.maxAttempts,
  callTimeoutMs: CLIENT_DEFAULTS.callTimeoutMs,
  seed: CLIENT_DEFAULTS.seed,
};

/** A bad command line; the lab prints it as an `error` event and exits with code 2. */
export class LabUsageError extends Error {
  override name = 'LabUsageError';
}

export const USAGE = `usage:
  node lab.mjs registry --port <p> [--min-ttl-s 2] [--epoch <unix ms>]
  node lab.mjs instance --id <inst-N> --port <p> --registry http://127.0.0.1:<p> [--ttl-s 5] [--weight 1] [--seed n] [--epoch <unix ms>]
  node lab.mjs client --registry http://127.0.0.1:<p> [--rate 20] [--burst 5] [--load <calls/s>]
        [--balancer round-robin|random|smooth-weighted|consistent-hash] [--breaker-scope instance|client]
        [--breaker-timeout-ms 5000] [--consecutive-failures 5] [--max-requests 1] [--max-attempts 3]
        [--call-timeout-ms 500] [--initial-backoff-ms 50] [--max-backoff-ms 1000] [--seed 1] [--epoch <unix ms>]
  node lab.mjs scenario <scenario-id> [--params '<json object>'] [--seed <n>] [--faults '<json array>']
  node lab.mjs all [--instances 3] [--ttl-s 5] [--min-ttl-s 2] [--duration-s N] [client options]
every subcommand but scenario also takes --lifeline (exit gracefully when stdin closes)`;

/** Flags that take no value. */
const BOOLEAN_FLAGS = new Set(['lifeline']);

/** `--name value`, `--name=value`; positionals in order. */
function tokenize(args: readonly string[]): { positionals: string[]; flags: Map<string, string | true> } {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (name === '') throw new LabUsageError(`bad flag "${arg}"`);
    if (flags.has(name)) throw new LabUsageError(`--${name} given twice`);
    if (eq >= 0) {
      flags.set(name, arg.slice(eq + 1));
    } else if (BOOLEAN_FLAGS.has(name)) {
      flags.set(name, true);
    } else {
      const value = args[i + 1];
      if (value === undefined) throw new LabUsageError(`--${name} needs a value`);
      flags.set(name, value);
      i++;
    }
  }
  return { positionals, flags };
}

/** Reads typed flags and complains about the ones nobody asked for. */
class FlagReader {
  private readonly used = new Set<string>();

  constructor(
    private readonly command: string,
    private readonly flags: Map<string, string | true>,
  ) {}

  private raw(name: string): string | undefined {
    this.used.add(name);
    const v = this.flags.get(name);
    if (v === true) throw new LabUsageError(`--${name} needs a value`);
    return v;
  }

  number(name: string, range: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const n = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(n)) throw new LabUsageError(`--${name}: not a number: "${raw}"`);
    if (range.integer && !Number.isInteger(n)) throw new LabUsageError(`--${name}: must be a whole number, got ${raw}`);
    if (range.min !== undefined && n < range.min) throw new LabUsageError(`--${name}: must be at least ${range.min}, got ${raw}`);
    if (range.max !== undefined && n > range.max) throw new LabUsageError(`--${name}: must be at most ${range.max}, got ${raw}`);
    return n;
  }

  int(name: string, min?: number, max?: number): number | undefined {
    return this.number(name, { min, max, integer: true });
  }

  string(name: string, pattern?: RegExp, what = 'value'): string | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    if (pattern && !pattern.test(raw)) throw new LabUsageError(`--${name}: not a valid ${what}: "${raw}"`);
    return raw;
  }

  required<T>(name: string, value: T | undefined): T {
    if (value === undefined) throw new LabUsageError(`${this.command}: --${name} is required`);
    return value;
  }

  choice<T extends string>(name: string, options: readonly T[]): T | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    if (!(options as readonly string[]).includes(raw)) throw new LabUsageError(`--${name}: expected one of ${options.join(', ')}, got "${raw}"`);
    return raw as T;
  }

  json(name: string): unknown {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as unknown;
    } catch (e) {
      throw new LabUsageError(`--${name}: malformed JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  bool(name: string): boolean {
    this.used.add(name);
    const v = this.flags.get(name);
    if (v === undefined) return false;
    if (v === true || v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    throw new LabUsageError(`--${name}: expected true or false, got "${v}"`);
  }

  finish(): void {
    for (const name of this.flags.keys()) if (!this.used.has(name)) throw new LabUsageError(`${this.command}: unknown flag --${name}`);
  }
}

const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;

function common(r: FlagReader): CommonOptions {
  const out: CommonOptions = {};
  const epoch = r.number('epoch', { min: 0 });
  if (epoch !== undefined) out.epoch = epoch;
  if (r.bool('lifeline')) out.lifeline = true;
  return out;
}

function withDefined<T extends object>(defaults: T, values: { [K in keyof T]?: T[K] | undefined }): T {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(values)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Client flags shared by `client` and `all`. */
function clientFlags(r: FlagReader) {
  return {
    rate: r.number('rate', { min: 0 }),
    burst: r.int('burst', 0),
    load: r.number('load', { min: 0, max: 10_000 }),
    balancer: r.choice('balancer', LAB_BALANCERS),
    breakerScope: r.choice('breaker-scope', BREAKER_SCOPES),
    breakerTimeoutMs: r.number('breaker-timeout-ms', { min: 1 }),
    consecutiveFailures: r.int('consecutive-failures', 0),
    maxRequests: r.int('max-requests', 1),
    maxAttempts: r.int('max-attempts', 1, 100),
    callTimeoutMs: r.number('call-timeout-ms', { min: 1 }),
    seed: r.int('seed', 0, 2 ** 32 - 1),
  };
}

/** Parses the arguments after the script (`process.argv.slice(2)`). Throws LabUsageError. */
export function parseLabArgs(args: readonly string[]): LabInvocation {
  const [command, ...rest] = args;
  if (command === undefined) throw new LabUsageError('no subcommand given');
  if (!(LAB_COMMANDS as readonly string[]).includes(command)) throw new LabUsageError(`unknown subcommand "${command}"`);
  const { positionals, flags } = tokenize(rest);
  const r = new FlagReader(command, flags);
  const noPositionals = () => {
    if (positionals.length > 0) throw new LabUsageError(`${command}: unexpected argument "${positionals[0]}"`);
  };
  switch (command as LabCommandKind) {
    case 'registry': {
      noPositionals();
      const options: RegistryOptions = {
        ...withDefined({ ...REGISTRY_DEFAULTS }, { port: r.int('port', 0, 65535), minTtlS: r.int('min-ttl-s', 0, 3600) }),
        ...common(r),
      };
      r.finish();
      return { command: 'registry', options };
    }
    case 'instance': {
      noPositionals();
      const id = r.required('id', r.string('id', INSTANCE_ID, 'instance id'));
      const registry = r.required('registry', r.string('registry', HTTP_URL, 'http URL'));
      const seed = r.int('seed', 0, 2 ** 32 - 1);
      const options: InstanceOptions = {
        ...withDefined(
          { ...INSTANCE_DEFAULTS },
          {
            port: r.int('port', 0, 65535),
            ttlS: r.int('ttl-s', 1, 3600),
            service: r.string('service', INSTANCE_ID, 'service name'),
            weight: r.int('weight', 1, 100),
            errorRate: r.number('error-rate', { min: 0, max: 1 }),
            latencyMs: r.number('latency-ms', { min: 0, max: 60_000 }),
          },
        ),
        id,
        registry: registry.replace(/\/+$/, ''),
        ...(seed === undefined ? {} : { seed }),
        ...common(r),
      };
      r.finish();
      return { command: 'instance', options };
    }
    case 'client': {
      noPositionals();
      const registry = r.required('registry', r.string('registry', HTTP_URL, 'http URL'));
      const options: ClientOptions = {
        ...withDefined(
          { ...CLIENT_DEFAULTS },
          {
            ...clientFlags(r),
            id: r.string('id', INSTANCE_ID, 'client id'),
            service: r.string('service', INSTANCE_ID, 'service name'),
            initialBackoffMs: r.number('initial-backoff-ms', { min: 1 }),
            maxBackoffMs: r.number('max-backoff-ms', { min: 1 }),
            backoffMultiplier: r.number('backoff-multiplier', { min: 1, max: 10 }),
            keySpace: r.int('key-space', 1, 1_000_000),
          },
        ),
        registry: registry.replace(/\/+$/, ''),
        ...common(r),
      };
      r.finish();
      return { command: 'client', options };
    }
    case 'scenario': {
      const [id, ...extra] = positionals;
      if (id === undefined) throw new LabUsageError('scenario: which scenario? (node lab.mjs scenario <scenario-id>)');
      if (extra.length > 0) throw new LabUsageError(`scenario: unexpected argument "${extra[0]}"`);
      const params = r.json('params');
      if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
        throw new LabUsageError('--params: expected a JSON object');
      }
      for (const [k, v] of Object.entries(params ?? {})) {
        if (typeof v !== 'number' && typeof v !== 'string') throw new LabUsageError(`--params: "${k}" must be a number or a string`);
      }
      const faults = r.json('faults');
      if (faults !== undefined && (!Array.isArray(faults) || !faults.every((f) => typeof f === 'object' && f !== null && !Array.isArray(f)))) {
        throw new LabUsageError('--faults: expected a JSON array of objects');
      }
      const seed = r.int('seed', 0, 2 ** 32 - 1);
      r.finish();
      const options: ScenarioOptions = { id, params: (params ?? {}) as ParamValues };
      if (seed !== undefined) options.seed = seed;
      if (faults !== undefined) options.faults = faults as Fault[];
      return { command: 'scenario', options };
    }
    case 'all': {
      noPositionals();
      const durationS = r.number('duration-s', { min: 0 });
      const options: AllOptions = {
        ...withDefined(
          { ...ALL_DEFAULTS },
          { ...clientFlags(r), instances: r.int('instances', 1, 20), ttlS: r.int('ttl-s', 1, 3600), minTtlS: r.int('min-ttl-s', 0, 3600) },
        ),
        ...(durationS === undefined ? {} : { durationS }),
        ...common(r),
      };
      r.finish();
      return { command: 'all', options };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Building command lines

/** camelCase option → --kebab-case flag. */
function flagName(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

const FLAG_ORDER: { [K in LabCommandKind]: readonly string[] } = {
  registry: ['port', 'minTtlS'],
  instance: ['id', 'port', 'registry', 'ttlS', 'service', 'weight', 'seed', 'errorRate', 'latencyMs'],
  client: [
    'registry',
    'id',
    'service',
    'rate',
    'burst',
    'load',
    'balancer',
    'breakerScope',
    'breakerTimeoutMs',
    'consecutiveFailures',
    'maxRequests',
    'maxAttempts',
    'initialBackoffMs',
    'maxBackoffMs',
    'backoffMultiplier',
    'callTimeoutMs',
    'keySpace',
    'seed',
  ],
  scenario: [],
  all: [
    'instances',
    'ttlS',
    'minTtlS',
    'durationS',
    'rate',
    'burst',
    'load',
    'balancer',
    'breakerScope',
    'breakerTimeoutMs',
    'consecutiveFailures',
    'maxRequests',
    'maxAttempts',
    'callTimeoutMs',
    'seed',
  ],
};

/**
 * The arguments to give `node` to run one subcommand: `[script, kind, ...flags]`, e.g.
 * `spawn('node', labCommand('registry', {port: 0}))` in a WebContainer, or
 * `spawn(process.execPath, labCommand('instance', {...}, '/tmp/lab.mjs'))`. Only the options given
 * become flags (the program fills in its defaults); `parseLabArgs(result.slice(1))` reads them back.
 */
export function labCommand<K extends LabCommandKind>(kind: K, options: LabInputByKind[K], script: string = LAB_SCRIPT): string[] {
  const argv = [script, kind];
  const values = options as Record<string, unknown>;
  if (kind === 'scenario') {
    const o = options as LabInputByKind['scenario'];
    argv.push(o.id);
    if (o.params !== undefined) argv.push('--params', JSON.stringify(o.params));
    if (o.seed !== undefined) argv.push('--seed', String(o.seed));
    if (o.faults !== undefined) argv.push('--faults', JSON.stringify(o.faults));
    return argv;
  }
  for (const key of FLAG_ORDER[kind]) {
    const v = values[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' && typeof v !== 'string') throw new TypeError(`labCommand(${kind}): ${key} must be a number or a string`);
    argv.push(flagName(key), String(v));
  }
  if (typeof values.epoch === 'number') argv.push('--epoch', String(values.epoch));
  if (values.lifeline === true) argv.push('--lifeline');
  return argv;
}

// ---------------------------------------------------------------------------------------------
// Registry HTTP API shapes (see README.md)

/** A key as `GET /keys` and `GET /watch` return it. */
export interface WireKeyValue {
  key: string;
  value: string;
  lease: string | null;
  createRevision: number;
  modRevision: number;
  version: number;
}

export type WireWatchEvent =
  | { type: 'put'; revision: number; kv: WireKeyValue; prevKv: WireKeyValue | null }
  | { type: 'delete'; revision: number; key: string; prevKv: WireKeyValue; cause: 'delete' | 'revoke' | 'expire' };

export interface WatchResponse {
  /** The store's revision when answered; watch again from `revision + 1`. */
  revision: number;
  events: WireWatchEvent[];
}

export interface RangeResponse {
  revision: number;
  kvs: WireKeyValue[];
}
