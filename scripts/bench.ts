/**
 * `npm run bench`: prints the budgets of DESIGN.md that exist so far, as a table. It measures, it does
 * not judge: tests never assert timings.
 *
 * - lesson page initial JS: gzip size of the entry chunk and its static imports (build manifest);
 * - lesson page first contentful paint: `vite preview` + headless Chromium, median of 5 cold loads;
 * - simulation kernel throughput: simple events per second in Node (best of 3 runs);
 * - the time to run each scenario with its defaults (median of 5), and its trace length;
 * - playback of a 10k-event trace on the breaker lab page: long tasks (PerformanceObserver) while it plays.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, preview } from 'vite';
import { findChromium, launchChromium } from '../tests/e2e/browser';
import { Simulator } from '../src/lib/sim/kernel.ts';
import { SCENARIOS } from '../src/lib/sim/scenarios/index.ts';
import { initialChunks } from './lib/manifest';

const root = resolve(import.meta.dirname, '..');
const distDir = resolve(root, 'dist');
const RUNS = 5;

if (!existsSync(resolve(distDir, 'index.html'))) await build({ root, logLevel: 'warn' });

const rows: [string, string, string][] = [];
const initialGzip = initialChunks(distDir).reduce((sum, c) => sum + c.gzipBytes, 0);
rows.push(['lesson page initial JS (gzip, excluding lazy chunks)', `${(initialGzip / 1024).toFixed(1)} KB`, '≤ 120 KB']);

const chromiumPath = findChromium();
if (!chromiumPath) {
  rows.push(['lesson page first contentful paint (median of 5)', 'not measured: no Chromium', '≤ 500 ms']);
} else {
  const server = await preview({ root, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', open: false } });
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await launchChromium(chromiumPath);
  const samples: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/lessons/rate-limiting`, { waitUntil: 'load' });
      await page.locator('[data-testid="lesson-body"]').waitFor();
      const fcp = await page.evaluate(
        () => performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? NaN,
      );
      samples.push(fcp);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  let exercise: { monacoReady: string; firstGrade: string; warmGrade: string } | undefined;
  try {
    exercise = await measureExercise(chromiumPath, `http://127.0.0.1:${port}`);
  } catch (error) {
    const failed = `failed: ${error instanceof Error ? error.message : String(error)}`;
    exercise = { monacoReady: failed, firstGrade: failed, warmGrade: failed };
  }
  let playback = 'not measured';
  try {
    playback = await measurePlayback(chromiumPath, `http://127.0.0.1:${port}`);
  } catch (error) {
    playback = `failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await server.close();
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  rows.push([
    `lesson page first contentful paint (median of ${RUNS})`,
    `${median.toFixed(0)} ms (runs: ${samples.map((s) => s.toFixed(0)).join(', ')})`,
    '≤ 500 ms',
  ]);
  rows.push(['playback of a 10k-event trace (breaker lab, rate 500/s, 10×)', playback, 'no long task > 50 ms']);
  rows.push(['Monaco ready after opening an exercise (token-bucket, median of 3)', exercise.monacoReady, '≤ 1.5 s']);
  rows.push(['grade an exercise in the worker runtime, first run (sandbox start included)', exercise.firstGrade, '—']);
  rows.push(['grade an exercise in the worker runtime, warm, median of 20', exercise.warmGrade, '≤ 300 ms']);
}

rows.push(['sim kernel, Node, simple events (best of 3)', `${Math.round(kernelEventsPerSecond()).toLocaleString('en')} events/s`, '≥ 1,000,000 events/s']);

for (const scenario of SCENARIOS) {
  const times: number[] = [];
  let events = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    events = scenario.run().trace.length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  rows.push([`scenario ${scenario.id} (median of 5)`, `${times[2]!.toFixed(1)} ms, ${events.toLocaleString('en')} trace events`, '—']);
}

/**
 * Opens the token-bucket exercise three times and reads when Monaco was ready (from navigation start),
 * then grades the reference solution 21 times: the first run starts the sandbox, the other 20 are warm. Times
 * come from the page's own `performance.measure` entries: click to results, as the learner sees it.
 */
