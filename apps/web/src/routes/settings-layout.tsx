import type { SessionState, User } from '@pag/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { isApiError } from '../api/api-error.ts';
import { signOut } from '../api/auth.ts';
import { queryKeys } from '../api/query-keys.ts';
import { Brand } from '../components/brand.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { SubscriptionNotice } from '../components/subscription-notice.tsx';
import { useSession } from '../hooks/use-session.ts';
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

const SIGNED_OUT: SessionState = { setupRequired: false, user: null, csrfToken: null };

/** The signed-in shell: header with the account and sign-out, section navigation, and the current section. */
export function SettingsLayout({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const [location] = useLocation();

  const logout = useMutation({
    mutationFn: () => signOut(csrfToken),
    onSuccess: () => forgetSession(),
    onError: (error) => {
      // Already signed out on the server (expired, or signed out in another tab): same outcome for the user.
      if (isApiError(error) && error.code === 'unauthenticated') forgetSession();
    },
  });

  function forgetSession() {
    setFlashNotice('signed-out');
    // Cached data belongs to the account that just left; the router sends the visitor to the sign-in page.
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.session[0] });
    queryClient.setQueryData(queryKeys.session, SIGNED_OUT);
  }

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
          {logout.isError && !(isApiError(logout.error) && logout.error.code === 'unauthenticated') ? (
            <ErrorBanner title="Could not sign out">{logout.error.message}</ErrorBanner>
          ) : null}
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
