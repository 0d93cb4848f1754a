import { QueryFailedError } from 'typeorm';

/** Socket errors: the server is down, restarting or unreachable. */
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What pg says when a connection is lost or cannot be had in time. */
const CONNECTION_LOST =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed)/;

/**
 * SQLSTATEs of a database that cannot serve now, rather than a statement at fault: connection
 * exceptions (08), insufficient resources such as too many connections (53), the server
 * shutting down or starting (57P01–57P03), and a read-only standby after a failover (25006).
 */
function isUnavailableState(state: string): boolean {
  return (
    state.startsWith('08') ||
    state.startsWith('53') ||
    ['57P01', '57P02', '57P03', '25006'].includes(state)
  );
}

/**
 * Whether `error` means the gateway's database cannot be reached or used at the moment — an
 * outage to answer with 503 and Retry-After — rather than a fault of the request or the code.
 * A PostgreSQL error that reached us without a statement (TypeORM wraps every failed statement
 * in a QueryFailedError) was the server refusing the connection itself, e.g. CONNECT revoked.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const statement = error instanceof QueryFailedError;
  const cause: unknown = statement ? (error.driverError as unknown) : error;
  if (!(cause instanceof Error)) return false;
  const { code, severity } = cause as Error & { code?: unknown; severity?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_ERRORS.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string') {
      return isUnavailableState(code) || !statement;
    }
  }
  return CONNECTION_LOST.test(cause.message);
}
