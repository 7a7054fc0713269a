import { useAiStream } from '@pag/client/react';
import type { AiUsage } from '@pag/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { createSessionGatewayClient } from '../api/create-session-gateway-client.ts';
import { gatewayClientErrorToApiError } from '../api/gateway-client-error-to-api-error.ts';
import { listModels } from '../api/list-models.ts';
import { queryKeys } from '../api/query-keys.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { useSession } from '../hooks/use-session.ts';

type Outcome = { model: string; provider: string; usage: AiUsage; firstTokenMs: number | null; totalMs: number };

/**
 * Try the gateway from the browser: pick a model (or let the router choose), send a prompt and watch the answer
 * stream, with the reasoning folded away, a stop button, and what answered at what cost. It streams through
 * `@pag/client/react` (`useAiStream`), as a note app would, with the session cookie instead of a key.
 */
export function PlaygroundPage() {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const client = useMemo(() => createSessionGatewayClient({ csrfToken }), [csrfToken]);
  const stream = useAiStream(client);
  const models = useQuery({ queryKey: queryKeys.models, queryFn: ({ signal }) => listModels(signal) });
  const [model, setModel] = useState('');
  const [prompt, setPrompt] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const timing = useRef<{ startedAt: number; firstTokenMs: number | null }>({ startedAt: 0, firstTokenMs: null });
  const isStreaming = stream.status === 'streaming' || stream.status === 'resuming';
  const { text: answer, reasoning, result, status } = stream;

  // The first token's time: the first render that shows any answer or reasoning.
  useEffect(() => {
    if (timing.current.firstTokenMs == null && (answer !== '' || reasoning !== '')) {
      timing.current.firstTokenMs = performance.now() - timing.current.startedAt;
    }
  }, [answer, reasoning]);

  useEffect(() => {
    if (result != null) {
      setOutcome({
        model: result.model,
        provider: result.provider,
        usage: result.usage,
        firstTokenMs: timing.current.firstTokenMs,
        totalMs: performance.now() - timing.current.startedAt,
      });
    }
  }, [result]);

  // Once an answer ends (however): the subscription's usage windows were just updated by it, and a first answer
  // ticks Getting started.
  const ended = status === 'done' || status === 'stopped' || status === 'error';
  useEffect(() => {
    if (!ended) return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.connections });
    void queryClient.invalidateQueries({ queryKey: queryKeys.gettingStarted });
  }, [ended, queryClient]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (prompt.trim() === '' || isStreaming) return;
    setOutcome(null);
    timing.current = { startedAt: performance.now(), firstTokenMs: null };
    stream.start({ content: prompt, ...(model === '' ? {} : { model }) });
  }

  const error = stream.error == null ? null : gatewayClientErrorToApiError(stream.error);

  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Playground</h1>
        <p className="page-description">Send a prompt through the gateway and watch the answer stream back.</p>
      </header>
      <section className="card" aria-labelledby="prompt-title">
        <h2 id="prompt-title" className="visually-hidden">
          Prompt
        </h2>
        <form className="form" onSubmit={onSubmit}>
          <div className="field">
            <label className="field-label" htmlFor="playground-model">
              Model
            </label>
            <select
              id="playground-model"
              className="input"
              value={model}
              onChange={(event) => setModel(event.target.value)}
              disabled={isStreaming}
            >
              <option value="">Automatic (your subscription first)</option>
              {(models.data ?? []).map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.displayName} — {entry.provider}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field-label" htmlFor="playground-prompt">
              Prompt
            </label>
            <textarea
              id="playground-prompt"
              className="input playground-prompt"
              rows={4}
              value={prompt}
              onChange={(event) => setPrompt(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.metaKey || event.ctrlKey))
                  event.currentTarget.form?.requestSubmit();
              }}
            />
          </div>
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={isStreaming || prompt.trim() === ''}>
              {status === 'resuming' ? 'Reconnecting…' : isStreaming ? 'Answering…' : 'Send'}
            </button>
            {isStreaming ? (
              <button type="button" className="button button-secondary" onClick={stream.stop}>
                Stop
              </button>
            ) : null}
          </div>
        </form>
      </section>
      {error == null ? null : <ErrorBanner title="The request failed" error={error} />}
      {answer === '' && reasoning === '' && outcome == null ? null : (
        <section className="card" aria-labelledby="answer-title" aria-busy={isStreaming}>
          <h2 id="answer-title" className="card-title">
            Answer
          </h2>
          {reasoning === '' ? null : (
            <details className="playground-reasoning">
              <summary>Reasoning</summary>
              <p className="playground-text muted">{reasoning}</p>
            </details>
          )}
          <p className="playground-text" aria-live="polite">
            {answer}
          </p>
          {outcome == null ? null : (
            <p className="playground-meta muted">
              {outcome.model} · {outcome.usage.inputTokens ?? '?'} in / {outcome.usage.outputTokens ?? '?'} out tokens ·
              first token {outcome.firstTokenMs == null ? '—' : `${Math.round(outcome.firstTokenMs)} ms`} · total{' '}
              {Math.round(outcome.totalMs)} ms
            </p>
          )}
        </section>
      )}
    </div>
  );
}
