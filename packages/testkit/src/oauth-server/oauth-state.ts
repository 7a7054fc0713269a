import { randomBytes } from 'node:crypto';
import { invalidType, invalidValue } from '../coded-type-error.ts';
import type { BaseFakeOptions } from '../define-fake.ts';

/** How each mode's value is checked; the type of the modes follows from their rules. */
export type ModeRules = Record<string, (value: unknown) => boolean>;
export type ModesOf<Rules> = {
  [Key in keyof Rules]: Rules[Key] extends (value: unknown) => value is infer T ? T : never;
};

export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
export const isOneOf =
  <const T>(...values: T[]) =>
  (value: unknown): value is T =>
    values.includes(value as T);

/** What a fake's `issuedTokens` lists of each token response it handed out (or minted for a test), oldest first. */
export type IssuedTokens<Grant extends string> = {
  grant: Grant;
  email: string;
  /** Milliseconds since the epoch, by the fake's clock. */
  issuedAt: number;
  accessTokenExpiresAt: number;
  /** The `expires_in` sent, in seconds. */
  expiresIn: number;
  accessToken: string;
};

export function validateModes<Rules extends ModeRules>(rules: Rules, update: unknown): Partial<ModesOf<Rules>> {
  if (update == null || typeof update !== 'object' || Array.isArray(update)) {
    throw invalidType('"modes" must be an object');
  }
  for (const [key, value] of Object.entries(update)) {
    const rule = rules[key];
    const problem = rule == null ? 'is not a mode' : rule(value) ? '' : `has an invalid value ${JSON.stringify(value)}`;
    if (problem !== '') throw invalidValue(`"modes.${key}" ${problem}`);
  }
  return update as Partial<ModesOf<Rules>>;
}

/** `setModes` of a handle and `POST /modes`: applies a checked update in place, returns a copy of the result. */
export function updateModes<Rules extends ModeRules>(modes: ModesOf<Rules>, rules: Rules, update: unknown) {
  Object.assign(modes, validateModes(rules, update));
  return { ...modes };
}

/** Whether something made at `since` is dead `ttlSeconds` later: inclusive, and never without a TTL. */
export function hasExpired(options: { now: () => number; since: number; ttlSeconds: number | undefined }): boolean {
  return options.ttlSeconds != null && options.now() - options.since >= options.ttlSeconds * 1000;
}

/** Sign-ins waiting on the consent page: one decision each, and gone once older than `ttlSeconds`. */
export function createPendingSessions<Request extends object>(options: { now: () => number; ttlSeconds: number }) {
  type Session = Request & { id: string; createdAt: number };
  const sessions = new Map<string, Session>();
  const isLive = (session: Session) => !hasExpired({ ...options, since: session.createdAt });
  return {
    create(request: Request): Session {
      const session = { ...request, id: randomBytes(18).toString('base64url'), createdAt: options.now() };
      sessions.set(session.id, session);
      return session;
    },
    /** Live sessions, oldest first. */
    get pending(): Session[] {
      return [...sessions.values()].filter(isLive);
    },
    take(id: string): Session | undefined {
      const session = sessions.get(id);
      sessions.delete(id);
      return session != null && isLive(session) ? session : undefined;
    },
  };
}

/** What both OAuth fakes keep: accounts, issuer, modes, and sign-ins waiting on consent (as long as a code lives). */
export function createOAuthState<Rules extends ModeRules, Request extends object, Account>(options: {
  fake: BaseFakeOptions & { authorizationCodeTtlSeconds?: number; modes?: Partial<ModesOf<Rules>> };
  modeRules: Rules;
  defaultModes: ModesOf<Rules>;
  issuer: string;
  /** Never empty: the fake's default account when none is given. */
  accounts: Account[];
}) {
  const { fake } = options;
  const now = fake.now ?? Date.now;
  return {
    isExpired: (since: number, ttlSeconds: number | undefined) => hasExpired({ now, since, ttlSeconds }),
    issuer: options.issuer,
    accounts: options.accounts as [Account, ...Account[]],
    modes: validateModes(options.modeRules, { ...options.defaultModes, ...fake.modes }) as ModesOf<Rules>,
    sessions: createPendingSessions<Request>({ now, ttlSeconds: fake.authorizationCodeTtlSeconds ?? 600 }),
  };
}
