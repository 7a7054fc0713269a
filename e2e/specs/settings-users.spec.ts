import { join } from 'node:path';
import { type APIRequestContext, type APIResponse, expect, type Page, test } from '@playwright/test';
import { ADMIN, ensureAdminAccount } from '../support/admin-account.ts';
import { ARTIFACTS_DIR } from '../support/paths.ts';

// Issue 16: roles. The admin's Users and Operator pages against the real server, at desktop and phone width; a
// member sees neither and is refused by the API.

type Cookies = Awaited<ReturnType<APIRequestContext['storageState']>>['cookies'];

let clientCount = 0;

/**
 * Sign-ins are limited to 5 a minute per address, and everything in the e2e run connects from 127.0.0.1: each API
 * client of this spec signs in as its own address, which the e2e server (trusting the loopback proxy) believes.
 */
function signInOverApi(request: APIRequestContext, email: string, password: string): Promise<APIResponse> {
  clientCount += 1;
  return request.post('/api/auth/login', {
    data: { email, password },
    headers: { 'x-forwarded-for': `10.16.${clientCount}.1` },
  });
}

async function cookiesOf(
  playwright: { request: { newContext(options: { baseURL?: string }): Promise<APIRequestContext> } },
  baseURL: string | undefined,
  email: string,
  password: string,
): Promise<Cookies> {
  const request = await playwright.request.newContext({ baseURL });
  try {
    const login = await signInOverApi(request, email, password);
    expect(login.status()).toBe(200);
    return (await request.storageState()).cookies;
  } finally {
    await request.dispose();
  }
}

let adminCookies: Cookies = [];

test.beforeAll(async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  await ensureAdminAccount(request);
  await request.dispose();
  adminCookies = await cookiesOf(playwright, baseURL, ADMIN.email, ADMIN.password);
});

async function openAsAdmin(page: Page, path: string) {
  await page.context().addCookies(adminCookies);
  await page.goto(path);
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'screenshots', `${name}.png`), fullPage: true });
}

/** Resolves with the page's next answer to `method` on a path matching `path`. */
function waitForApi(page: Page, method: string, path: RegExp) {
  return page.waitForResponse(
    (response) => response.request().method() === method && path.test(new URL(response.url()).pathname),
  );
}

