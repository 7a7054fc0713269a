import type { ConnectedApp } from '@pag/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { isApiError } from '../api/api-error.ts';
import { listModels } from '../api/list-models.ts';
import {
  listConnectedApps,
  revokeAllConnectedApps,
  revokeConnectedApp,
  updateConnectedAppPolicy,
} from '../api/mcp-apps.ts';
import { queryKeys } from '../api/query-keys.ts';
import { CallerPolicyDialog } from '../components/caller-policy-dialog.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { useSession } from '../hooks/use-session.ts';
import { formatDate } from '../lib/format-date.ts';
import { describeScope, isReachableFromCloud, shortenClientId, summarizePolicy, toMcpUrl } from '../lib/mcp-apps.ts';

/**
 * The apps the user approved — MCP clients (ChatGPT, Claude, CLIs) and apps using their AI models (a note app's
 * "Connect AI gateway") — with what each may do, and revoking them one by one or all at once.
 */
export function ConnectedAppsPage() {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const [appToRevoke, setAppToRevoke] = useState<ConnectedApp | null>(null);
  const [isRevokeAllAsked, setIsRevokeAllAsked] = useState(false);
  const [appToRestrict, setAppToRestrict] = useState<ConnectedApp | null>(null);
  const listTitleRef = useRef<HTMLHeadingElement>(null);

  const apps = useQuery({ queryKey: queryKeys.connectedApps, queryFn: ({ signal }) => listConnectedApps(signal) });

  const revoke = useMutation({
    mutationFn: revokeConnectedApp,
    onSuccess: (_revoked, { grantId }) => {
      // Remove the row at once; the refetch then confirms against the server.
      queryClient.setQueryData<ConnectedApp[]>(queryKeys.connectedApps, (current) =>
        current?.filter((app) => app.grantId !== grantId),
      );
      setAppToRevoke(null);
    },
    onError: (error) => {
      // Revoked already (another tab, or it expired): the list just needs refreshing.
      if (isApiError(error) && error.code === 'not_found') setAppToRevoke(null);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.connectedApps }),
  });

  const models = useQuery({
    queryKey: queryKeys.models,
    queryFn: ({ signal }) => listModels(signal),
    enabled: appToRestrict != null,
  });
  const changePolicy = useMutation({
    mutationFn: updateConnectedAppPolicy,
    onSuccess: (policy, { clientId }) => {
      queryClient.setQueryData<ConnectedApp[]>(queryKeys.connectedApps, (current) =>
        current?.map((app) => (app.clientId === clientId ? { ...app, policy } : app)),
      );
      setAppToRestrict(null);
    },
  });

  const revokeAll = useMutation({
    mutationFn: revokeAllConnectedApps,
    onSuccess: () => {
      queryClient.setQueryData<ConnectedApp[]>(queryKeys.connectedApps, []);
      setIsRevokeAllAsked(false);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.connectedApps }),
  });

  const mcpUrl = toMcpUrl(window.location.origin);
  const count = apps.data?.length ?? 0;

  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Connected apps</h1>
        <p className="page-description">
          Apps you allowed to use your gateway: MCP clients such as ChatGPT, Claude or a command-line client, and apps
          that connected with “Connect AI gateway” to use your models. Each acts as you, with your connected accounts,
          but never receives your ChatGPT or Gemini tokens.
        </p>
      </header>

      <section className="card card-flush" aria-labelledby="app-list-title" aria-busy={apps.isFetching}>
        <div className="card-header">
          <h2 id="app-list-title" className="card-title" ref={listTitleRef} tabIndex={-1}>
            Your connected apps
          </h2>
          {apps.data == null || count === 0 ? null : (
            <div className="card-header-actions">
              <span className="count-badge">
                {count} {count === 1 ? 'app' : 'apps'}
              </span>
              <button
                type="button"
                className="button button-danger-quiet button-small"
                onClick={() => setIsRevokeAllAsked(true)}
              >
                Revoke all
              </button>
            </div>
          )}
        </div>
        {apps.isPending ? <LoadingState label="Loading connected apps…" /> : null}
        {apps.isError ? (
          <div className="card-padding">
            <ErrorBanner
              title="Could not load your connected apps"
              action={
                <button type="button" className="button button-secondary button-small" onClick={() => apps.refetch()}>
                  Try again
                </button>
              }
              error={apps.error}
            />
          </div>
        ) : null}
        {apps.data?.length === 0 ? (
          <div className="empty-state connected-apps-empty">
            <p className="empty-state-title">No connected apps</p>
            <p className="muted">
              To connect an MCP client, add this address as a custom connector or MCP server in ChatGPT, Claude or your
              command-line client. It sends you to this gateway to sign in and approve it.
            </p>
            <McpUrlField url={mcpUrl} />
          </div>
        ) : null}
        {apps.data != null && apps.data.length > 0 ? (
          <ConnectedAppsTable apps={apps.data} onRevoke={setAppToRevoke} onRestrict={setAppToRestrict} />
        ) : null}
      </section>

      {apps.data != null && apps.data.length > 0 ? (
        <section className="card" aria-labelledby="connect-another-title">
          <h2 id="connect-another-title" className="card-title">
            Connect another app
          </h2>
          <p className="muted">Add this address as an MCP server in the app, then approve it here when it asks.</p>
          <McpUrlField url={mcpUrl} />
        </section>
      ) : null}

      <p className="muted connected-apps-note">
        Signing out of the gateway does not disconnect these apps: revoke them here. Deleting your gateway user revokes
        all of them.
      </p>

      <CallerPolicyDialog
        subject={appToRestrict?.policy == null ? null : { name: appName(appToRestrict), policy: appToRestrict.policy }}
        models={models.data ?? []}
        isPending={changePolicy.isPending}
        error={changePolicy.error}
        onSave={(policy) => {
          if (appToRestrict != null) changePolicy.mutate({ clientId: appToRestrict.clientId, policy, csrfToken });
        }}
        onCancel={() => {
          setAppToRestrict(null);
          changePolicy.reset();
        }}
      />

      <ConfirmDialog
        isOpen={appToRevoke != null}
        title="Revoke this app?"
        confirmLabel="Revoke"
        pendingLabel="Revoking…"
        isPending={revoke.isPending}
        fallbackFocusRef={listTitleRef}
        error={revoke.error}
        onConfirm={() => {
          if (appToRevoke != null) revoke.mutate({ grantId: appToRevoke.grantId, csrfToken });
        }}
        onCancel={() => {
          setAppToRevoke(null);
          revoke.reset();
        }}
      >
        <p>
          <strong>{appToRevoke == null ? '' : appName(appToRevoke)}</strong> loses access at once: its next request to
          your gateway is refused. To use it again, connect it again from the app.
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        isOpen={isRevokeAllAsked}
        title="Revoke all connected apps?"
        confirmLabel="Revoke all"
        pendingLabel="Revoking…"
        isPending={revokeAll.isPending}
        fallbackFocusRef={listTitleRef}
        error={revokeAll.error}
        onConfirm={() => revokeAll.mutate({ csrfToken })}
        onCancel={() => {
          setIsRevokeAllAsked(false);
          revokeAll.reset();
        }}
      >
        <p>
          All {count} {count === 1 ? 'app loses' : 'apps lose'} access at once. Each has to be connected again from the
          app to use your gateway.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function appName(app: ConnectedApp): string {
  return app.clientName == null || app.clientName.trim() === '' ? 'Unnamed app' : app.clientName;
}

