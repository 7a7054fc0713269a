import type { FakeRequest } from '../fake-request.ts';

export type RequestParams =
  | { kind: 'form' | 'json'; params: Map<string, string> }
  | { kind: 'invalid'; description: string };

/**
 * Reads a body as flat string fields from form or JSON, by content type only: a server that sniffed bodies would
 * hide a client sending the wrong `Content-Type`. Repeated form fields and non-string JSON values are invalid, as
 * RFC 6749 §3.2 forbids repeated parameters.
 */
export function readRequestParams(request: FakeRequest): RequestParams {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/x-www-form-urlencoded') {
    const params = new Map<string, string>();
    for (const [name, value] of request.form()) {
      if (params.has(name)) return { kind: 'invalid', description: `The parameter "${name}" is repeated.` };
      params.set(name, value);
    }
    return { kind: 'form', params };
  }
  if (mediaType === 'application/json') {
    let body: unknown;
    try {
      body = request.json();
    } catch {
      return { kind: 'invalid', description: 'The request body is not valid JSON.' };
    }
    if (body == null || typeof body !== 'object' || Array.isArray(body)) {
      return { kind: 'invalid', description: 'The request body must be a JSON object.' };
    }
    const params = new Map<string, string>();
    for (const [name, value] of Object.entries(body)) {
      // Clients add fields such as `refresh_reason`; only string fields can carry a parameter.
      if (typeof value === 'string') params.set(name, value);
      else if (value != null) params.set(name, JSON.stringify(value));
    }
    return { kind: 'json', params };
  }
  return {
    kind: 'invalid',
    description: `Unsupported content type "${mediaType}"; send application/x-www-form-urlencoded or application/json.`,
  };
}
