import { anthropicApiFake } from './anthropic-api/anthropic-api-fake.ts';
import { codexBackendFake } from './codex-backend/codex-backend-fake.ts';
import { geminiApiFake } from './gemini-api/gemini-api-fake.ts';
import { googleOAuthFake } from './google-oauth/google-oauth-fake.ts';
import { openAiApiFake } from './openai-api/openai-api-fake.ts';
import { openAiAuthFake } from './openai-auth/openai-auth-fake.ts';

/** Every fake `pag-testkit serve` can run, in the order `--help` lists them. */
export const FAKES = [
  openAiAuthFake,
  openAiApiFake,
  geminiApiFake,
  anthropicApiFake,
  googleOAuthFake,
  codexBackendFake,
] as const;
