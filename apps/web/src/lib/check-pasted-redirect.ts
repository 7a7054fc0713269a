/**
 * A first, local look at what the user pasted for a paste sign-in, so an obvious mistake is said inline before the
 * server is asked (the server parses it again and has the last word). Accepted: the whole address the browser
 * showed (`http://localhost:1455/auth/callback?code=…&state=…`), its query string, `code#state`, or a bare code.
 */
export function checkPastedRedirect(input: string): { ok: true } | { ok: false; message: string } {
  const text = input.trim();
  if (text === '') return { ok: false, message: 'Paste the address your browser showed after signing in.' };
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { ok: false, message: 'This is not a complete address: copy the whole line from the address bar.' };
    }
    const error = url.searchParams.get('error');
    if (error != null) {
      return {
        ok: false,
        message: `The sign-in was not completed (${url.searchParams.get('error_description') ?? error}).`,
      };
    }
    if (url.searchParams.get('code') == null) {
      return {
        ok: false,
        message: 'This address has no sign-in code: copy it after signing in, when the page fails to load.',
      };
    }
    return { ok: true };
  }
  if (text.includes('code=') || /^[\w.~-]+(#[\w.~-]+)?$/.test(text)) return { ok: true };
  return { ok: false, message: 'This does not look like a sign-in address or code.' };
}