async function createUserInUi(page: Page, email: string, password: string, isAdmin = false) {
  const form = page.getByRole('region', { name: 'Add a user' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Initial password').fill(password);
  if (isAdmin) await form.getByLabel(/Administrator/).check();
  const answer = waitForApi(page, 'POST', /^\/api\/admin\/users$/);
  await form.getByRole('button', { name: 'Create user' }).click();
  expect((await answer).status()).toBe(201);
  await expect(page.getByRole('status')).toContainText(`Created ${email}`);
}

async function deleteUserInUi(page: Page, email: string) {
  await page.getByRole('button', { name: `Delete ${email}` }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete this user?' });
  await expect(confirm).toContainText(email);
  const answer = waitForApi(page, 'DELETE', /^\/api\/admin\/users\/[^/]+$/);
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  expect((await answer).status()).toBe(204);
  await expect(page.getByRole('row', { name: new RegExp(email) })).toHaveCount(0);
}

async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test.describe('at desktop width', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('issue 16: an admin manages users and the operator setting; a member sees neither', async ({
    page,
    browser,
    playwright,
    baseURL,
  }) => {
    const member = { email: 'member-desktop@example.test', password: 'initial member password' };
    const resetTo = 'the member password after reset';

    await test.step('the admin finds Users under Administration', async () => {
      await openAsAdmin(page, '/settings/api-keys');
      const navigation = page.getByRole('navigation', { name: 'Settings' });
      await expect(navigation.getByRole('heading', { name: 'Administration' })).toBeVisible();
      await navigation.getByRole('link', { name: 'Users' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
      await expect(page.getByRole('row', { name: new RegExp(`${ADMIN.email} \\(you\\)`) })).toContainText('Admin');
    });

    await test.step('create a member, make them an admin and a member again', async () => {
      const form = page.getByRole('region', { name: 'Add a user' });
      await form.getByLabel('Email').fill(member.email);
      await form.getByLabel('Initial password').fill('short');
      await form.getByRole('button', { name: 'Create user' }).click();
      await expect(form.getByText('Initial password must be at least 12 characters')).toBeVisible();
      await expect(form.getByLabel('Initial password')).toBeFocused();
      await createUserInUi(page, member.email, member.password);
      const row = page.getByRole('row', { name: new RegExp(member.email) });
      await expect(row).toContainText('Member');
      await row.getByRole('button', { name: `Make ${member.email} an admin` }).click();
      await expect(row).toContainText('Admin');
      await row.getByRole('button', { name: `Make ${member.email} a member` }).click();
      await expect(row).toContainText('Member');
      await screenshot(page, 'users-desktop');
    });

    await test.step('the last admin cannot step down', async () => {
      await page.getByRole('button', { name: `Make ${ADMIN.email} a member` }).click();
      await expect(page.getByRole('alert').filter({ hasText: 'is the only admin' })).toBeVisible();
    });

    await test.step('reset the member’s password in a dialog', async () => {
      await page.getByRole('button', { name: `Reset the password of ${member.email}` }).click();
      const dialog = page.getByRole('dialog', { name: 'Reset password' });
      await expect(dialog.getByLabel('New password')).toBeFocused();
      await dialog.getByLabel('New password').fill(resetTo);
      const answer = waitForApi(page, 'PUT', /\/password$/);
      await dialog.getByRole('button', { name: 'Set password' }).click();
      expect((await answer).status()).toBe(204);
      await expect(dialog).toBeHidden();
      await expect(page.getByRole('status')).toContainText(`Password of ${member.email} reset`);
    });

    await test.step('the operator setting turns off and back on', async () => {
      await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Operator' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Operator' })).toBeVisible();
      const toggle = page.getByRole('checkbox', { name: 'Allow private upstream addresses' });
      // The e2e server starts with GATEWAY_ALLOW_PRIVATE_UPSTREAMS=true: its fakes listen on loopback.
      await expect(toggle).toBeChecked();
      const off = waitForApi(page, 'PATCH', /^\/api\/admin\/operator-settings$/);
      await toggle.uncheck();
      expect(await (await off).json()).toEqual({ allowPrivateUpstreams: false });
      await screenshot(page, 'operator-desktop');
      const on = waitForApi(page, 'PATCH', /^\/api\/admin\/operator-settings$/);
      await toggle.check();
      expect(await (await on).json()).toEqual({ allowPrivateUpstreams: true });
      await page.reload();
      await expect(page.getByRole('checkbox', { name: 'Allow private upstream addresses' })).toBeChecked();
    });

    await test.step('the member sees no administration and the API refuses them', async () => {
      const memberCookies = await cookiesOf(playwright, baseURL, member.email, resetTo);
      const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
      try {
        await context.addCookies(memberCookies);
        const memberPage = await context.newPage();
        await memberPage.goto('/settings/api-keys');
        await expect(memberPage.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
        const navigation = memberPage.getByRole('navigation', { name: 'Settings' });
        await expect(navigation.getByRole('link', { name: 'Connections' })).toBeVisible();
        await expect(navigation.getByRole('link', { name: 'Users' })).toHaveCount(0);
        await expect(navigation.getByRole('link', { name: 'Operator' })).toHaveCount(0);
        await memberPage.goto('/settings/users');
        await expect(memberPage.getByRole('heading', { level: 1, name: 'Admins only' })).toBeVisible();
        const refused = await context.request.get('/api/admin/users');
        expect(refused.status()).toBe(403);
        expect((await refused.json()).error.message).toMatch(/Only an admin/);
      } finally {
        await context.close();
      }
    });

    await test.step('delete the member after confirming', async () => {
      await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Users' }).click();
      await deleteUserInUi(page, member.email);
    });
  });
});

test.describe('at phone width', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('issue 16: the Users and Operator pages work on a phone', async ({ page }) => {
    const email = 'member-phone@example.test';
    await openAsAdmin(page, '/settings/api-keys');
    const navigation = page.getByRole('navigation', { name: 'Settings' });
    await navigation.getByRole('link', { name: 'Users' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
    await createUserInUi(page, email, 'initial phone password', true);
    const row = page.getByRole('row', { name: new RegExp(email) });
    await expect(row).toContainText('Admin');
    // Neither the page nor the table scrolls sideways: every user's email and actions are in view.
    await expectNoSidewaysScroll(page);
    const tableOverflow = await page
      .locator('.table-scroll')
      .evaluate((scroller) => scroller.scrollWidth - scroller.clientWidth);
    expect(tableOverflow).toBeLessThanOrEqual(0);
    await row.getByRole('button', { name: `Make ${email} a member` }).click();
    await expect(row).toContainText('Member');
    await screenshot(page, 'users-phone');

    await navigation.getByRole('link', { name: 'Operator' }).click();
    await expect(page.getByRole('checkbox', { name: 'Allow private upstream addresses' })).toBeVisible();
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'operator-phone');

    await navigation.getByRole('link', { name: 'Users' }).click();
    await deleteUserInUi(page, email);
  });
});
