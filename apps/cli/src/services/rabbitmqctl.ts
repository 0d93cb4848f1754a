import { execFile } from 'node:child_process';
import { MxgError } from '@mxg/core';

/**
 * Runs `rabbitmqctl`. Passwords go through standard input, never the command line, so they do
 * not show in the process list.
 */
export function rabbitmqctl(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'rabbitmqctl',
      ['-q', ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          const hint =
            (error as NodeJS.ErrnoException).code === 'ENOENT'
              ? 'rabbitmqctl is not installed here; run `npm run services` on the broker host'
              : stderr.trim() || error.message;
          reject(new MxgError('BROKER_ADMIN_FAILED', `rabbitmqctl ${args[0]}: ${hint}`));
          return;
        }
        resolve(stdout);
      },
    );
    child.stdin?.end(input ?? '');
  });
}

export async function rabbitmqctlJson<T>(args: string[]): Promise<T> {
  const out = await rabbitmqctl([...args, '--formatter', 'json']);
  return JSON.parse(out.trim() || '[]') as T;
}
