import type { SessionState } from '@pag/contracts';
import { Redirect, Route, Switch, useLocation, useRoute, useSearch } from 'wouter';
import { ErrorBanner } from './components/error-banner.tsx';
import { LoadingState } from './components/loading-state.tsx';
import { useSession } from './hooks/use-session.ts';
import { peekFlashNotice } from './lib/flash-notice.ts';
import { HOME_PATH, safeNextPath } from './lib/safe-next-path.ts';
import { ConsentPage } from './routes/consent-page.tsx';
import { LoginPage } from './routes/login-page.tsx';
import { SettingsLayout } from './routes/settings-layout.tsx';
import { SetupPage } from './routes/setup-page.tsx';

/**
 * The session decides the route: setup while no user exists, sign-in while signed out, the settings otherwise.
 * Pages never navigate after setup, sign-in or sign-out; they update the session and these guards redirect, so
 * the outcome does not depend on which of the two updates React sees first.
 */
export function App() {
  const session = useSession();

  // Keep showing the app when a background refetch fails; only the first load blocks the page.
  if (session.data != null) return <AppRoutes session={session.data} />;
  if (session.isError) {
    return (
      <main className="auth-page auth-main">
        <ErrorBanner
          title="Cannot reach the gateway"
          action={
            <button type="button" className="button button-secondary button-small" onClick={() => session.refetch()}>
              Try again
            </button>
          }
          error={session.error}
        />
      </main>
    );
  }
  return <LoadingState label="Loading…" isFullPage />;
}

function AppRoutes({ session }: { session: SessionState }) {
  // The consent page of an MCP authorization keeps its address whether or not the user is signed in: the
  // authorization server's interaction cookie is scoped to this path, and the page signs in on the spot.
  const [isConsentPage, consentParams] = useRoute('/oauth/interaction/:uid');

  if (session.setupRequired) {
    return (
      <Switch>
        <Route path="/setup" component={SetupPage} />
        <Route>
          <Redirect to="/setup" replace />
        </Route>
      </Switch>
    );
  }

  if (isConsentPage) return <ConsentPage uid={consentParams.uid} user={session.user} />;

  if (session.user == null) {
    return (
      <Switch>
        <Route path="/login" component={LoginPage} />
        <Route component={RedirectToLogin} />
      </Switch>
    );
  }

  const { user } = session;
  return (
    <Switch>
      <Route path="/settings" nest>
        <SettingsLayout user={user} />
      </Route>
      <Route path="/login" component={RedirectAfterLogin} />
      <Route>
        <Redirect to={HOME_PATH} replace />
      </Route>
    </Switch>
  );
}

/**
 * Remembers the settings page the visitor asked for, to return there after signing in; not after signing out,
 * where the page they were on is not a request to go back.
 */
function RedirectToLogin() {
  const [location] = useLocation();
  const isReturnWanted = location.startsWith('/settings/') && peekFlashNotice() !== 'signed-out';
  const target = isReturnWanted ? `/login?next=${encodeURIComponent(location)}` : '/login';
  return <Redirect to={target} replace />;
}

function RedirectAfterLogin() {
  const next = new URLSearchParams(useSearch()).get('next');
  return <Redirect to={safeNextPath(next)} replace />;
}
