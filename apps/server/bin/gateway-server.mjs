#!/usr/bin/env node
// Starts the gateway server. Like bin/gateway.mjs, it registers tsx from the server package so the TypeScript
// sources run as they are, and it runs in the caller's directory, so ./data means the same folder for the
// server and the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
