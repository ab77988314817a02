import { describe, expect, it } from 'vitest';
import type { Container } from '../../../src/lib/runtime/webcontainer/container.ts';
import { ContainerHost, type HostStatus } from '../../../src/lib/runtime/webcontainer/host.ts';
import { openRuntime, type WebContainerRuntime } from '../../../src/lib/runtime/webcontainer/runtime-core.ts';
import { FakeBooter, FakeContainer, ManualTimers, settle, type FakeProcess } from './fakes.ts';

const BUNDLE = { 'lab.mjs': { file: { contents: '// the lab bundle' } } };

function setup(behaviour: (proc: FakeProcess) => void = () => {}) {
  const timers = new ManualTimers();
  const booter = new FakeBooter(behaviour);
  const host = new ContainerHost({
    boot: booter.boot,
    prepare: (c) => c.mount(BUNDLE),
    timers: { setTimer: timers.setTimer, clearTimer: timers.clearTimer },
  });
  const statuses: HostStatus[] = [];
  host.onStatus((s) => statuses.push(s));
  return { timers, booter, host, statuses };
}

async function open(host: ContainerHost): Promise<WebContainerRuntime> {
  const outcome = await openRuntime(host, {});
  if (!outcome.ok) throw new Error(`expected a runtime, got ${outcome.reason.message}`);
  return outcome.runtime;
}

/** The settled state of a promise, readable at any time. */
function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T; error?: Error } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: Error) => Object.assign(state, { done: true, error }),
  );
  return state;
}

/** A scenario process that prints a trace and a result, in awkward chunks, then exits 0. */
function printsScenario(proc: FakeProcess): void {
  if (proc.args[1] !== 'scenario') return;
  setImmediate(() => {
    proc.write(
      '\x1b[2K\x1b[1G@@EV {"t":0,"kind":"allow","sou',
      'rce":"scenario","tokens":2}\r\n@@EV {"t":100,"kind":"reject","source":"scenario"}\r',
      '\nsome log line\r\n',
      '\x1b[32m@@EV {"t":1000,"kind":"result","source":"scenario","summary":{"admitted":1,"rejected":1,"perAlgo":{"bucket":1}}}\x1b[0m\r\n',
    );
    proc.end(0);
  });
}

describe('ContainerHost', () => {
  it('boots once for every caller and mounts the bundle once', async () => {
    const { host, booter, statuses } = setup();
    const [a, b, c] = await Promise.all([host.acquire(), host.acquire(), host.acquire()]);
    expect(booter.containers).toHaveLength(1);
    expect(a).toEqual({ ok: true, value: booter.last });
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(booter.last.mounts).toEqual([BUNDLE]);
    expect(statuses).toEqual([{ state: 'booting' }, { state: 'ready' }]);
  });

  it('does not remember a failed boot: the next use tries again', async () => {
    const timers = new ManualTimers();
    let calls = 0;
    const host = new ContainerHost({
      boot: async (): Promise<Container> => {
        calls++;
        if (calls === 1) throw new Error('Unable to create more instances');
        return new FakeContainer(calls);
      },
      timers,
    });
    expect(await host.acquire()).toEqual({ ok: false, reason: { code: 'boot-failed', message: 'Unable to create more instances' } });
    expect(host.status).toEqual({ state: 'failed', reason: { code: 'boot-failed', message: 'Unable to create more instances' } });
    const second = await host.acquire();
    expect(second.ok).toBe(true);
    expect(calls).toBe(2);
  });

  it('times a hanging boot out, and tears down the instance if it arrives late', async () => {
    const timers = new ManualTimers();
    let arrive!: (c: Container) => void;
    const late = new FakeContainer(1);
    const host = new ContainerHost({ boot: () => new Promise<Container>((resolve) => (arrive = resolve)), bootTimeoutMs: 30_000, timers });
    const state = track(host.acquire());
    await timers.advance(29_999);
    expect(state.done).toBe(false);
    await timers.advance(1);
    expect(state.value).toEqual({
      ok: false,
      reason: { code: 'boot-timeout', message: 'WebContainer did not boot within 30 s: offline or blocked' },
    });
    arrive(late);
    await settle();
    expect(late.teardowns).toBe(1);
    expect(host.active).toBeNull();
  });

  it('reports a bundle that cannot be mounted as boot-failed and tears the container down', async () => {
    const timers = new ManualTimers();
    const booter = new FakeBooter();
    const host = new ContainerHost({
      boot: booter.boot,
      prepare: async () => {
        throw new Error('could not load the lab bundle /lab.mjs: HTTP 404');
      },
      timers,
    });
    expect(await host.acquire()).toEqual({
      ok: false,
      reason: { code: 'boot-failed', message: 'could not prepare the WebContainer: could not load the lab bundle /lab.mjs: HTTP 404' },
    });
    expect(booter.last.teardowns).toBe(1);
  });

  it('tears the container down when the last user releases it, not before', async () => {
    const { host, booter, statuses } = setup();
    const releaseA = host.retain();
    const releaseB = host.retain();
    await host.acquire();
    releaseA();
    releaseA(); // idempotent
    expect(booter.last.teardowns).toBe(0);
    releaseB();
    expect(booter.last.teardowns).toBe(1);
    expect(statuses.at(-1)).toEqual({ state: 'torn-down' });
    expect(host.active).toBeNull();
  });

  it('passes the container\'s internal errors on as a status', async () => {
    const { host, booter, statuses } = setup();
    await host.acquire();
    booter.last.emitError('out of memory');
    expect(statuses.at(-1)).toEqual({ state: 'error', message: 'out of memory' });
  });

  it('recycles a container whose spawn does not answer, and boots a new one next time', async () => {
    const { host, booter, timers, statuses } = setup();
    await host.acquire();
    booter.last.spawnHangs = true;
    const state = track(host.spawn({ id: 'registry', command: 'node', args: ['lab.mjs', 'registry'] }));
    await timers.advance(14_999);
    expect(state.done).toBe(false);
    await timers.advance(1);
    expect(state.error?.message).toBe('could not start registry: the WebContainer did not answer within 15 s');
    expect(booter.last.teardowns).toBe(1);
    expect(statuses.at(-1)).toEqual({ state: 'restarted', reason: 'starting registry took longer than 15 s' });
    const proc = await host.spawn({ id: 'registry', command: 'node', args: ['lab.mjs', 'registry'] });
    expect(booter.containers).toHaveLength(2);
    expect(proc.container).toBe(booter.containers[1]);
    expect(booter.containers[1]?.mounts).toEqual([BUNDLE]);
  });
});

