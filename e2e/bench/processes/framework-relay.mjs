// The framework floor: the bare relay's work (bare-relay.mjs) through Fastify, the framework the gateway's routes are
// written in, plus the one step every router adds: the JSON body parsed (a router reads its `model`) and sent on as
// JSON. No authentication, validation, routing, ledger or log. What this adds over the bare relay is the framework's
// own cost; what the gateway adds over this is its own work. Measured beside them in the sequential non-stream
// scenario only. Listens on 127.0.0.1 at `--port=<n>`.

import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { request } from 'undici';

const { values } = parseArgs({ options: { port: { type: 'string' } } });

// Fastify's defaults, as the gateway's: no request logging here (the gateway's access line leaves the request path).
const app = Fastify({ logger: false });
app.post('/*', async (incoming, reply) => {
  const abort = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  const upstream = await request(`${incoming.headers['x-bare-upstream']}${incoming.url}`, {
    method: 'POST',
    headers: { authorization: incoming.headers.authorization ?? '', 'content-type': 'application/json' },
    body: JSON.stringify(incoming.body),
    signal: abort.signal,
  });
  reply.code(upstream.statusCode).header('content-type', upstream.headers['content-type'] ?? 'text/plain');
  return reply.send(upstream.body);
});
// The same accept queue as the gateway's and the bare relay's.
await app.listen({ port: Number(values.port), host: '127.0.0.1', backlog: 4096 });
process.stdout.write(`framework relay listening on ${values.port}\n`);
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => void app.close().then(() => process.exit(0)));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
