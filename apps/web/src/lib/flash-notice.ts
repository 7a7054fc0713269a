/**
 * Notices that must survive one redirect: the router, not the page that succeeded, decides where to go next.
 * `admin-created` is shown by Getting started (setup signs the admin in), `signed-out` by the sign-in page.
 */
export type FlashNotice = 'admin-created' | 'signed-out';

let pending: FlashNotice | null = null;

/** Remembers a notice for the next page that asks for one. */
export function setFlashNotice(notice: FlashNotice): void {
  pending = notice;
}

/** Reads the pending notice without clearing it: React may call a state initializer twice in development. */
export function peekFlashNotice(): FlashNotice | null {
  return pending;
}

export function clearFlashNotice(): void {
  pending = null;
}
