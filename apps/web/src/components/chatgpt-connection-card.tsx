import type { Connection, SignInFlow, SignInMethod } from '@pag/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import {
  cancelSignIn,
  completePastedSignIn,
  disconnectChatgpt,
  getSignInFlow,
  getSignInOptions,
  startChatgptSignIn,
} from '../api/connections.ts';
import { queryKeys } from '../api/query-keys.ts';
import { getUsageQuota } from '../api/usage-quota.ts';
import { useNow } from '../hooks/use-now.ts';
import { useSession } from '../hooks/use-session.ts';
import { checkPastedRedirect } from '../lib/check-pasted-redirect.ts';
import { formatCountdown } from '../lib/format-countdown.ts';
import { formatDate } from '../lib/format-date.ts';
import { recommendSignIn } from '../lib/recommend-sign-in.ts';
import { toQuotaMeter } from '../lib/to-quota-meter.ts';
import { ConfirmMutationDialog } from './confirm-mutation-dialog.tsx';
import { CopyButton } from './copy-button.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { FieldError } from './field-error.tsx';
import { QuotaMeter } from './quota-meter.tsx';

/**
 * The ChatGPT subscription: connect it (device code, browser or pasted redirect — the one that can work where the
 * gateway runs recommended, the others always offered), follow the sign-in, then see the account, its token state
 * and the plan's usage windows, and disconnect. `reconnect_required` says why and offers the sign-in again.
 */
/** How often the open settings page asks for the quota; the server reads the upstream at most once a minute. */
const QUOTA_POLL_MS = 60_000;

export function ChatgptConnectionCard({ connection }: { connection: Connection | null }) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const [flow, setFlow] = useState<SignInFlow | null>(null);
  const [isConfirmingDisconnect, setIsConfirmingDisconnect] = useState(false);
  const refreshConnections = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.connections });
    void queryClient.invalidateQueries({ queryKey: queryKeys.models });
    void queryClient.invalidateQueries({ queryKey: queryKeys.gettingStarted });
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
        <h3 id="chatgpt-title" className="card-title">
          ChatGPT subscription
        </h3>
        <StatusPill connection={connection} />
      </div>
      {connection?.state === 'reconnect_required' ? (
        <div className="callout callout-warning" role="status">
          {connection.stateMessage}
        </div>
      ) : null}
      {connection != null && connection.state === 'connected' ? (
        <ConnectedDetails connection={connection} onDisconnect={() => setIsConfirmingDisconnect(true)} />
      ) : null}
      {flow != null && !isSigningIn && flow.status !== 'completed' ? (
        <ErrorBanner title="The sign-in did not finish">
          {flow.failureReason ?? `The sign-in ${flow.status === 'expired' ? 'expired' : 'was cancelled'}: start again.`}
        </ErrorBanner>
      ) : null}
      {start.error == null ? null : <ErrorBanner title="Could not start the sign-in" error={start.error} />}
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
      {showChooser ? (
        <MethodChooser
          isPending={start.isPending}
          isReconnect={connection != null}
          onChoose={(method) => start.mutate(method)}
        />
      ) : null}
      <ConfirmMutationDialog
        isOpen={isConfirmingDisconnect}
        title="Disconnect ChatGPT?"
        confirmLabel="Disconnect"
        pendingLabel="Disconnecting…"
        mutation={disconnect}
        onClose={() => setIsConfirmingDisconnect(false)}
      >
        <p>The gateway signs out at OpenAI and deletes the tokens. Requests that need the subscription will fail.</p>
      </ConfirmMutationDialog>
    </section>
  );
}

function StatusPill({ connection }: { connection: Connection | null }) {
  if (connection == null) return <span className="status-pill">Not connected</span>;
  if (connection.state === 'reconnect_required')
    return <span className="status-pill status-pill-warning">Signed out</span>;
  return <span className="status-pill status-pill-ok">Connected</span>;
}

const METHODS: Record<SignInMethod, { label: string; help: string }> = {
  device: {
    label: 'Sign in with a code',
    help: 'Type a short code at OpenAI on any device. Needs “device code authorization” turned on in ChatGPT → Settings → Security.',
  },
  browser: {
    label: 'Sign in in this browser',
    help: 'OpenAI sends this browser back to the gateway on port 1455: only when the browser runs on the gateway’s machine.',
  },
  paste: {
    label: 'Sign in and paste the address',
    help: 'Sign in in any browser, then paste the address of the page that could not load. Works everywhere.',
  },
};

