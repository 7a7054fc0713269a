import { gettingStartedProgress } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

/**
 * Remembers that the user got a first answer in the settings UI (a session, not an API key): the "try it in the
 * Playground" step of Getting started. Only the first time is written; later answers change nothing.
 */
export async function recordPlaygroundAnswer(context: DomainContext, userId: string): Promise<void> {
  await context.db
    .insert(gettingStartedProgress)
    .values({ userId, firstPlaygroundAnswerAt: new Date(context.now()) })
    .onConflictDoNothing();
}
