import type { GeminiTurn } from './plan-gemini-turn.ts';

const SAFETY_CATEGORIES = [
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
];

/** Ratings for a blocked answer or prompt: the blocking category HIGH and `blocked: true`. */
export function buildBlockedSafetyRatings(): Record<string, unknown>[] {
  return SAFETY_CATEGORIES.map((category, index) =>
    index === 1 ? { category, probability: 'HIGH', blocked: true } : { category, probability: 'NEGLIGIBLE' },
  );
}

/** A function call part, signed when the turn signed it. */
export function toFunctionCallPart(call: GeminiTurn['functionCalls'][number]): Record<string, unknown> {
  return {
    functionCall: { ...(call.id == null ? {} : { id: call.id }), name: call.name, args: call.args },
    ...(call.thoughtSignature == null ? {} : { thoughtSignature: call.thoughtSignature }),
  };
}
