import type { ServerResponse } from 'node:http';
import { invalidValue } from './coded-type-error.ts';
import type { FakeHandler, FakeRequest } from './fake-request.ts';
import { sendJson } from './send-json.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

type ParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

/** The params a route path declares: `RouteParams<'/users/:id'>` is `{ id: string }`. */
type RouteParams<Path extends string> = { [Name in ParamNames<Path>]: string };

export type Router = {
  /** Adds a route. Segments starting with `:` match one non-empty segment. Routes are tried in order. */
  on<Path extends string>(
    method: HttpMethod,
    path: Path,
    handler: (request: FakeRequest<RouteParams<Path>>, reply: ServerResponse) => void | Promise<void>,
  ): Router;
  handle: FakeHandler;
};

/** A literal segment, or the name of a `:param` one. */
type Segment = { param: boolean; text: string };

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** An exact-match router; anything else is a 404, since answering it would hide a request nobody should send. */
export function createRouter(): Router {
  const routes: { method: string; path: string; segments: Segment[]; handler: FakeHandler }[] = [];
  const router: Router = {
    on(method, path, handler) {
      if (!METHODS.includes(method)) throw invalidValue(`"method" must be one of ${METHODS.join(', ')}`);
      if (!path.startsWith('/')) throw invalidValue('"path" must start with "/"');
      const segments = path.split('/').map((part) => ({ param: part.startsWith(':'), text: part.replace(/^:/, '') }));
      const names = segments.filter((segment) => segment.param).map((segment) => segment.text);
      const bad = names.find((name, index) => !/^[A-Za-z_]\w*$/.test(name) || names.indexOf(name) !== index);
      if (bad != null) throw invalidValue(`"path" ${path} has an empty, invalid or repeated param name ":${bad}"`);
      if (routes.some((route) => route.method === method && route.path === path)) {
        throw invalidValue(`"path" ${method} ${path} is already routed`);
      }
      // The handler's params type comes from its own path, which this route guarantees at match time.
      routes.push({ method, path, segments, handler: handler as FakeHandler });
      return router;
    },
    async handle(request, reply) {
      for (const route of routes) {
        const params = route.method === request.method ? matchSegments(route.segments, request.path) : undefined;
        if (params == null) continue;
        await route.handler({ ...request, params }, reply);
        return;
      }
      sendNoRoute(request, reply);
    },
  };
  return router;
}

/** The 404 of a request no route takes, naming the fake. */
export function sendNoRoute(request: FakeRequest, reply: ServerResponse): void {
  sendJson({
    reply,
    status: 404,
    body: { error: `no route for ${request.method} ${request.path} in fake ${request.fakeName}` },
  });
}

function matchSegments(segments: Segment[], path: string): Record<string, string> | undefined {
  const parts = path.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, { param, text }] of segments.entries()) {
    const part = parts[index] ?? '';
    if (!param) {
      if (text !== part) return undefined;
      continue;
    }
    if (part === '') return undefined;
    try {
      params[text] = decodeURIComponent(part);
    } catch {
      // A malformed escape cannot be what any route meant.
      return undefined;
    }
  }
  return params;
}
