import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { HttpMethod } from './create-router.ts';
import type { FakeContext } from './define-fake.ts';
import type { FakeRequest } from './fake-request.ts';

/** A refused request in the upstream's own error envelope; checks throw it to stop at the first problem. */
export class ApiRejection extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: OutgoingHttpHeaders;

  constructor(options: { status: number; body: unknown; headers?: OutgoingHttpHeaders }) {
    super(`rejected with ${options.status}`);
    this.status = options.status;
    this.body = options.body;
    this.headers = options.headers ?? {};
  }
}

export type AuthorizedRouteHandler = (request: FakeRequest, reply: ServerResponse) => void | Promise<void>;

/** Model API routes: credentials first (as the real servers check), client aborts recorded, `ApiRejection` answered. */
export function createAuthorizedRoutes(options: {
  context: Pick<FakeContext<unknown, unknown, unknown>, 'router' | 'watchClientClose'>;
  /** Throws an `ApiRejection` for a missing or refused credential. */
  authorize(request: FakeRequest): void | Promise<void>;
  sendRejection(reply: ServerResponse, rejection: ApiRejection): void;
}): (method: HttpMethod, path: string, handler: AuthorizedRouteHandler) => void {
  const { context } = options;
  return (method, path, handler) => {
    context.router.on(method, path, async (request, reply) => {
      context.watchClientClose(request, reply);
      try {
        await options.authorize(request);
        await handler(request, reply);
      } catch (error) {
        if (!(error instanceof ApiRejection) || reply.headersSent) throw error;
        options.sendRejection(reply, error);
      }
    });
  };
}
