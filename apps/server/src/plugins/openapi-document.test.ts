import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isPublicApiRoute, openApiDocumentPlugin } from './openapi-document.ts';

describe('openApiDocumentPlugin', () => {
  it('issue 18: documents the routes registered after it by their path and access mode, none kept by hand', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(openApiDocumentPlugin, { serverUrl: 'http://gateway.test' });
    // Registered later, in a child scope, like the route groups of app.ts: a new note-app route shows up by itself.
    await app.register(async (routes) => {
      const typed = routes.withTypeProvider<ZodTypeProvider>();
      typed.post(
        '/api/ai/new-thing',
        { schema: { body: z.object({ words: z.array(z.string()) }) }, config: { access: 'api-key' } },
        async () => ({}),
      );
      typed.get('/api/ai/settings-only', { config: { access: 'session' } }, async () => ({}));
      typed.get('/api/settings', { config: { access: 'session-or-api-key' } }, async () => ({}));
      typed.get('/api/admin/users', { config: { access: 'admin' } }, async () => ({}));
    });
    await app.ready();
    const document = (await app.openApiDocument()) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(Object.keys(document.paths)).toEqual(['/api/ai/new-thing']);
    expect(JSON.stringify(document.paths['/api/ai/new-thing']?.post?.requestBody)).toContain('"words"');
    await app.close();
  });

  it('issue 18: counts as public only the note-app API, /v1, health and the document, never settings-UI access', () => {
    expect(isPublicApiRoute('/api/ai/chat', 'session-or-api-key')).toBe(true);
    expect(isPublicApiRoute('/v1/chat/completions', 'api-key')).toBe(true);
    expect(isPublicApiRoute('/healthz', 'public')).toBe(true);
    expect(isPublicApiRoute('/api/ai/features', 'session')).toBe(false);
    expect(isPublicApiRoute('/api/auth/login', 'public')).toBe(false);
    expect(isPublicApiRoute('/api/api-keys', 'session')).toBe(false);
    expect(isPublicApiRoute('/mcp', 'own-credentials')).toBe(false);
    expect(isPublicApiRoute('/api/ai/chat', undefined)).toBe(false);
  });

  it("issue 20: states /v1/messages errors in Anthropic's envelope with its statuses, the rest of /v1 in OpenAI's", async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(openApiDocumentPlugin, { serverUrl: 'http://gateway.test' });
    await app.register(async (routes) => {
      routes.post('/v1/messages', { config: { access: 'api-key' } }, async () => ({}));
      routes.post('/v1/chat/completions', { config: { access: 'api-key' } }, async () => ({}));
    });
    await app.ready();
    type Operation = { tags: string[]; responses: Record<string, { description: string; content?: unknown }> };
    const document = (await app.openApiDocument()) as { paths: Record<string, { post: Operation }> };
    const messages = document.paths['/v1/messages']?.post;
    const chat = document.paths['/v1/chat/completions']?.post;
    expect(messages?.tags).toEqual(['anthropic-compatible']);
    expect(Object.keys(messages?.responses ?? {})).toContain('529');
    expect(Object.keys(messages?.responses ?? {})).not.toContain('502');
    expect(messages?.responses['529']?.description).toContain('overloaded_error');
    expect(JSON.stringify(messages?.responses['400']?.content)).toContain('AnthropicError');
    expect(Object.keys(chat?.responses ?? {})).toContain('502');
    expect(JSON.stringify(chat?.responses['400']?.content)).toContain('OpenAiError');
    await app.close();
  });
});
