import type { GettingStarted } from '@pag/contracts';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { getGettingStarted } from '../api/getting-started.ts';
import { queryKeys } from '../api/query-keys.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { NoticeBanner } from '../components/notice-banner.tsx';
import { clearFlashNotice, peekFlashNotice } from '../lib/flash-notice.ts';

type Step = {
  key: keyof GettingStarted;
  title: string;
  description: string;
  action: { href: string; label: string };
};

/** The path from a fresh gateway to an app using it; each step is ticked from what the gateway stored. */
const STEPS: Step[] = [
  {
    key: 'hasProvider',
    title: 'Connect a provider',
    description:
      'Your ChatGPT Plus or Pro subscription, or an API key for OpenAI, Gemini or a local server such as Ollama.',
    action: { href: '/connections', label: 'Open Connections' },
  },
  {
    key: 'hasApiKey',
    title: 'Create an API key',
    description: 'Each app gets its own key, shown once, with the snippets to use it.',
    action: { href: '/api-keys', label: 'Create a key' },
  },
  {
    key: 'hasTriedPlayground',
    title: 'Try it in the Playground',
    description: 'Send a prompt and watch the answer stream back through your gateway.',
    action: { href: '/playground', label: 'Open the Playground' },
  },
  {
    key: 'hasUsedApiKey',
    title: 'Use it from your app',
    description:
      'Point your note app, the OpenAI SDK or curl at this gateway with your key. Ticked once an app has used a key.',
    action: { href: '/api-keys', label: 'See your keys' },
  },
];

/** The first screen after setup (issue 17): connect → create a key → try it → use it from an app. */
export function GettingStartedPage() {
  const [notice] = useState(peekFlashNotice);
  useEffect(() => clearFlashNotice(), []);
  const progress = useQuery({
    queryKey: queryKeys.gettingStarted,
    queryFn: ({ signal }) => getGettingStarted(signal),
    // Another tab (or an app using a key) may tick a step: look again when the user comes back to this one.
    refetchOnWindowFocus: 'always',
  });
  const state = progress.data;
  const doneCount = state == null ? 0 : STEPS.filter((step) => state[step.key]).length;
  const nextStep = state == null ? null : STEPS.find((step) => !state[step.key]);

  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Getting started</h1>
        <p className="page-description">
          Four steps from a fresh gateway to your apps using it. Each is ticked when it has really happened.
        </p>
      </header>
      {notice === 'admin-created' ? (
        <NoticeBanner>Your admin account is ready, and you are signed in.</NoticeBanner>
      ) : null}
      {progress.isPending ? <LoadingState label="Loading your progress…" /> : null}
      {progress.isError ? (
        <ErrorBanner
          title="Could not load your progress"
          error={progress.error}
          action={
            <button type="button" className="button button-secondary button-small" onClick={() => progress.refetch()}>
              Try again
            </button>
          }
        />
      ) : null}
      {state == null ? null : (
        <section className="card" aria-labelledby="checklist-title">
          <div className="card-header-inline">
            <h2 id="checklist-title" className="card-title">
              Your first hour
            </h2>
            <span className="count-badge">
              {doneCount} of {STEPS.length} done
            </span>
          </div>
          <ol className="checklist">
            {STEPS.map((step, index) => {
              const isDone = state[step.key];
              const isNext = step === nextStep;
              return (
                <li key={step.key} className={`checklist-step${isDone ? ' checklist-step-done' : ''}`}>
                  <span className="checklist-mark" aria-hidden="true">
                    {isDone ? '✓' : index + 1}
                  </span>
                  <div className="checklist-body">
                    <h3 className="checklist-title">
                      {step.title}
                      <span className="visually-hidden">{isDone ? ' (done)' : ' (to do)'}</span>
                    </h3>
                    <p className="muted">{step.description}</p>
                  </div>
                  <Link
                    href={step.action.href}
                    className={`button button-small ${isNext ? 'button-primary' : 'button-secondary'}`}
                  >
                    {step.action.label}
                  </Link>
                </li>
              );
            })}
          </ol>
          {nextStep == null ? (
            <p className="callout callout-next" role="status">
              <strong>All set.</strong> Your gateway answers your apps. Connected apps (MCP) and Models & features have
              more to explore.
            </p>
          ) : null}
        </section>
      )}
    </div>
  );
}
