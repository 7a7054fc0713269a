import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_FAKE_OPENAI_API_KEY } from '@pag/testkit';
import { expect, type Page, test } from '@playwright/test';
import { ADMIN } from '../support/admin-account.ts';
import { createCheckpoint } from '../support/create-checkpoint.ts';
import { ARTIFACTS_DIR } from '../support/paths.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/start-gateway-process.ts';

// Issue 17, "the first hour": a new user walks from setup to an app using the gateway — Getting started, a device
// code sign-in, a key, the Playground, a snippet — at desktop and phone width, on a gateway of its own with a fresh
// database, configured as docker-compose.yml runs it (browser sign-in cannot come back, so the device code is
// recommended). At every step nothing overflows its box or the viewport, and every error shown is one plain sentence.

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

const SCREENSHOTS = join(ARTIFACTS_DIR, 'screenshots', 'first-hour');
const CURL = '/usr/bin/curl';

function environmentValue(name: 'E2E_FAKE_AUTH_URL' | 'E2E_FAKE_CODEX_URL' | 'E2E_FAKE_OPENAI_URL'): string {
  const value = process.env[name];
  if (value == null) throw new Error(`${name} is not set: did the global setup run?`);
  return value;
}

function upstreamEnvironment(): Record<string, string> {
  const value = process.env.E2E_UPSTREAM_ENVIRONMENT;
  if (value == null) throw new Error('E2E_UPSTREAM_ENVIRONMENT is not set: did the global setup run?');
  return JSON.parse(value) as Record<string, string>;
}

