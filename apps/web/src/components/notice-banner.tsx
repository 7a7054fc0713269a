import type { ReactNode } from 'react';

/** A confirmation that something worked; polite, so it does not interrupt what a screen reader is saying. */
export function NoticeBanner({ children }: { children: ReactNode }) {
  return (
    <div className="banner banner-success" role="status">
      <p className="banner-body">{children}</p>
    </div>
  );
}
