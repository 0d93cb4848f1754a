import { MxgError } from '@mxg/core';

export type SchemaErrorCode = 'SCHEMA_NOT_FOUND';

export const SCHEMA_ERROR_STATUS: Readonly<Record<SchemaErrorCode, number>> = {
  SCHEMA_NOT_FOUND: 404,
};

export class SchemaError extends MxgError {
  constructor(
    override readonly code: SchemaErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
