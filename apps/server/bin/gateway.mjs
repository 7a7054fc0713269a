#!/usr/bin/env node
// Entry point of the `gateway` CLI. Node runs the TypeScript sources itself (type stripping), after the version
// check, which must come first.
import { requireSupportedNode } from './require-supported-node.mjs';

requireSupportedNode();
await import('../src/cli.ts');
