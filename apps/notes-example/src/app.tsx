import { Link, Route, Switch } from 'wouter';
import { useSavedConnection } from './connection/connection-store.ts';
import { ConnectedPage } from './routes/connected-page.tsx';
import { NoteListPage } from './routes/note-list-page.tsx';
import { NotePage } from './routes/note-page.tsx';
import { SettingsPage } from './routes/settings-page.tsx';

export function App() {
  const saved = useSavedConnection();
  return (
    <>
      <header className="app-header">
        <Link href="/" className="brand">
          Notes
        </Link>
        <nav aria-label="Main">
          <Link href="/">All notes</Link>
          <Link href="/settings">Settings</Link>
        </nav>
        <span className={`connection-pill ${saved == null ? 'is-off' : 'is-on'}`}>
          {saved == null ? 'AI not connected' : 'AI connected'}
        </span>
      </header>
      <Switch>
        <Route path="/" component={NoteListPage} />
        <Route path="/notes/:id">{(params) => <NotePage id={params.id} />}</Route>
        <Route path="/settings" component={SettingsPage} />
        <Route path="/connected" component={ConnectedPage} />
        <Route>
          <main className="page">
            <h1>Page not found</h1>
            <p>
              <Link href="/">Back to your notes</Link>
            </p>
          </main>
        </Route>
      </Switch>
    </>
  );
}
