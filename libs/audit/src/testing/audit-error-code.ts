import { AuditError } from '../audit-error';

/** The AuditError code `call` throws, or undefined if it returns; any other error is rethrown. */
export function codeOf(call: () => unknown): string | undefined {
  try {
    call();
  } catch (error) {
    if (error instanceof AuditError) return error.code;
    throw error;
  }
  return undefined;
}

/** The AuditError code `call` rejects (or throws) with, or undefined if it resolves. */
export async function asyncCodeOf(call: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await call();
  } catch (error) {
    if (error instanceof AuditError) return error.code;
    throw error;
  }
  return undefined;
}
