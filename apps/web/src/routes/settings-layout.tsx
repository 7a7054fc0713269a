import type { User } from '@pag/contracts';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { Brand } from '../components/brand.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { SubscriptionNotice } from '../components/subscription-notice.tsx';
import { useSignOut } from '../hooks/use-sign-out.ts';
import { setFlashNotice } from '../lib/flash-notice.ts';
import { ApiKeysPage } from './api-keys-page.tsx';
import { ConnectedAppsPage } from './connected-apps-page.tsx';
import { ConnectionsPage } from './connections-page.tsx';
import { ModelsPage } from './models-page.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { PlaygroundPage } from './playground-page.tsx';

type NavigationItem = { href: string; label: string; isComingSoon: boolean };

// Paths are relative: this layout is mounted under the nested `/settings` route.
const NAVIGATION: NavigationItem[] = [
  { href: '/api-keys', label: 'API keys', isComingSoon: false },
  { href: '/connections', label: 'Connections', isComingSoon: false },
  { href: '/connected-apps', label: 'Connected apps', isComingSoon: false },
  { href: '/playground', label: 'Playground', isComingSoon: false },
  { href: '/models', label: 'Models & features', isComingSoon: false },
];

/** The signed-in shell: header with the account and sign-out, section navigation, and the current section. */
export function SettingsLayout({ user }: { user: User }) {
  const [location] = useLocation();

  // The router then sends the visitor to the sign-in page, which says they signed out.
  const logout = useSignOut({ onSignedOut: () => setFlashNotice('signed-out') });

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/api-keys" className="app-header-brand">
          <Brand />
        </Link>
        <div className="app-header-account">
          <span className="app-header-user" title={user.email}>
            <span className="visually-hidden">Signed in as </span>
            {user.email}
            {user.isAdmin ? <span className="role-badge">Admin</span> : null}
          </span>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => logout.mutate()}
            disabled={logout.isPending}
          >
            {logout.isPending ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </header>
      <div className="app-body">
        <nav className="app-nav" aria-label="Settings">
          <ul>
            {NAVIGATION.map((item) => (
              <li key={item.href}>
                <Link
                  href={item.href}
                  className="app-nav-link"
                  aria-current={location === item.href ? 'page' : undefined}
                >
                  <span>{item.label}</span>
                  {item.isComingSoon ? <span className="soon-badge">Soon</span> : null}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main className="app-main" id="main-content" tabIndex={-1}>
          {logout.visibleError == null ? null : (
            <ErrorBanner title="Could not sign out">{logout.visibleError.message}</ErrorBanner>
          )}
          <Switch>
            <Route path="/api-keys" component={ApiKeysPage} />
            <Route path="/connections" component={ConnectionsPage} />
            <Route path="/connected-apps" component={ConnectedAppsPage} />
            <Route path="/playground" component={PlaygroundPage} />
            <Route path="/models" component={ModelsPage} />
            <Route path="/">
              <Redirect to="/api-keys" replace />
            </Route>
            <Route component={NotFoundPage} />
          </Switch>
        </main>
      </div>
      <SubscriptionNotice />
    </div>
  );
}
