import type { FakeOpenAiAuthStore } from './create-fake-openai-auth-store.ts';
import type { FakeOpenAiAccount } from './fake-openai-account.ts';
import { findFakeOpenAiAccount } from './fake-openai-account.ts';
import { DEFAULT_SCOPE } from './openai-auth-constants.ts';

export type DecideDeviceAuthorizationOptions = {
  store: FakeOpenAiAuthStore;
  accounts: readonly FakeOpenAiAccount[];
  userCode: string;
  decision: 'approve' | 'deny';
  /** Email or ChatGPT account id; the first account when omitted. */
  account?: string;
};

export type DeviceDecisionResult =
  | { ok: true; deviceAuthId: string }
  | { ok: false; reason: 'unknown_user_code' | 'expired' | 'already_decided' | 'unknown_account'; message: string };

/** What the verification page and the test hooks both do when a person approves or denies a user code. */
export function decideDeviceAuthorization(options: DecideDeviceAuthorizationOptions): DeviceDecisionResult {
  const { store } = options;
  const device = store.findDeviceByUserCode(options.userCode);
  if (device == null) return { ok: false, reason: 'unknown_user_code', message: 'That code is not valid.' };
  if (store.isDeviceExpired(device)) {
    return { ok: false, reason: 'expired', message: 'That code has expired. Start the sign-in again.' };
  }
  if (device.status !== 'pending') {
    return { ok: false, reason: 'already_decided', message: `That code was already ${device.status}.` };
  }
  if (options.decision === 'deny') {
    device.status = 'denied';
    return { ok: true, deviceAuthId: device.deviceAuthId };
  }
  const account = findFakeOpenAiAccount({ accounts: options.accounts, selector: options.account });
  if (account == null) return { ok: false, reason: 'unknown_account', message: 'No such account.' };
  store.approveDevice({ device, account, scope: DEFAULT_SCOPE });
  return { ok: true, deviceAuthId: device.deviceAuthId };
}
