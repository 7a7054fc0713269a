import { invalidType, invalidValue } from './coded-type-error.ts';

/** How a fake checks the calls of a reply scenario. */
export type ScenarioCallRule = {
  /** The reply's field that lists them. */
  field: string;
  isValid(call: Record<string, unknown> | undefined): boolean;
  /** Ends the message after `"scenario.<field>[<index>]`. */
  problem: string;
};

/** A preset's scenario, or a checked scenario object (an error status for `http-error`, calls by the fake's rule). */
export function resolveScenarioInput<Scenario extends { kind: string }>(
  input: unknown,
  presets: Readonly<Record<string, Scenario>>,
  callRule: ScenarioCallRule,
): Scenario {
  if (typeof input === 'string') {
    if (Object.hasOwn(presets, input)) return presets[input] as Scenario;
    throw invalidValue(`"scenario" ${JSON.stringify(input)} is not a preset`);
  }
  if (input == null || typeof input !== 'object') {
    throw invalidType('"scenario" must be a preset name or an object');
  }
  const scenario = input as Scenario & Record<string, unknown>;
  const { status } = scenario;
  if (scenario.kind === 'http-error' && !(Number.isInteger(status) && Number(status) >= 400 && Number(status) <= 599)) {
    throw invalidValue('"scenario.status" must be an HTTP error status (400-599)');
  }
  const calls = (scenario.kind === 'reply' ? (scenario[callRule.field] ?? []) : []) as Record<string, unknown>[];
  const index = calls.findIndex((call) => !callRule.isValid(call));
  if (index >= 0) throw invalidValue(`"scenario.${callRule.field}[${index}]${callRule.problem}`);
  return scenario;
}
