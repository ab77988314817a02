/**
 * Tests of the hystrix-go port. Tests named after Go tests come from github.com/afex/hystrix-go at
 * fa1af6a: `hystrix/circuit_test.go`, `hystrix/metrics_test.go`, `hystrix/hystrix_test.go`,
 * `hystrix/settings_test.go`, `hystrix/rolling/rolling_test.go`. Go's `time.Sleep` becomes moving the
 * clock; a run function that sleeps becomes a command completed later.
 */
import { describe, expect, it } from 'vitest';
import {
  ContextCanceled,
  ContextDeadlineExceeded,
  ErrCircuitOpen,
  ErrMaxConcurrency,
  ErrTimeout,
  HystrixCircuitBreaker,
  MetricExchange,
  RollingNumber,
  configureCommand,
  type CommandConfig,
  type EventType,
} from '../../../src/lib/sim/models/breaker/hystrix';
import { ManualClock, MILLISECOND, SECOND } from '../../../src/lib/sim/time';
import { Random } from '../../../src/lib/sim/random';

function circuit(config: CommandConfig = {}) {
  const clock = new ManualClock(0);
  const cb = new HystrixCircuitBreaker('', configureCommand(config), { clock });
  return { clock, cb, sum: (n: RollingNumber) => n.sum(cb.now()) };
}

/** metrics_test.go's metricFailingPercent: 100 executions, the first p failing. */
function metricFailingPercent(p: number, now = 0): MetricExchange {
  const m = new MetricExchange(configureCommand());
  for (let i = 0; i < 100; i++) m.collector.update([i < p ? 'failure' : 'success'], now);
  return m;
}

describe('hystrix/settings_test.go', () => {
  it('TestConfigureConcurrency', () => {
    expect(configureCommand({ maxConcurrentRequests: 100 }).maxConcurrentRequests).toBe(100);
  });
  it('TestConfigureTimeout', () => {
    expect(configureCommand({ timeout: 10000 }).timeout).toBe(10 * SECOND);
  });
  it('TestConfigureRVT', () => {
    expect(configureCommand({ requestVolumeThreshold: 30 }).requestVolumeThreshold).toBe(30);
  });
  it('TestSleepWindowDefault', () => {
    expect(configureCommand({}).sleepWindow).toBe(5 * SECOND);
  });
  it('defaults of settings.go', () => {
    expect(configureCommand()).toEqual({
      timeout: 1000 * MILLISECOND,
      maxConcurrentRequests: 10,
      requestVolumeThreshold: 20,
      sleepWindow: 5000 * MILLISECOND,
      errorPercentThreshold: 50,
    });
  });
});

describe('hystrix/rolling/rolling_test.go', () => {
  it('TestMax', () => {
    const n = new RollingNumber();
    let t = 0;
    for (const x of [10, 11, 9]) {
      n.updateMax(x, t);
      t += SECOND;
    }
    expect(n.max(t)).toBe(11);
  });

  it('TestAvg', () => {
    const n = new RollingNumber();
    let t = 0;
    for (const x of [0.5, 1.5, 2.5, 3.5, 4.5]) {
      n.increment(x, t);
      t += SECOND;
    }
    expect(n.avg(t)).toBe(1.25);
  });

  it('sums the last 10 seconds and the current one; an increment drops what is 10 s old', () => {
    const n = new RollingNumber();
    n.increment(1, 0); // second 0
    n.increment(1, 5 * SECOND);
    expect(n.sum(10 * SECOND + 999 * MILLISECOND)).toBe(2); // second 10: 0 ≥ 10 − 10 still counts
    expect(n.sum(11 * SECOND)).toBe(1);
    n.increment(1, 10 * SECOND); // removes second 0 (≤ 10 − 10)
    expect(n.sum(10 * SECOND)).toBe(2);
    expect([...n.buckets.keys()]).toEqual([5, 10]);
  });
});

