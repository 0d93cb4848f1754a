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

  /**
   * `target`: a named node (`-n mxg-kz@localhost`) and the environment that reaches it (HOME,
   * whose `.erlang.cookie` the node shares) — a party's broker node started by
   * `ensureBrokerNode`. Without it, the machine's default broker.
   */
  constructor(
    command = 'rabbitmqctl',
    private readonly target: { node?: string; env?: Record<string, string> } = {},
  ) {
    [this.program = 'rabbitmqctl', ...this.prefix] = command.split(/\s+/).filter(Boolean);
  }

  /** The node this reaches, when it names one. */
  get node(): string | undefined {
    return this.target.node;
  }

  run(args: string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.program,
        [...this.prefix, ...(this.target.node ? ['-n', this.target.node] : []), '-q', ...args],
        {
          timeout: 60_000,
          ...(this.target.env ? { env: { ...process.env, ...this.target.env } } : {}),
        },
        (error, stdout, stderr) => {
          if (error) {
            const hint =
              (error as NodeJS.ErrnoException).code === 'ENOENT'
                ? `${this.program} is not installed here; run \`npm run services\` on the broker host or set MXG_RABBITMQCTL`
                : stderr.trim() || error.message;
            const where = this.target.node ? ` (node ${this.target.node})` : '';
            reject(new MxgError('BROKER_ADMIN_FAILED', `rabbitmqctl ${args[0]}${where}: ${hint}`));
            return;
          }
          resolve(stdout);
        },
      );
      child.stdin?.end(input ?? '');
    });
  }

  /** Whether the broker accepts this password (given on standard input, not the command line). */
  async authenticates(user: string, password: string): Promise<boolean> {
    try {
      await this.run(['authenticate_user', user], password);
      return true;
    } catch {
      return false;
    }
  }

  async json<T>(args: string[]): Promise<T> {
    const out = await this.run([...args, '--formatter', 'json']);
    return JSON.parse(out.trim() || '[]') as T;
  }
}
