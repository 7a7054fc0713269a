import type {
  FastifyInstance,
  FastifyRequest,
  onErrorHookHandler,
  onResponseHookHandler,
  preValidationHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import type { UsageLedger } from '../domain/usage/usage-ledger.ts';
import { UsageTracker } from '../domain/usage/usage-tracker.ts';
import { classifyError } from './error-handler.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's requests are rows of the usage ledger (the public AI routes: docs/usage-ledger.md). */
    trackUsage?: boolean;
  }
  interface FastifyRequest {
    /**
     * The request's ledger row while it runs; null on untracked routes and unauthenticated requests. A route whose
     * answer outlives its response (a resumable note-app stream) takes it over and sets this to null.
     */
    usage: UsageTracker | null;
  }
}

/**
 * The usage ledger's one place on the HTTP side: every route with `config.trackUsage` gets a row per request,
 * opened once access control knows the caller, failed by any error the route throws (validation, routing, an
 * upstream refusing before the first byte) and finished with the status the client got — by `onResponse` for a
 * plain answer, by the stream pump (`pipe-event-stream.ts`) for a stream. The routes only tell it what they learn
 * (who answered, the usage). Recording only queues the row (`UsageLedger.record`): nothing here waits.
 */
export const usageTrackingPlugin = fp(
  async (app: FastifyInstance, options: { ledger: UsageLedger; now: () => number }) => {
    app.decorateRequest('usage', null);
    // Hooks on the tracked routes only, and synchronous: every other route, and the hot path's promise count, stay
    // as they were (issue 7 bench).
    const open: preValidationHookHandler = (request, reply, done) => {
      if (request.auth != null) {
        request.usage = new UsageTracker(options.ledger, callerOf(request), options.now);
        // A client that leaves before a plain answer is sent never lets the response finish, so `onResponse` would
        // not run: the row ends here, 499. (A stream's row has already ended in the pump by then.)
        reply.raw.once('close', () => {
          if (!reply.raw.writableFinished) request.usage?.finish(499);
        });
      }
      done();
    };
    const fail: onErrorHookHandler = (request, _reply, error, done) => {
      request.usage?.fail(classifyError(error).code, error);
      done();
    };
    const finish: onResponseHookHandler = (request, reply, done) => {
      request.usage?.finish(reply.statusCode);
      done();
    };
    app.addHook('onRoute', (route) => {
      if (route.config?.trackUsage !== true) return;
      // preValidation: after every onRequest hook, the route's access check included, and before the body is checked.
      route.preValidation = [...toArray(route.preValidation), open];
      route.onError = [...toArray(route.onError), fail];
      route.onResponse = [...toArray(route.onResponse), finish];
    });
  },
  { name: 'usage-tracking' },
);

function callerOf(request: FastifyRequest) {
  const auth = request.auth;
  const route = request.routeOptions.url ?? request.url.split('?')[0] ?? request.url;
  if (auth == null) throw new Error('usage tracking needs an authenticated request');
  return {
    userId: auth.user.id,
    callerKind: auth.method,
    apiKeyId: auth.method === 'api-key' ? auth.keyId : null,
    appClientId: auth.method === 'app' ? auth.clientId : null,
    route,
  };
}

const toArray = <T>(hooks: T | T[] | undefined): T[] => (hooks == null ? [] : Array.isArray(hooks) ? hooks : [hooks]);
