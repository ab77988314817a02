/**
 * `npm run -s sim -- replay <model>`: the replay CLI of DESIGN.md. Reads JSON lines on stdin (the
 * first configures the model), writes one JSON line per operation on stdout. It never crashes on
 * bad input; it exits non-zero only when stdin itself fails or the command line is wrong.
 */
import { createInterface } from 'node:readline';
import { REPLAY_MODELS } from '../src/lib/sim/replay/index.ts';
import { ReplaySession } from '../src/lib/sim/replay/session.ts';

const [command, model] = process.argv.slice(2);
if (command !== 'replay' || !model) {
  console.error(`usage: npm run -s sim -- replay <model>\nmodels: ${Object.keys(REPLAY_MODELS).join(', ')}`);
  process.exit(2);
}

const factory = Object.hasOwn(REPLAY_MODELS, model) ? REPLAY_MODELS[model as keyof typeof REPLAY_MODELS] : undefined;
const session = new ReplaySession(factory, `unknown model "${model}" (models: ${Object.keys(REPLAY_MODELS).join(', ')})`);
if (!factory) console.error(session.configError);

const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
let reportedConfig = !factory;
lines.on('line', (line) => {
  const answer = session.feed(line);
  if (!reportedConfig && session.configError) {
    reportedConfig = true;
    console.error(session.configError);
  }
  if (answer !== undefined) process.stdout.write(`${answer}\n`);
});
process.stdin.on('error', (error) => {
  console.error(`stdin failed: ${error.message}`);
  process.exit(1);
});
