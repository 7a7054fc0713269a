import type { FakeApiFlags } from './parse-fake-api-flags.ts';
import type { FakeOpenAiApi, FakeOpenAiScenarioInput } from './start-fake-openai-api.ts';
import { startFakeOpenAiApi } from './start-fake-openai-api.ts';

/** Starts the fake for `pag-testkit serve openai-api`; prints the base URL first, then a summary on stderr. */
export async function serveFakeOpenAiApi(options: {
  flags: FakeApiFlags;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}): Promise<FakeOpenAiApi> {
  const { flags } = options;
  const fake = await startFakeOpenAiApi({
    ...(flags.port == null ? {} : { port: flags.port }),
    ...(flags.apiKeys == null ? {} : { apiKeys: flags.apiKeys }),
    ...(flags.chunkCount == null ? {} : { chunkCount: flags.chunkCount }),
    ...(flags.perChunkDelayMs == null ? {} : { perChunkDelayMs: flags.perChunkDelayMs }),
    scenarios: flags.scenarios as FakeOpenAiScenarioInput[],
  });
  options.stdout.write(`${fake.baseUrl}\n`);
  options.stderr.write(
    `openai-api fake: key ${fake.apiKeys[0] ?? ''}, models ${fake.models.map((model) => model.id).join(', ')}\n` +
      `  test hooks ${fake.url}/__testkit/…   Ctrl-C to stop\n`,
  );
  return fake;
}
