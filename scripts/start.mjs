#!/usr/bin/env node
// `pnpm start`: the Node check first, then the settings UI build if it is stale, then the server in this same
// process (so signals reach it directly).
import { requireSupportedNode } from '../apps/server/bin/require-supported-node.mjs';
import { buildWebIfStale } from './build-web-if-stale.mjs';

requireSupportedNode();
buildWebIfStale();
await import('../apps/server/bin/gateway-server.mjs');
