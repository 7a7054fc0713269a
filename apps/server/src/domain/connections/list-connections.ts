import type { Connection } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { connections } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { toConnectionDto } from './to-connection-dto.ts';

/** A user's connected upstream accounts with their status (never tokens). */
export function listConnections(context: DomainContext, userId: string): Connection[] {
  return context.db.select().from(connections).where(eq(connections.userId, userId)).all().map(toConnectionDto);
}
