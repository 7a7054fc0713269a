import { Readable } from 'node:stream';
import {
  customPriceListSchema,
  type UsageRequestList,
  usageQuerySchema,
  usageRequestListSchema,
  usageRequestsQuerySchema,
  usageSummarySchema,
} from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listCustomPrices, replaceCustomPrices } from '../../domain/usage/custom-prices.ts';
import { iterateUsageRequests, listUsageRequests } from '../../domain/usage/list-usage-requests.ts';
import { summarizeUsage } from '../../domain/usage/summarize-usage.ts';
import { toUsageCsvChunks } from '../../domain/usage/usage-requests-csv.ts';
import { resolveRange, type UsageCaller } from '../../domain/usage/usage-scope.ts';
import type { RequestAuth } from '../../plugins/access-control.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

/** A session reads all of its user's usage; a key or a connected app only its own rows. */
function callerOf(auth: RequestAuth): UsageCaller {
  if (auth.method === 'api-key') return { kind: 'api-key', userId: auth.user.id, keyId: auth.keyId };
  if (auth.method === 'app') return { kind: 'app', userId: auth.user.id, clientId: auth.clientId };
  return { kind: 'user', userId: auth.user.id };
}

/** The usage ledger read back (issue 19): totals, the request log, its CSV export, custom prices (the quota: quota-routes.ts). */
export async function usageRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { context } = services;

  app.get(
    '/api/usage',
    {
      schema: { querystring: usageQuerySchema, response: { 200: usageSummarySchema } },
      config: { access: 'session-or-api-key' },
    },
    async (request) =>
      summarizeUsage(context, {
        caller: callerOf(requireAuth(request)),
        ...resolveRange(request.query, context.now()),
        groupBy: request.query.groupBy,
        timeZone: request.query.tz,
      }),
  );

  app.get(
    '/api/usage/requests',
    {
      schema: { querystring: usageRequestsQuerySchema, response: { 200: usageRequestListSchema } },
      config: { access: 'session-or-api-key' },
    },
    async (request, reply) => {
      const { from, to, limit, cursor, format, ...filters } = request.query;
      const caller = callerOf(requireAuth(request));
      const range = resolveRange({ from, to }, context.now());
      if (format === 'csv') {
        const rows = iterateUsageRequests(context, { caller, filters: { ...filters, ...range } });
        // Streamed: the export reads the ledger a page at a time while the client downloads. Fastify sends a stream
        // as it is, past the response schema, which describes the JSON answer; hence the cast.
        const csv: unknown = Readable.from(toUsageCsvChunks(rows));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="usage-requests.csv"')
          .send(csv as UsageRequestList);
      }
      return listUsageRequests(context, { caller, filters: { ...filters, ...range }, limit, cursor });
    },
  );

  app.get(
    '/api/usage/prices',
    { schema: { response: { 200: customPriceListSchema } }, config: { access: 'session' } },
    async (request) => ({ prices: [...(await listCustomPrices(context, requireAuth(request).user.id))] }),
  );

  app.put(
    '/api/usage/prices',
    {
      schema: { body: customPriceListSchema, response: { 200: customPriceListSchema } },
      config: { access: 'session' },
    },
    async (request) => ({
      prices: await replaceCustomPrices(context, { userId: requireAuth(request).user.id, prices: request.body.prices }),
    }),
  );
}
