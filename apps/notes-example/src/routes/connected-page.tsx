import { useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { finishAppConnect } from '../connection/app-connect.ts';
import { saveNewConnection } from '../connection/connection-store.ts';
import { describeConnectError } from '../connection/describe-connect-error.ts';

/** The redirect URI: the gateway sends the browser here after the consent page, with a code (or a refusal). */
export function ConnectedPage() {
  const [, navigate] = useLocation();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let isCurrent = true;
    finishAppConnect(window.location.href).then(
      (connection) => {
        if (!isCurrent) return;
        saveNewConnection(connection);
        navigate('/settings', { replace: true });
      },
      (cause: unknown) => {
        if (isCurrent) setError(describeConnectError(cause));
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [navigate]);

  return (
    <main className="page">
      <h1>Connecting to your AI gateway</h1>
      {error == null ? (
        <p role="status">Finishing the connection…</p>
      ) : (
        <>
          <p className="error" role="alert">
            {error}
          </p>
          <p>
            <Link href="/settings">Back to Settings</Link>
          </p>
        </>
      )}
    </main>
  );
}
