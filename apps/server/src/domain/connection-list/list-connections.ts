import type { Connection } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { connections } from '../../db/schema.ts';
import { toConnectionDto } from '../connections/to-connection-dto.ts';
import type { DomainContext } from '../domain-context.ts';
import { toGoogleConnectionDto } from '../google/to-google-connection-dto.ts';

/** A user's connected upstream accounts with their status (never tokens): the ChatGPT subscription, then Google. */
export async function listConnections(context: DomainContext, userId: string): Promise<Connection[]> {
  const rows = await context.db.select().from(connections).where(eq(connections.userId, userId));
  // Each provider's rows in its own shape (reconnect messages differ), ChatGPT first as the UI has always shown.
  return [
    ...rows.filter((row) => row.provider === 'chatgpt').map(toConnectionDto),
    ...rows.filter((row) => row.provider === 'google').map(toGoogleConnectionDto),
  ];
}
