/**
 * What the server used to load at start for requests most gateways never see (issue 22: idle memory, time to
 * /readyz): each is imported by the first request that needs it.
 */
export const LOADED_ON_FIRST_USE: Record<string, RegExp> = {
  'the tokenizer of count_tokens': /\/gpt-tokenizer\//,
  'the MCP SDK': /@modelcontextprotocol/,
  'the OAuth server (oidc-provider, Koa)': /\/oidc-provider\/|\/koa\//,
  // Not all of pg-core: drizzle-orm's own core imports seven small files of it (sql.js its enum check, relations.js
  // its primary keys), on SQLite too.
  'the PostgreSQL driver and dialect, on SQLite':
    /\/node_modules\/pg\/|drizzle-orm\/node-postgres\/|drizzle-orm\/pg-core\/(dialect|db|session|query-builders\/)/,
  "all of JOSE (only its JWT decoder is used when a token's claims are read)":
    /\/jose\/dist\/webapi\/(index\.js|jws\/|jwe\/)/,
  'the OpenAPI generator (@fastify/swagger and its YAML library)': /\/@fastify\/swagger\/|\/yaml\//,
  "the AI SDK's provider packages (Anthropic, Google, OpenAI-compatible)":
    /@ai-sdk\/(anthropic|google|openai-compatible|provider-utils)\//,
  'undici, the client of upstream calls': /\/node_modules\/undici\//,
};
