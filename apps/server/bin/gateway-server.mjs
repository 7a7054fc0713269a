#!/usr/bin/env node
// Starts the gateway server, after the version check, which must come first: the server build (apps/server/dist,
// `pnpm build`) when it was made from the sources as they are now, else the sources themselves, which Node runs
// (type stripping). `--sources` runs the sources in any case. It runs in the caller's directory, so ./data means the
// same folder for the server and the CLI.
import module from 'node:module';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { checkServerBuild, NODE_FLAGS, takeHandedOverCheck } from './check-server-build.mjs';
import { registerDrizzleResolveShortcut } from './register-drizzle-resolve-shortcut.mjs';
import { requireSupportedNode } from './require-supported-node.mjs';

/** V8's default: the young generation doubles when it fills up with survivors, up to its maximum (32 MiB). */
const YOUNG_GENERATION_GROWTH = 2;

requireSupportedNode();
// Loading the server (and checking its build, first) allocates mostly what lives on (modules, schemas, routes),
// and V8 answers survivors by growing the young generation, to 2 × 32 MiB here, which it then keeps, empty, for
// good: 40 MiB of an idle server's RSS (issue 22). It is held at its first size (1 MiB) while the server starts
// and given V8's default growth back once the server listens, so a server under load sizes it exactly as before; a
// cap for good (--max-semi-space-size) cost the benchmark's relay up to a third of its throughput. Its hundred
// small collections run on this thread meanwhile: handing each to helper threads costs more than the work (+0.1
// to 0.4 s on a busy 2-core machine), and a plain start then takes the same CPU time as one that let it grow.
// An operator who tunes these with their own Node flags keeps their settings.
const holdsYoungGeneration = !/semi-space|parallel-scavenge/.test(NODE_FLAGS);
if (holdsYoungGeneration) {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  v8.setFlagsFromString('--no-parallel-scavenge');
}
const build = process.argv.includes('--sources') ? { missing: true } : (takeHandedOverCheck() ?? checkServerBuild());
if ('stale' in build) {
  process.stderr.write(
    `gateway: running the sources, not the server build in apps/server/dist: ${build.stale} since it was made ` +
      '(`pnpm build` makes it again)\n',
  );
}
if (!('entry' in build)) {
  // Node keeps what it compiled (the stripped TypeScript included) in its cache directory, so a restart neither
  // strips nor parses the same sources again: with a warm cache the TypeScript stripper (a WebAssembly module that
  // holds on to its memory) is never loaded, which saves a quarter of a second and 20 to 40 MiB (issue 22).
  // NODE_DISABLE_COMPILE_CACHE=1 turns it off, like for the CLI (gateway.mjs). The build needs neither this nor the
  // shortcut: it has no TypeScript and resolves no drizzle-orm import (it is bundled), and its few files compile in
  // less time than the cache takes to read (measured).
  module.enableCompileCache?.();
  registerDrizzleResolveShortcut();
}
await import('entry' in build ? pathToFileURL(build.entry).href : '../src/main.ts');
if (holdsYoungGeneration) {
  v8.setFlagsFromString(`--semi-space-growth-factor=${YOUNG_GENERATION_GROWTH}`);
  v8.setFlagsFromString('--parallel-scavenge');
}
compactStartupHeap();

/**
 * Loading the sources leaves the old generation a third empty (36 MiB of pages for 23 MiB of live objects), and
 * V8 does not give those pages back on its own: an idle server never allocates enough to trigger the collection
 * that would, and its memory reducer had not run after 15 s of quiet (issue 22 measure). One compacting collection
 * once the server listens — V8's "last resort" kind, which moves objects together and releases the emptied pages
 * — takes an idle server from about 125 to about 108 MiB of RSS, for 40 to 80 ms of this thread, once. Node has
 * no API for it: the `gc` function V8 can expose is taken from a fresh context and the flag turned off again, so
 * no code of ours or our dependencies ever sees a global `gc`.
 */
function compactStartupHeap() {
  v8.setFlagsFromString('--expose-gc');
  try {
    const collect = vm.runInNewContext('gc');
    collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}
