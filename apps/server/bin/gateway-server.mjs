#!/usr/bin/env node
// Starts the gateway server. Node runs the TypeScript sources itself (type stripping), after the version check,
// which must come first. It runs in the caller's directory, so ./data means the same folder for the server and
// the CLI.
import { requireSupportedNode } from './require-supported-node.mjs';

requireSupportedNode();
await import('../src/main.ts');
