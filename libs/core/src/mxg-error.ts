/**
 * Base of every domain error in MXG: a stable, machine-readable `code` that callers and
 * transports switch on, and a message a user can act on. Transport filters map codes to HTTP
 * statuses or AMQP handling; the code never changes once published.
 */
export class MxgError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${code}: ${message}`);
    this.name = new.target.name;
  }
}
