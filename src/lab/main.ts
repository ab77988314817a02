/**
 * The live-lab program: one file, bundled to `lab.mjs` (see README.md), run by real Node in a
 * WebContainer and in `tests/lab/`. `node lab.mjs <registry|instance|client|scenario|all> ...`.
 */
import { runAll } from './all.ts';
import { runClient } from './client.ts';
import { runInstance } from './instance.ts';
import { writeEvent } from './io.ts';
import { LAB_COMMANDS, LabUsageError, USAGE, parseLabArgs, type LabInvocation } from './protocol.ts';
import { runRegistry } from './registry-server.ts';
import { runScenarioCommand } from './scenario.ts';

/** The source to name in an error event about this command line. */
function sourceOf(args: readonly string[]): string {
  const command = args[0];
  if (command === 'instance') {
    const i = args.indexOf('--id');
    const id = i >= 0 ? args[i + 1] : undefined;
    return id ?? 'instance';
  }
  return command !== undefined && (LAB_COMMANDS as readonly string[]).includes(command) && command !== 'all' ? command : 'lab';
}

async function main(args: string[]): Promise<void> {
  if (args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  let invocation: LabInvocation;
  try {
    invocation = parseLabArgs(args);
  } catch (e) {
    if (!(e instanceof LabUsageError)) throw e;
    writeEvent({ t: 0, kind: 'error', source: sourceOf(args), message: e.message });
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  switch (invocation.command) {
    case 'registry':
      return runRegistry(invocation.options);
    case 'instance':
      return runInstance(invocation.options);
    case 'client':
      return runClient(invocation.options);
    case 'scenario':
      return runScenarioCommand(invocation.options);
    case 'all':
      return runAll(invocation.options);
  }
}

void main(process.argv.slice(2));
