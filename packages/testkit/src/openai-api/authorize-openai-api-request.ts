import type { FakeRequest } from '../fake-request.ts';
import type { OpenAiApiRejection } from './openai-api-error.ts';
import { describeIncorrectApiKey, OPENAI_API_MESSAGES, rejectOpenAiRequest } from './openai-api-error.ts';

/** Checks `Authorization: Bearer <key>`; returns the 401 to send, or undefined when the key is accepted. */
export function authorizeOpenAiApiRequest(options: {
  request: FakeRequest;
  apiKeys: ReadonlySet<string>;
}): OpenAiApiRejection | undefined {
  const header = options.request.headers.authorization ?? '';
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  const key = match?.[1];
  // The real server answers a missing key with code null and a wrong one with invalid_api_key.
  if (key == null) return rejectOpenAiRequest({ status: 401, message: OPENAI_API_MESSAGES.missingApiKey });
  if (!options.apiKeys.has(key)) {
    return rejectOpenAiRequest({ status: 401, message: describeIncorrectApiKey(key), code: 'invalid_api_key' });
  }
  return undefined;
}
