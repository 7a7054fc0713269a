import type { FakeApiFlags } from '../openai-api/parse-fake-api-flags.ts';
import type { FakeGeminiApi, FakeGeminiScenarioInput } from './start-fake-gemini-api.ts';
import { startFakeGeminiApi } from './start-fake-gemini-api.ts';

/** Starts the fake for `pag-testkit serve gemini-api`; prints the base URL first, then a summary on stderr. */
export async function serveFakeGeminiApi(options: {
  flags: FakeApiFlags;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}): Promise<FakeGeminiApi> {
  const { flags } = options;
  const fake = await startFakeGeminiApi({
    ...(flags.port == null ? {} : { port: flags.port }),
    ...(flags.apiKeys == null ? {} : { apiKeys: flags.apiKeys }),
    ...(flags.chunkCount == null ? {} : { chunkCount: flags.chunkCount }),
    ...(flags.perChunkDelayMs == null ? {} : { perChunkDelayMs: flags.perChunkDelayMs }),
    scenarios: flags.scenarios as FakeGeminiScenarioInput[],
  });
  options.stdout.write(`${fake.url}\n`);
  options.stderr.write(
    `gemini-api fake: key ${fake.apiKeys[0] ?? ''} (x-goog-api-key), v1beta models ${fake.models.map((model) => model.id).join(', ')}\n` +
      `  test hooks ${fake.url}/__testkit/…   Ctrl-C to stop\n`,
  );
  return fake;
}
