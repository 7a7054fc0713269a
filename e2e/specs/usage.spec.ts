import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CSRF_HEADER, createdApiKeySchema, sessionStateSchema } from '@pag/contracts';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { ADMIN } from '../support/admin-account.ts';
import { findOverflows } from '../support/find-overflows.ts';
import { ARTIFACTS_DIR } from '../support/paths.ts';
import { seedUsageEvents } from '../support/seed-usage-events.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/start-gateway-process.ts';

// Issue 19: the Usage page on a gateway of its own — first with an empty ledger (the empty state says how to get
// data), then with ledger rows across providers, a key and the Playground (totals, charts, breakdowns), then the
// request log's filters and CSV export. At desktop and phone width nothing overflows; screenshots of each.

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

const SCREENSHOTS = join(ARTIFACTS_DIR, 'screenshots', 'usage');

test.describe.configure({ mode: 'serial' });

test.describe('issue 19: the Usage page', () => {
  let gateway: GatewayProcess;
  let userId: string;
  let keyId: string;

  test.beforeAll(async ({ playwright }) => {
    await mkdir(SCREENSHOTS, { recursive: true });
    gateway = await startGatewayProcess({ environment: {}, logFile: join(ARTIFACTS_DIR, 'server-usage.log') });
    const request = await playwright.request.newContext({ baseURL: gateway.baseUrl });
    try {
      const setup = await request.post('/api/auth/setup', {
        data: { token: gateway.setupToken, email: ADMIN.email, password: ADMIN.password },
      });
      expect(setup.status()).toBe(201);
      const session = await readSession(request);
      userId = session.userId;
      const created = await request.post('/api/keys', {
        data: { name: 'Notes app' },
        headers: { [CSRF_HEADER]: session.csrfToken },
      });
      expect(created.status()).toBe(201);
      keyId = createdApiKeySchema.parse(await created.json()).key.id;
    } finally {
      await request.dispose();
    }
  });
  test.afterAll(async () => {
    await gateway?.stop();
  });

  async function signIn(page: Page) {
    await page.goto(`${gateway.baseUrl}/login`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/settings\//);
  }

  /** At each width: the page as it is, a full-page screenshot, and nothing wider than its box or the viewport. */
  async function checkAtEachWidth(page: Page, name: string, ready: () => Promise<void>) {
    for (const { name: width, viewport } of WIDTHS) {
      await page.setViewportSize(viewport);
      await ready();
      await page.screenshot({
        path: join(SCREENSHOTS, `${width}-${name}.png`),
        fullPage: true,
        animations: 'disabled',
      });
      expect(await findOverflows(page), `overflows on "${name}" (${width})`).toEqual([]);
    }
  }

  test('issue 19: with no usage yet, the page says how to get data', async ({ page }) => {
    await signIn(page);
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Usage' }).click();
    await expect(page).toHaveURL(/\/settings\/usage$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Usage' })).toBeVisible();
    const empty = page.getByRole('region', { name: 'No requests in this period' });
    await checkAtEachWidth(page, 'empty', async () => {
      await expect(empty).toBeVisible();
      await expect(empty).toContainText('Make a request with a key, or try the Playground');
      await expect(page.getByRole('region', { name: 'Subscription limits' })).toContainText('No limits reported yet');
    });
    await expect(page.getByRole('region', { name: 'Request log' })).toHaveCount(0);
    await empty.getByRole('link', { name: 'Open the Playground' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Playground' })).toBeVisible();
  });

  test('issue 19: with usage, totals, the chart by day and the breakdowns', async ({ page }) => {
    seedUsageEvents(gateway.dataDir, userId, [
      {
        hoursAgo: 1,
        callerKind: 'api-key',
        apiKeyId: keyId,
        route: '/v1/chat/completions',
        provider: 'chatgpt',
        model: 'chatgpt/gpt-5.5',
        inputTokens: 1200,
        outputTokens: 300,
        durationMs: 1800,
        status: 200,
        isSubscription: true,
        apiPriceMicros: 4000,
      },
      {
        hoursAgo: 2,
        callerKind: 'api-key',
        apiKeyId: keyId,
        route: '/v1/chat/completions',
        provider: 'chatgpt',
        model: 'chatgpt/gpt-5.5',
        durationMs: 300,
        status: 429,
        errorCode: 'usage_limit_reached',
        isSubscription: true,
      },
      {
        hoursAgo: 26,
        callerKind: 'api-key',
        apiKeyId: keyId,
        route: '/v1/chat/completions',
        provider: 'chatgpt',
        model: 'chatgpt/gpt-5.5',
        inputTokens: 800,
        outputTokens: 200,
        durationMs: 1200,
        status: 200,
        isSubscription: true,
        apiPriceMicros: 2500,
      },
      {
        hoursAgo: 27,
        callerKind: 'api-key',
        apiKeyId: keyId,
        route: '/v1/chat/completions',
        provider: 'openai',
        model: 'openai/gpt-4.1',
        inputTokens: 500,
        outputTokens: 100,
        durationMs: 900,
        status: 200,
        fallbackFrom: 'chatgpt/gpt-5.5',
        isSubscription: false,
        apiPriceMicros: 1800,
      },
      {
        hoursAgo: 74,
        callerKind: 'session',
        route: '/api/ai/stream',
        feature: 'chat',
        provider: 'chatgpt',
        model: 'chatgpt/gpt-5.5',
        inputTokens: 100,
        outputTokens: 50,
        durationMs: 700,
        status: 200,
        isSubscription: true,
        apiPriceMicros: 400,
      },
      {
        hoursAgo: 75,
        callerKind: 'session',
        route: '/api/ai/stream',
        feature: 'chat',
        provider: 'gemini',
        model: 'gemini/gemini-2.5-flash',
        durationMs: 400,
        status: 502,
        errorCode: 'upstream_error',
        isSubscription: false,
      },
    ]);
    await signIn(page);
    await page.goto(`${gateway.baseUrl}/settings/usage`);
    const totals = page.getByRole('region', { name: 'Totals' });
    const tile = (label: string) =>
      totals.locator('.usage-total').filter({ has: page.getByText(label, { exact: true }) });
    const breakdown = page.getByRole('region', { name: 'Breakdown' });
    await checkAtEachWidth(page, 'with-data', async () => {
      await expect(tile('Requests')).toContainText('6');
      await expect(tile('Errors')).toContainText('2');
      await expect(tile('Tokens')).toContainText('3,250');
      await expect(page.getByRole('img', { name: 'Tokens per day' })).toBeVisible();
      await expect(breakdown.getByRole('rowheader')).toHaveCount(3);
    });
    // The chart's numbers are also a table; the breakdown answers each dimension.
    await page.getByRole('region', { name: 'By day' }).getByText('Show as a table').click();
    await expect(page.getByRole('table', { name: 'Tokens per day' }).getByRole('row')).not.toHaveCount(0);
    await breakdown.getByLabel('By').selectOption('model');
    await expect(breakdown.getByRole('rowheader')).toHaveCount(3);
    await expect(breakdown.getByRole('rowheader').first()).toContainText('gpt-5.5');
    await breakdown.getByLabel('By').selectOption('key');
    await expect(breakdown.getByRole('rowheader').filter({ hasText: 'Notes app' })).toHaveCount(1);
  });

  test('issue 19: the request log filters by status and key, and exports the same rows as CSV', async ({ page }) => {
    await signIn(page);
    await page.goto(`${gateway.baseUrl}/settings/usage`);
    const log = page.getByRole('region', { name: 'Request log' });
    const rows = log.getByRole('table', { name: 'Requests, newest first' }).locator('tbody tr');
    await expect(rows).toHaveCount(6);

    await log.getByLabel('Status').selectOption('error');
    await expect(rows).toHaveCount(2);
    await log.getByLabel('Key or app').selectOption({ label: 'Key: Notes app' });
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('usage_limit_reached');
    await checkAtEachWidth(page, 'request-log-filtered', async () => {
      await expect(rows).toHaveCount(1);
    });

    const exportLink = log.getByRole('link', { name: 'Export CSV' });
    const href = await exportLink.getAttribute('href');
    expect(href).toContain('status=error');
    expect(href).toContain(`keyId=${encodeURIComponent(keyId)}`);
    expect(href).toContain('format=csv');
    const csv = await page.request.get(`${gateway.baseUrl}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const text = await csv.text();
    expect(text).toContain('usage_limit_reached');
    expect(text).not.toContain('upstream_error');

    await log.getByLabel('Status').selectOption('ok');
    await log.getByLabel('Model').selectOption('openai/gpt-4.1');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('after chatgpt/gpt-5.5');
  });
});

async function readSession(request: APIRequestContext): Promise<{ userId: string; csrfToken: string }> {
  const session = sessionStateSchema.parse(await (await request.get('/api/auth/session')).json());
  if (session.user == null || session.csrfToken == null) throw new Error('setup did not sign the admin in');
  return { userId: session.user.id, csrfToken: session.csrfToken };
}
