/**
 * Reads the one-time setup token from a URL fragment such as `#token=abc`. The server puts it in the fragment so
 * that it never travels in a request line and so never lands in an access log.
 */
export function readSetupToken(hash: string): string | null {
  const parameters = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = parameters.get('token')?.trim();
  return token == null || token === '' ? null : token;
}
