import type { ApiKeySummary, ReasoningOutput } from '@pag/contracts';
import { describeCallerPolicy } from '../lib/caller-policy-draft.ts';
import { formatDate } from '../lib/format-date.ts';

export type ApiKeysTableProps = {
  keys: ApiKeySummary[];
  onRevoke: (key: ApiKeySummary) => void;
  onChangeReasoningOutput: (key: ApiKeySummary, reasoningOutput: ReasoningOutput) => void;
  onEditPolicy: (key: ApiKeySummary) => void;
};

/**
 * How each choice shows the model's thinking in apps that use the OpenAI-compatible API, in words (issue 17: the
 * field names were jargon); the hint under the table says which apps want which.
 */
const REASONING_OUTPUT_LABELS: Record<ReasoningOutput, string> = {
  field: 'Separately',
  'think-tags': 'In the answer',
  hidden: 'Not shown',
};

/**
 * The user's keys. Only the recognisable prefix is ever shown: the server does not keep the secrets readable. The
 * table fits a laptop screen without scrolling sideways, and becomes one block per key on a phone.
 */
export function ApiKeysTable({ keys, onRevoke, onChangeReasoningOutput, onEditPolicy }: ApiKeysTableProps) {
  return (
    <>
      <div className="table-scroll">
        <table className="table table-stacked keys-table">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Used</th>
              <th scope="col">Reasoning in apps</th>
              <th scope="col">May use</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                {/* The prefix under the name, not in a column of its own: the table fits the page with its policy. */}
                <th scope="row" className="table-name">
                  <span className="keys-table-name">{key.name}</span>
                  <code className="key-prefix">{key.prefix}…</code>
                </th>
                <td className="keys-table-dates">
                  <span className="keys-table-date">
                    {key.lastUsedAt == null ? (
                      <span className="muted">Never used</span>
                    ) : (
                      <>
                        Last <time dateTime={key.lastUsedAt}>{formatDate(key.lastUsedAt)}</time>
                      </>
                    )}
                  </span>
                  <span className="keys-table-date muted">
                    Created <time dateTime={key.createdAt}>{formatDate(key.createdAt)}</time>
                  </span>
                </td>
                <td className="keys-table-reasoning">
                  {/* The column header is hidden on a phone, where each key is a block: say what the choice is. */}
                  <span className="table-phone-label" aria-hidden="true">
                    Reasoning in apps
                  </span>
                  <select
                    className="input input-compact keys-table-select"
                    aria-label={`Reasoning in apps, for ${key.name}`}
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
                <td className="keys-table-policy">
                  <span className="table-phone-label" aria-hidden="true">
                    May use
                  </span>
                  <ul className="keys-table-policy-list">
                    {describeCallerPolicy(key.policy).map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={`Change what ${key.name} may use`}
                    onClick={() => onEditPolicy(key)}
                  >
                    Change
                  </button>
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
      <p className="field-hint card-padding keys-table-hint">
        <strong>Reasoning in apps</strong>: how an app using the OpenAI-compatible API (<code>/v1</code>) sees the model
        think. <em>Separately</em> suits most apps (Open WebUI, LibreChat); <em>In the answer</em> wraps it in
        &lt;think&gt; tags for apps that show only the text; <em>Not shown</em> leaves it out.
      </p>
    </>
  );
}
