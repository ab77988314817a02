/**
 * The lab protocol module, in-process: event lines, the line splitter, command-line parsing and
 * `labCommand`, which the WebContainer runtime imports (so it must stay free of Node APIs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALL_DEFAULTS,
  CLIENT_DEFAULTS,
  EV_PREFIX,
  INSTANCE_DEFAULTS,
  LAB_SCRIPT,
  LabUsageError,
  LineSplitter,
  REGISTRY_DEFAULTS,
  formatEventLine,
  labCommand,
  parseEventLine,
  parseLabArgs,
} from '../../src/lab/protocol.ts';
import { ROOT } from './harness.ts';

describe('event lines', () => {
  it('print t, kind and source first and parse back', () => {
    const line = formatEventLine({ instance: 'inst-1', source: 'inst-1', kind: 'heartbeat', t: 12.5, lease: 'lease-1', ttlS: 2 } as never);
    expect(line).toBe('@@EV {"t":12.5,"kind":"heartbeat","source":"inst-1","instance":"inst-1","lease":"lease-1","ttlS":2}');
    expect(parseEventLine(line)).toEqual({ t: 12.5, kind: 'heartbeat', source: 'inst-1', instance: 'inst-1', lease: 'lease-1', ttlS: 2 });
  });

  it('tolerate ANSI codes and carriage returns, and ignore everything else', () => {
    expect(parseEventLine('\u001b[32m@@EV {"t":1,"kind":"view","source":"client","instances":[]}\u001b[0m\r')).toEqual({
      t: 1,
      kind: 'view',
      source: 'client',
      instances: [],
    });
    expect(parseEventLine('[all] registry on http://127.0.0.1:1234')).toBeUndefined();
    expect(parseEventLine('@@EV {not json')).toBeUndefined();
    expect(parseEventLine('@@EV [1,2]')).toBeUndefined();
    expect(parseEventLine('@@EV {"t":1}')).toBeUndefined();
    expect(parseEventLine('x @@EV {"kind":"a"}')).toBeUndefined();
    expect(parseEventLine(`${EV_PREFIX}{"kind":"error","message":"m"}`)).toEqual({ t: 0, kind: 'error', source: '', message: 'm' });
  });

  it('split into the same lines however the stream is chunked', () => {
    const text = '@@EV {"t":1,"kind":"a","source":"x"}\r\nlog line\n@@EV {"t":2,"kind":"b","source":"y"}\nlast';
    const whole = new LineSplitter();
    const expected = [...whole.push(text), ...whole.flush()];
    expect(expected).toEqual(['@@EV {"t":1,"kind":"a","source":"x"}', 'log line', '@@EV {"t":2,"kind":"b","source":"y"}', 'last']);
    for (let cut = 0; cut <= text.length; cut++) {
      for (const size of [1, 3, 7]) {
        const splitter = new LineSplitter();
        const lines: string[] = [...splitter.push(text.slice(0, cut))];
        for (let i = cut; i < text.length; i += size) lines.push(...splitter.push(text.slice(i, i + size)));
        lines.push(...splitter.flush());
        expect(lines).toEqual(expected);
      }
    }
  });
});

describe('command lines', () => {
  it('fill in the defaults', () => {
    expect(parseLabArgs(['registry'])).toEqual({ command: 'registry', options: { ...REGISTRY_DEFAULTS } });
    expect(parseLabArgs(['instance', '--id', 'inst-1', '--registry', 'http://127.0.0.1:9/'])).toEqual({
      command: 'instance',
      options: { ...INSTANCE_DEFAULTS, id: 'inst-1', registry: 'http://127.0.0.1:9' },
    });
    expect(parseLabArgs(['client', '--registry=http://127.0.0.1:9'])).toEqual({ command: 'client', options: { ...CLIENT_DEFAULTS, registry: 'http://127.0.0.1:9' } });
    expect(parseLabArgs(['scenario', 'breaker-outage'])).toEqual({ command: 'scenario', options: { id: 'breaker-outage', params: {} } });
    expect(parseLabArgs(['all'])).toEqual({ command: 'all', options: { ...ALL_DEFAULTS } });
  });

  it('read every documented flag', () => {
    const parsed = parseLabArgs(['client', '--registry', 'http://127.0.0.1:2379', '--rate', '2.5', '--burst', '3', '--balancer', 'consistent-hash', '--breaker-timeout-ms', '800', '--consecutive-failures', '2', '--max-attempts', '4', '--call-timeout-ms', '250', '--epoch', '1700000000000', '--lifeline']);
    expect(parsed).toEqual({
      command: 'client',
      options: {
        ...CLIENT_DEFAULTS,
        registry: 'http://127.0.0.1:2379',
        rate: 2.5,
        burst: 3,
        balancer: 'consistent-hash',
        breakerTimeoutMs: 800,
        consecutiveFailures: 2,
        maxAttempts: 4,
        callTimeoutMs: 250,
        epoch: 1_700_000_000_000,
        lifeline: true,
      },
    });
    expect(parseLabArgs(['scenario', 'x', '--params', '{"rate":5,"breaker":"off"}', '--seed', '9', '--faults', '[{"atMs":1,"kind":"crash"}]'])).toEqual({
      command: 'scenario',
      options: { id: 'x', params: { rate: 5, breaker: 'off' }, seed: 9, faults: [{ atMs: 1, kind: 'crash' }] },
    });
  });

  it('refuse bad command lines with a LabUsageError that says what is wrong', () => {
    const bad: [string[], RegExp][] = [
      [[], /no subcommand/],
      [['serve'], /unknown subcommand "serve"/],
      [['registry', '--port', 'x'], /--port: not a number/],
      [['registry', '--port', '70000'], /--port: must be at most 65535/],
      [['registry', '--min-ttl-s', '1.5'], /whole number/],
      [['registry', '--verbose', '1'], /unknown flag --verbose/],
      [['registry', '--port'], /--port needs a value/],
      [['instance', '--registry', 'http://127.0.0.1:1'], /--id is required/],
      [['instance', '--id', 'a b', '--registry', 'http://127.0.0.1:1'], /instance id/],
      [['instance', '--id', 'inst-1', '--registry', 'ftp://x'], /http URL/],
      [['client', '--registry', 'http://127.0.0.1:1', '--balancer', 'fastest'], /expected one of round-robin/],
      [['scenario'], /which scenario/],
      [['scenario', 'x', '--params', '[1]'], /JSON object/],
      [['scenario', 'x', '--params', '{'], /malformed JSON/],
      [['scenario', 'x', '--faults', '{}'], /JSON array/],
      [['all', 'extra'], /unexpected argument "extra"/],
    ];
    for (const [args, message] of bad) {
      expect(() => parseLabArgs(args), args.join(' ')).toThrow(LabUsageError);
      expect(() => parseLabArgs(args), args.join(' ')).toThrow(message);
    }
  });

  it('labCommand builds what parseLabArgs reads back', () => {
    expect(labCommand('registry', { port: 0, minTtlS: 1 })).toEqual([LAB_SCRIPT, 'registry', '--port', '0', '--min-ttl-s', '1']);
    expect(labCommand('registry', {}, '/tmp/x/lab.mjs')).toEqual(['/tmp/x/lab.mjs', 'registry']);
    const cases = [
      ['registry', { port: 4001, minTtlS: 1, epoch: 1_700_000_000_123.5, lifeline: true }],
      ['instance', { id: 'inst-3', port: 0, registry: 'http://127.0.0.1:4001', ttlS: 2, weight: 3, seed: 42 }],
      ['client', { registry: 'http://127.0.0.1:4001', rate: 10, burst: 2, load: 30, balancer: 'smooth-weighted', breakerScope: 'client', maxAttempts: 1 }],
      ['scenario', { id: 'breaker-outage', params: { rate: 20 }, seed: 3, faults: [{ atMs: 1000, kind: 'outage' }] }],
      ['all', { instances: 2, ttlS: 2, minTtlS: 1, durationS: 1.5, balancer: 'random' }],
    ] as const;
    const defaults = { registry: REGISTRY_DEFAULTS, instance: INSTANCE_DEFAULTS, client: CLIENT_DEFAULTS, scenario: { params: {} }, all: ALL_DEFAULTS };
    for (const [kind, options] of cases) {
      const argv = labCommand(kind, options as never);
      expect(argv.slice(0, 2)).toEqual([LAB_SCRIPT, kind]);
      expect(parseLabArgs(argv.slice(1))).toEqual({ command: kind, options: { ...defaults[kind], ...options } });
    }
  });
});

describe('src/lab/protocol.ts', () => {
  it('uses no Node or DOM APIs, so the browser side can import it', () => {
    const code = readFileSync(join(ROOT, 'src/lab/protocol.ts'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    const imports = [...code.matchAll(/^import\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)];
    expect(imports.length).toBeGreaterThan(0);
    // Only types from the sim core: nothing is loaded at run time.
    for (const m of imports) expect(m[1], m[2]).toBe('type ');
    expect(code).not.toMatch(/\bnode:|\bprocess\.|\bBuffer\b|\brequire\(|\bdocument\b|\bwindow\b|\bset(Timeout|Interval)\(/);
  });
});
