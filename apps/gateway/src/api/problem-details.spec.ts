import { MxgError } from '@mxg/core';
import { API_ERROR_STATUS } from './api-errors';
import { apiErrorOf, problem, problemTitle } from './problem-details';

describe('problem', () => {
  it('writes the RFC 9457 members, with the code’s status and message as detail’s alias', () => {
    const sut = problem('AUTH_FORBIDDEN', 'needs the auditor role', {
      instance: '/v1/audit/entries',
    });
    expect(sut).toEqual({
      type: '/v1/problems/AUTH_FORBIDDEN',
      title: 'Auth forbidden',
      status: 403,
      detail: 'needs the auditor role',
      instance: '/v1/audit/entries',
      code: 'AUTH_FORBIDDEN',
      message: 'needs the auditor role',
    });
  });

  it('keeps extension members but never lets them change a standard member or the code', () => {
    const sut = problem('SERVICE_UNAVAILABLE', 'database unavailable', {
      extensions: { status: 'error', code: 'OK', type: 'x', info: { database: 'down' } },
    });
    expect(sut).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      type: '/v1/problems/SERVICE_UNAVAILABLE',
      info: { database: 'down' },
    });
  });

  it('gives every code a title of its own words', () => {
    expect(problemTitle('SIGNATORY_NOT_BOUND')).toBe('Signatory not bound');
    const titles = Object.keys(API_ERROR_STATUS).map((c) => problemTitle(c as 'NOT_FOUND'));
    expect(new Set(titles).size).toBe(titles.length);
  });
});

describe(apiErrorOf.name, () => {
  it('answers an MxgError as a problem with its field errors and without the code prefix', () => {
    const errors = [{ field: 'limit', rule: 'range', message: 'must be 1 to 500' }];
    const sut = apiErrorOf(
      new MxgError('VALIDATION_FAILED', 'limit: must be 1 to 500', { errors }),
      '/v1/inbox',
    );
    expect(sut).toEqual({
      status: 400,
      body: expect.objectContaining({
        detail: 'limit: must be 1 to 500',
        errors,
        instance: '/v1/inbox',
      }) as object,
    });
  });

  it('knows no code the API has no status for', () => {
    expect(apiErrorOf(new MxgError('SOMETHING_ELSE', 'x'))).toBeUndefined();
  });
});
