import type { Connection } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { connections, googleConnections } from '../../db/schema.ts';
import { toConnectionDto } from '../connections/to-connection-dto.ts';
import type { DomainContext } from '../domain-context.ts';
import { toGoogleConnectionDto } from '../google/to-google-connection-dto.ts';

/** A user's connected upstream accounts with their status (never tokens): the ChatGPT subscription, then Google. */
export function listConnections(context: DomainContext, userId: string): Connection[] {
  const chatgpt = context.db.select().from(connections).where(eq(connections.userId, userId)).all();
  const google = context.db.select().from(googleConnections).where(eq(googleConnections.userId, userId)).all();
  return [...chatgpt.map(toConnectionDto), ...google.map(toGoogleConnectionDto)];
}
