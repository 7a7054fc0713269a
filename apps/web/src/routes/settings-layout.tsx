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
import { GettingStartedPage } from './getting-started-page.tsx';
import { ModelsPage } from './models-page.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { OperatorPage } from './operator-page.tsx';
import { PlaygroundPage } from './playground-page.tsx';
import { UsagePage } from './usage-page.tsx';
import { UsersPage } from './users-page.tsx';

type NavigationItem = { href: string; label: string; isComingSoon: boolean };

// Paths are relative: this layout is mounted under the nested `/settings` route.
const NAVIGATION: NavigationItem[] = [
  { href: '/start', label: 'Getting started', isComingSoon: false },
  { href: '/api-keys', label: 'API keys', isComingSoon: false },
  { href: '/connections', label: 'Connections', isComingSoon: false },
  { href: '/connected-apps', label: 'Connected apps', isComingSoon: false },
  { href: '/playground', label: 'Playground', isComingSoon: false },
  { href: '/models', label: 'Models & features', isComingSoon: false },
  { href: '/usage', label: 'Usage', isComingSoon: false },
];

/** Shown to admins only; the server refuses members on these pages' API with 403 all the same. */
const ADMIN_NAVIGATION: NavigationItem[] = [
  { href: '/users', label: 'Users', isComingSoon: false },
  { href: '/operator', label: 'Operator', isComingSoon: false },
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
        <Link href="/start" className="app-header-brand">
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
          <NavigationList items={NAVIGATION} location={location} />
          {user.isAdmin ? (
            <>
              <h2 className="app-nav-heading" id="admin-navigation-heading">
                Administration
              </h2>
              <NavigationList items={ADMIN_NAVIGATION} location={location} labelledBy="admin-navigation-heading" />
            </>
          ) : null}
        </nav>
        <main className="app-main" id="main-content" tabIndex={-1}>
          {logout.visibleError == null ? null : <ErrorBanner title="Could not sign out" error={logout.visibleError} />}
          <Switch>
            <Route path="/start" component={GettingStartedPage} />
            <Route path="/api-keys" component={ApiKeysPage} />
            <Route path="/connections" component={ConnectionsPage} />
            <Route path="/connected-apps" component={ConnectedAppsPage} />
            <Route path="/playground" component={PlaygroundPage} />
            <Route path="/models" component={ModelsPage} />
            <Route path="/usage" component={UsagePage} />
            <Route path="/users">{user.isAdmin ? <UsersPage /> : <AdminOnlyPage />}</Route>
            <Route path="/operator">{user.isAdmin ? <OperatorPage /> : <AdminOnlyPage />}</Route>
            <Route path="/">
              <Redirect to="/start" replace />
            </Route>
            <Route component={NotFoundPage} />
          </Switch>
        </main>
      </div>
      <SubscriptionNotice />
    </div>
  );
}

function NavigationList({
  items,
  location,
  labelledBy,
}: {
  items: NavigationItem[];
  location: string;
  labelledBy?: string;
}) {
  return (
    <ul aria-labelledby={labelledBy}>
      {items.map((item) => (
        <li key={item.href}>
          <Link href={item.href} className="app-nav-link" aria-current={location === item.href ? 'page' : undefined}>
            <span>{item.label}</span>
            {item.isComingSoon ? <span className="soon-badge">Soon</span> : null}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** What a member sees at an admin page's address (the API refuses them too). */
function AdminOnlyPage() {
  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Admins only</h1>
        <p className="page-description">
          Only an admin of this gateway can manage users and operator settings. Ask an admin if you need a change.
        </p>
      </header>
    </div>
  );
}
