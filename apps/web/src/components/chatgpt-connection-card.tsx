import type { Connection, SignInFlow, SignInMethod } from '@pag/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import {
  cancelSignIn,
  completePastedSignIn,
  disconnectChatgpt,
  getSignInFlow,
  startChatgptSignIn,
} from '../api/connections.ts';
import { queryKeys } from '../api/query-keys.ts';
import { useNow } from '../hooks/use-now.ts';
import { useSession } from '../hooks/use-session.ts';
import { checkPastedRedirect } from '../lib/check-pasted-redirect.ts';
import { formatCountdown } from '../lib/format-countdown.ts';
import { formatDate } from '../lib/format-date.ts';
import { toQuotaMeter } from '../lib/to-quota-meter.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { CopyButton } from './copy-button.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { QuotaMeter } from './quota-meter.tsx';

/** Browser sign-in needs the browser on the gateway's machine (the callback goes to its loopback port). */
function isUiOnGatewayMachine(): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(window.location.hostname);
}

/**
 * The ChatGPT subscription: connect it (device code, browser or pasted redirect — the right one recommended for
 * where the gateway runs), follow the sign-in, then see the account, its token state and the plan's usage windows,
 * and disconnect. `reconnect_required` says why and offers the sign-in again.
 */
export function ChatgptConnectionCard({ connection }: { connection: Connection | null }) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const [flow, setFlow] = useState<SignInFlow | null>(null);
  const [isConfirmingDisconnect, setIsConfirmingDisconnect] = useState(false);
  const refreshConnections = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.connections });
    void queryClient.invalidateQueries({ queryKey: queryKeys.models });
  };

  const start = useMutation({
    mutationFn: (method: SignInMethod) => startChatgptSignIn({ method, csrfToken }),
    onSuccess: (started) => {
      setFlow(started);
      if (started.method === 'browser' && started.authorizeUrl != null)
        window.open(started.authorizeUrl, '_blank', 'noopener');
    },
  });
  const disconnect = useMutation({
    mutationFn: () => disconnectChatgpt({ csrfToken }),
    onSuccess: () => {
      setIsConfirmingDisconnect(false);
      refreshConnections();
    },
  });

  const isSigningIn = flow != null && (flow.status === 'pending' || flow.status === 'exchanging');
  const showChooser = !isSigningIn && (connection == null || connection.state === 'reconnect_required');

  return (
    <section className="card" aria-labelledby="chatgpt-title">
      <div className="connection-heading">
        <h2 id="chatgpt-title" className="card-title">
          ChatGPT subscription
        </h2>
        <StatusPill connection={connection} />
      </div>
      {connection?.state === 'reconnect_required' ? (
        <div className="callout callout-warning" role="status">
          <strong>Sign in again.</strong> {connection.stateMessage}
        </div>
      ) : null}
      {connection != null && connection.state === 'connected' ? (
        <ConnectedDetails connection={connection} onDisconnect={() => setIsConfirmingDisconnect(true)} />
      ) : null}
      {flow != null && !isSigningIn && flow.status !== 'completed' ? (
        <ErrorBanner title="The sign-in did not finish">
          {flow.failureReason ?? `The sign-in ${flow.status === 'expired' ? 'expired' : 'was cancelled'}. Start again.`}
        </ErrorBanner>
      ) : null}
      {start.error == null ? null : (
        <ErrorBanner title="Could not start the sign-in">{start.error.message}</ErrorBanner>
      )}
      {isSigningIn && flow != null ? (
        <SignInProgress
          flow={flow}
          onUpdate={(next) => {
            setFlow(next);
            if (next.status === 'completed') {
              setFlow(null);
              refreshConnections();
            }
          }}
          onConnected={() => {
            setFlow(null);
            refreshConnections();
          }}
          onCancel={async () => {
            await cancelSignIn({ id: flow.id, csrfToken });
            setFlow(null);
          }}
        />
      ) : null}
      {showChooser ? <MethodChooser isPending={start.isPending} onChoose={(method) => start.mutate(method)} /> : null}
      <ConfirmDialog
        isOpen={isConfirmingDisconnect}
        title="Disconnect ChatGPT?"
        confirmLabel="Disconnect"
        pendingLabel="Disconnecting…"
        isPending={disconnect.isPending}
        errorMessage={disconnect.error?.message ?? null}
        onConfirm={() => disconnect.mutate()}
        onCancel={() => {
          setIsConfirmingDisconnect(false);
          disconnect.reset();
        }}
      >
        <p>The gateway signs out at OpenAI and deletes the tokens. Requests that need the subscription will fail.</p>
      </ConfirmDialog>
    </section>
  );
}

