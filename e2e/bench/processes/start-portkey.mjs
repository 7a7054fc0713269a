// Starts Portkey's open-source gateway (npm @portkey-ai/gateway) as its published `start:node` entry does, on the
// port given as `--port=<n>`, but bound to 127.0.0.1: its entry calls `serve({ port })` without a host, which
// would listen on every interface, and a benchmark's servers must be reachable on loopback only.

import { createRequire } from 'node:module';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' || typeof args[0] === 'string') {
    // listen(port, host?, backlog?, callback?): the host is the second argument when it is not the callback.
    if (typeof args[1] === 'function') args.splice(1, 0, '127.0.0.1');
    else args[1] = '127.0.0.1';
  } else if (args[0] != null && typeof args[0] === 'object' && !('fd' in args[0]) && !('path' in args[0])) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};

// Headless: no UI banner or static files; production: no dev-only logging.
if (!process.argv.includes('--headless')) process.argv.push('--headless');
const require = createRequire(import.meta.url);
const entry = require.resolve('@portkey-ai/gateway/build/start-server.js');
await import(pathToFileURL(entry).href);
