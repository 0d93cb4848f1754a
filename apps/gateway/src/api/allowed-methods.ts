import type { Request } from 'express';

interface RouteLayer {
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean> };
}

/**
 * The methods the application's routes answer for `request`'s path — what `Allow` lists when
 * its own method has no route (RFC 9110 §15.5.6). Read from the router's route table; a
 * segment `:name` matches any one segment, which is every pattern the gateway's routes use.
 */
export function allowedMethods(request: Request): string[] {
  const stack = (request.app as unknown as { router?: { stack?: RouteLayer[] } }).router?.stack;
  const path = segments(request.path);
  const allowed = new Set<string>();
  for (const { route } of stack ?? []) {
    if (route === undefined || typeof route.path !== 'string') continue;
    const pattern = segments(route.path);
    if (
      pattern.length === path.length &&
      pattern.every((s, i) => s === path[i] || (s.startsWith(':') && path[i] !== ''))
    ) {
      for (const [method, on] of Object.entries(route.methods)) {
        if (on && method !== '_all') allowed.add(method.toUpperCase());
      }
    }
  }
  if (allowed.has('GET')) allowed.add('HEAD');
  return [...allowed].sort();
}

function segments(path: string): string[] {
  return path.replace(/\/+$/, '').split('/');
}
