import { Link } from 'wouter';
import { HOME_PATH } from '../lib/safe-next-path.ts';

export function NotFoundPage() {
  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Page not found</h1>
        <p className="page-description">There is nothing at this address.</p>
      </header>
      <p>
        <Link href={`~${HOME_PATH}`} className="link">
          Go to Getting started
        </Link>
      </p>
    </div>
  );
}
