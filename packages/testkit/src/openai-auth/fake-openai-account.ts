import { CodedTypeError } from '../coded-type-error.ts';

/** An entry of the `organizations` claim; the id is an `org-…` id, never the ChatGPT account id. */
export type FakeOpenAiOrganization = {
  id: string;
  is_default: boolean;
  role: string;
  title: string;
};

/** A ChatGPT user as the fake knows it; the fields become JWT claims. */
export type FakeOpenAiAccount = {
  email: string;
  /** The workspace UUID that clients send as `chatgpt-account-id`. */
  chatgptAccountId: string;
  /** `user-…`; also used as `user_id`. */
  chatgptUserId: string;
  /** `chatgpt_plan_type`: plus, pro, team, … */
  planType: string;
  /** JWT `sub`. */
  subject: string;
  organizations: readonly FakeOpenAiOrganization[];
};

/** Everything but `email` has a default derived from the account's position. */
export type FakeOpenAiAccountOptions = Partial<FakeOpenAiAccount> & { email: string };

/** The default account's fixed ids, so tests and fixtures can hard-code them. */
export const DEFAULT_FAKE_OPENAI_ACCOUNT: FakeOpenAiAccount = {
  email: 'user@example.com',
  chatgptAccountId: '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  chatgptUserId: 'user-FakeUser000000000000001',
  planType: 'plus',
  subject: 'auth0|fakeuser000000000000001',
  organizations: [{ id: 'org-FakeOrg00000000000000001', is_default: true, role: 'owner', title: 'Personal' }],
};

/** Fills defaults and rejects duplicates; an empty or missing list gives the default account. */
export function createFakeOpenAiAccounts(options?: readonly FakeOpenAiAccountOptions[]): FakeOpenAiAccount[] {
  if (options == null || options.length === 0) return [DEFAULT_FAKE_OPENAI_ACCOUNT];
  const accounts = options.map((account, index) => toAccount({ account, index }));
  for (const key of ['email', 'chatgptAccountId', 'chatgptUserId', 'subject'] as const) {
    const values = new Set(accounts.map((account) => account[key]));
    if (values.size !== accounts.length) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"accounts" repeat a "${key}"` });
    }
  }
  return accounts;
}

/** Finds an account by email or ChatGPT account id; with no selector, the first one. */
export function findFakeOpenAiAccount(options: {
  accounts: readonly FakeOpenAiAccount[];
  selector: string | undefined;
}): FakeOpenAiAccount | undefined {
  const { accounts, selector } = options;
  if (selector == null || selector === '') return accounts[0];
  return accounts.find((account) => account.email === selector || account.chatgptAccountId === selector);
}

function toAccount(options: { account: FakeOpenAiAccountOptions; index: number }): FakeOpenAiAccount {
  const { account, index } = options;
  if (typeof account?.email !== 'string' || !account.email.includes('@')) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"accounts[${index}].email" must be an email` });
  }
  const serial = String(index + 1).padStart(12, '0');
  const userId = account.chatgptUserId ?? `user-FakeUser${serial.padStart(15, '0')}`;
  return {
    email: account.email,
    chatgptAccountId: account.chatgptAccountId ?? `6f1c2b3a-4d5e-4f60-8a7b-${serial}`,
    chatgptUserId: userId,
    planType: account.planType ?? 'plus',
    subject: account.subject ?? `auth0|fakeuser${serial.padStart(15, '0')}`,
    organizations: account.organizations ?? [
      { id: `org-FakeOrg${serial.padStart(17, '0')}`, is_default: true, role: 'owner', title: 'Personal' },
    ],
  };
}
