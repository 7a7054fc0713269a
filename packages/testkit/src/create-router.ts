import type { ServerResponse } from 'node:http';
import { CodedTypeError } from './coded-type-error.ts';
import type { FakeHandler, FakeRequest } from './fake-request.ts';
import { sendJson } from './send-json.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

type ParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

/** The params a route path declares: `RouteParams<'/users/:id'>` is `{ id: string }`. */
export type RouteParams<Path extends string> = { [Name in ParamNames<Path>]: string };

export type RouteHandler<Path extends string> = (
  request: FakeRequest<RouteParams<Path>>,
  reply: ServerResponse,
) => void | Promise<void>;

export type Router = {
  /** Adds a route. Segments starting with `:` match one non-empty segment. Routes are tried in order. */
  on<Path extends string>(method: HttpMethod, path: Path, handler: RouteHandler<Path>): Router;
  /** Pass this as the fake server's handler. */
  handle: FakeHandler;
};

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string };

type Route = {
  method: HttpMethod;
  path: string;
  segments: Segment[];
  handler: FakeHandler;
};

const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * A tiny exact-match router. Anything it does not know gets a 404 naming the fake, because a fake that answers
 * unknown requests would hide requests the gateway should never have sent.
 */
export function createRouter(): Router {
  const routes: Route[] = [];

  const router: Router = {
    on(method, path, handler) {
      if (!METHODS.has(method)) {
        throw new CodedTypeError({
          code: 'ERR_INVALID_ARG_VALUE',
          message: `"method" must be one of ${[...METHODS].join(', ')}`,
        });
      }
      const segments = parsePath(path);
      if (routes.some((route) => route.method === method && route.path === path)) {
        throw new CodedTypeError({
          code: 'ERR_INVALID_ARG_VALUE',
          message: `"path" ${method} ${path} is already routed`,
        });
      }
      // The handler's params type comes from its own path, which this route guarantees at match time.
      routes.push({ method, path, segments, handler: handler as FakeHandler });
      return router;
    },
    async handle(request, reply) {
      for (const route of routes) {
        if (route.method !== request.method) continue;
        const params = matchSegments({ segments: route.segments, path: request.path });
        if (params == null) continue;
        await route.handler({ ...request, params }, reply);
        return;
      }
      sendJson({
        reply,
        status: 404,
        body: { error: `no route for ${request.method} ${request.path} in fake ${request.fakeName}` },
      });
    },
  };
  return router;
}

function parsePath(path: string): Segment[] {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"path" must start with "/"' });
  }
  const names = new Set<string>();
  return path.split('/').map((part) => {
    if (!part.startsWith(':')) return { kind: 'literal', value: part };
    const name = part.slice(1);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || names.has(name)) {
      throw new CodedTypeError({
        code: 'ERR_INVALID_ARG_VALUE',
        message: `"path" ${path} has an empty, invalid or repeated param name ":${name}"`,
      });
    }
    names.add(name);
    return { kind: 'param', name };
  });
}

function matchSegments(options: { segments: Segment[]; path: string }): Record<string, string> | null {
  const parts = options.path.split('/');
  if (parts.length !== options.segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of options.segments.entries()) {
    const part = parts[index] ?? '';
    if (segment.kind === 'literal') {
      if (segment.value !== part) return null;
      continue;
    }
    if (part === '') return null;
    try {
      params[segment.name] = decodeURIComponent(part);
    } catch {
      // A malformed escape cannot be what any route meant.
      return null;
    }
  }
  return params;
}
