import type { ReactNode } from 'react';
import { describeError } from '../lib/describe-error.ts';
import { ErrorDetails } from './error-details.tsx';

export type ErrorBannerProps = {
  title?: string;
  /** The sentence to show; without it, `error` is described (a plain sentence, its technical words folded). */
  children?: ReactNode;
  /** A failure to describe with {@link describeError}. */
  error?: unknown;
  /** Technical words to fold under "Details" (filled from `error` when that is given). */
  details?: string | null;
  action?: ReactNode;
};

/** An error announced by screen readers as soon as it appears: one plain sentence, the technical part folded. */
export function ErrorBanner({ title, children, error, details, action }: ErrorBannerProps) {
  const described = error == null ? null : describeError(error);
  return (
    <div className="banner banner-error" role="alert">
      <div className="banner-body">
        {title == null ? null : <p className="banner-title">{title}</p>}
        <p>{children ?? described?.message}</p>
        <ErrorDetails details={details ?? described?.details ?? null} />
      </div>
      {action}
    </div>
  );
}
