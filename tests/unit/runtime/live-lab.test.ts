import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../src/lib/sim/kernel.ts';
import { ContainerHost } from '../../../src/lib/runtime/webcontainer/host.ts';
import type { LabLogLine, WebContainerLiveLab } from '../../../src/lib/runtime/webcontainer/live-lab.ts';
import { openRuntime, type WebContainerRuntime } from '../../../src/lib/runtime/webcontainer/runtime-core.ts';
import { FakeBooter, ManualTimers, serversListen, settle, type FakeProcess } from './fakes.ts';

const EPOCH = 1_700_000_000_000;

async function setup(behaviour: (proc: FakeProcess) => void = serversListen) {
  const timers = new ManualTimers();
  const booter = new FakeBooter(behaviour);
  const host = new ContainerHost({
    boot: booter.boot,
    prepare: (c) => c.mount({ 'lab.mjs': { file: { contents: '' } } }),
    timers: { setTimer: timers.setTimer, clearTimer: timers.clearTimer },
  });
  // The wall clock: EPOCH + the virtual time of the test.
  const outcome = await openRuntime(host, { now: () => EPOCH + timers.now });
  if (!outcome.ok) throw new Error(outcome.reason.message);
  return { timers, booter, host, runtime: outcome.runtime };
}

async function startLab(runtime: WebContainerRuntime, options = {}) {
  const lab = await runtime.startLiveLab({ instances: 3, ttlS: 5, epoch: EPOCH, ...options });
  const events: TraceEvent[] = [];
  const logs: LabLogLine[] = [];
  lab.onEvent((e) => events.push(e));
  lab.onLog((l) => logs.push(l));
  return { lab, events, logs };
}

function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T; error?: Error } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: Error) => Object.assign(state, { done: true, error }),
  );
  return state;
}

const running = (lab: WebContainerLiveLab) => Object.fromEntries(lab.instances().map((i) => [i.id, i.running]));

