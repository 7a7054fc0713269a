import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { openAiHttpFailureToProviderError } from './openai-error.ts';

const URL = 'https://upstream.example/v1/models';

function failure(statusCode: number, responseBody: string) {
  return openAiHttpFailureToProviderError({
    url: URL,
    statusCode,
    responseBody,
    responseHeaders: undefined,
    cause: undefined,
  });
}

describe('issue 16: what a user is told of an OpenAI-compatible upstream’s error answer', () => {
  it('issue 16: a body that is not an OpenAI error envelope is never passed on, only the status', () => {
    const body = 'root:x:0:0:root:/root:/bin/bash\nINTERNAL_TOKEN=s3cr3t-internal-value';
    const error = failure(500, body);
    expect(error).toBeInstanceOf(UpstreamApiError);
    expect(error.message).toBe('Upstream answered 500.');
    expect(error.message).not.toContain('s3cr3t');
    // Kept for the server log, bounded there as before.
    expect((error as UpstreamApiError).responseBody).toBe(body);
  });

  it('issue 16: an envelope’s message is passed on cleaned of control and direction characters and bounded', () => {
    const message = `Invalid\u0000 key\u001b[31m \u202Eoverride\n${'x'.repeat(500)}`;
    const error = failure(401, JSON.stringify({ error: { message, type: 'invalid_request_error' } }));
    expect(error.message.startsWith('Upstream answered 401: Invalid key [31m override xxx')).toBe(true);
    expect(error.message).not.toMatch(/[\p{Cc}\u202e]/u);
    expect([...error.message.replace('Upstream answered 401: ', '')].length).toBeLessThanOrEqual(200);
    expect(error.message.endsWith('…')).toBe(true);
  });

  it('issue 16: a 400 with an HTML page says only the status', () => {
    const error = failure(400, '<html><body>Admin console: password=hunter2</body></html>');
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('HTTP 400');
  });
});
