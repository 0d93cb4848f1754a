import { ParseUUIDPipe } from '@nestjs/common';
import { validationFailed } from './exchange.errors';

/** A path parameter that must be a UUID: VALIDATION_FAILED naming it otherwise. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      validationFailed([{ field: name, rule: 'uuid', message: 'must be a UUID' }]),
  });
}
