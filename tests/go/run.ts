/** Runs a command to completion, collecting its output (never throws for a non-zero exit). */
import { spawn } from 'node:child_process';

export interface RunResult {
  /** The exit code, or null when the command could not start or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it could not start (e.g. ENOENT: not installed). */
  startError?: NodeJS.ErrnoException;
}

export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let startError: NodeJS.ErrnoException | undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      startError = e;
    });
    child.on('close', (code) => {
      const result: RunResult = { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
      if (startError) result.startError = startError;
      resolve(result);
    });
    // A child that exits without reading all its input must not crash us with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
