// The floor the gateway is measured against: the least a Node relay can do on this machine. A plain node:http
// server that forwards each POST to the upstream named in `x-bare-upstream` with undici.request and pipes the
// answer back byte for byte — no authentication, routing, validation, parsing or logging. Whatever a real gateway
// adds on top of this is its own cost; what this adds over calling the upstream directly is the hop itself (two
// more sockets and process wake-ups), which no relay avoids. Listens on 127.0.0.1 at `--port=<n>`.

import { createServer } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { request } from 'undici';

const { values } = parseArgs({ options: { port: { type: 'string' } } });

const server = createServer(async (incoming, outgoing) => {
  const abort = new AbortController();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) abort.abort();
  });
  try {
    const chunks = [];
    for await (const chunk of incoming) chunks.push(chunk);
    const upstream = await request(`${incoming.headers['x-bare-upstream']}${incoming.url}`, {
      method: 'POST',
      headers: { authorization: incoming.headers.authorization ?? '', 'content-type': 'application/json' },
      body: Buffer.concat(chunks),
      signal: abort.signal,
    });
    outgoing.writeHead(upstream.statusCode, { 'content-type': upstream.headers['content-type'] ?? 'text/plain' });
    await pipeline(upstream.body, outgoing);
  } catch (error) {
    if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
    outgoing.end(String(error));
  }
});
// The same accept queue as the gateway's (4,096): a deeper queue is a setting any relay can have, so the floor has it
// too, and a burst of connections measures the relays, not the kernel dropping SYNs past Node's default of 511.
server.listen({ port: Number(values.port), host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`bare relay listening on ${values.port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close(() => process.exit(0)));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
