#!/usr/bin/env node
// `pnpm start`: the Node check first, then the builds of the settings UI and of the server if they are stale, then
// the server in this same process (so signals reach it directly).
import { requireSupportedNode } from '../apps/server/bin/require-supported-node.mjs';
import { buildServerIfStale } from './build-server-if-stale.mjs';
import { buildWebIfStale } from './build-web-if-stale.mjs';

requireSupportedNode();
buildWebIfStale();
buildServerIfStale();
await import('../apps/server/bin/gateway-server.mjs');
