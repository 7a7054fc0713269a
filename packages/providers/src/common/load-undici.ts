import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let undici: typeof import('undici') | undefined;

/**
 * undici, the client of every upstream call, loaded by the first call that needs it instead of with this package:
 * its entry point loads all 218 of its modules (2.5 MB of source, a tenth of a second or more, ~10 MiB), and a
 * gateway makes no upstream call until its first request (issue 22). Required, not imported: undici is CommonJS,
 * so this is synchronous, as the connection pools it makes are handed out (`UpstreamFetch.dispatcher`, the
 * outbound policy's `dispatcher`). Later calls read a variable.
 */
export function loadUndici(): typeof import('undici') {
  undici ??= require('undici') as typeof import('undici');
  return undici;
}
