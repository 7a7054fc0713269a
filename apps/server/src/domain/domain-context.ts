import type { GatewayDatabase } from '../db/open-database.ts';

/** What every domain function needs: the database and a clock (injected so tests can move time). */
export type DomainContext = {
  db: GatewayDatabase;
  /** Current time in milliseconds since the epoch. */
  now: () => number;
};