describe('hystrix/metrics_test.go', () => {
  it('TestErrorPercent', () => {
    const m = metricFailingPercent(40);
    expect(m.errorPercent(0)).toBe(40);
    // and an error threshold set to 39: the metrics should be unhealthy
    const strict = new MetricExchange(configureCommand({ errorPercentThreshold: 39 }));
    for (let i = 0; i < 100; i++) strict.collector.update([i < 40 ? 'failure' : 'success'], 0);
    expect(strict.isHealthy(0)).toBe(false);
    expect(m.isHealthy(0)).toBe(true);
  });
});

describe('hystrix/circuit_test.go', () => {
  it('TestReportEventOpenThenClose', () => {
    const { cb } = circuit({ errorPercentThreshold: 50 });
    expect(cb.isOpen()).toBe(false);
    const openedTime = cb.openedOrLastTestedTime;
    // but the metrics are unhealthy
    Object.assign(cb.metrics.collector, metricFailingPercent(100).collector);
    expect(cb.metrics.isHealthy(cb.now())).toBe(false);
    // and a success is reported: the circuit does not open then close
    expect(cb.reportEvent(['success'])).toBeNull();
    expect(cb.openedOrLastTestedTime).toBe(openedTime);
    expect(cb.open).toBe(false);
  });

  it('TestReportEventMultiThreaded (deterministic: seeded events, open and close intermittently)', () => {
    const rand = seededSource(3);
    for (let run = 0; run < 100; run++) {
      const { cb, clock } = circuit({ maxConcurrentRequests: 1, errorPercentThreshold: 1, requestVolumeThreshold: 1, sleepWindow: 10 });
      for (let i = 0; i < 5; i++) {
        const eventType: EventType = Math.floor(rand() * 3) === 1 ? 'success' : 'rejected';
        expect(cb.reportEvent([eventType])).toBeNull();
        if (eventType === 'success') expect(cb.open).toBe(false);
        clock.advance(MILLISECOND);
        // cb.isOpen() internally calls cb.setOpen()
        const open = cb.isOpen();
        if (eventType === 'rejected') expect(open).toBe(true); // 1 request, 100% errors ≥ 1%
      }
    }
    expect(cb_reportEventRejectsEmpty()).toBeInstanceOf(Error);
  });
});

function cb_reportEventRejectsEmpty(): Error | null {
  return circuit().cb.reportEvent([]);
}

