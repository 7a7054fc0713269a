/** The output-schema box of a feature: JSON Schema text; empty means the answer is free text. */
export function OutputSchemaField(props: {
  id: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const hintId = `${props.id}-hint`;
  return (
    <div className="field">
      <label className="field-label" htmlFor={props.id}>
        Output schema (optional)
      </label>
      <textarea
        id={props.id}
        className="input playground-prompt"
        rows={4}
        spellCheck={false}
        value={props.value}
        aria-describedby={hintId}
        aria-invalid={props.error != null}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <p id={hintId} className="field-hint">
        A JSON Schema object: the answer is then JSON matching it, returned parsed as <code>output</code>. Every object
        lists all its properties in <code>required</code> and sets <code>"additionalProperties": false</code>.
      </p>
      {props.error == null ? null : (
        <p className="field-error" role="alert">
          Output schema {props.error}
        </p>
      )}
    </div>
  );
}
