import type { ModelEntry } from '@pag/contracts';
import { useId } from 'react';
import {
  type CallerPolicyDraft,
  type CallerPolicyDraftErrors,
  modelPatternChoices,
} from '../lib/caller-policy-draft.ts';
import { RoutingRulesFields } from './routing-rules-fields.tsx';

export type CallerPolicyFieldsProps = {
  value: CallerPolicyDraft;
  onChange: (next: CallerPolicyDraft) => void;
  /** The user's models (`GET /api/ai/models`), to pick from. */
  models: readonly ModelEntry[];
  errors?: CallerPolicyDraftErrors | null;
  disabled?: boolean;
};

/**
 * What one API key or connected app may do (its `CallerPolicy`): which models, whether it may ever spend money on
 * an API key, and which web pages may use it. Controlled: the parent keeps the draft and saves it (the API keys
 * page for a key, the connected apps page for an app).
 */
export function CallerPolicyFields({ value, onChange, models, errors, disabled = false }: CallerPolicyFieldsProps) {
  const id = useId();
  const change = (changes: Partial<CallerPolicyDraft>) => onChange({ ...value, ...changes });
  const togglePattern = (pattern: string, isOn: boolean) =>
    change({
      allowedModels: isOn
        ? [...value.allowedModels, pattern]
        : value.allowedModels.filter((candidate) => candidate !== pattern),
    });
  const choices = modelPatternChoices(models, value.allowedModels);

  return (
    <fieldset className="form caller-policy-fields" disabled={disabled}>
      <label className="toggle">
        <input
          type="checkbox"
          checked={value.subscriptionOnly}
          onChange={(event) => change({ subscriptionOnly: event.target.checked })}
        />
        <span>Subscription only — never spend money</span>
      </label>
      <p className="field-hint">
        Only your ChatGPT subscription answers, never a paid API key, even when your subscription is limited and you let
        API keys take over: a limited subscription is reported to the app instead.
      </p>

      <fieldset className="field" aria-describedby={errors?.allowedModels == null ? undefined : `${id}-models-error`}>
        <legend className="field-label">Models</legend>
        <label className="toggle">
          <input
            type="radio"
            name={`${id}-limit`}
            checked={!value.limitModels}
            onChange={() => change({ limitModels: false })}
          />
          <span>Every model I have</span>
        </label>
        <label className="toggle">
          <input
            type="radio"
            name={`${id}-limit`}
            checked={value.limitModels}
            onChange={() => change({ limitModels: true })}
          />
          <span>Only these:</span>
        </label>
        {value.limitModels ? (
          <div className="caller-policy-models">
            {choices.length === 0 ? (
              <p className="muted">No models yet: connect a provider under Connections first.</p>
            ) : null}
            {choices.map((pattern) => (
              <label key={pattern} className="toggle">
                <input
                  type="checkbox"
                  checked={value.allowedModels.includes(pattern)}
                  onChange={(event) => togglePattern(pattern, event.target.checked)}
                />
                <span>
                  {pattern.endsWith('/*') ? `Every ${pattern.slice(0, -2)} model (` : null}
                  <code>{pattern}</code>
                  {pattern.endsWith('/*') ? ')' : null}
                </span>
              </label>
            ))}
          </div>
        ) : null}
        {errors?.allowedModels == null ? null : (
          <p className="field-error" id={`${id}-models-error`}>
            Models {errors.allowedModels}
          </p>
        )}
      </fieldset>

      <RoutingRulesFields value={value.routing} onChange={(routing) => change({ routing })} models={models} />
      {errors?.routing == null ? null : <p className="field-error">Routing {errors.routing}</p>}

      <div className="field">
        <label className="field-label" htmlFor={`${id}-origins`}>
          Allowed web pages (origins)
        </label>
        <textarea
          id={`${id}-origins`}
          className="input"
          rows={3}
          value={value.originsText}
          placeholder="https://notes.example.com"
          spellCheck={false}
          aria-invalid={errors?.allowedOrigins == null ? undefined : true}
          aria-describedby={`${id}-origins-hint${errors?.allowedOrigins == null ? '' : ` ${id}-origins-error`}`}
          onChange={(event) => change({ originsText: event.target.value })}
        />
        <p className="field-hint" id={`${id}-origins-hint`}>
          One per line, e.g. <code>https://notes.example.com</code> or <code>http://localhost:5173</code>: web apps at
          these addresses may call the gateway from the browser with this credential. None: no web page may.
        </p>
        {errors?.allowedOrigins == null ? null : (
          <p className="field-error" id={`${id}-origins-error`}>
            Allowed web pages {errors.allowedOrigins}
          </p>
        )}
      </div>
    </fieldset>
  );
}
