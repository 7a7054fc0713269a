import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ChaosProxy,
  type FakeCodexBackend,
  type FakeOpenAiAuth,
  findFreeLoopbackPort,
  startChaosProxy,
  startFakeCodexBackend,
  startFakeOpenAiAuth,
  verifyWithFakeOpenAiAuth,
} from '@pag/testkit';
import { expect, test } from '@playwright/test';
import { ADMIN } from '../support/admin-account.ts';
import { createCheckpoint } from '../support/create-checkpoint.ts';
import { ARTIFACTS_DIR } from '../support/paths.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/start-gateway-process.ts';
import { type NotesExampleProcess, startNotesExample } from '../support/start-notes-example.ts';

// Issue 18, the acceptance of the reference integration: apps/notes-example, built and served on its own loopback
// origin, connects to a gateway through "Connect AI gateway" (OAuth code + PKCE, the consent page on the gateway),
// streams a summary, stops one, gets tags as a list, survives the network dropping mid-answer (the stream resumes:
// the whole text arrives and the upstream was asked once), and shows "Not connected" once the user disconnects it
// in the gateway. The gateway sits behind a chaos proxy (its public URL), so the test can cut the browser's
// connection without touching the server; the Codex fake writes slowly, so there is time to stop and to cut.

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

const SCREENSHOTS = join(ARTIFACTS_DIR, 'screenshots', 'notes-example');
const APP_NAME = 'Notes example';
const NOTE_TITLE = 'Garden plan';

const SUMMARY =
  'Plant tomatoes and basil by the south fence in May, after new compost arrives on Friday; water every morning ' +
  'and ask Sam to water during the trip.';
const LONG_SUMMARY =
  'The note plans a small vegetable garden along the south fence: tomatoes and basil go in during May, the raised ' +
  'bed first gets two bags of fresh compost ordered on Friday, the plants are watered every morning while the ' +
  'weather stays dry, and Sam is asked to take over the watering while the household is away on its trip.';
const REWRITE =
  'Garden plan. In May, plant tomatoes and basil along the south fence. Before that, refresh the raised bed with ' +
  'two bags of compost (order them on Friday). Water every morning in dry weather, and ask Sam to water while we ' +
  'are away.';
const TAGS = ['garden', 'tomatoes', 'planning'];

function upstreamEnvironment(): Record<string, string> {
  const value = process.env.E2E_UPSTREAM_ENVIRONMENT;
  if (value == null) throw new Error('E2E_UPSTREAM_ENVIRONMENT is not set: did the global setup run?');
  return JSON.parse(value) as Record<string, string>;
}

