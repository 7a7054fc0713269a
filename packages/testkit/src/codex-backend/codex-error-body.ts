/** The FastAPI shape the backend uses for request validation (§5.3, §7.1). */
export function detailErrorBody(message: string): { detail: string } {
  return { detail: message };
}

export type OpenAiErrorBodyOptions = {
  message: string;
  type: string;
  code: string | null;
  param?: string | null;
};

/** The OpenAI error envelope, which the backend uses for schema errors inside the body and non-validation errors. */
export function openAiErrorBody(options: OpenAiErrorBodyOptions): { error: Record<string, unknown> } {
  return { error: { message: options.message, type: options.type, param: options.param ?? null, code: options.code } };
}
