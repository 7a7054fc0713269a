import { CodedTypeError } from '../coded-type-error.ts';

/** A Google user as the fake knows it; the fields become id_token claims and userinfo fields. */
export type FakeGoogleAccount = {
  email: string;
  /** The stable Google account id: `sub` in the id_token, `id` in userinfo. A 21-digit string at Google. */
  sub: string;
  name: string;
  givenName: string;
  familyName: string;
  picture: string;
  isEmailVerified: boolean;
};

/** Everything but `email` has a default derived from the account's position. */
export type FakeGoogleAccountOptions = Partial<FakeGoogleAccount> & { email: string };

/** The default account's fixed ids, so tests and fixtures can hard-code them. */
export const DEFAULT_FAKE_GOOGLE_ACCOUNT: FakeGoogleAccount = {
  email: 'user@gmail.example',
  sub: '100000000000000000001',
  name: 'Fake User',
  givenName: 'Fake',
  familyName: 'User',
  picture: 'https://lh3.googleusercontent.example/a/fake-user',
  isEmailVerified: true,
};

/** Fills defaults and rejects duplicates; an empty or missing list gives the default account. */
export function createFakeGoogleAccounts(options?: readonly FakeGoogleAccountOptions[]): FakeGoogleAccount[] {
  if (options == null || options.length === 0) return [DEFAULT_FAKE_GOOGLE_ACCOUNT];
  const accounts = options.map((account, index) => toAccount({ account, index }));
  for (const key of ['email', 'sub'] as const) {
    if (new Set(accounts.map((account) => account[key])).size !== accounts.length) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"accounts" repeat a "${key}"` });
    }
  }
  return accounts;
}

/** Finds an account by email or `sub`; with no selector, the first one. */
export function findFakeGoogleAccount(options: {
  accounts: readonly FakeGoogleAccount[];
  selector: string | undefined;
}): FakeGoogleAccount | undefined {
  const { accounts, selector } = options;
  if (selector == null || selector === '') return accounts[0];
  const normalized = selector.toLowerCase();
  return accounts.find((account) => account.email.toLowerCase() === normalized || account.sub === selector);
}

function toAccount(options: { account: FakeGoogleAccountOptions; index: number }): FakeGoogleAccount {
  const { account, index } = options;
  if (typeof account?.email !== 'string' || !account.email.includes('@')) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"accounts[${index}].email" must be an email` });
  }
  const local = account.email.split('@')[0] ?? 'user';
  return {
    email: account.email,
    sub: account.sub ?? `1${String(index + 1).padStart(20, '0')}`,
    name: account.name ?? local,
    givenName: account.givenName ?? local,
    familyName: account.familyName ?? '',
    picture: account.picture ?? `https://lh3.googleusercontent.example/a/${encodeURIComponent(local)}`,
    isEmailVerified: account.isEmailVerified ?? true,
  };
}
