import type { z } from 'zod';
import { GatewayError } from './gateway-error.ts';

/**
 * Validates one value that reached the domain from outside HTTP (the CLI), with the same schema the routes use,
 * and turns a failure into an `invalid_request` that names the field.
 */
export function parseField<Schema extends z.ZodType>(schema: Schema, value: unknown, name: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new GatewayError('invalid_request', `${name} ${result.error.issues[0]?.message ?? 'is invalid'}`);
  }
  return result.data;
}
