import type { ModelEntry } from '@pag/contracts';

/** A model picker: the models the user's connections offer, an empty choice, and a saved model no longer offered. */
export function ModelSelect(props: {
  id: string;
  label: string;
  value: string;
  models: ModelEntry[];
  emptyLabel: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={props.id}>
        {props.label}
      </label>
      <select
        id={props.id}
        className="input"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      >
        <option value="">{props.emptyLabel}</option>
        {props.models.map((model) => (
          <option key={model.id} value={model.id}>
            {model.displayName} — {model.provider}
          </option>
        ))}
        {props.value !== '' && !props.models.some((model) => model.id === props.value) ? (
          <option value={props.value}>{props.value} (not available now)</option>
        ) : null}
      </select>
    </div>
  );
}