async function measureExercise(executable: string, origin: string): Promise<{ monacoReady: string; firstGrade: string; warmGrade: string }> {
  const browser = await launchChromium(executable);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  try {
    const ready: number[] = [];
    let grades: number[] = [];
    let summary = '';
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${origin}/exercises/token-bucket`);
      await page.waitForFunction(() => document.documentElement.dataset.monacoReady === 'true', null, { timeout: 60_000 });
      ready.push(await page.evaluate(() => {
        const entry = performance.getEntriesByName('monaco-ready')[0];
        return entry ? entry.startTime + entry.duration : NaN;
      }));
      if (i === 0) {
        // A typical run: the reference solution, every test passing.
        await page.getByRole('button', { name: /Show solution|查看参考答案/ }).click();
        await page.getByRole('button', { name: /Replace my code with the solution|用参考答案替换我的代码/ }).click();
        await page.getByRole('button', { name: /^(Replace|替换)$/ }).click();
        for (let run = 1; run <= 21; run++) {
          await page.getByRole('button', { name: /Run tests|运行测试/ }).click();
          await page.waitForFunction((n) => document.querySelector('.results')?.getAttribute('data-run') === String(n), run, { timeout: 30_000 });
        }
        grades = await page.evaluate(() => performance.getEntriesByName('exercise-grade').map((e) => e.duration));
        summary = ((await page.locator('.results h2').textContent()) ?? '').trim();
      }
      await context.close();
    }
    const [first, ...warm] = grades;
    return {
      monacoReady: `${median(ready).toFixed(0)} ms (runs: ${ready.map((r) => r.toFixed(0)).join(', ')})`,
      firstGrade: first === undefined ? 'not measured' : `${first.toFixed(0)} ms`,
      warmGrade: warm.length ? `${median(warm).toFixed(0)} ms (${warm.length} runs of the solution: ${summary})` : 'not measured',
    };
  } finally {
    await browser.close();
  }
}

/** Plays the breaker lab at 500 calls/s (over 10,000 events) and reports the long tasks seen meanwhile. */
async function measurePlayback(executable: string, origin: string): Promise<string> {
  const browser = await launchChromium(executable);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${origin}/sims/breaker`);
    await page.locator('figure.chart').first().waitFor({ timeout: 30_000 });
    await page.locator('[data-param=rate]').fill('500');
    const total = async () => Number(((await page.getByTestId('event-count').textContent()) ?? '').match(/\d+/g)?.[1] ?? 0);
    const shown = async () => Number(((await page.getByTestId('event-count').textContent()) ?? '').match(/\d+/g)?.[0] ?? 0);
    for (let i = 0; i < 100 && (await total()) < 10_000; i++) await page.waitForTimeout(100);
    const events = await total();
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask' });
    });
    await page.getByTestId('speed').selectOption('10');
    await page.getByTestId('play').click();
    for (let i = 0; i < 300 && (await shown()) < events; i++) await page.waitForTimeout(100);
    const tasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    return `${events.toLocaleString('en')} events: ${tasks.length} long tasks (longest ${Math.round(Math.max(0, ...tasks))} ms)`;
  } finally {
    await browser.close();
  }
}

/** 1,000 timers that each reschedule themselves with a random delay, 2 million events in all. */
function kernelEventsPerSecond(): number {
  const EVENTS = 2_000_000;
  let best = 0;
  for (let run = 0; run < 3; run++) {
    const sim = new Simulator(run + 1);
    const tick = () => {
      sim.schedule(1 + sim.random.int(1_000_000), tick);
    };
    for (let i = 0; i < 1000; i++) tick();
    const start = performance.now();
    sim.run({ maxEvents: EVENTS });
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, sim.eventsProcessed / seconds);
  }
  return best;
}

const widths = [0, 1, 2].map((i) => Math.max(...[['what', 'measured', 'budget'], ...rows].map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(['what', 'measured', 'budget']));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
