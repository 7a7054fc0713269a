import { randomUUID } from 'node:crypto';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { McpAuthError, verifyMcpAccessToken } from '../../domain/mcp/verify-mcp-access-token.ts';
import { MCP_SCOPE } from '../../domain/oauth-server/oauth-scopes.ts';
import { loadOnce } from '../../load-once.ts';
import { classifyError } from '../../plugins/error-handler.ts';
import { handOverResponse } from '../../plugins/hand-over-response.ts';
import type { RouteServices } from '../route-services.ts';

/**
 * The MCP SDK (its server, transport and protocol schemas: some 30 MiB and a quarter of a second) and the gateway's
 * tools are imported by the first authorized `/mcp` request, not at start: most gateways never serve MCP (issue 22).
 */
const loadMcp = loadOnce(async () => {
  const [{ StreamableHTTPServerTransport }, { isInitializeRequest }, { createGatewayMcpServer }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
    import('../../domain/mcp/create-gateway-mcp-server.ts'),
  ]);
  return { StreamableHTTPServerTransport, isInitializeRequest, createGatewayMcpServer };
});
type Mcp = Awaited<ReturnType<typeof loadMcp>>;

/** Prompts can be long; the same bound as the note-app API. */
const MCP_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

function quote(value: string): string {
  return value.replace(/["\\]/g, '');
}

function jsonRpcError(reply: FastifyReply, status: number, code: number, message: string) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .send({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/**
 * `/mcp`: the gateway's tools over MCP Streamable HTTP (the official SDK does the protocol), protected by the
 * gateway's own authorization server. Every request — POST, GET (the notification stream) and DELETE — carries
 * a bearer token checked afresh; the session it names must belong to the token's user; a browser page of another
 * origin is refused (DNS rebinding, MCP transport spec). Failures carry a `WWW-Authenticate` challenge that points
 * to the protected-resource metadata, so a client can discover how to sign in (RFC 9728 §5.1).
 */
export async function mcpRoutes(app: FastifyInstance, services: RouteServices) {
  const { oauth, mcpSessions } = services;
  const publicOrigin = new URL(oauth.resource).origin;
  const resourceMetadataUrl = `${publicOrigin}/.well-known/oauth-protected-resource/mcp`;
  const toolDependencies = {
    context: services.context,
    gateway: services.gateway,
    usage: services.usage,
    describeError: (error: unknown) => classifyError(error),
  };

  const refuse = (reply: FastifyReply, error: McpAuthError) => {
    const parameters = [`resource_metadata="${resourceMetadataUrl}"`, `scope="${MCP_SCOPE}"`];
    if (error.error != null) {
      parameters.unshift(`error="${error.error}"`, `error_description="${quote(error.message)}"`);
    }
    return reply
      .code(error.status)
      .header('www-authenticate', `Bearer ${parameters.join(', ')}`)
      .header('cache-control', 'no-store')
      .send({ error: error.error ?? 'unauthorized', error_description: error.message });
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin != null && origin !== publicOrigin) {
      return jsonRpcError(reply, 403, -32000, `Requests from the web origin ${origin} are not allowed.`);
    }
    // RFC 6750 §2.3 allows a token in the URL; MCP forbids it (it would end up in logs and histories).
    const query = request.query as Record<string, unknown>;
    if (query != null && 'access_token' in query) {
      return refuse(
        reply,
        new McpAuthError(
          400,
          'invalid_request',
          'Send the access token in the Authorization header, never in the URL.',
        ),
      );
    }
    let caller: Awaited<ReturnType<typeof verifyMcpAccessToken>>;
    try {
      caller = await verifyMcpAccessToken(await oauth.loadProvider(), {
        authorization: request.headers.authorization,
        resource: oauth.resource,
      });
    } catch (error) {
      if (error instanceof McpAuthError) return refuse(reply, error);
      throw error;
    }

    const mcp = await loadMcp();
    if (services.mcpSessionMode === 'stateless') return handleStateless(request, reply, caller, mcp);

    const sessionHeader = request.headers['mcp-session-id'];
    const sessionId = typeof sessionHeader === 'string' ? sessionHeader : null;
    let transport: StreamableHTTPServerTransport;
    if (sessionId != null) {
      const session = mcpSessions.find(sessionId, caller.userId);
      // Another user's session id is answered exactly like an unknown one: nothing to learn from probing.
      if (session == null) return jsonRpcError(reply, 404, -32001, 'Session not found: initialize a new session.');
      transport = session.transport;
    } else if (request.method === 'POST' && mcp.isInitializeRequest(request.body)) {
      const userId = caller.userId;
      const server = mcp.createGatewayMcpServer(toolDependencies, { userId, clientId: caller.clientId || null });
      const created: StreamableHTTPServerTransport = new mcp.StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => mcpSessions.add(id, { transport: created, server, userId }),
      });
      created.onclose = () => {
        if (created.sessionId != null) mcpSessions.forget(created.sessionId);
      };
      await server.connect(created);
      transport = created;
    } else {
      return jsonRpcError(reply, 400, -32000, 'No valid Mcp-Session-Id header: start with an initialize request.');
    }

    request.log.info(
      { event: 'mcp.request', userId: caller.userId, clientId: caller.clientId, method: request.method },
      'MCP request',
    );
    await transport.handleRequest(request.raw, handOverResponse(reply), request.body);
  };

  /**
   * Stateless mode (replicas behind a load balancer, docs/postgres.md §4): each POST gets a server and transport
   * of its own, closed when the answer ends, so no request depends on the replica that answered the one before.
   * The SDK then issues no `Mcp-Session-Id`; a GET stream or a DELETE has nothing to refer to.
   */
  const handleStateless = async (
    request: FastifyRequest,
    reply: FastifyReply,
    caller: Awaited<ReturnType<typeof verifyMcpAccessToken>>,
    mcp: Mcp,
  ) => {
    if (request.method !== 'POST') {
      reply.header('allow', 'POST');
      return jsonRpcError(reply, 405, -32000, 'This gateway keeps no MCP sessions: send every request as a POST.');
    }
    const server = mcp.createGatewayMcpServer(toolDependencies, {
      userId: caller.userId,
      clientId: caller.clientId || null,
    });
    const transport = new mcp.StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    request.log.info(
      { event: 'mcp.request', userId: caller.userId, clientId: caller.clientId, method: request.method },
      'MCP request',
    );
    await transport.handleRequest(request.raw, handOverResponse(reply), request.body);
  };

  app.route({
    method: ['POST', 'GET', 'DELETE'],
    url: '/mcp',
    bodyLimit: MCP_BODY_LIMIT_BYTES,
    config: { access: 'own-credentials' },
    handler: handle,
  });
}
