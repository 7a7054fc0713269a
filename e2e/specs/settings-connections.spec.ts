import { join } from 'node:path';
import { DEFAULT_FAKE_OPENAI_API_KEY } from '@pag/testkit';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { ADMIN, ensureAdminAccount } from '../support/admin-account.ts';
import { ARTIFACTS_DIR } from '../support/paths.ts';

// The Connections page against the real server, whose auth.openai.com is the testkit fake (started by the global
// setup): connect ChatGPT with a device code approved through the fake's test hook, see the account, add and
// remove an API key checked against the fake OpenAI API, flip the fallback, disconnect.

function fakeUrl(name: 'E2E_FAKE_AUTH_URL' | 'E2E_FAKE_OPENAI_URL' | 'E2E_FAKE_CODEX_URL'): string {
  const value = process.env[name];
  if (value == null) throw new Error(`${name} is not set: did the global setup run?`);
  return value;
}

/** One sign-in for the whole file (sign-ins are rate limited per address); each test starts with its cookies. */
let sessionCookies: Awaited<ReturnType<APIRequestContext['storageState']>>['cookies'] = [];

test.beforeAll(async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  await ensureAdminAccount(request);
  const login = await request.post('/api/auth/login', { data: { email: ADMIN.email, password: ADMIN.password } });
  expect(login.status()).toBe(200);
  sessionCookies = (await request.storageState()).cookies;
  await request.dispose();
});

async function signIn(page: Page) {
  await page.context().addCookies(sessionCookies);
  await page.goto('/settings/api-keys');
  await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
}

/** A section of the settings, from the navigation (other links on a page may name it too). */
function nav(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name, exact: true });
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'screenshots', `${name}.png`), fullPage: true });
}

