import { type FormEvent, useState } from 'react';
import { beginAppConnect } from '../connection/app-connect.ts';
import {
  forgetConnection,
  saveGatewayUrl,
  useConnectionLoss,
  useGatewayUrl,
  useSavedConnection,
} from '../connection/connection-store.ts';
import { describeConnectError } from '../connection/describe-connect-error.ts';

export function SettingsPage() {
  const saved = useSavedConnection();
  const loss = useConnectionLoss();
  const storedUrl = useGatewayUrl();
  const [url, setUrl] = useState(storedUrl);
  const [isStarting, setIsStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const connect = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const gatewayUrl = normalizeGatewayUrl(url);
    if (gatewayUrl == null) {
      setError('Enter the gateway’s address, like http://127.0.0.1:8787.');
      return;
    }
    saveGatewayUrl(gatewayUrl);
    setIsStarting(true);
    try {
      await beginAppConnect(gatewayUrl);
    } catch (cause) {
      setError(describeConnectError(cause));
      setIsStarting(false);
    }
  };

  return (
    <main className="page">
      <h1>Settings</h1>
      <section className="card" aria-labelledby="gateway-heading">
        <h2 id="gateway-heading">AI gateway</h2>
        <p className="hint">
          The AI features run through your own AI gateway. Connecting sends you to the gateway to approve this app; the
          app never sees your provider accounts or keys.
        </p>
        <p className="connection-state" role="status">
          {saved != null ? (
            <>
              Connected to <strong className="break">{saved.connection.gatewayUrl}</strong>
            </>
          ) : loss != null ? (
            'Not connected: the gateway no longer accepts this app.'
          ) : (
            'Not connected'
          )}
        </p>
        {saved != null ? (
          <div className="actions">
            <button type="button" className="button button-secondary" onClick={() => forgetConnection()}>
              Disconnect
            </button>
          </div>
        ) : (
          <form className="connect-form" onSubmit={connect}>
            <label htmlFor="gateway-url">Gateway address</label>
            <input
              id="gateway-url"
              type="url"
              inputMode="url"
              autoComplete="url"
              value={url}
              onChange={(event) => setUrl(event.target.value)}
            />
            <div className="actions">
              <button type="submit" className="button" disabled={isStarting}>
                {isStarting ? 'Opening the gateway…' : 'Connect AI gateway'}
              </button>
            </div>
          </form>
        )}
        {saved != null && (
          <p className="hint">
            Disconnect makes this app forget its access. To revoke it on the gateway too, use the gateway’s Settings →
            Connected apps.
          </p>
        )}
        {error != null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </section>
    </main>
  );
}

/** The origin (and path, if the gateway sits under one) without a trailing slash, or null if it is no http URL. */
function normalizeGatewayUrl(value: string): string | null {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return null;
  }
}
