import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  createExchangePair,
  eventually,
  registrationRequest,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import { pagedThrough } from './support/paging';
import { publishRaw } from './support/raw-delivery';

const STRINGS = join(__dirname, '..', 'apps', 'gateway', 'console', 'strings');
const strings = (language: string) =>
  JSON.parse(readFileSync(join(STRINGS, `${language}.json`), 'utf8')) as Record<string, string>;
/** Debian's chromium, which scripts/test-tools.sh installs; playwright-core downloads none. */
const CHROMIUM = '/usr/bin/chromium';

describe('web console (headless Chromium, two real gateways)', () => {
  let pair: ExchangePair;
  let kz: GatewayUnderTest;
  let browser: Browser;
  let messageId: string;
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'mxg-console-'));
    pair = await createExchangePair();
    kz = pair.kz;
    browser = await chromium.launch({ executablePath: CHROMIUM });
    // A message sent in this test, delivered to AZ (its receipt back at KZ).
    const submitted = await kz.api<{ id: string }>(
      'KZ-MVD',
      'POST',
      '/v1/messages',
      registrationRequest(),
    );
    expect(submitted.status).toBe(202);
    messageId = submitted.body.id;
    await eventually(
      async () => {
        const view = await kz.api<{ status: string }>(
          'auditor',
          'GET',
          `/v1/messages/${messageId}`,
        );
        return view.body.status === 'delivered' ? true : undefined;
      },
      30_000,
      'the message delivered',
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await pair?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  // The pair serves plain HTTP (the HTTPS suites cover TLS): the console at the gateway's own URL.
  const consoleUrl = (g: GatewayUnderTest) => `${g.process.url}/console/`;

  async function logIn(g: GatewayUnderTest, client: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(consoleUrl(g));
    await page.getByLabel('API token').fill(g.token(client));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText(`Logged in as ${client}`).waitFor();
    return page;
  }

  it('is served with a strict CSP, the right content types and no inline script', async () => {
    const page = await kz.process.fetch('/console/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    const script = await kz.process.fetch('/console/js/main.js');
    expect(script.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    const style = await kz.process.fetch('/console/console.css');
    expect(style.headers.get('content-type')).toMatch(/^text\/css/);
    expect((await kz.process.fetch('/console/../package.json')).status).toBe(404);
  });

  it('has every string in both languages', () => {
    expect(Object.keys(strings('ru')).sort()).toEqual(Object.keys(strings('en')).sort());
  });

  it('GET /v1/whoami names the client a token is; no token is 401', async () => {
    const who = await kz.api('auditor', 'GET', '/v1/whoami');
    expect(who.body).toEqual({ id: 'auditor', roles: ['auditor'], authority: null });
    const none = await kz.process.fetch('/v1/whoami');
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'AUTH_UNAUTHENTICATED' });
  });

  it('message search: overseers only, routing data only, paged by cursor; bad filters are named', async () => {
    expect((await kz.api('KZ-MVD', 'GET', '/v1/messages')).status).toBe(403);
    const first = await kz.api<{ messages: { id: string; body?: unknown }[]; next: string | null }>(
      'security-officer',
      'GET',
      `/v1/messages?type=request&direction=outgoing&limit=1`,
    );
    expect(first.status).toBe(200);
    expect(first.body.messages.map((m) => m.id)).toEqual([messageId]);
    expect(first.body.messages[0]).not.toHaveProperty('body');
    expect(first.body.next).toBeNull();
    const bad = await kz.api<{ code: string; errors: { field: string }[] }>(
      'auditor',
      'GET',
      '/v1/messages?limit=0&direction=sideways&status=lost&since=yesterday',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors.map((e) => e.field).sort()).toEqual([
      'direction',
      'limit',
      'since',
      'status',
    ]);
    const forged = await kz.api<{ code: string }>('auditor', 'GET', '/v1/messages?cursor=%21');
    expect([forged.status, forged.body.code]).toEqual([400, 'CURSOR_INVALID']);
  });

  it('a timeline of a message nobody may see is 404, as for one that does not exist', async () => {
    const unknown = await kz.api(
      'auditor',
      'GET',
      '/v1/messages/00000000-0000-4000-8000-000000000000/timeline',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    const foreign = await kz.api('KZ-MTSZN', 'GET', `/v1/messages/${messageId}/timeline`);
    expect(foreign.status).toBe(404);
  });

  it('an auditor finds the message, sees its timeline and verifies the audit log', async () => {
    const page = await logIn(kz, 'auditor');
    // Only what an auditor may use is offered.
    await expect(page.getByRole('link', { name: 'Messages' }).isVisible()).resolves.toBe(true);
    await expect(
      page.getByRole('link', { name: 'Requests and deadlines' }).isVisible(),
    ).resolves.toBe(false);

    await page.getByLabel('Type').fill('request');
    await page.getByRole('button', { name: 'Search' }).first().click();
    const row = page.locator(`tr[data-message-id="${messageId}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('KZ-MVD → AZ-DMX');
    await row.getByRole('button').click();
    const timeline = page.locator('#timeline-list');
    await timeline.locator('li[data-type="receipt.received"]').waitFor();
    const steps: (string | null)[] = [];
    for (const li of await timeline.locator('li').all()) {
      steps.push(await li.getAttribute('data-type'));
    }
    expect(steps.slice(0, 2)).toEqual(['message.submitted', 'request.opened']);
    expect(steps).toContain('message.published');
    // README's picture (docs/console.png): retaken on request only.
    const screenshot = process.env.MXG_CONSOLE_SCREENSHOT;
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.locator('#checkpoint dd').first().waitFor();
    await expect(page.locator('#checkpoint').textContent()).resolves.toContain('mxg.kz/audit');
    await page.getByRole('button', { name: 'Verify the log' }).click();
    await expect(page.locator('#audit-verdict').textContent()).resolves.toBe('Verdict: VALID');
    expect(await page.locator('#audit-report .checks li.failed').count()).toBe(0);

    // Russian, all of it: no English label left on the controls.
    await page.getByRole('button', { name: 'Русский' }).click();
    await expect(page.getByRole('button', { name: 'Проверить журнал' }).isVisible()).resolves.toBe(
      true,
    );
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('ru');
    await page.context().close();
  });

  it('a security officer checks a signature file and sees VALID, then replays a dead letter', async () => {
    // The signatory's signed original of the message, as its sender's national system has it.
    const signed = await kz.api<Buffer>('KZ-MVD', 'GET', `/v1/messages/${messageId}/signed`);
    expect(signed.status).toBe(200);
    const file = join(scratch, 'request.p7m');
    writeFileSync(file, signed.body);
    // A delivery KZ refuses: garbage under a message id, from AZ's side of the link.
    const garbageId = randomUUID();
    await publishRaw(pair, 'KZ', [
      {
        bytes: Buffer.from('not an envelope'),
        properties: { type: 'mxg.envelope', messageId: garbageId },
      },
    ]);
    const held = await eventually(
      async () => {
        const list = await kz.api<{ deadLetters: { id: string; messageId: string | null }[] }>(
          'security-officer',
          'GET',
          '/v1/dead-letters?status=held',
        );
        return list.body.deadLetters.find((d) => d.messageId === garbageId);
      },
      30_000,
      'the dead letter held',
    );

    const page = await logIn(kz, 'security-officer');
    await page.getByRole('link', { name: 'Signature check' }).click();
    await page.getByLabel('Signed file (.p7s, .p7m)').setInputFiles(file);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect(page.locator('#signature-verdict').textContent()).resolves.toMatch(
      /^Verdict: VALID/,
    );
    expect(await page.locator('#signature-report .checks li.failed').count()).toBe(0);
    expect(await page.locator('#signature-report .checks li.ok').count()).toBeGreaterThan(3);

    await page.getByRole('link', { name: 'Dead letters' }).click();
    const row = page.locator(`tr[data-dead-letter-id="${held.id}"]`);
    await row.waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: `Replay: ${held.id}` }).click();
    await row.locator('.dead-letter-status', { hasText: 'replayed' }).waitFor();
    const decided = await kz.api<{ status: string; decidedBy: string }>(
      'auditor',
      'GET',
      `/v1/dead-letters/${held.id}`,
    );
    expect(decided.body).toMatchObject({ status: 'replayed', decidedBy: 'security-officer' });
    await page.context().close();
  });

  it('refuses a token the gateway does not know, and keeps none', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(consoleUrl(kz));
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('This token is not accepted by the gateway.').waitFor();
    await expect(page.evaluate('sessionStorage.getItem("mxg.console.token")')).resolves.toBeNull();
    await context.close();
  });

  it('a publisher reads its requests and deadlines a page at a time, soonest due first (MIG-10.3)', async () => {
    // 50 more requests of KZ-MVD: with the one sent above, more than the console's page of 50.
    for (let i = 0; i < 50; i++) {
      const sent = await kz.api('KZ-MVD', 'POST', '/v1/messages', registrationRequest());
      expect(sent.status).toBe(202);
    }
    const listed = await pagedThrough<{ id: string }>(
      kz,
      'KZ-MVD',
      '/v1/requests',
      'requests',
      100,
    );
    expect(listed.items.length).toBeGreaterThan(50);

    const page = await logIn(kz, 'KZ-MVD');
    await page.getByRole('link', { name: 'Requests and deadlines' }).click();
    const rows = page.locator('#request-table tbody tr');
    const more = page.locator('#requests-more');
    await more.waitFor({ state: 'visible' });
    await expect(rows.count()).resolves.toBe(50);
    while (await more.isVisible()) {
      const shown = await rows.count();
      await more.click();
      await page.waitForFunction(
        `document.querySelectorAll('#request-table tbody tr').length > ${shown}`,
      );
    }
    const ids: (string | null)[] = [];
    for (const tr of await rows.all()) ids.push(await tr.getAttribute('data-request-id'));
    // Every request once, in the API's order.
    expect(ids).toEqual(listed.items.map((r) => r.id));
  });
});
