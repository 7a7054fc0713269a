import type { ModelEntry, RoutingRules, ThresholdRule } from '@pag/contracts';
import { useId } from 'react';

export type RoutingRulesFieldsProps = {
  value: RoutingRules;
  onChange: (next: RoutingRules) => void;
  /** The user's models, offered as threshold targets. */
  models: readonly ModelEntry[];
  disabled?: boolean;
};

const MODE_LABELS: Record<RoutingRules['mode'], string> = {
  default: 'As my settings say',
  'subscription-only': 'Subscription only',
  'prefer-subscription': 'Prefer subscription, fall back to API keys',
};

/** At most this many threshold rules per feature or key/app (the API's limit). */
const MAX_THRESHOLDS = 10;

/**
 * Routing by the subscription's quota (issue 19, docs/usage.md "Quota-aware routing"): a mode, and threshold rules
 * "when the 5-hour (or weekly) window is above N % used, use model M". Compact on purpose: one row per rule.
 * Controlled; the parent saves it with the feature or the key's/app's policy.
 */
export function RoutingRulesFields({ value, onChange, models, disabled = false }: RoutingRulesFieldsProps) {
  const id = useId();
  const setThreshold = (index: number, changes: Partial<ThresholdRule>) =>
    onChange({
      ...value,
      thresholds: value.thresholds.map((rule, at) => (at === index ? { ...rule, ...changes } : rule)),
    });
  const firstModel = models[0]?.id ?? 'chatgpt/gpt-5.5';
  return (
    <fieldset className="field routing-rules" disabled={disabled}>
      <legend className="field-label">Routing by quota</legend>
      <label className="field-label" htmlFor={`${id}-mode`}>
        Mode
      </label>
      <select
        id={`${id}-mode`}
        className="input"
        value={value.mode}
        onChange={(event) => onChange({ ...value, mode: event.target.value as RoutingRules['mode'] })}
      >
        {Object.entries(MODE_LABELS).map(([mode, label]) => (
          <option key={mode} value={mode}>
            {label}
          </option>
        ))}
      </select>
      {value.thresholds.map((rule, index) => (
        // Rules have no id; their position is who they are while editing.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <fieldset key={index} className="routing-rule" aria-label={`Threshold rule ${index + 1}`}>
          <span>When the</span>
          <select
            className="input"
            aria-label="Window"
            value={rule.window}
            onChange={(event) => setThreshold(index, { window: event.target.value as ThresholdRule['window'] })}
          >
            <option value="5h">5-hour window</option>
            <option value="weekly">weekly window</option>
          </select>
          <span>is above</span>
          <input
            className="input routing-rule-percent"
            type="number"
            min={0}
            max={100}
            aria-label="Percent used"
            value={rule.abovePercent}
            onChange={(event) => setThreshold(index, { abovePercent: Number(event.target.value) })}
          />
          <span>% used, use</span>
          <select
            className="input"
            aria-label="Model to use"
            value={rule.useModel}
            onChange={(event) => setThreshold(index, { useModel: event.target.value })}
          >
            {models.map((model) => (
              <option key={model.id} value={model.id}>
                {model.id}
              </option>
            ))}
            {models.some((model) => model.id === rule.useModel) ? null : (
              <option value={rule.useModel}>{rule.useModel} (not available now)</option>
            )}
          </select>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => onChange({ ...value, thresholds: value.thresholds.filter((_, at) => at !== index) })}
          >
            Remove
          </button>
        </fieldset>
      ))}
      {value.thresholds.length < MAX_THRESHOLDS ? (
        <button
          type="button"
          className="button button-secondary"
          onClick={() =>
            onChange({
              ...value,
              thresholds: [...value.thresholds, { window: '5h', abovePercent: 90, useModel: firstModel }],
            })
          }
        >
          Add threshold rule
        </button>
      ) : null}
      <p className="field-hint">
        A threshold moves requests the subscription would answer to another model — a cheaper subscription model, or an
        API key's model (never for a "subscription only" caller). The first rule that matches wins.
      </p>
    </fieldset>
  );
}
