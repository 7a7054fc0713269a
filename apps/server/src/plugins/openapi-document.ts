import { errorEnvelopeSchema, type GatewayErrorCode } from '@pag/contracts';
import Fastify, { type FastifyInstance, type FastifySchema, type RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GatewayError } from '../domain/gateway-error.ts';
import { GATEWAY_VERSION } from '../domain/gateway-identity.ts';
import { loadOnce } from '../load-once.ts';
import type { AccessMode } from './access-control.ts';
import { anthropicErrorBodySchema, toAnthropicError } from './anthropic-error-envelope.ts';
import { isRetryRefused, STATUS_BY_CODE } from './error-handler.ts';
import { openAiErrorBodySchema, toOpenAiError } from './openai-error-envelope.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The OpenAPI document of the public API, built by the first call and the same object after. */
    openApiDocument(): Promise<Record<string, unknown>>;
  }
}

/** Where the document is served (routes/openapi-routes.ts); it documents itself too. */
export const OPENAPI_DOCUMENT_PATH = '/api/openapi.json';

/**
 * The public HTTP API: what a note app, an OpenAI SDK or an orchestrator calls. Everything else (settings, admin,
 * sign-in, the OAuth server, MCP) is the settings UI's or has its own protocol document, and stays out.
 */
const PUBLIC_PATH_PREFIXES = ['/api/ai/', '/v1/'];
/** `/api/me` tells a program which user and key it authenticates as: the first call a new integration makes. */
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/api/me', OPENAPI_DOCUMENT_PATH]);
/** Access modes of the settings UI and of endpoints with credentials of their own: never in the public document. */
const UNDOCUMENTED_ACCESS = new Set<AccessMode>(['session', 'admin', 'optional-session', 'own-credentials']);

/**
 * Codes only sign-in, setup and the settings UI's key check answer with. Every other code of the error table may
 * reach a public route (a new code is documented by default), so the table stays the one source of statuses.
 */
const SETTINGS_ONLY_CODES: ReadonlySet<GatewayErrorCode> = new Set<GatewayErrorCode>([
  'invalid_credentials',
  'setup_unavailable',
  'flow_expired',
  'sign_in_failed',
  'loopback_port_busy',
  'account_in_use',
  'invalid_upstream_key',
]);

/** Public routes without credentials (health, this document) can only fail inside the server. */
const PUBLIC_ROUTE_CODES: ReadonlySet<GatewayErrorCode> = new Set<GatewayErrorCode>([
  'internal_error',
  'service_unavailable',
]);

const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A gateway API key (`gwk_…`, Settings → API keys) or an app access token with scope `ai` ("Connect AI ' +
      'gateway": OAuth 2.1 authorization code + PKCE against this gateway). See docs/note-app-api.md, "Authentication".',
  },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: 'A gateway API key in `x-api-key`, for clients that send keys that way.',
  },
} as const;

/**
 * Named schemas: the error envelopes appear once under `components.schemas` and every error answer refers to them.
 * Zod's global registry, because the transform reads `.describe()` texts from the registry it is given, and those
 * live there.
 */
for (const [schema, id] of [
  [errorEnvelopeSchema, 'ApiError'],
  [openAiErrorBodySchema, 'OpenAiError'],
  [anthropicErrorBodySchema, 'AnthropicError'],
] as const) {
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });
}

type RouteSchema = FastifySchema & { hide?: boolean; tags?: string[]; security?: unknown[] };
type ErrorResponse = {
  description: string;
  content: { 'application/json': { schema: z.ZodType } };
};
type ErrorHeaders = Record<string, { type: string; enum?: string[]; description: string }>;

/** True for a route of the public API: in its paths, and not a settings-UI-only access mode. */
export function isPublicApiRoute(url: string, access: AccessMode | undefined): boolean {
  if (access == null || UNDOCUMENTED_ACCESS.has(access)) return false;
  return PUBLIC_PATHS.has(url) || PUBLIC_PATH_PREFIXES.some((prefix) => url.startsWith(prefix));
}

/**
 * The error answers a route can give, one per status, generated from the one error table (`STATUS_BY_CODE`):
 * each names the codes of its status and the headers `sendError` / `sendOpenAiError` may add. `/v1` states them in
 * OpenAI's envelope, as `toOpenAiError` does at run time, and `/v1/messages` in Anthropic's, with its statuses
 * (`toAnthropicError`).
 */
