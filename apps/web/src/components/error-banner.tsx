import type { ReactNode } from 'react';

export type ErrorBannerProps = { title?: string; children: ReactNode; action?: ReactNode };

/** An error announced by screen readers as soon as it appears. */
export function ErrorBanner({ title, children, action }: ErrorBannerProps) {
  return (
    <div className="banner banner-error" role="alert">
      <div className="banner-body">
        {title == null ? null : <p className="banner-title">{title}</p>}
        <p>{children}</p>
      </div>
      {action}
    </div>
  );
}
