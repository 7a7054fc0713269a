#!/usr/bin/env node
import { runCli } from './run-cli.ts';

// `serve` runs until one of these; the fake then closes its port before the process exits.
const controller = new AbortController();
for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => controller.abort());

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