function ConnectedAppsTable(props: {
  apps: ConnectedApp[];
  onRevoke: (app: ConnectedApp) => void;
  onRestrict: (app: ConnectedApp) => void;
}) {
  const { apps, onRevoke, onRestrict } = props;
  return (
    <div className="table-scroll">
      <table className="table table-compact table-stacked">
        <thead>
          <tr>
            <th scope="col">App</th>
            <th scope="col">Redirects to</th>
            <th scope="col">Can</th>
            <th scope="col">Activity</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {apps.map((app) => (
            <tr key={app.grantId}>
              <th scope="row" className="table-name connected-app-cell">
                <span className="connected-app-name">{appName(app)}</span>
                <span className="connected-app-meta">
                  {app.clientName == null ? 'No name declared' : 'Name declared by the app'} · client{' '}
                  <code title={app.clientId}>{shortenClientId(app.clientId)}</code>
                </span>
              </th>
              <td>
                <span className="table-phone-label" aria-hidden="true">
                  Redirects to
                </span>
                <ul className="plain-list">
                  {app.redirectHosts.map((host) => (
                    <li key={host}>
                      <code>{host}</code>
                    </li>
                  ))}
                </ul>
              </td>
              <td className="table-wrap">
                <span className="table-phone-label" aria-hidden="true">
                  Can
                </span>
                <ul className="plain-list">
                  {app.scopes.map((scope) => (
                    <li key={scope}>{describeScope(scope)}</li>
                  ))}
                </ul>
                {app.policy == null ? null : (
                  <ul className="plain-list muted" aria-label={`Policy of ${appName(app)}`}>
                    {summarizePolicy(app.policy).map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                )}
                {app.policy == null ? null : (
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={`Change what ${appName(app)} may do`}
                    onClick={() => onRestrict(app)}
                  >
                    Change
                  </button>
                )}
              </td>
              <td>
                <dl className="connected-app-activity">
                  <div>
                    <dt>Approved</dt>
                    <dd>
                      <time dateTime={app.approvedAt}>{formatDate(app.approvedAt)}</time>
                    </dd>
                  </div>
                  <div>
                    <dt>Last used</dt>
                    <dd>
                      {app.lastTokenAt == null ? (
                        'Never'
                      ) : (
                        <time dateTime={app.lastTokenAt}>{formatDate(app.lastTokenAt)}</time>
                      )}
                    </dd>
                  </div>
                </dl>
              </td>
              <td className="table-actions">
                <button
                  type="button"
                  className="button button-danger-quiet button-small"
                  aria-label={`Revoke ${appName(app)}`}
                  onClick={() => onRevoke(app)}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The MCP address, read-only with a copy button (the selection fallback needs the input). */
function McpUrlField({ url }: { url: string }) {
  const inputRef = useRef<HTMLTextAreaElement>(null);
  return (
    <>
      <div className="device-code mcp-url">
        {/* Wrapped, so a long address is whole on a phone too. */}
        <textarea
          ref={inputRef}
          className="input input-mono wrapped-value"
          readOnly
          rows={1}
          value={url}
          aria-label="MCP server address"
        />
        <CopyButton value={url} sourceRef={inputRef} subject="MCP server address" />
      </div>
      {isReachableFromCloud(url) ? null : (
        <p className="callout callout-warning mcp-url-warning">
          <strong>ChatGPT and Claude cannot use this address.</strong> They connect from their own servers, so they need
          a public https address for this gateway: put it behind a reverse proxy with TLS and set{' '}
          <code>GATEWAY_PUBLIC_URL</code> to that address (see the README). This one works for MCP clients on this
          machine, such as Claude Code or MCP Inspector.
        </p>
      )}
    </>
  );
}