for (const { name: width, viewport } of WIDTHS) {
  test.describe(`the first hour at ${width} width`, () => {
    test.use({ viewport });
    let gateway: GatewayProcess;

    test.beforeAll(async () => {
      await mkdir(SCREENSHOTS, { recursive: true });
      gateway = await startGatewayProcess({
        // What docker-compose.yml pins: the sign-in callback port is not reachable from the browser.
        environment: { ...upstreamEnvironment(), GATEWAY_BROWSER_SIGN_IN: 'off' },
        logFile: join(ARTIFACTS_DIR, `server-first-hour-${width}.log`),
      });
    });
    test.afterAll(async () => {
      await gateway?.stop();
    });

    const checkpoint = createCheckpoint({ screenshots: SCREENSHOTS, width });

    const stepOf = (page: Page, title: string) => page.getByRole('listitem').filter({ hasText: title });

    test(`setup → getting started → device sign-in → key → playground → snippet (${width})`, async ({
      page,
      context,
      request,
    }) => {
      const url = (path: string) => `${gateway.baseUrl}${path}`;

      await test.step('setup signs the new admin in and opens Getting started', async () => {
        await page.goto(url(`/setup#token=${gateway.setupToken}`));
        await expect(page.getByRole('heading', { name: 'Set up your gateway' })).toBeVisible();
        await checkpoint(page, 'setup');
        await page.getByLabel('Email').fill(ADMIN.email);
        await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
        await page.getByRole('button', { name: 'Create admin account' }).click();
        await expect(page).toHaveURL(/\/settings\/start$/);
        await expect(page.getByRole('heading', { level: 1, name: 'Getting started' })).toBeVisible();
        await expect(page.getByRole('status').filter({ hasText: 'you are signed in' })).toBeVisible();
        await expect(page.getByText('0 of 4 done')).toBeVisible();
        await expect(stepOf(page, 'Connect a provider')).toContainText('(to do)');
        // Every section of the settings is in sight, on a phone too: none hidden in a sideways strip.
        for (const link of await page.getByRole('navigation', { name: 'Settings' }).getByRole('link').all()) {
          await expect(link).toBeInViewport({ ratio: 1 });
        }
        await checkpoint(page, 'getting-started');
      });

      await test.step('the chooser recommends the device code where browser sign-in cannot come back, and offers paste', async () => {
        await stepOf(page, 'Connect a provider').getByRole('link', { name: 'Open Connections' }).click();
        await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
        for (const group of ['Subscription', 'Provider keys', 'Advanced']) {
          await expect(page.getByRole('heading', { level: 2, name: group })).toBeVisible();
        }
        const chatgpt = page.getByRole('region', { name: 'ChatGPT subscription' });
        const device = chatgpt.getByRole('listitem').filter({ hasText: 'Sign in with a code' });
        await expect(device).toContainText('Recommended here.');
        await expect(chatgpt.getByRole('button', { name: 'Sign in and paste the address' })).toBeVisible();
        await expect(chatgpt.getByRole('listitem').filter({ hasText: 'Sign in in this browser' })).toContainText(
          'Probably not here',
        );
        // The Google account is one fold away, not a third of the page.
        await expect(page.getByRole('region', { name: 'Google account for Gemini' })).toBeHidden();
        await checkpoint(page, 'connections');
      });

      await test.step('a wrong provider key is refused in one plain sentence, the details folded', async () => {
        const openai = page.getByRole('region', { name: 'OpenAI-compatible API key' });
        await openai.getByRole('button', { name: 'Add a key' }).click();
        await openai.getByRole('textbox', { name: 'API key', exact: true }).fill('sk-wrong-key');
        await openai.getByLabel('Base URL').fill(environmentValue('E2E_FAKE_OPENAI_URL'));
        await openai.getByRole('button', { name: 'Check and save' }).click();
        const refusal = openai.getByRole('alert');
        await expect(refusal).toContainText('The key did not work: check the key (and the base URL), then try again.');
        await expect(refusal.getByText('Details')).toBeVisible();
        await checkpoint(page, 'provider-key-refused');
        await openai.getByRole('textbox', { name: 'API key', exact: true }).fill(DEFAULT_FAKE_OPENAI_API_KEY);
        await openai.getByRole('button', { name: 'Cancel' }).click();
      });

      await test.step('sign in with a device code that fits its box, approved at the fake OpenAI', async () => {
        const chatgpt = page.getByRole('region', { name: 'ChatGPT subscription' });
        await chatgpt.getByRole('button', { name: 'Sign in with a code' }).click();
        const code = chatgpt.getByLabel('Sign-in code');
        await expect(code).toHaveValue(/^[A-Z0-9]{4}-[A-Z0-9]{5}$/);
        // The case: "SGUA-47094" showed as "SGUA-4709". The whole code is inside the field.
        const fit = await code.evaluate((input: HTMLInputElement) => ({
          content: input.scrollWidth,
          box: input.clientWidth,
        }));
        expect(fit.content).toBeLessThanOrEqual(fit.box);
        await checkpoint(page, 'device-code');
        const approve = await request.post(`${environmentValue('E2E_FAKE_AUTH_URL')}/__testkit/device/approve`, {
          data: { user_code: await code.inputValue() },
        });
        expect(approve.status()).toBe(200);
        await expect(chatgpt.locator('.status-pill')).toHaveText('Connected', { timeout: 15_000 });
        // What to do after connecting.
        await expect(page.getByRole('status').filter({ hasText: 'Next, create an API key' })).toBeVisible();
        await checkpoint(page, 'connected');
      });

      let secret = '';
      let curlSnippet = '';
      await test.step('create a key; the dialog shows how to use it, with copyable snippets', async () => {
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway.baseUrl });
        await page.getByRole('status').getByRole('link', { name: 'create an API key' }).click();
        await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
        await page.getByLabel('Key name').fill('my notes app');
        await page.getByRole('button', { name: 'Create key' }).click();
        const dialog = page.getByRole('dialog', { name: 'Save your new API key' });
        await expect(dialog).toBeVisible();
        secret = await dialog.getByLabel('API key').inputValue();
        expect(secret).toMatch(/^gwk_/);
        const tabs = dialog.getByRole('tablist');
        await expect(tabs.getByRole('tab')).toHaveText(['Note app', 'OpenAI SDK', 'curl']);
        await expect(dialog.getByRole('tabpanel')).toContainText(`${gateway.baseUrl}/api/ai/chat`);
        await checkpoint(page, 'key-dialog-note-api');
        await tabs.getByRole('tab', { name: 'OpenAI SDK' }).click();
        await expect(dialog.getByRole('tabpanel')).toContainText(`baseURL: '${gateway.baseUrl}/v1'`);
        await dialog.getByRole('button', { name: 'Copy snippet' }).click();
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        expect(copied).toContain(`baseURL: '${gateway.baseUrl}/v1', apiKey: '${secret}'`);
        await checkpoint(page, 'key-dialog-openai-sdk');
        await tabs.getByRole('tab', { name: 'curl' }).click();
        await dialog.getByRole('button', { name: 'Copy snippet' }).click();
        curlSnippet = await page.evaluate(() => navigator.clipboard.readText());
        expect(curlSnippet).toMatch(/^curl http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions/);
        await checkpoint(page, 'key-dialog-curl');
        await dialog.getByRole('button', { name: 'Done' }).click();
        // The keys table shows every column, Revoke included, without sideways scrolling.
        await expect(page.getByRole('button', { name: 'Revoke my notes app' })).toBeInViewport({ ratio: 1 });
        await checkpoint(page, 'api-keys');
      });

      await test.step('try it in the Playground, and read a usage limit in local time', async () => {
        await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Playground' }).click();
        await expect(page.getByRole('heading', { level: 1, name: 'Playground' })).toBeVisible();
        await page.getByRole('textbox', { name: 'Prompt' }).fill('Say hello');
        await page.getByRole('button', { name: 'Send' }).click();
        await expect(page.getByRole('region', { name: 'Answer' })).toContainText('Hello from the fake Codex backend.');
        await checkpoint(page, 'playground');

        const limit = await request.post(`${environmentValue('E2E_FAKE_CODEX_URL')}/__testkit/scenarios`, {
          data: { scenarios: [{ kind: 'usage-limit', resetsInSeconds: 5400 }] },
        });
        expect(limit.status()).toBe(200);
        await page.getByRole('button', { name: 'Send' }).click();
        const failure = page.getByRole('alert').filter({ hasText: 'The request failed' });
        await expect(failure).toContainText(
          /Your ChatGPT usage limit is reached: it resets (at|on) .+ \(in 1 h (30|29) min\)\./,
        );
        await checkpoint(page, 'playground-usage-limit');
      });

      await test.step('the MCP address says that ChatGPT and Claude need a public https address', async () => {
        await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Connected apps' }).click();
        await expect(page.getByLabel('MCP server address')).toHaveValue(`${gateway.baseUrl}/mcp`);
        await expect(page.getByText('ChatGPT and Claude cannot use this address.')).toBeVisible();
        await checkpoint(page, 'connected-apps');
      });

      await test.step('the copied curl snippet works as it is, and Getting started ticks every step', async () => {
        if (existsSync(CURL)) {
          const { stdout } = await promisify(execFile)('sh', ['-c', `${curlSnippet} --silent --show-error`], {
            timeout: 30_000,
          });
          expect(JSON.parse(stdout)).toMatchObject({ object: 'chat.completion' });
        } else {
          // No curl on this machine: the same request the snippet makes.
          const answer = await request.post(`${gateway.baseUrl}/v1/chat/completions`, {
            headers: { authorization: `Bearer ${secret}` },
            data: { model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Hello!' }] },
          });
          expect(answer.status()).toBe(200);
        }
        await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Getting started' }).click();
        await expect(page.getByText('4 of 4 done')).toBeVisible();
        for (const title of [
          'Connect a provider',
          'Create an API key',
          'Try it in the Playground',
          'Use it from your app',
        ]) {
          await expect(stepOf(page, title)).toContainText('(done)');
        }
        await expect(page.getByRole('status').filter({ hasText: 'All set.' })).toBeVisible();
        await checkpoint(page, 'all-set');
      });
    });
  });
}
