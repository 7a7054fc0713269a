import { Link } from 'wouter';
import { useConnectionLoss } from '../connection/connection-store.ts';

/** In place of the AI features while the app has no connection, saying why when the gateway ended it. */
export function NotConnected() {
  const loss = useConnectionLoss();
  return (
    <section className="card notice" aria-labelledby="not-connected-heading">
      <h2 id="not-connected-heading">AI is not connected</h2>
      <p role="status">
        {loss == null
          ? 'Not connected: connect your AI gateway to summarize, tag, translate and ask about your notes.'
          : 'Not connected: the gateway no longer accepts this app, so connect it again to use AI on your notes.'}
      </p>
      <p>
        <Link href="/settings" className="button">
          Open Settings
        </Link>
      </p>
    </section>
  );
}