function errorResponsesFor(
  url: string,
  access: AccessMode,
): Map<number, { response: ErrorResponse; headers: ErrorHeaders }> {
  const isAnthropic = isAnthropicRoute(url);
  const isOpenAi = url.startsWith('/v1/') && !isAnthropic;
  const codesByStatus = new Map<number, GatewayErrorCode[]>();
  for (const [code, tableStatus] of Object.entries(STATUS_BY_CODE) as [GatewayErrorCode, number][]) {
    if (SETTINGS_ONLY_CODES.has(code)) continue;
    if (access === 'public' && !PUBLIC_ROUTE_CODES.has(code)) continue;
    const status = isAnthropic ? toAnthropicError(new GatewayError(code, code)).status : tableStatus;
    codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);
  }
  const answers = new Map<number, { response: ErrorResponse; headers: ErrorHeaders }>();
  for (const [status, codes] of [...codesByStatus].sort(([a], [b]) => a - b)) {
    const shown = codes.map((code) =>
      isAnthropic ? describeAnthropicCode(code) : isOpenAi ? describeOpenAiCode(code) : `\`${code}\``,
    );
    // Waiting helps only with limits and upstream trouble: those answers say how long when someone knows.
    const headers: ErrorHeaders =
      status === 429 || status >= 500
        ? {
            'retry-after': {
              type: 'string',
              description: 'Seconds to wait before trying again, when the gateway or the upstream knows.',
            },
          }
        : {};
    const refused = codes.filter(isRetryRefused);
    if (refused.length > 0) {
      headers['x-should-retry'] = {
        type: 'string',
        enum: ['false'],
        description: `On ${refused.join(', ')}: do not retry automatically; the reset is hours or days away.`,
      };
    }
    answers.set(status, {
      response: {
        description: isAnthropic
          ? `Error; \`error.type\` is ${[...new Set(shown)].join(' or ')}.`
          : `Error; \`error.code\` is one of ${shown.join(', ')}.`,
        content: {
          'application/json': {
            schema: isAnthropic ? anthropicErrorBodySchema : isOpenAi ? openAiErrorBodySchema : errorEnvelopeSchema,
          },
        },
      },
      headers,
    });
  }
  return answers;
}

/** A code as `/v1` states it: OpenAI's own `code` and `type` where it has them (`toOpenAiError`, the run-time path). */
function describeOpenAiCode(code: GatewayErrorCode): string {
  const { body } = toOpenAiError(new GatewayError(code, code));
  return `\`${body.error.code}\` (type \`${body.error.type}\`)`;
}

/** Anthropic's Messages API, in its own envelope (routes/v1/anthropic-routes.ts). */
function isAnthropicRoute(url: string): boolean {
  return url === '/v1/messages' || url.startsWith('/v1/messages/');
}

/** A code as `/v1/messages` states it: Anthropic's `type` (`toAnthropicError`, the run-time path). */
function describeAnthropicCode(code: GatewayErrorCode): string {
  return `\`${toAnthropicError(new GatewayError(code, code)).body.error.type}\``;
}

function tagOf(url: string): string {
  if (url.startsWith('/api/ai/')) return 'note-app';
  if (isAnthropicRoute(url)) return 'anthropic-compatible';
  if (url.startsWith('/v1/')) return 'openai-compatible';
  return 'gateway';
}

const zodTransform = createJsonSchemaTransform({});
const zodTransformObject = createJsonSchemaTransformObject({});

/**
 * The document with its named schemas, less those no operation refers to: the transform emits each named schema as
 * an input and an output variant, and only the output (an answer) is used.
 */
function transformDocument(input: Parameters<typeof zodTransformObject>[0]) {
  const document = zodTransformObject(input);
  const schemas = (document as { components?: { schemas?: Record<string, unknown> } }).components?.schemas;
  if (schemas == null) return document;
  const text = JSON.stringify(document);
  for (const name of Object.keys(schemas)) {
    if (!text.includes(`"#/components/schemas/${name}"`)) delete schemas[name];
  }
  return document;
}

/**
 * Decides per registered route (the route table, not a list kept by hand) whether it is documented, and adds what
 * the route's own zod schemas do not say: tag, security, the error answers of its statuses.
 */
