import type { ReactNode } from 'react';
import { Brand } from './brand.tsx';
import { SubscriptionNotice } from './subscription-notice.tsx';

export type AuthLayoutProps = {
  title: string;
  description: ReactNode;
  children: ReactNode;
  /** Added to the card's classes, e.g. to give a longer page more width. */
  cardClassName?: string;
};

/** The centred card used by the pages a visitor sees before signing in. */
export function AuthLayout({ title, description, children, cardClassName }: AuthLayoutProps) {
  return (
    <div className="auth-page">
      <main className="auth-main">
        <div className="auth-brand">
          <Brand />
        </div>
        <section className={['card auth-card', cardClassName].filter(Boolean).join(' ')} aria-labelledby="auth-title">
          <h1 id="auth-title" className="auth-title">
            {title}
          </h1>
          <p className="auth-description">{description}</p>
          {children}
        </section>
      </main>
      <SubscriptionNotice />
    </div>
  );
}