test('connect ChatGPT by device code, manage an API key and the fallback, then disconnect', async ({
  page,
  request,
}) => {
  await signIn(page);
  await nav(page, 'Connections').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
  const chatgpt = page.getByRole('region', { name: 'ChatGPT subscription' });
  await expect(chatgpt.getByText('Not connected')).toBeVisible();
  await screenshot(page, 'connections-empty');

  await test.step('connect with a device code approved at the fake auth server', async () => {
    await chatgpt.getByRole('button', { name: 'Sign in with a code' }).click();
    const code = chatgpt.getByLabel('Sign-in code');
    await expect(code).toHaveValue(/\S+/);
    await expect(chatgpt.getByText(/Waiting for you to approve at OpenAI… expires in \d+:\d\d/)).toBeVisible();
    await screenshot(page, 'connections-device-code');
    const approve = await request.post(`${fakeUrl('E2E_FAKE_AUTH_URL')}/__testkit/device/approve`, {
      data: { user_code: await code.inputValue() },
    });
    expect(approve.status()).toBe(200);
    await expect(chatgpt.locator('.status-pill')).toHaveText('Connected', { timeout: 15_000 });
    await expect(chatgpt.getByText('user@example.com')).toBeVisible();
    await expect(chatgpt.getByText('plus', { exact: true })).toBeVisible();
    // Issue 19: the quota meters show right after connecting, before any request (the usage endpoint is asked).
    await expect(chatgpt.getByText('5-hour limit')).toBeVisible();
    await expect(chatgpt.getByText('Weekly limit')).toBeVisible();
    await expect(chatgpt.getByText(/\d+% used/).first()).toBeVisible();
    await screenshot(page, 'connections-connected');
  });

  await test.step('stream an answer in the playground, then see the usage limit explained', async () => {
    await nav(page, 'Playground').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Playground' })).toBeVisible();
    await expect(
      page.getByRole('combobox', { name: 'Model' }).locator('option', { hasText: 'chatgpt' }).first(),
    ).toBeAttached();
    await page.getByRole('textbox', { name: 'Prompt' }).fill('Say hello');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.getByRole('region', { name: 'Answer' });
    await expect(answer).toContainText('Hello from the fake Codex backend.');
    await expect(answer).toContainText(/chatgpt\/gpt-[\w.-]+ · \d+ in \/ \d+ out tokens · first token \d+ ms/);
    await screenshot(page, 'playground-answer');

    const limit = await request.post(`${fakeUrl('E2E_FAKE_CODEX_URL')}/__testkit/scenarios`, {
      data: { scenarios: [{ kind: 'usage-limit', resetsInSeconds: 5400 }] },
    });
    expect(limit.status()).toBe(200);
    await page.getByRole('button', { name: 'Send' }).click();
    const failure = page.getByRole('alert').filter({ hasText: 'The request failed' });
    await expect(failure).toContainText(/usage limit is reached/);
    await expect(failure).toContainText(/resets (at|on) .+ \(in 1 h (30|29) min\)/);
    await screenshot(page, 'playground-usage-limit');
  });

  await test.step('pick a default model and edit a feature prompt', async () => {
    await nav(page, 'Models & features').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Models & features' })).toBeVisible();
    await page.getByLabel('When a request names no model').selectOption('chatgpt/gpt-5.4');
    await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
    const summarize = page.getByRole('region', { name: 'summarize' });
    await expect(summarize.locator('.status-pill')).toHaveText('Built-in');
    await summarize.getByLabel('Prompt').fill('Summarize in one line.');
    await summarize.getByRole('button', { name: 'Save' }).click();
    await expect(summarize.locator('.status-pill')).toHaveText('Edited');
    await screenshot(page, 'models-and-features');
    await summarize.getByRole('button', { name: 'Restore built-in' }).click();
    await expect(summarize.locator('.status-pill')).toHaveText('Built-in');
    await expect(summarize.getByLabel('Prompt')).not.toHaveValue('Summarize in one line.');
    await page.getByLabel('When a request names no model').selectOption('');
    await nav(page, 'Connections').click();
  });

  await test.step('the connection now shows the plan’s usage windows', async () => {
    await nav(page, 'Connections').click();
    await expect(chatgpt.getByRole('meter', { name: '5-hour limit' })).toBeVisible();
    await expect(chatgpt.getByRole('meter', { name: 'Weekly limit' })).toBeVisible();
    await expect(chatgpt.getByText(/Resets (at|on) .+ \(in .+\)/).first()).toBeVisible();
    await screenshot(page, 'connections-quota');
  });

  const openai = page.getByRole('region', { name: 'OpenAI-compatible API key' });
  await test.step('a wrong key is refused inline, a right one is saved masked', async () => {
    await openai.getByRole('button', { name: 'Add a key' }).click();
    await openai.getByRole('textbox', { name: 'API key', exact: true }).fill('sk-wrong-key');
    await openai.getByLabel('Base URL').fill(fakeUrl('E2E_FAKE_OPENAI_URL'));
    await openai.getByRole('button', { name: 'Check and save' }).click();
    await expect(openai.getByRole('alert')).toContainText('The key did not work');
    // The gateway's technical words are one click away, not in the sentence.
    await openai.getByRole('alert').getByText('Details').click();
    await expect(openai.getByRole('alert')).toContainText(
      `The key did not work with ${fakeUrl('E2E_FAKE_OPENAI_URL')}`,
    );
    await openai.getByRole('textbox', { name: 'API key', exact: true }).fill(DEFAULT_FAKE_OPENAI_API_KEY);
    await openai.getByRole('button', { name: 'Check and save' }).click();
    await expect(openai.locator('.status-pill')).toHaveText('Saved');
    await expect(openai.getByText(`••••${DEFAULT_FAKE_OPENAI_API_KEY.slice(-4)}`)).toBeVisible();
    await expect(page.getByText(DEFAULT_FAKE_OPENAI_API_KEY)).toHaveCount(0);
    await screenshot(page, 'connections-api-key');
  });

  await test.step('the fallback toggle is saved; a provider without a key cannot take over', async () => {
    const toggle = page.getByLabel('Use my API keys when my subscription is limited');
    await expect(toggle).not.toBeChecked();
    await toggle.check();
    await expect(toggle).toBeChecked();
    const openaiFallback = page.getByLabel('OpenAI-compatible key');
    await expect(openaiFallback).toBeEnabled();
    await expect(openaiFallback).toBeChecked();
    // Issue 17: no Gemini key, so Gemini is neither ticked nor available, and the page says what to add.
    const gemini = page.getByLabel('Gemini (key or Google account)');
    await expect(gemini).toBeDisabled();
    await expect(gemini).not.toBeChecked();
    // Issue 20: nor is Anthropic, without its key; both say what to add.
    const anthropic = page.getByLabel('Anthropic key');
    await expect(anthropic).toBeDisabled();
    await expect(anthropic).not.toBeChecked();
    await expect(page.getByText('add its key under Provider keys first')).toHaveCount(2);
    await openaiFallback.uncheck();
    await expect(openaiFallback).not.toBeChecked();
    await page.reload();
    await expect(page.getByLabel('Use my API keys when my subscription is limited')).toBeChecked();
    await expect(page.getByLabel('OpenAI-compatible key')).not.toBeChecked();
    await expect(page.getByLabel('Gemini (key or Google account)')).not.toBeChecked();
    await page.getByLabel('OpenAI-compatible key').check();
    await expect(page.getByLabel('OpenAI-compatible key')).toBeChecked();
  });

  await test.step('the saved key is removed after confirming', async () => {
    await openai.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect(openai.locator('.status-pill')).toHaveText('Not set');
  });

  await test.step('choose how reasoning reaches an OpenAI client, per API key', async () => {
    await nav(page, 'API keys').click();
    await page.getByLabel('Key name').fill('open webui');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    const select = page.getByRole('combobox', { name: 'Reasoning in apps, for open webui' });
    await expect(select).toHaveValue('field');
    const saved = page.waitForResponse((response) => response.request().method() === 'PATCH');
    await select.selectOption('think-tags');
    expect((await saved).status()).toBe(200);
    await page.reload();
    await expect(page.getByRole('combobox', { name: 'Reasoning in apps, for open webui' })).toHaveValue('think-tags');
    await screenshot(page, 'api-keys-reasoning');
    await nav(page, 'Connections').click();
  });

  await test.step('disconnect after confirming', async () => {
    await chatgpt.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
    await expect(chatgpt.locator('.status-pill')).toHaveText('Not connected');
  });
});

