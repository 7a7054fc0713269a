import type { SharedV3Warning } from '@pag/providers';

/**
 * A provider warning (a dropped setting, such as `max_tokens` on the subscription) in words for the
 * `x-gateway-warning` header of every `/v1` answer (ASCII only: it is a header).
 */
export function describeWarning(warning: SharedV3Warning): string {
  const fields = warning as { type: string; feature?: string; setting?: string; details?: string; message?: string };
  const what = fields.feature ?? fields.setting ?? fields.message ?? fields.type;
  const text = fields.details == null ? `${what} is not supported here and was ignored` : `${what}: ${fields.details}`;
  return text.replace(/[^\x20-\x7e]/g, '?');
}