describe('runScenario', () => {
  it('collects the events and the result of `node lab.mjs scenario`', async () => {
    const { host, booter } = setup(printsScenario);
    const runtime = await open(host);
    expect(runtime.kind).toBe('webcontainer');
    const result = await runtime.runScenario({
      scenario: 'limiter-burst',
      params: { rate: 5, algo: 'bucket' },
      seed: 7,
      faults: [{ atMs: 100, kind: 'outage' }],
    });
    expect(result).toEqual({
      trace: [
        { t: 0, kind: 'allow', tokens: 2 },
        { t: 100, kind: 'reject' },
      ],
      summary: { admitted: 1, rejected: 1, perAlgo: { bucket: 1 } },
    });
    expect(booter.last.spawned.map((p) => p.argv)).toEqual([
      ['node', 'lab.mjs', 'scenario', 'limiter-burst', '--params', '{"rate":5,"algo":"bucket"}', '--seed', '7', '--faults', '[{"atMs":100,"kind":"outage"}]'],
    ]);
  });

  it('passes only the options given, so the scenario\'s own seed applies', async () => {
    const { host, booter } = setup(printsScenario);
    const runtime = await open(host);
    await runtime.runScenario({ scenario: 'breaker-outage' });
    expect(booter.last.spawned[0]?.argv).toEqual(['node', 'lab.mjs', 'scenario', 'breaker-outage']);
  });

  it('rejects with the message of an error event (unknown scenario, exit 2)', async () => {
    const { host } = setup((proc) => {
      setImmediate(() => {
        proc.write('@@EV {"kind":"error","source":"scenario","message":"unknown scenario \\"nope\\""}\r\n');
        proc.end(2);
      });
    });
    const runtime = await open(host);
    await expect(runtime.runScenario({ scenario: 'nope' })).rejects.toThrow('unknown scenario "nope"');
  });

  it('rejects on a non-zero exit, quoting the last log lines', async () => {
    const { host } = setup((proc) => {
      setImmediate(() => {
        proc.write('@@EV {"t":0,"kind":"allow","source":"scenario"}\r\n', 'TypeError: x is not a function\r\n    at run (lab.mjs:10:5)\r\n');
        proc.end(1);
      });
    });
    const runtime = await open(host);
    await expect(runtime.runScenario({ scenario: 'limiter-burst' })).rejects.toThrow(
      'scenario limiter-burst exited with code 1:\nTypeError: x is not a function\n    at run (lab.mjs:10:5)',
    );
  });

  it('rejects when the process ends without a result, or prints an unreadable event', async () => {
    const { host } = setup((proc) => {
      setImmediate(() => {
        if (proc.args[2] === 'broken') proc.write('@@EV {"t":1,"kind":"allow"\r\n@@EV {"t":2,"kind":"result","summary":{}}\r\n');
        else proc.write('@@EV {"t":1,"kind":"allow"}\r\n');
        proc.end(0);
      });
    });
    const runtime = await open(host);
    await expect(runtime.runScenario({ scenario: 'quiet' })).rejects.toThrow('scenario quiet ended without a result');
    await expect(runtime.runScenario({ scenario: 'broken' })).rejects.toThrow(/^unreadable event line \(malformed JSON after @@EV/);
  });

  it('rejects a scenario id that could be taken for a flag', async () => {
    const { host, booter } = setup(printsScenario);
    const runtime = await open(host);
    await expect(runtime.runScenario({ scenario: '--help' })).rejects.toThrow('not a scenario id: "--help"');
    expect(booter.last.spawned).toHaveLength(0);
  });

  it('kills a scenario over its time limit; a process that obeys needs no restart', async () => {
    const { host, booter, timers } = setup();
    const runtime = await open(host);
    const state = track(runtime.runScenario({ scenario: 'limiter-burst' }));
    await timers.advance(29_999);
    expect(state.done).toBe(false);
    await timers.advance(1);
    expect(state.error?.message).toBe('scenario limiter-burst did not finish within 30 s');
    const proc = booter.last.spawned[0];
    expect(proc?.killCalls).toBe(1);
    expect(proc?.running).toBe(false);
    await timers.advance(10_000);
    expect(booter.last.teardowns).toBe(0);
    expect(host.restarts).toBe(0);
  });

  it('tears down and reboots the container when a killed process does not exit', async () => {
    const { host, booter, timers, statuses } = setup((proc) => {
      if (proc.container.serial === 1) proc.ignoreKill = true; // the first container's processes are wedged
      else printsScenario(proc);
    });
    const runtime = await open(host);
    const seen: HostStatus[] = [];
    runtime.onStatus((s) => seen.push(s));
    const state = track(runtime.runScenario({ scenario: 'limiter-burst' }));
    await timers.advance(30_000);
    expect(state.error?.message).toBe('scenario limiter-burst did not finish within 30 s');
    const first = booter.containers[0]!;
    expect(first.spawned[0]?.killCalls).toBe(1);
    await timers.advance(4_999);
    expect(first.teardowns).toBe(0);
    await timers.advance(1);
    expect(first.teardowns).toBe(1);
    expect(host.active).toBeNull();
    expect(seen).toEqual([{ state: 'restarted', reason: 'scenario-1 did not exit within 5 s of being killed' }]);
    expect(statuses.at(-1)).toEqual({ state: 'restarted', reason: 'scenario-1 did not exit within 5 s of being killed' });

    // Next use: a fresh container, with the bundle mounted again.
    const result = await runtime.runScenario({ scenario: 'limiter-burst' });
    expect(result.summary).toEqual({ admitted: 1, rejected: 1, perAlgo: { bucket: 1 } });
    expect(booter.containers).toHaveLength(2);
    expect(booter.containers[1]?.mounts).toEqual([BUNDLE]);
    expect(host.boots).toBe(2);
    expect(host.restarts).toBe(1);
  });

  it('fails a run whose container is recycled under it', async () => {
    const { host, booter, timers } = setup();
    const runtime = await open(host);
    const state = track(runtime.runScenario({ scenario: 'limiter-burst' }));
    await settle();
    host.recycle(booter.last, 'test');
    await settle();
    expect(state.error?.message).toBe('scenario limiter-burst did not finish: the WebContainer was restarted: test');
    expect(timers.pendingCount).toBe(0);
  });
});

describe('dispose', () => {
  it('kills its processes but keeps the container while another runtime uses it', async () => {
    const { host, booter } = setup();
    const a = await open(host);
    const b = await open(host);
    expect(booter.containers).toHaveLength(1);
    const run = a.runScenario({ scenario: 'limiter-burst' });
    run.catch(() => {});
    await settle();
    a.dispose();
    await settle();
    expect(booter.last.spawned[0]?.killCalls).toBe(1);
    expect(booter.last.teardowns).toBe(0);
    await expect(a.runScenario({ scenario: 'limiter-burst' })).rejects.toThrow('this WebContainer runtime was disposed');
    b.dispose();
    expect(booter.last.teardowns).toBe(1);
    b.dispose(); // twice is harmless
    expect(booter.last.teardowns).toBe(1);
  });

  it('returns the fallback reason when the container cannot boot', async () => {
    const timers = new ManualTimers();
    const host = new ContainerHost({ boot: () => new Promise<never>(() => {}), timers });
    const state = track(openRuntime(host));
    await timers.advance(30_000);
    expect(state.value).toEqual({
      ok: false,
      reason: { code: 'boot-timeout', message: 'WebContainer did not boot within 30 s: offline or blocked' },
    });
    expect(host.userCount).toBe(0);
  });
});
