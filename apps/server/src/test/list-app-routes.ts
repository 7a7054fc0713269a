import type { FastifyInstance } from 'fastify';

export type AppRoute = { method: string; path: string };

/**
 * Every method and path the app serves, from `printRoutes()` (its tree flattened): the app's own inventory, so a
 * test that must cover every route covers a new one without a change. The built UI's static files and HEAD (the
 * GET routes again) are left out.
 */
export function listAppRoutes(app: FastifyInstance): AppRoute[] {
  const parents: string[] = [];
  const routes: AppRoute[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)$/.exec(line.replaceAll('\u00a0', ' '));
    if (match == null) continue;
    const [, indent = '', segment = '', methods = ''] = match;
    const depth = indent.length / 4;
    const path = `${parents[depth - 1] ?? ''}${segment}`;
    parents[depth] = path;
    for (const method of methods.split(', ')) routes.push({ method, path });
  }
  return routes.filter((route) => !/^\/(assets\/|index\.html|favicon)/.test(route.path) && route.method !== 'HEAD');
}
