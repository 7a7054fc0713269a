import type { ApiKeySummary } from '@pag/contracts';
import { formatDate } from '../lib/format-date.ts';

export type ApiKeysTableProps = {
  keys: ApiKeySummary[];
  onRevoke: (key: ApiKeySummary) => void;
};

/** The user's keys. Only the recognisable prefix is ever shown: the server does not keep the secrets readable. */
export function ApiKeysTable({ keys, onRevoke }: ApiKeysTableProps) {
  return (
    <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
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
