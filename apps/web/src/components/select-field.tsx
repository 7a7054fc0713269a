import { useId } from 'react';

export type SelectOption<Value extends string> = { value: Value; label: string };

export type SelectFieldProps<Value extends string> = {
  label: string;
  value: Value;
  options: readonly SelectOption<Value>[];
  onChange: (value: Value) => void;
  /** `field` classes beside the default (e.g. an inline field in a card header). */
  className?: string;
  /** `input-compact` for a select in a header. */
  isCompact?: boolean;
};

/** A labelled select whose options are plain values with labels: the filters and chart switches of the usage page. */
export function SelectField<Value extends string>(props: SelectFieldProps<Value>) {
  const id = useId();
  return (
    <div className={['field', props.className].filter(Boolean).join(' ')}>
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      <select
        id={id}
        className={props.isCompact === true ? 'input input-compact' : 'input'}
        value={props.value}
        // The options are exactly the values the caller listed.
        onChange={(event) => props.onChange(event.target.value as Value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
