/** Where a signed-in user lands: the Getting started checklist (issue 17). */
export const HOME_PATH = '/settings/start';

/**
 * Picks where to go after signing in. Only paths inside the app are honoured, so a crafted `?next=` cannot send
 * the user to another origin (`//evil.example`, `/\evil.example`).
 */
export function safeNextPath(next: string | null): string {
  if (next == null || !next.startsWith('/settings')) return HOME_PATH;
  if (next.includes('//') || next.includes('\\')) return HOME_PATH;
  return next;
}
