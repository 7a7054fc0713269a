import type { z } from 'zod';
import type { FetchFunction } from '../common/fetch-function.ts';
import { toTransportError } from '../common/to-transport-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { toCodexProviderError } from './codex-error.ts';

/** Who asks the ChatGPT backend: the account's token and id, and how the gateway names itself (docs/codex-protocol.md). */
export type CodexAccountRequest = {
  fetch?: FetchFunction | undefined;
  accessToken: string;
  accountId: string;
  originator?: string;
  userAgent?: string;
  abortSignal?: AbortSignal;
};

/**
 * One JSON `GET` of the ChatGPT backend (the model catalogue, the usage endpoint), read as the schema says. A
 * transport failure is a transport error, a non-200 the Codex error of its status, and a body that is not JSON or not
 * of the schema's shape an `UpstreamProtocolError` named by `what` — never a guess at a changed answer.
 */
export async function getCodexJson<Schema extends z.ZodType>(
  url: string,
  schema: Schema,
  options: CodexAccountRequest & { what: string },
): Promise<z.infer<Schema>> {
  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      headers: {
        authorization: `Bearer ${options.accessToken}`,
        'chatgpt-account-id': options.accountId,
        accept: 'application/json',
        ...(options.originator != null ? { originator: options.originator } : {}),
        ...(options.userAgent != null ? { 'user-agent': options.userAgent } : {}),
      },
      signal: options.abortSignal ?? null,
    });
    text = await response.text();
  } catch (error) {
    throw toTransportError(error, url);
  }
  if (!response.ok) {
    throw toCodexProviderError({
      url,
      statusCode: response.status,
      responseBody: text,
      responseHeaders: response.headers,
    });
  }
  let parsed: z.ZodSafeParseResult<z.infer<Schema>>;
  try {
    parsed = schema.safeParse(JSON.parse(text)) as z.ZodSafeParseResult<z.infer<Schema>>;
  } catch (error) {
    throw new UpstreamProtocolError({ message: `The ${options.what} is not JSON.`, url, cause: error });
  }
  if (!parsed.success) {
    throw new UpstreamProtocolError({ message: `Unexpected ${options.what} shape.`, url, cause: parsed.error });
  }
  return parsed.data;
}