/** The three ways to sign in, the one that works here first and marked; the browser's problem said in words. */
function MethodChooser(props: { isPending: boolean; isReconnect: boolean; onChoose: (method: SignInMethod) => void }) {
  const options = useQuery({ queryKey: queryKeys.signInOptions, queryFn: ({ signal }) => getSignInOptions(signal) });
  const { recommended, order, browserProblem } = recommendSignIn(options.data ?? null, window.location.hostname);
  return (
    <div className="method-chooser">
      <p className="muted">
        {props.isReconnect
          ? 'Choose how to sign in:'
          : 'Connect your own ChatGPT Plus or Pro account. It serves only you: the gateway never shares or rotates accounts.'}
      </p>
      <ul className="method-list">
        {order.map((method) => {
          const isRecommended = method === recommended;
          return (
            <li key={method} className={isRecommended ? 'method method-recommended' : 'method'}>
              <button
                type="button"
                className={isRecommended ? 'button button-primary' : 'button button-secondary'}
                disabled={props.isPending}
                onClick={() => props.onChoose(method)}
              >
                {METHODS[method].label}
              </button>
              <p className="field-hint">
                {isRecommended ? <strong>Recommended here. </strong> : null}
                {METHODS[method].help}
                {method === 'browser' && browserProblem != null ? (
                  <>
                    {' '}
                    <span className="method-problem">Probably not here: {browserProblem}</span>
                  </>
                ) : null}
              </p>
            </li>
          );
        })}
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
  const codeRef = useRef<HTMLInputElement>(null);
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

  const remaining = Date.parse(flow.expiresAt) - now;
  const code = flow.userCode ?? '';
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
              value={code}
              aria-label="Sign-in code"
              // As wide as the code in this font (its letter spacing included): a fixed width cut it off.
              style={{ width: `calc(${code.length + 1}ch + ${code.length * 0.15}em + 1.5rem + 2px)` }}
            />
            <CopyButton value={code} sourceRef={codeRef} subject="sign-in code" />
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
      {flow.method === 'paste' ? null : (
        <p className="muted">
          <span className="spinner spinner-inline" aria-hidden="true" /> Waiting for you to approve at OpenAI… expires
          in {formatCountdown(remaining)}
        </p>
      )}
      {flow.method === 'device' ? null : (
        <PastedAddressForm
          flowId={flow.id}
          label={
            flow.method === 'paste'
              ? '2. Paste the address from the browser’s address bar'
              : 'Did the tab end on a page that could not load? Paste its address here'
          }
          onConnected={props.onConnected}
        />
      )}
      <button type="button" className="button button-secondary button-small" onClick={() => void props.onCancel()}>
        Cancel sign-in
      </button>
    </div>
  );
}

/**
 * Finishes a paste sign-in, and is the way out of a browser sign-in whose redirect cannot reach the gateway (a
 * container, another machine): the address of the page that failed to load carries the code.
 */
function PastedAddressForm(props: { flowId: string; label: string; onConnected: () => void }) {
  const csrfToken = useSession().data?.csrfToken ?? null;
  const inputId = useId();
  const [pasted, setPasted] = useState('');
  const [pasteProblem, setPasteProblem] = useState<string | null>(null);
  const complete = useMutation({
    mutationFn: (input: string) => completePastedSignIn({ id: props.flowId, input, csrfToken }),
    onSuccess: props.onConnected,
  });

  function onPaste(event: FormEvent) {
    event.preventDefault();
    const check = checkPastedRedirect(pasted);
    setPasteProblem(check.ok ? null : check.message);
    if (check.ok) complete.mutate(pasted.trim());
  }

  return (
    <form className="form pasted-address-form" onSubmit={onPaste} noValidate>
      <div className="field">
        <label className="field-label" htmlFor={inputId}>
          {props.label}
        </label>
        <input
          id={inputId}
          className="input input-mono"
          value={pasted}
          placeholder="http://localhost:1455/auth/callback?code=…"
          aria-invalid={pasteProblem != null || complete.isError ? true : undefined}
          onChange={(event) => {
            setPasted(event.target.value);
            if (pasteProblem != null) setPasteProblem(null);
          }}
        />
        <FieldError error={pasteProblem ?? complete.error} />
      </div>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={complete.isPending}>
          {complete.isPending ? 'Connecting…' : 'Connect'}
        </button>
      </div>
    </form>
  );
}

function ConnectedDetails({ connection, onDisconnect }: { connection: Connection; onDisconnect: () => void }) {
  const now = useNow(30_000);
  // The live quota (issue 19): polled gently while this card is on screen, so the meters show without a first
  // request; until it answers, the snapshot the connection carries (the last answer's headers).
  const quota = useQuery({
    queryKey: queryKeys.usageQuota,
    queryFn: ({ signal }) => getUsageQuota(signal),
    refetchInterval: QUOTA_POLL_MS,
  });
  const limits = connection.rateLimits;
  const windows =
    quota.data != null && quota.data.windows.length > 0
      ? quota.data.windows
      : [limits?.primary, limits?.secondary].filter((window) => window != null);
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
          <p className="muted">Usage limits appear here once the subscription reports them.</p>
        ) : (
          windows.map((window) => (
            <QuotaMeter
              key={window.windowMinutes ?? 0}
              meter={toQuotaMeter(window, now)}
              resetsAt={window.resetsAt}
              now={now}
            />
          ))
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
