import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable';

/** An error as pg reports one from the server: a SQLSTATE and a severity. */
function serverError(code: string, message = 'server says no'): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}
const inStatement = (cause: Error) => new QueryFailedError('SELECT 1', [], cause);

describe(isDatabaseUnavailable.name, () => {
  it.each([
    [
      'the server refusing connections',
      Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    ],
    ['a reset socket', inStatement(Object.assign(new Error('read'), { code: 'ECONNRESET' }))],
    ['a lost connection', inStatement(new Error('Connection terminated unexpectedly'))],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
    ['too many connections (CONNECTION LIMIT 0)', serverError('53300')],
    ['a backend terminated by an administrator', inStatement(serverError('57P01'))],
    ['a server starting up', serverError('57P03')],
    ['a standby after failover', inStatement(serverError('25006'))],
    ['CONNECT revoked (refused before any statement)', serverError('42501')],
  ])('is true for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a statement at fault', inStatement(serverError('23505', 'duplicate key'))],
    ['a privilege a statement lacks', inStatement(serverError('42501'))],
    ['a bug', new TypeError('x is undefined')],
    ['something that is not an error', 'ECONNREFUSED'],
  ])('is false for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
