import { execFile } from 'node:child_process';
import { MxgError } from '@mxg/core';

/**
 * Runs `rabbitmqctl` (or whatever reaches it, e.g. `docker compose exec -T rabbitmq
 * rabbitmqctl`). Passwords go through standard input, never the command line, so they do not
 * show in the process list.
 */
export class Rabbitmqctl {
  private readonly program: string;
  private readonly prefix: string[];

  constructor(command = 'rabbitmqctl') {
    [this.program = 'rabbitmqctl', ...this.prefix] = command.split(/\s+/).filter(Boolean);
  }

  run(args: string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.program,
        [...this.prefix, '-q', ...args],
        { timeout: 60_000 },
        (error, stdout, stderr) => {
          if (error) {
            const hint =
              (error as NodeJS.ErrnoException).code === 'ENOENT'
                ? `${this.program} is not installed here; run \`npm run services\` on the broker host or set MXG_RABBITMQCTL`
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

  async json<T>(args: string[]): Promise<T> {
    const out = await this.run([...args, '--formatter', 'json']);
    return JSON.parse(out.trim() || '[]') as T;
  }
}
