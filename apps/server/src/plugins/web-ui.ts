import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sendError } from './error-handler.ts';

/**
 * Paths that are not settings pages: an unknown one is a JSON 404, never the SPA's index.html (a scraper reading
 * `/metricsx` or a script asking `/v1/nope` must see that nothing is there, not a 200 of HTML). `/assets/` too: a
 * missing build file answered with HTML would fail in the browser as a confusing script error.
 */
const NON_PAGE_PREFIXES = [
  '/api',
  '/v1',
  '/mcp',
  '/oauth',
  '/.well-known',
  '/healthz',
  '/readyz',
  '/metrics',
  '/assets/',
];

/** Whether a path belongs to an API (or the build's files) rather than to the settings UI's client-side router. */
function isNonPagePath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? url;
  // Plain prefixes on purpose (`/metricsx`, `/api-docs` included): the UI's own pages live under /settings, /setup
  // and /login, so nothing of the UI starts with one of these.
  return NON_PAGE_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/**
 * Sends the settings UI's index.html (its client-side router renders the page for the path), or a 503 that says how
 * to build the UI. Shared by the SPA fallback below and the pages other routes own (the MCP consent page).
 */
export function createSettingsPageSender(webDir: string) {
  const hasUi = existsSync(join(webDir, 'index.html'));
  return {
    hasUi,
    send(reply: FastifyReply, cacheControl: string) {
      if (!hasUi) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The settings UI is not built. Run `pnpm build` and restart the gateway.');
      }
      return reply.header('cache-control', cacheControl).sendFile('index.html', webDir);
    },
  };
}

/**
 * Serves the built settings UI and is the app's not-found handler: API paths get a JSON 404 naming the route;
 * any other GET for a page gets index.html so the client-side router can take over (SPA fallback).
 */
export const webUiPlugin = fp(
  async (app: FastifyInstance, options: { webDir: string }) => {
    const settingsPage = createSettingsPageSender(options.webDir);
    if (settingsPage.hasUi) {
      await app.register(fastifyStatic, {
        root: options.webDir,
        index: false,
        // One route per built file instead of a catch-all, so every other path reaches the not-found handler below
        // (SPA fallback or JSON 404). The build output does not change while the server runs.
        wildcard: false,
        cacheControl: false,
        // Vite fingerprints everything under assets/, so those can be cached forever; index.html must not be.
        setHeaders: (response, filePath) => {
          response.setHeader(
            'cache-control',
            filePath.includes(`${join(options.webDir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    } else {
      app.log.warn({ webDir: options.webDir }, 'settings UI not built: run `pnpm build`; API routes still work');
    }

    app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
      const isPageRequest = request.method === 'GET' || request.method === 'HEAD';
      if (!isPageRequest || isNonPagePath(request.url)) {
        return sendError(reply, {
          code: 'not_found',
          message: `No route for ${request.method} ${request.url.split('?', 1)[0]}.`,
        });
      }
      return settingsPage.send(reply, 'no-cache');
    });
  },
  { name: 'pag-web-ui', fastify: '5.x' },
);
