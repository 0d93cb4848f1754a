import { API_ERROR_STATUS, isApiErrorCode } from '../../apps/gateway/src/api/api-errors';

/** An RFC 9457 problem as the gateway answers every refusal (apps/gateway/src/api/problem-details.ts). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  message: string;
  errors?: { field: string; rule: string; treaty?: string; message?: string }[];
  lastSeen?: number;
  [extension: string]: unknown;
}

/** The members a refusal may have besides an extension a call documents (health's report). */
const MEMBERS = ['type', 'title', 'status', 'detail', 'instance', 'code', 'message', 'errors'];

/**
 * Holds one answer to the one error shape: `application/problem+json`, every RFC 9457 member
 * with the gateway's meaning (`type` the code's `/v1/problems/<code>`, `status` the HTTP
 * status, which is the code's in API_ERROR_STATUS), `detail` and its alias `message` alike, and
 * nothing else but `extensions`. `expected`, when given, is the status and code it must be.
 */
export function expectProblem(
  answer: { status: number; contentType: string | null; body: unknown },
  expected?: { status: number; code: string },
  extensions: readonly string[] = [],
): Problem {
  const body = answer.body as Problem;
  const where = `${answer.status} ${JSON.stringify(body)}`;
  // Fastify adds `; charset=utf-8` to a string body: the same media type (RFC 9457 §3).
  expect({ where, contentType: answer.contentType?.replace(/; ?charset=utf-8$/i, '') }).toEqual({
    where,
    contentType: 'application/problem+json',
  });
  if (expected !== undefined) {
    expect({ status: answer.status, code: body.code }).toEqual(expected);
  }
  expect(isApiErrorCode(body.code)).toBe(true);
  expect({ where, status: answer.status }).toEqual({
    where,
    status: API_ERROR_STATUS[body.code as keyof typeof API_ERROR_STATUS],
  });
  expect(body).toMatchObject({
    type: `/v1/problems/${body.code}`,
    status: answer.status,
    title: expect.any(String) as string,
    detail: expect.any(String) as string,
    message: body.detail,
  });
  expect(
    Object.keys(body).filter((k) => ![...MEMBERS, ...extensions].includes(k) && k !== 'lastSeen'),
  ).toEqual([]);
  if (body.errors !== undefined) expect(Array.isArray(body.errors)).toBe(true);
  return body;
}

/** `expectProblem` over a fetch Response. */
export async function expectProblemResponse(
  response: Response,
  expected?: { status: number; code: string },
  extensions: readonly string[] = [],
): Promise<Problem> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return expectProblem(
    { status: response.status, contentType: response.headers.get('content-type'), body },
    expected,
    extensions,
  );
}
