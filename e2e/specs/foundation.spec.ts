import { join } from 'node:path';
import { errorEnvelopeSchema, whoAmISchema } from '@pag/contracts';
import { expect, type Page, test } from '@playwright/test';
import { ADMIN, ensureAdminAccount, readSetupToken } from '../support/admin-account.ts';
import { ARTIFACTS_DIR } from '../support/paths.ts';

/** Resolves with the page's next answer to `method path`; `path` may be a pattern for routes with an id. */
function waitForApi(page: Page, method: string, path: string | RegExp) {
  return page.waitForResponse((response) => {
    if (response.request().method() !== method) return false;
    const pathname = new URL(response.url()).pathname;
    return typeof path === 'string' ? pathname === path : path.test(pathname);
  });
}

test('an admin sets up the gateway (signed in at once), and issues and revokes an API key', async ({
  page,
  context,
  request,
  baseURL,
}) => {
  const setupToken = readSetupToken();
  let secret = '';
  let keyPrefix = '';

  await test.step('create the admin account from the setup link', async () => {
    await page.goto(`/setup#token=${setupToken}`);
    await expect(page.getByRole('heading', { name: 'Set up your gateway' })).toBeVisible();
    await expect(page.getByLabel('Setup token')).toHaveValue(setupToken);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    const setupAnswer = waitForApi(page, 'POST', '/api/auth/setup');
    await page.getByRole('button', { name: 'Create admin account' }).click();
    expect((await setupAnswer).status()).toBe(201);
    // Issue 17: setup signs the new admin in and opens Getting started.
    await expect(page).toHaveURL(/\/settings\/start$/);
    await expect(page.getByRole('status').filter({ hasText: 'you are signed in' })).toBeVisible();
  });

  await test.step('open the API keys page', async () => {
    await page
      .getByRole('navigation', { name: 'Settings' })
      .getByRole('link', { name: 'API keys', exact: true })
      .click();
    await expect(page).toHaveURL(/\/settings\/api-keys$/);
    await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
    await expect(page.getByText('No API keys yet')).toBeVisible();
  });

  const secretDialog = page.getByRole('dialog', { name: 'Save your new API key' });

  await test.step('create a key and read its secret from the copy-once dialog', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
    await page.getByLabel('Key name').fill('e2e key');
    const createAnswer = waitForApi(page, 'POST', '/api/keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    expect((await createAnswer).status()).toBe(201);
    await expect(secretDialog).toBeVisible();
    await expect(secretDialog).toContainText(/You won[’']t see it again/);
    secret = await secretDialog.getByLabel('API key').inputValue();
    expect(secret).toMatch(/^gwk_/);

    await secretDialog.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect(secretDialog.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  });

  await test.step('capture the dialog for visual review', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await page.screenshot({
        path: join(ARTIFACTS_DIR, 'screenshots', `api-key-dialog-${colorScheme}.png`),
        animations: 'disabled',
      });
    }
    await page.emulateMedia({ colorScheme: null });
  });

  await test.step('the key authenticates API calls without a cookie', async () => {
    const response = await request.get('/api/me', { headers: { authorization: `Bearer ${secret}` } });
    expect(response.status()).toBe(200);
    const whoAmI = whoAmISchema.parse(await response.json());
    expect(whoAmI).toMatchObject({ authenticatedWith: 'api-key', user: { email: ADMIN.email } });
    keyPrefix = whoAmI.apiKeyPrefix ?? '';
    expect(secret.startsWith(keyPrefix) && keyPrefix.length > 'gwk_'.length).toBe(true);
  });

  const keyRow = page.getByRole('row', { name: /e2e key/ });

  await test.step('after closing the dialog the key is listed by its prefix only', async () => {
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    await expect(secretDialog).toBeHidden();
    await expect(keyRow).toBeVisible();
    await expect(keyRow).toContainText(keyPrefix);
    await expect(page.getByText(secret)).toHaveCount(0);
  });

  await test.step('revoke the key after confirming', async () => {
    await keyRow.getByRole('button', { name: 'Revoke' }).click();
    const confirmDialog = page.getByRole('dialog', { name: 'Revoke this API key?' });
    await expect(confirmDialog).toBeVisible();
    const revokeAnswer = waitForApi(page, 'DELETE', /^\/api\/keys\/[^/]+$/);
    await confirmDialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    expect((await revokeAnswer).status()).toBe(204);
    await expect(confirmDialog).toBeHidden();
    await expect(keyRow).toHaveCount(0);
    await expect(page.getByText('No API keys yet')).toBeVisible();
  });

  await test.step('the revoked key is refused', async () => {
    const response = await request.get('/api/me', { headers: { authorization: `Bearer ${secret}` } });
    expect(response.status()).toBe(401);
    expect(errorEnvelopeSchema.safeParse(await response.json()).success).toBe(true);
  });

  await test.step('sign out ends the session', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'You have signed out' })).toBeVisible();
    const keysResponse = await page.request.get('/api/keys');
    expect(keysResponse.status()).toBe(401);
  });
});

test('a signed-out visitor is sent to sign in, and bad credentials are refused', async ({ page, request }) => {
  await ensureAdminAccount(request);

  await test.step('a settings page redirects to sign-in', async () => {
    await page.goto('/settings/api-keys');
    await expect(page).toHaveURL(/\/login(\?|$)/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  });

  await test.step('an invalid email is caught before submitting', async () => {
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password', { exact: true }).fill('whatever');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('Email must be a valid email address')).toBeVisible();
  });

  await test.step('a wrong password shows the server message', async () => {
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill('definitely not the password');
    const loginAnswer = waitForApi(page, 'POST', '/api/auth/login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await loginAnswer).status()).toBe(401);
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(page.getByRole('alert')).not.toBeEmpty();
    await expect(page).toHaveURL(/\/login(\?|$)/);
  });
});
