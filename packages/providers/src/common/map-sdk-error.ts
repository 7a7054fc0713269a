import {
  APICallError,
  InvalidArgumentError,
  InvalidPromptError,
  InvalidResponseDataError,
  JSONParseError,
  TypeValidationError,
  UnsupportedFunctionalityError,
} from '@ai-sdk/provider';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { ProviderError } from '../errors/provider-error.ts';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { isAbortError, toTransportError } from './to-transport-error.ts';

export type HttpFailure = {
  url: string;
  statusCode: number;
  responseBody: string | undefined;
  responseHeaders: Record<string, string> | undefined;
  cause: unknown;
};

/**
 * The part of error mapping every AI-SDK-backed adapter shares: our own errors and the caller's abort pass through,
 * network failures and unparsable chunks get our classes, prompt problems become `InvalidRequestError`. HTTP failures
 * go to the provider's `mapHttpFailure`; anything else (an in-stream error object) to `mapOther`.
 */
export function mapSdkError(
  error: unknown,
  options: {
    url: string;
    mapHttpFailure: (failure: HttpFailure) => ProviderError;
    mapOther: (error: unknown) => Error;
  },
): Error {
  if (error instanceof ProviderError) return error;
  if (isAbortError(error)) return error as Error;
  if (APICallError.isInstance(error)) {
    if (error.statusCode == null) return toTransportError(error.cause ?? error, error.url) as Error;
    if (error.statusCode >= 200 && error.statusCode < 300) {
      // A 2xx the SDK could not use: an unparsable body ("Invalid JSON response"), or a body that failed while
      // being read ("Failed to process successful response", caused by a dropped connection).
      const cause = error.cause;
      if (JSONParseError.isInstance(cause) || TypeValidationError.isInstance(cause) || cause == null) {
        return new UpstreamProtocolError({ message: error.message, url: error.url, cause: error });
      }
      return toTransportError(cause, error.url) as Error;
    }
    return options.mapHttpFailure({
      url: error.url,
      statusCode: error.statusCode,
      responseBody: error.responseBody,
      responseHeaders: error.responseHeaders,
      cause: error,
    });
  }
  if (InvalidResponseDataError.isInstance(error)) {
    // openai-compatible reports a stream that stopped before its finish reason this way: a cut-off stream.
    return /without a finish reason/i.test(error.message)
      ? new UpstreamConnectionError({ message: error.message, url: options.url, cause: error })
      : new UpstreamProtocolError({ message: error.message, url: options.url, cause: error });
  }
  if (JSONParseError.isInstance(error) || TypeValidationError.isInstance(error)) {
    return new UpstreamProtocolError({
      message: `Unparsable upstream chunk: ${error.message}`,
      url: options.url,
      cause: error,
    });
  }
  if (
    InvalidPromptError.isInstance(error) ||
    UnsupportedFunctionalityError.isInstance(error) ||
    InvalidArgumentError.isInstance(error)
  ) {
    return new InvalidRequestError({ message: error.message, url: options.url, cause: error });
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.message === 'fetch failed')) {
    return toTransportError(error, options.url) as Error;
  }
  return options.mapOther(error);
}

export function parseJsonOrUndefined(text: string | undefined): unknown {
  if (text == null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
