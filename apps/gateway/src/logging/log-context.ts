import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line written while an HTTP request is handled carries (#17): its request id,
 * and — once known — the message it concerns and the code it was refused with. Ids and codes
 * only, never content.
 */
export interface LogContext {
  readonly reqId: string;
  messageId?: string;
  code?: string;
}

/** The context of the request being handled, for the logger to add to each line. */
export const requestLogContext = new AsyncLocalStorage<LogContext>();