function transformRoute(input: Parameters<typeof zodTransform>[0]) {
  const route = input.route as RouteOptions;
  const access = route.config?.access;
  const url = input.url;
  if (!isPublicApiRoute(url, access) || access == null) return { schema: { hide: true }, url };
  const own = (input.schema ?? {}) as RouteSchema;
  const response: Record<string, unknown> = { ...(own.response as Record<string, unknown> | undefined) };
  const ownStatuses = new Set(Object.keys(response));
  const errors = errorResponsesFor(url, access);
  for (const [status, answer] of errors) {
    // A status the route declares itself (readiness' 503) keeps its own schema.
    if (response[status] == null) response[status] = answer.response;
  }
  const schema: RouteSchema = {
    ...own,
    response,
    tags: [tagOf(url)],
    security: access === 'public' ? [] : [{ bearer: [] }, { apiKey: [] }],
  };
  // `/v1/models/*` is a wildcard to Fastify; to OpenAPI it is a path parameter.
  const documentedUrl = url.endsWith('/*') ? `${url.slice(0, -1)}{id}` : url;
  const transformed = zodTransform({ ...input, schema, url: documentedUrl });
  // The zod transform keeps only description and content of a response: the headers go on afterwards.
  const documented = transformed.schema as {
    response?: Record<string, Record<string, unknown>>;
    params?: { properties?: Record<string, unknown>; required?: string[] };
  };
  for (const [status, answer] of errors) {
    const entry = documented.response?.[status];
    if (entry != null && !ownStatuses.has(String(status)) && Object.keys(answer.headers).length > 0) {
      entry.headers = answer.headers;
    }
  }
  // A route without a declared success schema (the `/v1` routes answer in OpenAI's shapes) still has its 200.
  if (![...ownStatuses].some((status) => status.startsWith('2')) && documented.response != null) {
    documented.response['200'] = {
      description: isAnthropicRoute(url)
        ? "Success, in the Anthropic API's shape for this endpoint (with `stream: true`: its Server-Sent Events)."
        : url.startsWith('/v1/')
          ? "Success, in the OpenAI API's shape for this endpoint (with `stream: true`: its Server-Sent Events)."
          : 'Success.',
      content: { 'application/json': { schema: {} } },
    };
  }
  const wildcard = documented.params?.properties?.['*'];
  if (wildcard != null && documented.params?.properties != null) {
    delete documented.params.properties['*'];
    documented.params.properties.id = wildcard;
    documented.params.required = ['id'];
  }
  return { ...transformed, url: documentedUrl };
}

export type OpenApiDocumentOptions = {
  /** The gateway's public URL (`GATEWAY_PUBLIC_URL`), the document's server. */
  serverUrl: string;
};

/**
 * Collects every route as it is registered (so routes added later appear by themselves) for the OpenAPI 3.1
 * document of the public API; `app.openApiDocument()` builds it on first use and keeps it (docs/note-app-api.md).
 * Registered before the routes.
 */
export const openApiDocumentPlugin = fp(
  async (app: FastifyInstance, options: OpenApiDocumentOptions) => {
    // The route table as @fastify/swagger's own hook would collect it: HEAD routes (Fastify's twins of GET ones)
    // stay out, as they do there.
    const routes: RouteOptions[] = [];
    app.addHook('onRoute', (route) => {
      if (route.method !== 'HEAD') routes.push(route);
    });
    app.decorate(
      'openApiDocument',
      loadOnce(() => buildDocument(routes, options)),
    );
  },
  { name: 'pag-openapi-document', fastify: '5.x' },
);

const answerNothing = async () => null;

/**
 * Builds the document with @fastify/swagger in a scratch Fastify instance that holds the collected routes: the
 * plugin (with the YAML library it loads, some 180 modules) is imported by the first request for the document
 * instead of at start (issue 22), and the gateway itself never holds it. The scratch instance only reads the
 * routes' schemas: its compilers are placeholders, its handlers answer nothing, and it is closed once done.
 */
async function buildDocument(
  routes: RouteOptions[],
  options: OpenApiDocumentOptions,
): Promise<Record<string, unknown>> {
  const { default: swagger } = await import('@fastify/swagger');
  const scratch = Fastify({ exposeHeadRoutes: false });
  scratch.setValidatorCompiler(() => () => true);
  scratch.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await scratch.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Personal AI gateway: public HTTP API',
        version: GATEWAY_VERSION,
        description:
          "The note-app API (`/api/ai/*`), the OpenAI-compatible API (`/v1/*`), Anthropic's Messages API " +
          '(`/v1/messages`) and health. Generated from the ' +
          "routes' schemas. Streams, authentication choices and CORS are explained in docs/note-app-api.md.",
      },
      servers: [{ url: options.serverUrl }],
      tags: [
        { name: 'note-app', description: 'The note-app API: JSON answers and Server-Sent Events streams.' },
        { name: 'openai-compatible', description: "OpenAI's shapes, for tools and SDKs that speak them." },
        { name: 'anthropic-compatible', description: "Anthropic's Messages API, for Claude Code and its SDKs." },
        { name: 'gateway', description: 'Health and this document.' },
      ],
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: transformRoute,
    transformObject: transformDocument,
  });
  for (const route of routes) {
    scratch.route({
      method: route.method,
      url: route.url,
      ...(route.schema == null ? {} : { schema: route.schema }),
      ...(route.config == null ? {} : { config: route.config }),
      handler: answerNothing,
    });
  }
  await scratch.ready();
  const document = scratch.swagger() as Record<string, unknown>;
  await scratch.close();
  return document;
}
