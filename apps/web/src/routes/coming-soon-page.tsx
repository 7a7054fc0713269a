import type { ReactNode } from 'react';

export type ComingSoonPageProps = { title: string; description: ReactNode; children?: ReactNode };

/** Holds a settings section's place until its feature ships, saying what it will do. */
export function ComingSoonPage({ title, description, children }: ComingSoonPageProps) {
  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">
          {title} <span className="soon-badge">Coming soon</span>
        </h1>
        <p className="page-description">{description}</p>
      </header>
      <section className="card empty-state empty-state-large">
        <svg className="empty-state-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <circle cx="12" cy="12" r="9" />
          <path d="M12 7v5l3 2" />
        </svg>
        <p className="empty-state-title">This section is coming soon</p>
        <div className="muted">{children}</div>
      </section>
    </div>
  );
}