describe('hystrix/hystrix_test.go', () => {
  it('TestSuccess', () => {
    const { cb, sum } = circuit();
    const cmd = cb.go();
    cmd.complete(null);
    expect(cmd.error).toBeNull();
    expect(sum(cb.metrics.collector.successes)).toBe(1);
  });

  it('TestFallback', () => {
    const { cb, sum } = circuit();
    let fallbackSaw: string | undefined;
    const cmd = cb.go({ fallback: (err) => ((fallbackSaw = err.message), null) });
    cmd.complete(new Error('error'));
    expect(fallbackSaw).toBe('error');
    expect(cmd.error).toBeNull();
    expect(sum(cb.metrics.collector.successes)).toBe(0);
    expect(sum(cb.metrics.collector.failures)).toBe(1);
    expect(sum(cb.metrics.collector.fallbackSuccesses)).toBe(1);
  });

  it('TestTimeout', () => {
    const { cb, clock } = circuit({ timeout: 100 });
    let fallbackSaw: Error | undefined;
    const cmd = cb.go({ fallback: (err) => ((fallbackSaw = err), null) });
    clock.advance(1 * SECOND);
    cmd.complete(null); // the run's result after a timeout is ignored
    expect(fallbackSaw).toBe(ErrTimeout);
    expect(cmd.error).toBeNull();
  });

  it('TestTimeoutEmptyFallback', () => {
    const { cb, clock, sum } = circuit({ timeout: 100 });
    const cmd = cb.go();
    clock.advance(1 * SECOND);
    cmd.complete(null);
    expect(cmd.error).toBe(ErrTimeout);
    expect(sum(cb.metrics.collector.successes)).toBe(0);
    expect(sum(cb.metrics.collector.timeouts)).toBe(1);
    expect(sum(cb.metrics.collector.fallbackSuccesses)).toBe(0);
    expect(sum(cb.metrics.collector.fallbackFailures)).toBe(0);
  });

  it('TestMaxConcurrent', () => {
    const { cb, clock } = circuit({ maxConcurrentRequests: 2 });
    let good = 0;
    let bad = 0;
    for (let i = 0; i < 3; i++) {
      const cmd = cb.go(); // each run sleeps 1 s
      clock.advance(10 * MILLISECOND);
      if (cmd.error === ErrMaxConcurrency) bad++;
      else if (!cmd.finished) good++;
    }
    expect([bad, good]).toEqual([1, 2]);
  });

  it('TestForceOpenCircuit', () => {
    const { cb, sum } = circuit();
    cb.toggleForceOpen(true);
    const cmd = cb.go();
    expect(cmd.error).toBe(ErrCircuitOpen);
    expect(sum(cb.metrics.collector.successes)).toBe(0);
    expect(sum(cb.metrics.collector.shortCircuits)).toBe(1);
  });

  it('TestNilFallbackRunError', () => {
    const { cb } = circuit();
    const cmd = cb.go();
    cmd.complete(new Error('run_error'));
    expect(cmd.error?.message).toBe('run_error');
  });

  it('TestFailedFallback', () => {
    const { cb } = circuit();
    const cmd = cb.go({ fallback: () => new Error('fallback_error') });
    cmd.complete(new Error('run_error'));
    expect(cmd.error?.message).toBe("fallback failed with 'fallback_error'. run error was 'run_error'");
  });

  it('TestCloseCircuitAfterSuccess', () => {
    const { cb, clock } = circuit();
    cb.setOpen();
    // commands immediately following should short-circuit
    expect(cb.go().error).toBe(ErrCircuitOpen);
    // and a successful command is run after the sleep window
    clock.advance(6 * SECOND);
    const cmd = cb.go();
    expect(cmd.finished).toBe(false);
    cmd.complete(null);
    clock.advance(10 * MILLISECOND);
    expect(cb.isOpen()).toBe(false);
  });

  it('TestFailAfterTimeout', () => {
    const { cb, clock } = circuit({ timeout: 10 });
    let fallbackCalls = 0;
    const cmd = cb.go({ fallback: (err) => (fallbackCalls++, err) });
    clock.advance(50 * MILLISECOND);
    cmd.complete(new Error('foo')); // fails after the timeout fired: must not run the fallback again
    expect(cmd.error?.message).toContain('timeout');
    clock.advance(100 * MILLISECOND);
    expect(fallbackCalls).toBe(1);
  });

  it('TestSlowFallbackOpenCircuit', () => {
    const { cb, clock, sum } = circuit({ timeout: 10 });
    cb.setOpen();
    let fallbacks = 0;
    cb.go({ fallback: () => (fallbacks++, null) });
    clock.advance(250 * MILLISECOND);
    // the fallback only fires for the short-circuit, and a timeout event is not recorded
    expect(fallbacks).toBe(1);
    expect(sum(cb.metrics.collector.shortCircuits)).toBe(1);
    expect(sum(cb.metrics.collector.timeouts)).toBe(0);
  });

  it('TestFallbackAfterRejected', () => {
    const { cb } = circuit({ maxConcurrentRequests: 1 });
    expect(cb.executorPool.take()).toBe(true); // <-cb.executorPool.Tickets
    let fallbackRan = false;
    const cmd = cb.go({ fallback: () => ((fallbackRan = true), null) });
    // should not execute the run function: the command is over before it could start
    expect(fallbackRan).toBe(true);
    expect(cmd.finished).toBe(true);
    expect(cmd.events).toEqual(['rejected', 'fallback-success']);
  });

  it('TestReturnTicket', () => {
    const { cb, clock } = circuit({ timeout: 10 });
    const cmd = cb.go(); // a run that never returns
    clock.advance(10 * MILLISECOND);
    cb.fireDueTimers();
    expect(cmd.error).toBe(ErrTimeout);
    expect(cb.executorPool.activeCount()).toBe(0);
  });

  describe('TestContextHandling', () => {
    const setup = () => circuit({ timeout: 15 }); // each run sleeps 20 ms
    const expectCounts = (c: ReturnType<typeof circuit>, timeouts: number, canceled: number, deadline: number, fallbackOk = 0) => {
      const m = c.cb.metrics.collector;
      expect([c.sum(m.numRequests), c.sum(m.failures), c.sum(m.timeouts), c.sum(m.contextCanceled), c.sum(m.contextDeadlineExceeded), c.sum(m.fallbackSuccesses)]).toEqual([
        1,
        0,
        timeouts,
        canceled,
        deadline,
        fallbackOk,
      ]);
    };

    it('with a valid context', () => {
      const c = setup();
      const cmd = c.cb.go();
      c.clock.advance(20 * MILLISECOND);
      cmd.complete(null);
      c.clock.advance(5 * MILLISECOND);
      expect(cmd.error?.message).toBe(ErrTimeout.message);
      expectCounts(c, 1, 0, 0);
    });

    it('with a valid context and a fallback', () => {
      const c = setup();
      const cmd = c.cb.go({ fallback: () => null });
      c.clock.advance(25 * MILLISECOND);
      cmd.complete(null);
      expect(cmd.error).toBeNull();
      expectCounts(c, 1, 0, 0, 1);
    });

    it('with a context timeout', () => {
      const c = setup();
      const cmd = c.cb.go({ contextTimeout: 5 * MILLISECOND });
      c.clock.advance(25 * MILLISECOND);
      cmd.complete(null);
      expect(cmd.error?.message).toBe(ContextDeadlineExceeded.message);
      expectCounts(c, 0, 0, 1);
    });

    it('with a context timeout and a fallback', () => {
      const c = setup();
      const cmd = c.cb.go({ contextTimeout: 5 * MILLISECOND, fallback: () => null });
      c.clock.advance(25 * MILLISECOND);
      cmd.complete(null);
      expect(cmd.error).toBeNull();
      expectCounts(c, 0, 0, 1, 1);
    });

    it('with a canceled context', () => {
      const c = setup();
      const cmd = c.cb.go();
      c.clock.advance(5 * MILLISECOND);
      cmd.cancel();
      c.clock.advance(20 * MILLISECOND);
      cmd.complete(null);
      expect(cmd.error?.message).toBe(ContextCanceled.message);
      expectCounts(c, 0, 1, 0);
    });

    it('with a canceled context and a fallback', () => {
      const c = setup();
      const cmd = c.cb.go({ fallback: () => null });
      c.clock.advance(5 * MILLISECOND);
      cmd.cancel();
      c.clock.advance(20 * MILLISECOND);
      expect(cmd.error).toBeNull();
      expectCounts(c, 0, 1, 0, 1);
    });
  });

  it('TestDoC (the command-level outcomes)', () => {
    const ok = circuit().cb.go();
    ok.complete(null);
    expect(ok.error).toBeNull();

    const failed = circuit().cb.go();
    failed.complete(new Error('i failed'));
    expect(failed.error?.message).toBe('i failed');

    const rescued = circuit().cb.go({ fallback: () => null });
    rescued.complete(new Error('i failed'));
    expect(rescued.error).toBeNull();

    const doubleFail = circuit().cb.go({ fallback: () => new Error('fallback failed') });
    doubleFail.complete(new Error('i failed'));
    expect(doubleFail.error?.message).toBe("fallback failed with 'fallback failed'. run error was 'i failed'");

    const c = circuit({ timeout: 10 });
    const slow = c.cb.go();
    c.clock.advance(100 * MILLISECOND);
    slow.complete(null);
    expect(slow.error?.message).toBe('hystrix: timeout');
  });
});