function StatusPill({ connection }: { connection: Connection | null }) {
  if (connection == null) return <span className="status-pill">Not connected</span>;
  if (connection.state === 'reconnect_required')
    return <span className="status-pill status-pill-warning">Sign in again</span>;
  return <span className="status-pill status-pill-ok">Connected</span>;
}

function MethodChooser({ isPending, onChoose }: { isPending: boolean; onChoose: (method: SignInMethod) => void }) {
  const isLocal = isUiOnGatewayMachine();
  const methods: { method: SignInMethod; label: string; help: string }[] = [
    {
      method: 'device',
      label: 'Sign in with a code',
      help: 'Type a short code at OpenAI on any device. Needs "device code authorization" enabled in ChatGPT → Settings → Security.',
    },
    {
      method: 'browser',
      label: 'Sign in in this browser',
      help: 'Only when this browser runs on the gateway’s machine: OpenAI sends you back to it on port 1455.',
    },
    {
      method: 'paste',
      label: 'Sign in and paste the address',
      help: 'Sign in anywhere, then paste the address the browser could not load.',
    },
  ];
  const recommended: SignInMethod = isLocal ? 'browser' : 'device';
  return (
    <div className="method-chooser">
      <p className="muted">
        Connect your own ChatGPT Plus or Pro account. It serves only you: the gateway never shares or rotates accounts.
      </p>
      <ul className="method-list">
        {methods.map((option) => (
          <li key={option.method} className={option.method === recommended ? 'method method-recommended' : 'method'}>
            <button
              type="button"
              className={option.method === recommended ? 'button button-primary' : 'button button-secondary'}
              disabled={isPending}
              onClick={() => onChoose(option.method)}
            >
              {option.label}
            </button>
            <p className="field-hint">
              {option.method === recommended ? <strong>Recommended here. </strong> : null}
              {option.help}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}

function SignInProgress(props: {
  flow: SignInFlow;
  onUpdate: (flow: SignInFlow) => void;
  onConnected: () => void;
  onCancel: () => Promise<void>;
}) {
  const { flow } = props;
  const now = useNow();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const codeRef = useRef<HTMLInputElement>(null);
  const [pasted, setPasted] = useState('');
  const [pasteProblem, setPasteProblem] = useState<string | null>(null);
  const onUpdate = props.onUpdate;

  // Device and browser flows finish on the server; poll at the interval the upstream asked for.
  const polled = useQuery({
    queryKey: ['sign-in-flow', flow.id],
    queryFn: ({ signal }) => getSignInFlow(flow.id, signal),
    refetchInterval: Math.max(1, flow.pollIntervalSeconds ?? 2) * 1000,
    enabled: flow.method !== 'paste',
  });
  useEffect(() => {
    if (polled.data != null && polled.data.status !== flow.status) onUpdate(polled.data);
  }, [polled.data, flow.status, onUpdate]);

  const complete = useMutation({
    mutationFn: (input: string) => completePastedSignIn({ id: flow.id, input, csrfToken }),
    onSuccess: props.onConnected,
  });

  function onPaste(event: FormEvent) {
    event.preventDefault();
    const check = checkPastedRedirect(pasted);
    setPasteProblem(check.ok ? null : check.message);
    if (check.ok) complete.mutate(pasted.trim());
  }

  const remaining = Date.parse(flow.expiresAt) - now;
  return (
    <div className="sign-in-progress" aria-live="polite">
      {flow.method === 'device' && flow.userCode != null ? (
        <>
          <p>
            Open{' '}
            <a className="link" href={flow.verificationUrl ?? '#'} target="_blank" rel="noreferrer">
              {flow.verificationUrl}
            </a>{' '}
            and enter this code:
          </p>
          <div className="device-code">
            <input
              ref={codeRef}
              className="input device-code-value"
              readOnly
              value={flow.userCode}
              aria-label="Sign-in code"
            />
            <CopyButton value={flow.userCode} sourceRef={codeRef} />
          </div>
        </>
      ) : null}
      {flow.method !== 'device' && flow.authorizeUrl != null ? (
        <p>
          {flow.method === 'browser' ? 'Finish signing in in the tab that opened, or ' : '1. '}
          <a className="link" href={flow.authorizeUrl} target="_blank" rel="noreferrer">
            open the OpenAI sign-in page
          </a>
          {flow.method === 'paste' ? ' and sign in. The last page will fail to load — that is expected.' : '.'}
        </p>
      ) : null}
      {flow.method === 'paste' ? (
        <form className="form" onSubmit={onPaste} noValidate>
          <div className="field">
            <label className="field-label" htmlFor="pasted-redirect">
              2. Paste the address from the browser’s address bar
            </label>
            <input
              id="pasted-redirect"
              className="input input-mono"
              value={pasted}
              placeholder="http://localhost:1455/auth/callback?code=…"
              aria-invalid={pasteProblem != null || complete.isError ? true : undefined}
              onChange={(event) => {
                setPasted(event.target.value);
                if (pasteProblem != null) setPasteProblem(null);
              }}
            />
            {(pasteProblem ?? complete.error?.message) ? (
              <p className="field-error" role="alert">
                {pasteProblem ?? complete.error?.message}
              </p>
            ) : null}
          </div>
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={complete.isPending}>
              {complete.isPending ? 'Connecting…' : 'Connect'}
            </button>
          </div>
        </form>
      ) : (
        <p className="muted">
          <span className="spinner spinner-inline" aria-hidden="true" /> Waiting for you to approve at OpenAI… expires
          in {formatCountdown(remaining)}
        </p>
      )}
      <button type="button" className="button button-secondary button-small" onClick={() => void props.onCancel()}>
        Cancel sign-in
      </button>
    </div>
  );
}

function ConnectedDetails({ connection, onDisconnect }: { connection: Connection; onDisconnect: () => void }) {
  const now = useNow(30_000);
  const limits = connection.rateLimits;
  const windows = [limits?.primary, limits?.secondary].filter((window) => window != null);
  return (
    <>
      <dl className="details">
        <div>
          <dt>Account</dt>
          <dd>{connection.email ?? connection.accountIdMasked}</dd>
        </div>
        <div>
          <dt>Plan</dt>
          <dd className="plan-name">{connection.planType ?? 'unknown'}</dd>
        </div>
        <div>
          <dt>Connected</dt>
          <dd>{formatDate(connection.connectedAt)}</dd>
        </div>
        <div>
          <dt>Access token</dt>
          <dd>
            {connection.accessTokenExpiresAt == null
              ? 'no expiry reported'
              : `expires ${formatDate(connection.accessTokenExpiresAt)}`}
            {connection.lastRefreshAt == null ? '' : ` · refreshed ${formatDate(connection.lastRefreshAt)}`}
          </dd>
        </div>
      </dl>
      <div className="quota-meters">
        {windows.length === 0 ? (
          <p className="muted">Usage limits appear here after the first request through the subscription.</p>
        ) : (
          windows.map((window) => <QuotaMeter key={window.windowMinutes ?? 0} meter={toQuotaMeter(window, now)} />)
        )}
      </div>
      <div className="button-row">
        <button type="button" className="button button-danger-quiet" onClick={onDisconnect}>
          Disconnect
        </button>
      </div>
    </>
  );
}
