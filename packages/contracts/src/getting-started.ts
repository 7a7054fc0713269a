import { z } from 'zod';

/**
 * `GET /api/getting-started`: the first-run checklist, each step ticked from what the gateway has stored, never
 * from what a browser remembers (issue 17): connect a provider → create a key → try it in the Playground → use it
 * from an app.
 */
export const gettingStartedSchema = z.object({
  /** A ChatGPT or Google account is connected and working, or a provider API key is saved. */
  hasProvider: z.boolean(),
  /** The user has at least one gateway API key. */
  hasApiKey: z.boolean(),
  /** An answer arrived in the settings UI's Playground (stored when the first one completes). */
  hasTriedPlayground: z.boolean(),
  /** One of the user's API keys has been used by a program. */
  hasUsedApiKey: z.boolean(),
});
export type GettingStarted = z.infer<typeof gettingStartedSchema>;
