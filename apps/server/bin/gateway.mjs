#!/usr/bin/env node
// Entry point of the `gateway` CLI. The workspace runs TypeScript sources directly, so this shim registers
// tsx (resolved from the server package, not from the caller's directory) before loading the real CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
