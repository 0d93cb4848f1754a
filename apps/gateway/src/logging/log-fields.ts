/**
 * The fields a gateway log line may carry besides its text (#17). Identifiers and codes only:
 * message ids, stable error codes, message types, parties — never a name, a body or a token
 * (MIG-11.1). `msg` is the text.
 */
export interface LogFields {
  readonly msg: string;
  readonly messageId?: string | null;
  readonly code?: string | null;
  readonly type?: string;
  readonly party?: string;
}

/** `fields` as what Nest's `Logger` passes on unchanged to the gateway's logger. */
export function logLine(fields: LogFields): LogFields {
  return fields;
}
