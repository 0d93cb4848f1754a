// The gateway's API as the logged-in client: the bearer token is kept in this tab's
// sessionStorage only, and sent only to this origin.
const TOKEN_KEY = 'mxg.console.token';

export const token = () => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (value) => sessionStorage.setItem(TOKEN_KEY, value);
export const clearToken = () => sessionStorage.removeItem(TOKEN_KEY);

/** A refusal of the API: its stable code and message. */
export class ApiRefusal extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls `/v1<path>`; answers the JSON body, or throws an ApiRefusal. */
export async function api(path, { method = 'GET', body, type } = {}) {
  const headers = { authorization: `Bearer ${token() ?? ''}`, accept: 'application/json' };
  if (type !== undefined) headers['content-type'] = type;
  const response = await fetch(`/v1${path}`, { method, headers, body, credentials: 'omit' });
  const text = await response.text();
  let json;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    json = { code: 'MALFORMED_ANSWER', message: `HTTP ${response.status}` };
  }
  if (!response.ok) {
    throw new ApiRefusal(
      response.status,
      json.code ?? `HTTP_${response.status}`,
      json.message ?? '',
    );
  }
  return json;
}

/** `?a=1&b=2` of the non-empty values. */
export function query(values) {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') parameters.set(name, String(value));
  }
  const text = parameters.toString();
  return text === '' ? '' : `?${text}`;
}
