#!/usr/bin/env -S node --import tsx
import { runCli } from './run-cli.ts';

process.exitCode = runCli({ argv: process.argv.slice(2), stdout: process.stdout, stderr: process.stderr });
