import type { UsageRequestRow } from '@pag/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queryKeys } from '../api/query-keys.ts';
import { listUsageRequests, usageRequestsCsvHref } from '../api/usage.ts';
import { formatCount, formatUsd } from '../lib/shape-usage.ts';
import type { RequestLogFilters } from '../lib/usage-request-filters.ts';
import { ErrorBanner } from './error-banner.tsx';
import { LoadingState } from './loading-state.tsx';
import { SelectField, type SelectOption } from './select-field.tsx';

export type FilterOption = { value: string; label: string };

const PAGE_SIZE = 25;

const STATUS_OPTIONS: SelectOption<RequestLogFilters['status']>[] = [
  { value: '', label: 'Any status' },
  { value: 'ok', label: 'Succeeded' },
  { value: 'error', label: 'Failed' },
];

/**
 * The request log of the period: metadata only (never prompts or answers), newest first, filtered by key or app,
 * status and model, a page at a time, with a CSV export of everything the filters match.
 */
export function UsageRequestLog({
  period,
  callers,
  models,
}: {
  period: { from: string; to: string };
  callers: FilterOption[];
  models: FilterOption[];
}) {
  const [caller, setCaller] = useState('');
  const [status, setStatus] = useState<RequestLogFilters['status']>('');
  const [model, setModel] = useState('');
  // The cursors of the pages before this one, to go back; a filter change starts again at the first page.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const filters: RequestLogFilters = { ...period, caller, status, model, limit: PAGE_SIZE };
  const page = useQuery({
    queryKey: queryKeys.usageRequests(filters, cursor),
    queryFn: ({ signal }) => listUsageRequests(filters, cursor, signal),
    placeholderData: keepPreviousData,
  });
  const resetPaging = () => setCursors([null]);
  const rows = page.data?.requests ?? [];
  const isFiltered = caller !== '' || status !== '' || model !== '';

  return (
    <>
      <div className="card-padding usage-log-filters">
        <SelectField
          label="Key or app"
          value={caller}
          options={[{ value: '', label: 'All keys and apps' }, ...callers]}
          onChange={(value) => {
            setCaller(value);
            resetPaging();
          }}
        />
        <SelectField<RequestLogFilters['status']>
          label="Status"
          value={status}
          options={STATUS_OPTIONS}
          onChange={(value) => {
            setStatus(value);
            resetPaging();
          }}
        />
        <SelectField
          label="Model"
          value={model}
          options={[{ value: '', label: 'All models' }, ...models]}
          onChange={(value) => {
            setModel(value);
            resetPaging();
          }}
        />
        <a className="button button-secondary usage-log-export" href={usageRequestsCsvHref(filters)} download>
          Export CSV
        </a>
      </div>
      {page.isPending ? <LoadingState label="Loading requests…" /> : null}
      {page.isError ? (
        <div className="card-padding">
          <ErrorBanner title="Could not load the request log" error={page.error} />
        </div>
      ) : null}
      {page.data != null && rows.length === 0 ? (
        <div className="empty-state">
          <p className="empty-state-title">{isFiltered ? 'No requests match these filters' : 'No requests yet'}</p>
          <p className="muted">
            {isFiltered
              ? 'Try another key, status or model, or a longer period.'
              : 'Requests made with a key, an app or the Playground appear here.'}
          </p>
        </div>
      ) : null}
      {rows.length > 0 ? <RequestTable rows={rows} /> : null}
      {page.data != null && (cursors.length > 1 || page.data.nextCursor != null) ? (
        <div className="card-padding button-row usage-log-paging">
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={cursors.length <= 1 || page.isFetching}
            onClick={() => setCursors((current) => current.slice(0, -1))}
          >
            Newer
          </button>
          <span className="muted">Page {cursors.length}</span>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={page.data.nextCursor == null || page.isFetching}
            onClick={() => {
              const next = page.data?.nextCursor;
              if (next != null) setCursors((current) => [...current, next]);
            }}
          >
            Older
          </button>
        </div>
      ) : null}
    </>
  );
}

function RequestTable({ rows }: { rows: UsageRequestRow[] }) {
  return (
    <table className="table usage-table usage-log-table">
      <caption className="visually-hidden">Requests, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Key or app</th>
          <th scope="col">Model</th>
          <th scope="col">Status</th>
          <th scope="col">Tokens in/out</th>
          <th scope="col">Duration</th>
          <th scope="col">API price</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row" className="usage-table-name">
              <span className="usage-log-time">{formatLogTime(row.createdAt)}</span>
              <span className="usage-log-route muted">
                {row.route}
                {row.feature == null ? null : ` · ${row.feature}`}
              </span>
            </th>
            <td data-label="Key or app" className="usage-log-wrap">
              {callerName(row)}
            </td>
            <td data-label="Model" className="usage-log-wrap">
              {row.model ?? '—'}
              {row.fallbackFrom == null ? null : <span className="muted"> (after {row.fallbackFrom})</span>}
            </td>
            <td data-label="Status" className="usage-log-wrap">
              <span className={`status-pill ${isError(row) ? 'status-pill-error' : 'status-pill-ok'}`}>
                {row.status}
              </span>
              {row.errorCode == null ? null : <span className="usage-log-error">{row.errorCode}</span>}
            </td>
            <td data-label="Tokens in/out">
              {row.inputTokens == null && row.outputTokens == null
                ? '—'
                : `${formatCount(row.inputTokens ?? 0)} / ${formatCount(row.outputTokens ?? 0)}`}
            </td>
            <td data-label="Duration">{formatDuration(row.durationMs)}</td>
            <td data-label="API price">{row.apiPriceUsd == null ? '—' : formatUsd(row.apiPriceUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function isError(row: UsageRequestRow): boolean {
  return row.errorCode != null || row.status >= 400;
}

function callerName(row: UsageRequestRow): string {
  if (row.keyName != null) return row.keyName;
  if (row.appName != null) return row.appName;
  if (row.callerKind === 'session') return 'Settings (Playground)';
  if (row.apiKeyId != null) return 'Revoked key';
  if (row.appClientId != null) return 'Disconnected app';
  return row.callerKind;
}

const logTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

/** Short enough for a table row: the period already says which year. */
function formatLogTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : logTimeFormat.format(date);
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
