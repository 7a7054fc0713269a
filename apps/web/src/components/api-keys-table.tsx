import type { ApiKeySummary, ReasoningOutput } from '@pag/contracts';
import { formatDate } from '../lib/format-date.ts';

export type ApiKeysTableProps = {
  keys: ApiKeySummary[];
  onRevoke: (key: ApiKeySummary) => void;
  onChangeReasoningOutput: (key: ApiKeySummary, reasoningOutput: ReasoningOutput) => void;
};

/** How each choice shows up in OpenAI-compatible clients (`/v1/chat/completions`). */
const REASONING_OUTPUT_LABELS: Record<ReasoningOutput, string> = {
  field: 'reasoning_content field',
  'think-tags': '<think> tags in the text',
  hidden: 'Hidden',
};

/** The user's keys. Only the recognisable prefix is ever shown: the server does not keep the secrets readable. */
export function ApiKeysTable({ keys, onRevoke, onChangeReasoningOutput }: ApiKeysTableProps) {
  return (
    <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Reasoning shown as</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id}>
              <th scope="row" className="table-name">
                {key.name}
              </th>
              <td>
                <code className="key-prefix">{key.prefix}…</code>
              </td>
              <td>
                <time dateTime={key.createdAt}>{formatDate(key.createdAt)}</time>
              </td>
              <td>
                {key.lastUsedAt == null ? (
                  <span className="muted">Never</span>
                ) : (
                  <time dateTime={key.lastUsedAt}>{formatDate(key.lastUsedAt)}</time>
                )}
              </td>
              <td>
                <select
                  className="input input-compact"
                  aria-label={`Reasoning shown as, for ${key.name}`}
                  value={key.reasoningOutput}
                  onChange={(event) => onChangeReasoningOutput(key, event.target.value as ReasoningOutput)}
                >
                  {Object.entries(REASONING_OUTPUT_LABELS).map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              </td>
              <td className="table-actions">
                <button
                  type="button"
                  className="button button-danger-quiet button-small"
                  aria-label={`Revoke ${key.name}`}
                  onClick={() => onRevoke(key)}
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
