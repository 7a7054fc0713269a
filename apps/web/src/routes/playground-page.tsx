import { type AiStreamEvent, type AiUsage, gatewayErrorCodeSchema } from '@pag/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { ApiError } from '../api/api-error.ts';
import { queryKeys } from '../api/query-keys.ts';
import { listModels, streamAnswer } from '../api/stream-answer.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { useSession } from '../hooks/use-session.ts';

type Outcome = { model: string; provider: string; usage: AiUsage; firstTokenMs: number | null; totalMs: number };

/**
 * Try the gateway from the browser: pick a model (or let the router choose), send a prompt and watch the answer
 * stream, with the reasoning folded away, a stop button, and what answered at what cost.
 */
export function PlaygroundPage() {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const models = useQuery({ queryKey: queryKeys.models, queryFn: ({ signal }) => listModels(signal) });
  const [model, setModel] = useState('');
  const [prompt, setPrompt] = useState('');
  const [answer, setAnswer] = useState('');
  const [reasoning, setReasoning] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isStreaming, setIsStreaming] = useState(false);
  const controllerRef = useRef<AbortController | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (prompt.trim() === '' || isStreaming) return;
    const controller = new AbortController();
    controllerRef.current = controller;
    setAnswer('');
    setReasoning('');
    setOutcome(null);
    setError(null);
    setIsStreaming(true);
    const startedAt = performance.now();
    let firstTokenMs: number | null = null;
    try {
      const events: AsyncIterable<AiStreamEvent> = streamAnswer({
        request: { content: prompt, ...(model === '' ? {} : { model }) },
        csrfToken,
        signal: controller.signal,
      });
      for await (const part of events) {
        if ((part.type === 'delta' || part.type === 'reasoning') && firstTokenMs == null) {
          firstTokenMs = performance.now() - startedAt;
        }
        if (part.type === 'delta') setAnswer((current) => current + part.text);
        else if (part.type === 'reasoning') setReasoning((current) => current + part.text);
        else if (part.type === 'done') {
          setOutcome({ ...part, firstTokenMs, totalMs: performance.now() - startedAt });
        } else if (part.type === 'error') setError(toApiError(part));
      }
    } catch (caught) {
      if (!(caught instanceof DOMException && caught.name === 'AbortError')) setError(caught);
    } finally {
      setIsStreaming(false);
      controllerRef.current = null;
      // The subscription's usage windows were just updated by this answer, and a first answer ticks Getting started.
      void queryClient.invalidateQueries({ queryKey: queryKeys.connections });
      void queryClient.invalidateQueries({ queryKey: queryKeys.gettingStarted });
    }
  }

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
              {isStreaming ? 'Answering…' : 'Send'}
            </button>
            {isStreaming ? (
              <button type="button" className="button button-secondary" onClick={() => controllerRef.current?.abort()}>
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

/** An `error` event that ended a stream, as the rest of the page reports failures (a plain sentence, details). */
function toApiError(event: Extract<AiStreamEvent, { type: 'error' }>): ApiError {
  const code = gatewayErrorCodeSchema.safeParse(event.code);
  return new ApiError({
    code: code.success ? code.data : 'unexpected_response',
    status: 200,
    message: event.message,
    retryAfter: event.retryAfter ?? null,
  });
}
