import { CodedTypeError } from './coded-type-error.ts';

/** Turns a preset name into its scenario, or checks a scenario object, for the JS handle and the HTTP hooks alike. */
export function resolveScenarioInput<Scenario extends { kind: string }>(options: {
  input: unknown;
  presets: Readonly<Record<string, Scenario>>;
  /** The fake's own checks of a scenario object; an `http-error` status is checked here. */
  findProblem(scenario: Scenario): string | undefined;
}): Scenario {
  const { input } = options;
  if (typeof input === 'string') {
    if (Object.hasOwn(options.presets, input)) return options.presets[input] as Scenario;
    throw invalidValue(`"scenario" ${JSON.stringify(input)} is not a preset`);
  }
  if (input == null || typeof input !== 'object') {
    throw new CodedTypeError({
      code: 'ERR_INVALID_ARG_TYPE',
      message: '"scenario" must be a preset name or an object',
    });
  }
  const scenario = input as Scenario & { status?: unknown };
  const { status } = scenario;
  const problem =
    scenario.kind !== 'http-error'
      ? options.findProblem(scenario)
      : typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
        ? undefined
        : '"scenario.status" must be an HTTP error status (400-599)';
  if (problem != null) throw invalidValue(problem);
  return scenario;
}

function invalidValue(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message });
}