describe('the breaker rule, end to end (circuit.go, from the source)', () => {
  it('opens only on the next AllowRequest once 20 requests in the window have ≥ 50% errors', () => {
    const { cb } = circuit();
    for (let i = 0; i < 10; i++) cb.go().complete(null);
    for (let i = 0; i < 9; i++) cb.go().complete(new Error('x'));
    expect(cb.isOpen()).toBe(false); // 19 requests: below the volume threshold
    cb.go().complete(new Error('x')); // 20 requests, 10 errors: 50%
    expect(cb.open).toBe(false); // reporting does not open it...
    expect(cb.go().error).toBe(ErrCircuitOpen); // ...the next AllowRequest does
    expect(cb.open).toBe(true);
  });

  it('lets one test through per sleep window, strictly after it; a success closes and resets', () => {
    const { cb, clock, sum } = circuit({ requestVolumeThreshold: 2 });
    cb.go().complete(new Error('x'));
    cb.go().complete(new Error('x'));
    expect(cb.go().error).toBe(ErrCircuitOpen);
    clock.advance(5 * SECOND);
    expect(cb.go().error).toBe(ErrCircuitOpen); // not strictly after the window yet
    clock.advance(1);
    const probe = cb.go();
    expect(probe.finished).toBe(false);
    expect(cb.go().error).toBe(ErrCircuitOpen); // the window re-armed at the test
    probe.complete(new Error('still down'));
    expect(cb.open).toBe(true);
    clock.advance(5 * SECOND + 1);
    const probe2 = cb.go();
    probe2.complete(null);
    expect(cb.open).toBe(false);
    expect(sum(cb.metrics.requests())).toBe(1); // reset, then the success recorded
  });

  it('a success of a command admitted before the opening also closes the breaker', () => {
    const { cb } = circuit({ requestVolumeThreshold: 2 });
    const early = cb.go();
    cb.go().complete(new Error('x'));
    cb.go().complete(new Error('x'));
    expect(cb.go().error).toBe(ErrCircuitOpen);
    early.complete(null);
    expect(cb.open).toBe(false);
  });

  it('timeouts count as errors and free the bulkhead ticket at the deadline; errors age out after 10 s', () => {
    const { cb, clock, sum } = circuit({ requestVolumeThreshold: 4, maxConcurrentRequests: 2, timeout: 1000 });
    const a = cb.go();
    const b = cb.go();
    expect(cb.go().error).toBe(ErrMaxConcurrency);
    clock.advance(1000 * MILLISECOND);
    cb.fireDueTimers(); // the pool is raw state: timers fire on the circuit's methods
    expect(cb.executorPool.activeCount()).toBe(0);
    expect([a.error, b.error]).toEqual([ErrTimeout, ErrTimeout]);
    expect(sum(cb.metrics.collector.errors)).toBe(3);
    expect(cb.metrics.errorPercent(cb.now())).toBe(100);
    clock.advance(11 * SECOND);
    expect(sum(cb.metrics.requests())).toBe(0);
    expect(cb.isOpen()).toBe(false);
  });

  it('rounds the error percentage half up: 9 errors of 20 = 45%, 1 of 3 = 33%', () => {
    const m = new MetricExchange(configureCommand());
    for (let i = 0; i < 20; i++) m.collector.update([i < 9 ? 'failure' : 'success'], 0);
    expect(m.errorPercent(0)).toBe(45);
    const n = new MetricExchange(configureCommand());
    for (const t of ['failure', 'success', 'success'] as const) n.collector.update([t], 0);
    expect(n.errorPercent(0)).toBe(33);
  });
});

/** The project's seeded generator (src/lib/sim/random.ts) as a () => [0, 1) source. */
function seededSource(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}
