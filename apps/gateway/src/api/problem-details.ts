import type { MxgError } from '@mxg/core';
import { API_ERROR_STATUS, type ApiErrorCode, isApiErrorCode } from './api-errors';
import { apiPath } from './api-version';

/** RFC 9457 §3: the media type of every refusal the gateway's HTTP API answers. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** Where each code's problem type is described: `GET /v1/problems/{code}` serves it. */
export const PROBLEMS_PATH = apiPath('/problems');

/**
 * The one shape of every refusal (RFC 9457 problem details): `type` a stable URI reference per
 * code, `title` the same for every occurrence of the code, `status` the code's in
 * API_ERROR_STATUS, `detail` what happened this time, `instance` the request's path; then the
 * extension members `code` (what clients switch on), `errors` (field errors: JSON Pointer
 * `field`, `rule`, `treaty`) and `lastSeen` (a witness's last countersigned size, C2SP
 * tlog-witness). `message` repeats `detail` for clients written before v1's problem details; it
 * goes with the next version.
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly code: ApiErrorCode;
  /** @deprecated the same as `detail`: kept through /v1 for clients that read it. */
  readonly message: string;
  readonly errors?: unknown;
  readonly lastSeen?: number;
  /** Further extension members: health's report (RFC 9457 §3.2). */
  readonly [extension: string]: unknown;
}

/** The problem type URI reference of a code, relative to the gateway: `/v1/problems/NOT_FOUND`. */
export function problemType(code: ApiErrorCode): string {
  return `${PROBLEMS_PATH}/${code}`;
}

/** The title of a code's problem type: its words (`SIGNATORY_NOT_BOUND` → "Signatory not bound"). */
export function problemTitle(code: ApiErrorCode): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A refusal in the one shape. Extension members never override the standard ones or the code:
 * a report merged in (health's) cannot change what a client switches on.
 */
export function problem(
  code: ApiErrorCode,
  detail: string,
  options: { readonly instance?: string; readonly extensions?: Record<string, unknown> } = {},
): ProblemDetails {
  return {
    ...options.extensions,
    type: problemType(code),
    title: problemTitle(code),
    status: API_ERROR_STATUS[code],
    detail,
    ...(options.instance === undefined ? {} : { instance: options.instance }),
    code,
    message: detail,
  };
}

/** An MXG error as the API answers it; `undefined` for a code the API does not know. */
export function apiErrorOf(
  error: MxgError,
  instance?: string,
): { readonly status: number; readonly body: ProblemDetails } | undefined {
  if (!isApiErrorCode(error.code)) return undefined;
  const { errors, lastSeen } = error.details as { errors?: unknown; lastSeen?: unknown };
  const body = problem(error.code, error.message.replace(/^[A-Z_]+: /, ''), {
    ...(instance === undefined ? {} : { instance }),
    extensions: {
      ...(errors === undefined ? {} : { errors }),
      // tlog-witness: a 409 tells the log which size the witness has, to prove from there.
      ...(typeof lastSeen === 'number' ? { lastSeen } : {}),
    },
  });
  return { status: body.status, body };
}
