import type { BaseFakeOptions } from './define-fake.ts';

/** What both model API fakes take besides the common options. */
export type ModelApiOptions<Input, ModelOptions> = BaseFakeOptions<Input> & {
  /** Keys the fake accepts. Default its `DEFAULT_FAKE_…_API_KEY`. */
  apiKeys?: readonly string[];
  /** The catalogue; default the fake's own. */
  models?: readonly ModelOptions[];
  /** How many deltas streamed text, reasoning and tool arguments are split into. Default 4. */
  chunkCount?: number;
  /** Wait before each streamed event (and, summed, before a JSON answer). Default 0, so benchmarks time the gateway. */
  perChunkDelayMs?: number;
};

/** The settings with their defaults, and `serial`, the number in every id of one answer (so fixtures stay stable). */
export function createModelApiState<ModelOptions, Model>(
  options: ModelApiOptions<unknown, ModelOptions>,
  defaults: { apiKey: string; createModels(models: readonly ModelOptions[] | undefined): Model[] },
) {
  return {
    apiKeys: [...(options.apiKeys ?? [defaults.apiKey])],
    models: defaults.createModels(options.models),
    chunkCount: options.chunkCount ?? 4,
    perChunkDelayMs: options.perChunkDelayMs ?? 0,
    serial: 0,
  };
}

export function takeSerial(state: { serial: number }): string {
  state.serial += 1;
  return String(state.serial).padStart(4, '0');
}
