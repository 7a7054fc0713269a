import type { AuthorizationRequestView, User } from '@pag/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { ApiError, isApiError } from '../api/api-error.ts';
import { decideAuthorizationRequest, getAuthorizationRequest } from '../api/mcp-apps.ts';
import { queryKeys } from '../api/query-keys.ts';
import { AuthLayout } from '../components/auth-layout.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { SignInForm } from '../components/sign-in-form.tsx';
import { useSession } from '../hooks/use-session.ts';
import { useSignOut } from '../hooks/use-sign-out.ts';
import { isUnanswerableRequest, toNavigableUrl } from '../lib/mcp-apps.ts';

/**
 * The consent step of an MCP authorization (`/oauth/interaction/:uid`): an app (ChatGPT, Claude, a CLI) asked to
 * act as the user through the gateway. Signed out, the page signs in first and stays here; signed in, it shows who
 * asks (the self-declared name, and the redirect host that really identifies the app) and for what, then sends
 * the browser back through the authorization server with the decision.
 */
export function ConsentPage({ uid, user }: { uid: string; user: User | null }) {
  if (user == null) {
    return (
      <AuthLayout
        title="Sign in to continue"
        description="An app asked to connect to your gateway. Sign in to review its request."
        cardClassName="consent-card"
      >
        <SignInForm />
      </AuthLayout>
    );
  }
  return <SignedInConsent uid={uid} user={user} />;
}

function SignedInConsent({ uid, user }: { uid: string; user: User }) {
  const csrfToken = useSession().data?.csrfToken ?? null;

  const request = useQuery({
    // Per user: whether the app is already known depends on who is signed in.
    queryKey: [...queryKeys.authorizationRequest, uid, user.id],
    queryFn: ({ signal }) => getAuthorizationRequest(uid, signal),
    // The request is answered once; a refetch after the decision would only report it gone.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

  const decide = useMutation({
    mutationFn: async (approve: boolean) => {
      const { redirectTo } = await decideAuthorizationRequest({ uid, approve, csrfToken });
      const target = toNavigableUrl(redirectTo, window.location.href);
      if (target == null) {
        throw new ApiError({
          code: 'unexpected_response',
          status: 200,
          message: 'The gateway answered with an address this page will not open. Start again from the app.',
        });
      }
      return target;
    },
    // A navigation, not a fetch: the authorization server answers with a redirect to the app.
    onSuccess: (target) => window.location.assign(target),
  });

  // Signed out, the page shows the sign-in form again.
  const logout = useSignOut();

  const failure = request.error ?? (isApiError(decide.error) ? decide.error : null);
  if (failure != null && isApiError(failure) && isUnanswerableRequest(failure.code)) {
    return (
      <AuthLayout
        title="This request has expired"
        description="It expired, was already answered, or was started in another browser."
        cardClassName="consent-card"
      >
        <div className="callout callout-warning" role="alert">
          Start the connection again from the app: it will send you back here with a new request.
        </div>
      </AuthLayout>
    );
  }

  if (request.isPending) return <LoadingState label="Loading the app’s request…" isFullPage />;

  if (request.isError) {
    return (
      <AuthLayout
        title="Could not load the request"
        description="The gateway did not answer as expected."
        cardClassName="consent-card"
      >
        <ErrorBanner
          action={
            <button type="button" className="button button-secondary button-small" onClick={() => request.refetch()}>
              Try again
            </button>
          }
          error={request.error}
        />
      </AuthLayout>
    );
  }

  const view = request.data;
  const isDeciding = decide.isPending || decide.isSuccess;
  const decision = decide.variables;

  return (
    <AuthLayout
      title="Allow this app to use your gateway?"
      description={<AppName view={view} />}
      cardClassName="consent-card"
    >
      <div className="consent">
        <p className="consent-familiarity">
          {view.isKnownApp ? (
            <span className="status-pill status-pill-ok">Approved before</span>
          ) : (
            <span className="status-pill status-pill-warning">New app</span>
          )}{' '}
          {view.isKnownApp
            ? 'You approved this app before; approving again keeps it connected.'
            : 'You have not approved this app before.'}
        </p>

        <section className="consent-destination" aria-labelledby="consent-destination-label">
          <p id="consent-destination-label" className="consent-destination-label">
            After you decide, your browser goes to
          </p>
          <p className="consent-destination-host">{view.redirectHost}</p>
          <p className="field-hint">
            This address, not the name above, is what identifies the app. Continue only if it is the app you are
            connecting.
          </p>
        </section>

        {view.isLoopbackRedirect ? (
          <div className="callout callout-warning" role="note">
            <strong>This address is on this computer:</strong> any program on this computer can receive this
            authorization. Approve only if you just started the connection from an app running here.
          </div>
        ) : null}

        <dl className="details consent-details">
          <div>
            <dt>It will be able to</dt>
            <dd>
              <ul className="consent-scopes">
                {view.scopes.map((scope) => (
                  <li key={scope.name}>{scope.description}</li>
                ))}
              </ul>
            </dd>
          </div>
          <div>
            <dt>On</dt>
            <dd>
              <code>{view.resource}</code>
            </dd>
          </div>
          <div>
            <dt>As the gateway user</dt>
            <dd className="consent-user">
              <span>{user.email}</span>
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => logout.mutate()}
                disabled={logout.isPending || isDeciding}
              >
                {logout.isPending ? 'Signing out…' : 'Not you? Sign out'}
              </button>
            </dd>
          </div>
        </dl>

        <p className="consent-posture">
          The app will act as you, with your connected accounts. It never receives your ChatGPT or Gemini tokens: only
          the gateway uses them. You can revoke it at any time under Settings → Connected apps.
        </p>

        {decide.error == null ? null : <ErrorBanner title="Could not record your decision" error={decide.error} />}
        {logout.visibleError == null ? null : <ErrorBanner title="Could not sign out" error={logout.visibleError} />}
        {decide.isSuccess ? (
          <p className="muted" role="status">
            Taking you to {view.redirectHost}…
          </p>
        ) : null}

        <div className="consent-actions">
          <button
            type="button"
            className="button button-secondary"
            onClick={() => decide.mutate(false)}
            disabled={isDeciding}
          >
            {isDeciding && decision === false ? 'Denying…' : 'Deny'}
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => decide.mutate(true)}
            disabled={isDeciding}
          >
            {isDeciding && decision === true ? 'Approving…' : 'Approve'}
          </button>
        </div>
      </div>
    </AuthLayout>
  );
}

/** The name the app gave itself, labelled as such: anyone can register an app called "ChatGPT". */
function AppName({ view }: { view: AuthorizationRequestView }) {
  if (view.clientName == null || view.clientName.trim() === '') {
    return <>An unnamed app asks to act as you through your gateway.</>;
  }
  return (
    <>
      <strong className="consent-app-name">{view.clientName}</strong>{' '}
      <span className="muted">(name declared by the app)</span> asks to act as you through your gateway.
    </>
  );
}