test('connect ChatGPT by pasting the address the browser could not load', async ({ page, request }) => {
  await signIn(page);
  await page.goto('/settings/connections');
  const chatgpt = page.getByRole('region', { name: 'ChatGPT subscription' });
  await chatgpt.getByRole('button', { name: 'Sign in and paste the address' }).click();
  const field = chatgpt.getByLabel(/Paste the address/);
  await field.fill('http://localhost:1455/auth/callback?state=only');
  await chatgpt.getByRole('button', { name: 'Connect' }).click();
  await expect(chatgpt.getByRole('alert')).toContainText('no sign-in code');

  // What a person does in another browser: sign in at OpenAI (the fake approves at once) and copy the address
  // of the page that fails to load.
  const modes = await request.post(`${fakeUrl('E2E_FAKE_AUTH_URL')}/__testkit/modes`, { data: { autoApprove: true } });
  expect(modes.status()).toBe(200);
  const authorizeUrl = await chatgpt.getByRole('link', { name: 'open the OpenAI sign-in page' }).getAttribute('href');
  const atOpenAi = await request.get(authorizeUrl ?? '', { maxRedirects: 0 });
  expect(atOpenAi.status()).toBe(302);
  const redirect = atOpenAi.headers().location ?? '';
  expect(redirect).toMatch(/^http:\/\/(localhost|127\.0\.0\.1):1455\/auth\/callback\?code=/);
  await field.fill(redirect);
  await chatgpt.getByRole('button', { name: 'Connect' }).click();
  await expect(chatgpt.locator('.status-pill')).toHaveText('Connected', { timeout: 15_000 });
  await screenshot(page, 'connections-pasted');
  await chatgpt.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
  await expect(chatgpt.locator('.status-pill')).toHaveText('Not connected');
});

test('connect a Google account with the user’s own OAuth client and ask Gemini through it', async ({ page }) => {
  await signIn(page);
  await page.goto('/settings/connections');
  const google = page.getByRole('region', { name: 'Google account for Gemini' });
  // Issue 17: the Google account is folded away behind its choice, as the simpler Gemini key comes first.
  await expect(google).toBeHidden();
  await page.getByText('Use a Google account instead of a Gemini API key').click();
  await expect(google.locator('.status-pill')).toHaveText('Not set up');
  await expect(google.getByLabel('Redirect URI')).toHaveValue(/\/api\/connections\/google\/callback$/);
  await google.getByLabel('Client id').fill(process.env.E2E_GOOGLE_CLIENT_ID ?? '');
  await google.getByLabel('Client secret').fill(process.env.E2E_GOOGLE_CLIENT_SECRET ?? '');
  await google.getByRole('button', { name: 'Save client' }).click();
  await expect(google.getByText(/^••••/)).toBeVisible();
  // A real round trip: the browser leaves for the (fake) Google consent page and comes back to the gateway.
  await google.getByRole('button', { name: 'Connect Google account' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your Google account is connected' })).toBeVisible();
  await expect(page).toHaveURL(/\/settings\/connections$/);
  await expect(google.locator('.status-pill')).toHaveText('Connected');
  await screenshot(page, 'connections-google');

  await nav(page, 'Playground').click();
  await page.getByRole('combobox', { name: 'Model' }).selectOption('gemini/gemini-3.5-flash');
  await page.getByRole('textbox', { name: 'Prompt' }).fill('Hello Gemini');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('region', { name: 'Answer' })).toContainText('gemini/gemini-3.5-flash');

  await nav(page, 'Connections').click();
  await google.getByRole('button', { name: 'Remove client' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(google.locator('.status-pill')).toHaveText('Not set up');
});

test('the Connections page fits a phone screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  await page.goto('/settings/connections');
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'connections-mobile');
});