for (const { name: width, viewport } of WIDTHS) {
  test.describe(`the example note app at ${width} width`, () => {
    test.use({ viewport });
    let fakeAuth: FakeOpenAiAuth;
    let fakeCodex: FakeCodexBackend;
    let proxy: ChaosProxy;
    let gateway: GatewayProcess;
    let app: NotesExampleProcess;

    test.beforeAll(async () => {
      test.setTimeout(240_000);
      await mkdir(SCREENSHOTS, { recursive: true });
      // Fakes of this file's own, in this worker: the test queues the Codex answers and counts the upstream calls.
      fakeAuth = await startFakeOpenAiAuth({ deviceInterval: '1' });
      fakeCodex = await startFakeCodexBackend({ verifyAccessToken: verifyWithFakeOpenAiAuth(fakeAuth) });
      // The browser reaches the gateway only through the proxy, which is also the gateway's public URL (its OAuth
      // issuer, the consent page, the address the app is given), as behind a reverse proxy.
      const gatewayPort = await findFreeLoopbackPort();
      proxy = await startChaosProxy({ target: `http://127.0.0.1:${gatewayPort}` });
      gateway = await startGatewayProcess({
        port: gatewayPort,
        environment: {
          ...upstreamEnvironment(),
          GATEWAY_OPENAI_AUTH_URL: fakeAuth.url,
          GATEWAY_CHATGPT_BACKEND_URL: fakeCodex.baseUrl,
          GATEWAY_PUBLIC_URL: proxy.url,
          GATEWAY_BROWSER_SIGN_IN: 'off',
        },
        logFile: join(ARTIFACTS_DIR, `server-notes-example-${width}.log`),
      });
      app = await startNotesExample({ logFile: join(ARTIFACTS_DIR, `notes-example-${width}.log`) });
    });
    test.afterAll(async () => {
      await app?.stop();
      await gateway?.stop();
      await proxy?.close();
      await fakeCodex?.close();
      await fakeAuth?.close();
    });

    const checkpoint = createCheckpoint({ screenshots: SCREENSHOTS, width });

    test(`connect → summarize → stop → tags → resume after a cut → disconnected (${width})`, async ({
      page,
      context,
      request,
    }) => {
      test.setTimeout(240_000);
      const gatewayUrl = (path: string) => `${proxy.url}${path}`;
      const appUrl = (path: string) => `${app.url}${path}`;

      await test.step('sign in to the gateway and connect ChatGPT with a device code', async () => {
        await page.goto(gatewayUrl(`/setup#token=${gateway.setupToken}`));
        await page.getByLabel('Email').fill(ADMIN.email);
        await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
        await page.getByRole('button', { name: 'Create admin account' }).click();
        await expect(page).toHaveURL(/\/settings\/start$/);
        await page.goto(gatewayUrl('/settings/connections'));
        const chatgpt = page.getByRole('region', { name: 'ChatGPT subscription' });
        await chatgpt.getByRole('button', { name: 'Sign in with a code' }).click();
        const code = chatgpt.getByLabel('Sign-in code');
        await expect(code).toHaveValue(/^[A-Z0-9]{4}-[A-Z0-9]{5}$/);
        const approve = await request.post(`${fakeAuth.url}/__testkit/device/approve`, {
          data: { user_code: await code.inputValue() },
        });
        expect(approve.status()).toBe(200);
        await expect(chatgpt.locator('.status-pill')).toHaveText('Connected', { timeout: 15_000 });
      });

      await test.step('the note app starts not connected and says how to connect', async () => {
        await page.goto(appUrl('/'));
        await expect(page.getByRole('heading', { level: 1, name: 'Notes' })).toBeVisible();
        await checkpoint(page, 'note-list');
        await page.getByRole('link', { name: new RegExp(NOTE_TITLE) }).click();
        await expect(page.getByRole('status').filter({ hasText: 'Not connected' })).toBeVisible();
        await checkpoint(page, 'note-not-connected');
      });

      await test.step('Settings → Connect AI gateway → consent on the gateway → back, connected', async () => {
        await page.getByRole('link', { name: 'Open Settings' }).click();
        await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
        await expect(page.getByRole('status').filter({ hasText: 'Not connected' })).toBeVisible();
        await page.getByLabel('Gateway address').fill(proxy.url);
        await checkpoint(page, 'settings-not-connected');
        await page.getByRole('button', { name: 'Connect AI gateway' }).click();
        // The gateway's consent page, on the gateway's own origin: the user is signed in there already.
        await expect(page).toHaveURL(new RegExp(`^${proxy.url}/oauth/`));
        await expect(page.getByText(APP_NAME, { exact: true })).toBeVisible();
        await checkpoint(page, 'consent');
        await page.getByRole('button', { name: /^(Approve|Allow)$/ }).click();
        await expect(page).toHaveURL(appUrl('/settings'), { timeout: 15_000 });
        await expect(page.getByRole('status').filter({ hasText: `Connected to ${proxy.url}` })).toBeVisible();
        await expect(page.getByText('AI connected', { exact: true })).toBeVisible();
        await checkpoint(page, 'settings-connected');
      });

      const answer = (name: string) => page.getByRole('region', { name });
      const answerText = (name: string) => answer(name).locator('.answer-text');

      await test.step('summarize streams the answer in as it is written', async () => {
        await page.getByRole('link', { name: 'All notes' }).click();
        await page.getByRole('link', { name: new RegExp(NOTE_TITLE) }).click();
        fakeCodex.enqueueScenarios({ kind: 'stream', text: SUMMARY, deltaCount: 10, deltaDelayMs: 150 });
        await page.getByRole('button', { name: 'Summarize' }).click();
        // Part of the answer is on the page while the rest is still being written.
        await expect(answer('Summary').getByRole('status')).toHaveText('Writing…');
        await expect(answerText('Summary')).toBeVisible();
        expect(SUMMARY.startsWith((await answerText('Summary').textContent()) ?? '')).toBe(true);
        await checkpoint(page, 'summary-streaming');
        await expect(answerText('Summary')).toHaveText(SUMMARY, { timeout: 15_000 });
        await expect(answer('Summary').getByRole('button', { name: 'Stop' })).toHaveCount(0);
        await checkpoint(page, 'summary-done');
      });

      await test.step('Stop ends an answer where it is and keeps what came', async () => {
        fakeCodex.enqueueScenarios({ kind: 'stream', text: LONG_SUMMARY, deltaCount: 30, deltaDelayMs: 250 });
        await page.getByRole('button', { name: 'Summarize' }).click();
        await expect(answerText('Summary')).toBeVisible();
        await expect(answerText('Summary')).not.toHaveText(SUMMARY);
        await answer('Summary').getByRole('button', { name: 'Stop' }).click();
        await expect(answer('Summary').getByRole('status')).toHaveText('Stopped.');
        const partial = (await answerText('Summary').textContent()) ?? '';
        expect(partial.length).toBeGreaterThan(0);
        expect(partial.length).toBeLessThan(LONG_SUMMARY.length);
        expect(LONG_SUMMARY.startsWith(partial)).toBe(true);
        // Stopped means stopped: nothing more arrives while the upstream would still be writing.
        await page.waitForTimeout(1_000);
        await expect(answerText('Summary')).toHaveText(partial);
        await expect(answer('Summary').getByRole('button', { name: 'Try again' })).toBeVisible();
        await checkpoint(page, 'summary-stopped');
      });

      await test.step('Suggest tags shows the structured answer as a list', async () => {
        fakeCodex.enqueueScenarios({ kind: 'stream', text: JSON.stringify({ tags: TAGS }) });
        await page.getByRole('button', { name: 'Suggest tags' }).click();
        const tags = page.getByRole('list', { name: 'Suggested tags' }).getByRole('listitem');
        await expect(tags).toHaveText(TAGS);
        await checkpoint(page, 'tags');
      });

      await test.step('the network drops mid-answer: the answer completes by resuming, from one upstream call', async () => {
        const callsBefore = fakeCodex.exchanges.length;
        fakeCodex.enqueueScenarios({ kind: 'stream', text: REWRITE, deltaCount: 16, deltaDelayMs: 200 });
        await page.getByRole('button', { name: 'Rewrite' }).click();
        await expect(answerText('Rewrite')).toBeVisible();
        const beforeCut = (await answerText('Rewrite').textContent()) ?? '';
        expect(beforeCut.length).toBeLessThan(REWRITE.length);
        // The connection dies under the browser (RST), not the server: the gateway keeps the answer going.
        expect(proxy.cutOpenConnections()).toBeGreaterThan(0);
        await expect(answerText('Rewrite')).toHaveText(REWRITE, { timeout: 20_000 });
        await expect(answer('Rewrite').getByRole('button', { name: 'Replace the note with this' })).toBeVisible();
        await expect(answer('Rewrite').getByRole('alert')).toHaveCount(0);
        // One answer, one upstream request: the resume read the gateway's stored stream, it did not ask again.
        expect(fakeCodex.exchanges.length).toBe(callsBefore + 1);
        await checkpoint(page, 'rewrite-resumed');
      });

      await test.step('disconnecting the app in the gateway → the note app shows "not connected" on its next call', async () => {
        const gatewayPage = await context.newPage();
        await gatewayPage.goto(gatewayUrl('/settings/start'));
        await gatewayPage
          .getByRole('navigation', { name: 'Settings' })
          .getByRole('link', { name: 'Connected apps' })
          .click();
        await expect(gatewayPage.getByRole('heading', { level: 1, name: 'Connected apps' })).toBeVisible();
        const row = gatewayPage.getByRole('row').filter({ hasText: APP_NAME });
        await expect(row).toBeVisible();
        await checkpoint(gatewayPage, 'gateway-connected-apps');
        await row.getByRole('button', { name: new RegExp(`^(Revoke|Disconnect) ${APP_NAME}$`) }).click();
        await gatewayPage
          .getByRole('dialog')
          .getByRole('button', { name: /^(Revoke|Disconnect)$/ })
          .click();
        await expect(gatewayPage.getByRole('row').filter({ hasText: APP_NAME })).toHaveCount(0);
        await gatewayPage.close();

        await page.bringToFront();
        // Still shown as connected: the app learns of it from the gateway's answer to its next AI call.
        await expect(page.getByText('AI connected', { exact: true })).toBeVisible();
        await page.getByRole('button', { name: 'Suggest tags' }).click();
        await expect(page.getByRole('status').filter({ hasText: 'Not connected' })).toBeVisible();
        await expect(page.getByText('AI not connected', { exact: true })).toBeVisible();
        await expect(page.getByRole('button', { name: 'Summarize' })).toHaveCount(0);
        await checkpoint(page, 'note-disconnected');
        await page.getByRole('link', { name: 'Open Settings' }).click();
        await expect(page.getByRole('status').filter({ hasText: 'Not connected' })).toBeVisible();
        await expect(page.getByRole('button', { name: 'Connect AI gateway' })).toBeVisible();
        await checkpoint(page, 'settings-disconnected');
      });
    });
  });
}
