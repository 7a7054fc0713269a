import { GatewayError } from '../gateway-error.ts';
import type { OutputValidator } from './compile-output-schema.ts';

/** How much of a bad answer a message quotes: enough to see what went wrong, never a whole note. */
const QUOTE_CHARS = 200;

/**
 * The model's whole answer as the JSON the output schema asked for. An answer that is not JSON, or JSON that does
 * not match, is the upstream failing its task: `invalid_output` (502), saying what was wrong, so the caller can
 * retry or loosen the schema.
 */
export function parseStructuredOutput(text: string, validator: OutputValidator): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const quoted = text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text;
    throw new GatewayError(
      'invalid_output',
      `The model's answer is not JSON, so it cannot match the output schema. It began: ${JSON.stringify(quoted)}`,
    );
  }
  const problem = validator.check(value);
  if (problem != null) {
    throw new GatewayError('invalid_output', `The model's answer does not match the output schema: ${problem}.`);
  }
  return value;
}
