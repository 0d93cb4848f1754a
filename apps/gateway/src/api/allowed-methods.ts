/** A route as the HTTP server registered it: its method(s) and its path pattern. */
export interface RouteEntry {
  readonly method: string | readonly string[];
  readonly url: string;
}

/**
 * The methods `routes` answer for `path` — what `Allow` lists when the request's own method has
 * no route (RFC 9110 §15.5.6). A segment `:name` matches any one non-empty segment, which is
 * every pattern the gateway's routes use; a wildcard (static files) matches nothing here.
 */
export function allowedMethods(routes: Iterable<RouteEntry>, path: string): string[] {
  const wanted = segments(path);
  const allowed = new Set<string>();
  for (const { method, url } of routes) {
    const pattern = patternOf(url);
    if (
      pattern.length === wanted.length &&
      pattern.every((s, i) => s === wanted[i] || (s.startsWith(':') && wanted[i] !== ''))
    ) {
      for (const m of typeof method === 'string' ? [method] : method) allowed.add(m.toUpperCase());
    }
  }
  if (allowed.has('GET')) allowed.add('HEAD');
  return [...allowed].sort();
}

/** The path of a request target, without its query. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Route patterns split once: a 404 or 405 looks through all of them. */
const PATTERNS = new Map<string, readonly string[]>();

function patternOf(url: string): readonly string[] {
  let pattern = PATTERNS.get(url);
  if (pattern === undefined) {
    pattern = segments(url);
    PATTERNS.set(url, pattern);
  }
  return pattern;
}

function segments(path: string): string[] {
  return path.replace(/\/+$/, '').split('/');
}
