import { reasoningEffortSchema } from '@pag/contracts';

/** A reasoning-effort picker; empty is the model's own default. */
export function ReasoningEffortSelect(props: { id: string; value: string; onChange: (value: string) => void }) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={props.id}>
        Reasoning effort
      </label>
      <select
        id={props.id}
        className="input"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      >
        <option value="">The model's default</option>
        {reasoningEffortSchema.options.map((effort) => (
          <option key={effort} value={effort}>
            {effort}
          </option>
        ))}
      </select>
    </div>
  );
}
