import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { run } from '../program';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `rt <args>` in-process against the given database, capturing its output. */
export async function runCli(
  args: string[],
  opts: { databaseUrl: string; namespace?: string; stdin?: string; env?: Record<string, string>; tty?: boolean },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (s: string) => (stdout += s) },
    // A terminal-like stderr (for progress bars) when asked; a pipe otherwise.
    stderr: opts.tty
      ? Object.assign(new EventEmitter(), { isTTY: true, columns: 100, write: (s: string) => (stderr += s) })
      : { write: (s: string) => (stderr += s) },
    stdin: opts.stdin === undefined ? undefined : Readable.from([opts.stdin]),
    env: { DATABASE_URL: opts.databaseUrl, ...opts.env },
    queueNamespace: opts.namespace,
  });
  return { code, stdout, stderr };
}
