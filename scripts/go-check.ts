/**
 * `npm run test:go`: the Go truth checks (tests/go/README.md). Needs Go on PATH (1.26+; modules come
 * from the Go module proxy and are cached).
 *
 * 1. Snippets: every ```go block of the lessons and exercise instructions must pass `go vet`
 *    against the library versions pinned in tests/go/go.mod.
 * 2. Differential: golden and seeded random traces of the replay contract are replayed by the real
 *    Go libraries and by our TypeScript models; every answer line must be equal. Then broken
 *    limiters must be caught, proving the comparison can fail.
 *
 * Environment: GO_CHECK_TRACES (random traces per model, default 1000), GO_CHECK_SEED (default 1),
 * GO_CHECK_ONLY=snippets|differential.
 * Exits 1 on any failure, including a missing `go`.
 */
import { resolve } from 'node:path';
import { runDifferential } from '../tests/go/differential.ts';
import { run } from '../tests/go/run.ts';
import { checkSnippets } from '../tests/go/snippets.ts';

const root = resolve(import.meta.dirname, '..');
const count = Number(process.env.GO_CHECK_TRACES ?? 1000);
const seed = Number(process.env.GO_CHECK_SEED ?? 1);
const only = process.env.GO_CHECK_ONLY;
const started = performance.now();
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(line);

const version = await run('go', ['version'], { cwd: root });
if (version.startError || version.code !== 0) {
  console.error(
    'go-check: FAILED: the `go` command is missing (npm run test:go needs Go 1.26 or later on PATH: https://go.dev/dl/).' +
      (version.startError ? '' : `\n${version.stderr}`),
  );
  process.exit(1);
}
log(`go-check: ${version.stdout.trim()}`);

let failed = false;

if (only !== 'differential') {
  const t = performance.now();
  const snippets = await checkSnippets(root);
  const failing = new Set(snippets.problems.map((p) => /^(\S+?\.md:\d+):/.exec(p)?.[1]).filter(Boolean));
  log(
    `snippets: ${snippets.blocks.length} go blocks in ${snippets.files} files; ` +
      `go vet: ${snippets.blocks.length - failing.size} pass, ${failing.size} fail (${seconds(t)})`,
  );
  for (const p of snippets.problems) console.error(`  ${p}`);
  failed ||= snippets.problems.length > 0;
}

if (only !== 'snippets') {
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(seed)) {
    console.error('go-check: GO_CHECK_TRACES and GO_CHECK_SEED must be integers');
    process.exit(1);
  }
  const t = performance.now();
  const result = await runDifferential({ root, count, seed, log });
  if (result.summaries.length > 0) {
    log(`differential (seed ${seed}, ${count} random traces per model):`);
    log('  model     traces  golden   lines  differences   CLI traces  CLI lines  CLI differences');
    for (const s of result.summaries) {
      log(
        `  ${s.model.padEnd(8)} ${String(s.all.traces).padStart(7)} ${String(s.golden).padStart(7)} ${String(s.all.lines).padStart(7)}` +
          ` ${String(s.all.differences).padStart(12)} ${String(s.cli.traces).padStart(12)} ${String(s.cli.lines).padStart(10)}` +
          ` ${String(s.cli.differences).padStart(16)}`,
      );
    }
    for (const s of result.selfTests) {
      log(`  self-test, broken ${s.name}: ${s.differences} differences ${s.differences > 0 ? 'caught' : 'NOT CAUGHT'}`);
    }
  }
  log(`differential: ${seconds(t)}`);
  for (const p of result.problems) console.error(p);
  failed ||= !result.ok;
}

log(`go-check: ${failed ? 'FAILED' : 'ok'} in ${seconds(started)}`);
process.exit(failed ? 1 : 0);
