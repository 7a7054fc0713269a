import { CodedTypeError } from './coded-type-error.ts';

type ScenarioRules<Scenario> = {
  presets: Readonly<Record<string, Scenario>>;
  kinds: readonly string[];
  /** The interruption field that counts what is written before it. */
  interruptionCount: string;
  /** The fake's own checks of a reply scenario. */
  findReplyProblem(scenario: Scenario): string | undefined;
};

/** Turns a preset name into its scenario, or checks a scenario object, for the JS handle and the HTTP hooks alike. */
export function resolveScenarioInput<Scenario extends { kind: string }>(
  options: ScenarioRules<Scenario> & { input: unknown },
): Scenario {
  const { input } = options;
  if (typeof input === 'string') {
    if (!Object.hasOwn(options.presets, input))
      throw invalidValue(`"scenario" ${JSON.stringify(input)} is not a preset`);
    return options.presets[input] as Scenario;
  }
  if (input == null || typeof input !== 'object') {
    throw new CodedTypeError({
      code: 'ERR_INVALID_ARG_TYPE',
      message: '"scenario" must be a preset name or an object',
    });
  }
  const problem = findProblem(input as Scenario, options);
  if (problem != null) throw invalidValue(problem);
  return input as Scenario;
}

function findProblem<Scenario extends { kind: string }>(
  scenario: Scenario & { status?: unknown; chunkCount?: unknown; interruption?: Record<string, unknown> },
  rules: ScenarioRules<Scenario>,
): string | undefined {
  if (!rules.kinds.includes(scenario.kind)) return `"scenario.kind" must be one of ${rules.kinds.join(', ')}`;
  if (scenario.kind === 'http-error') {
    const { status } = scenario;
    return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
      ? undefined
      : '"scenario.status" must be an HTTP error status (400-599)';
  }
  if (scenario.kind !== 'reply') return undefined;
  const { chunkCount, interruption } = scenario;
  if (chunkCount != null && !(Number.isInteger(chunkCount) && Number(chunkCount) > 0)) {
    return '"scenario.chunkCount" must be a positive integer';
  }
  const count = interruption?.[rules.interruptionCount];
  if (interruption != null && !(Number.isInteger(count) && Number(count) >= 0)) {
    return `"scenario.interruption.${rules.interruptionCount}" must be an integer >= 0`;
  }
  return rules.findReplyProblem(scenario);
}

function invalidValue(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message });
}