describe('startLiveLab', () => {
  it('starts the registry, then the instances once it listens, then the client, with the lab CLI', async () => {
    const { booter, runtime } = await setup(() => {}); // ports open only when the test says
    const state = track(runtime.startLiveLab({ instances: 3, ttlS: 5, minTtlS: 2, epoch: EPOCH, client: { rate: 50, balancer: 'random' } }));
    await settle();
    const c = booter.last;
    expect(c.spawned.map((p) => p.argv)).toEqual([['node', 'lab.mjs', 'registry', '--port', '2379', '--min-ttl-s', '2', '--epoch', String(EPOCH)]]);
    c.emitPort(2379, 'open');
    await settle();
    expect(c.spawned.slice(1).map((p) => p.argv)).toEqual([
      ['node', 'lab.mjs', 'instance', '--id', 'inst-1', '--port', '8081', '--registry', 'http://127.0.0.1:2379', '--ttl-s', '5', '--epoch', String(EPOCH)],
      ['node', 'lab.mjs', 'instance', '--id', 'inst-2', '--port', '8082', '--registry', 'http://127.0.0.1:2379', '--ttl-s', '5', '--epoch', String(EPOCH)],
      ['node', 'lab.mjs', 'instance', '--id', 'inst-3', '--port', '8083', '--registry', 'http://127.0.0.1:2379', '--ttl-s', '5', '--epoch', String(EPOCH)],
    ]);
    c.emitPort(8081, 'open');
    c.emitPort(8082, 'open');
    await settle();
    expect(c.spawned).toHaveLength(4);
    c.emitPort(8083, 'open');
    await settle();
    expect(c.spawned[4]?.argv).toEqual([
      'node', 'lab.mjs', 'client', '--registry', 'http://127.0.0.1:2379', '--rate', '50', '--balancer', 'random', '--epoch', String(EPOCH),
    ]);
    expect(state.done).toBe(true);
    expect(state.error).toBeUndefined();
    expect(state.value?.instances()).toEqual([
      { id: 'inst-1', running: true },
      { id: 'inst-2', running: true },
      { id: 'inst-3', running: true },
    ]);
    expect(c.portListenerCount).toBe(0); // every wait unsubscribed
  });

  it('goes on after 10 s when a port does not open, and says so in the log', async () => {
    const { booter, runtime, timers } = await setup(() => {});
    const logs: LabLogLine[] = [];
    const events: TraceEvent[] = [];
    const state = track(
      runtime.startLiveLab({ instances: 1, epoch: EPOCH, client: false, onLog: (l) => logs.push(l), onEvent: (e) => events.push(e) }),
    );
    await timers.advance(9_999);
    expect(booter.last.spawned).toHaveLength(1);
    await timers.advance(1);
    expect(booter.last.spawned).toHaveLength(2);
    await timers.advance(10_000);
    expect(state.done).toBe(true);
    expect(logs).toEqual([
      { source: 'registry', text: 'port 2379 did not open in time; starting the rest anyway' },
      { source: 'inst-1', text: 'port 8081 did not open in time; starting the rest anyway' },
    ]);
    expect(events).toEqual([
      { t: 0, kind: 'process-started', source: 'registry' },
      { t: 10_000, kind: 'process-started', source: 'inst-1' },
    ]);
    expect(state.value?.processes()).toEqual([
      { id: 'registry', role: 'registry', running: true },
      { id: 'inst-1', role: 'instance', running: true },
    ]);
  });

  it('fans out every process\'s events, filling in the source, and passes logs on', async () => {
    const { booter, runtime, timers } = await setup();
    const { lab, events, logs } = await startLab(runtime);
    await timers.advance(250);
    const c = booter.last;
    c.proc('inst-2').write('\x1b[2K@@EV {"t":120,"kind":"register","source":"inst-2","lease":"l1"}\r\n');
    c.proc('registry').write('@@EV {"t":121,"kind":"put"}\r\nlistening on 2379\r\n@@EV {"t":');
    c.proc('client').write('@@EV {"kind":"call","source":"client","target":"inst-2"}\r\n');
    await settle();
    expect(events).toEqual([
      { t: 120, kind: 'register', source: 'inst-2', lease: 'l1' },
      { t: 121, kind: 'put', source: 'registry' },
      { t: 250, kind: 'call', source: 'client', target: 'inst-2' },
    ]);
    expect(logs).toEqual([{ source: 'registry', text: 'listening on 2379' }]);
    const unsubscribe = lab.onEvent(() => {
      throw new Error('a broken listener');
    });
    c.proc('inst-1').write('@@EV {"t":300,"kind":"beat"}\n');
    await settle();
    expect(events.at(-1)).toEqual({ t: 300, kind: 'beat', source: 'inst-1' });
    unsubscribe();
  });

  it('kills and restarts an instance, keeping the books', async () => {
    const { booter, runtime, timers } = await setup();
    const { lab, events } = await startLab(runtime);
    const c = booter.last;
    const first = c.proc('inst-2');
    await timers.advance(1_000);
    await lab.kill('inst-2');
    expect(first.killCalls).toBe(1);
    expect(running(lab)).toEqual({ 'inst-1': true, 'inst-2': false, 'inst-3': true });
    expect(events).toEqual([{ t: 1_000, kind: 'process-exited', source: 'inst-2', code: 130 }]);

    await timers.advance(500);
    await lab.restart('inst-2');
    const second = c.proc('inst-2');
    expect(second).not.toBe(first);
    expect(second.argv).toEqual(first.argv);
    expect(running(lab)).toEqual({ 'inst-1': true, 'inst-2': true, 'inst-3': true });
    expect(events.at(-1)).toEqual({ t: 1_500, kind: 'process-started', source: 'inst-2' });

    // Restarting a running instance kills it first.
    await lab.restart('inst-3');
    expect(c.find('--id', 'inst-3')).toHaveLength(2);
    expect(c.find('--id', 'inst-3')[0]?.killCalls).toBe(1);
    expect(c.find('--id', 'inst-3')[1]?.running).toBe(true);
    expect(booter.containers).toHaveLength(1);
  });

  it('rejects ids it does not know', async () => {
    const { runtime } = await setup();
    const { lab } = await startLab(runtime);
    await expect(lab.kill('inst-9')).rejects.toThrow('no process "inst-9" in this lab (registry, inst-1, inst-2, inst-3, client)');
  });

  it('restarts the container when an instance ignores kill, then brings back what should run', async () => {
    const { booter, runtime, timers, host } = await setup((proc) => {
      if (proc.container.serial === 1 && proc.flag('id') === 'inst-2') proc.ignoreKill = true;
      serversListen(proc);
    });
    const { lab, events } = await startLab(runtime);
    const statuses: string[] = [];
    runtime.onStatus((s) => statuses.push(s.state));
    const kill = track(lab.kill('inst-2'));
    await timers.advance(4_999);
    expect(kill.done).toBe(false);
    expect(booter.containers[0]?.teardowns).toBe(0);
    await timers.advance(1);
    expect(kill.done).toBe(true);
    expect(kill.error).toBeUndefined();
    expect(booter.containers[0]?.teardowns).toBe(1);
    expect(events[0]).toEqual({
      t: 5_000,
      kind: 'runtime-restarted',
      source: 'runtime',
      reason: 'inst-2 did not exit within 5 s of being killed',
    });
    await settle();
    const fresh = booter.containers[1];
    expect(fresh?.spawned.map((p) => p.args.slice(1, 4).join(' '))).toEqual([
      'registry --port 2379',
      'instance --id inst-1',
      'instance --id inst-3',
      'client --registry http://127.0.0.1:2379',
    ]);
    expect(running(lab)).toEqual({ 'inst-1': true, 'inst-2': false, 'inst-3': true });
    expect(statuses).toEqual(['restarted', 'booting', 'ready']);
    expect(host.restarts).toBe(1);

    // And the lab works on the new container.
    await lab.restart('inst-2');
    expect(fresh?.proc('inst-2').running).toBe(true);
    expect(running(lab)).toEqual({ 'inst-1': true, 'inst-2': true, 'inst-3': true });
  });

  it('sets faults with a POST from inside the container', async () => {
    const { booter, runtime } = await setup((proc) => {
      serversListen(proc);
      if (proc.args[0] === '-e') {
        setImmediate(() => {
          if (proc.args[1]?.includes('port: 8082')) {
            proc.write('POST /admin/fault failed: connect ECONNREFUSED 127.0.0.1:8082\r\n');
            proc.end(1);
          } else proc.end(0);
        });
      }
    });
    const { lab } = await startLab(runtime);
    await lab.setFault('inst-1', { errorRate: 0.5, latencyMs: 100 });
    const post = booter.last.spawned.find((p) => p.args[0] === '-e');
    expect(post?.command).toBe('node');
    expect(post?.args[1]).toContain("port: 8081, path: '/admin/fault', method: 'POST'");
    expect(post?.args[1]).toContain(JSON.stringify(JSON.stringify({ errorRate: 0.5, latencyMs: 100 })));
    await expect(lab.setFault('inst-2', { errorRate: 0, latencyMs: 0 })).rejects.toThrow(
      'setting the fault of inst-2 failed: POST /admin/fault failed: connect ECONNREFUSED 127.0.0.1:8082',
    );
    await expect(lab.setFault('inst-1', { errorRate: 1.5, latencyMs: 0 })).rejects.toThrow('errorRate must be between 0 and 1, not 1.5');
    await expect(lab.setFault('registry', { errorRate: 0, latencyMs: 0 })).rejects.toThrow('registry is not a service instance');
    await lab.kill('inst-3');
    await expect(lab.setFault('inst-3', { errorRate: 0, latencyMs: 0 })).rejects.toThrow('inst-3 is not running');
  });

  it('fails to start when a process cannot be started, stopping the ones that did', async () => {
    const { booter, runtime, host } = await setup();
    await host.acquire();
    booter.last.refuseSpawn = (args) => (args[1] === 'client' ? 'ENOENT: lab.mjs' : null);
    await expect(runtime.startLiveLab({ instances: 2, epoch: EPOCH })).rejects.toThrow('could not start client: ENOENT: lab.mjs');
    expect(booter.last.spawned.map((p) => [p.args[1], p.running])).toEqual([
      ['registry', false],
      ['instance', false],
      ['instance', false],
    ]);
  });

  it('stops everything', async () => {
    const { booter, runtime } = await setup();
    const { lab } = await startLab(runtime);
    await lab.stop();
    expect(booter.last.spawned.every((p) => !p.running && p.killCalls === 1)).toBe(true);
    expect(lab.processes().every((p) => !p.running)).toBe(true);
    await expect(lab.restart('inst-1')).rejects.toThrow('the live lab was stopped');
    await lab.stop();
  });

  it('is stopped by dispose, which tears the container down when nobody else uses it', async () => {
    const { booter, runtime } = await setup();
    const { lab } = await startLab(runtime);
    runtime.dispose();
    await settle();
    expect(booter.last.teardowns).toBe(1);
    expect(lab.processes().every((p) => !p.running)).toBe(true);
  });
});
