import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { findRepoRoot } from '@mxg/config';

/** Where the console's files are: plain files in the checkout, served as they are (no build). */
export const CONSOLE_ROOT = join(findRepoRoot(), 'apps', 'gateway', 'console');

/**
 * The console's Content-Security-Policy: its own scripts, styles and API only — no inline
 * script or style, no framing, no forms posting elsewhere — so an injected string can run
 * nothing and send nothing anywhere.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the web console (issue #17) at `/console/` — static files only; everything it shows it
 * reads from the API with the user's bearer token, under the same roles as any other client.
 */
export async function serveConsole(app: NestFastifyApplication): Promise<void> {
  await app.register(async (scope: FastifyInstance) => {
    await scope.register(fastifyStatic, {
      root: CONSOLE_ROOT,
      prefix: '/console/',
      // The router ignores trailing slashes (http-server.ts), so the plugin's own index route
      // would never match: `/console` and `/console/` are the route below.
      index: false,
      // No directory listing, no dotfiles; revalidate every time (the console changes with the gateway).
      list: false,
      dotfiles: 'deny',
      cacheControl: false,
      setHeaders: (response) => {
        response.header('Content-Security-Policy', CONSOLE_CSP);
        response.header('X-Content-Type-Options', 'nosniff');
        response.header('Referrer-Policy', 'no-referrer');
        response.header('Cache-Control', 'no-cache');
      },
    });
    scope.get('/console', (_request, reply) => reply.sendFile('index.html'));
  });
}
