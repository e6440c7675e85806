// The dashboard in a real browser (Debian's Chromium driven by playwright-core): link a session by
// QR through the simulator, send a message a virtual contact receives, and see the reply arrive.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitFor } from './support/wait.ts';
import { startSandbox, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const CHROMIUM = '/usr/bin/chromium';
const CONTACT = '15550030001';
// The README's screenshots are refreshed only when asked (ZAPD_UPDATE_SCREENSHOTS=1), so a test run
// never changes tracked files.
const shots = process.env.ZAPD_UPDATE_SCREENSHOTS ? new URL('../docs/screenshots/', import.meta.url).pathname : `${mkdtempSync(join(tmpdir(), 'zapd-shots-'))}/`;

describe('dashboard', { skip: existsSync(CHROMIUM) || process.env.CI ? false : `needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)` }, () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  before(async () => {
    sandbox = await startSandbox();
    await sandbox.admin('POST', '/accounts', { phone: CONTACT, pushName: 'Lena' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  test('link by QR, send, and see the reply', async () => {
    await page.goto(`${sandbox.zapd.url}/dashboard`);
    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.locator('#new-name').fill('web');
    await page.getByRole('button', { name: 'Create session' }).click();

    const qr = page.locator('#qr[data-value]');
    await qr.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${shots}qr.png` });
    const value = await qr.getAttribute('data-value');
    assert.ok(value);
    await sandbox.simulator.scan(value, '15550030000');
    await page.locator('tr[data-session="web"] [data-status="WORKING"]').waitFor({ timeout: 20_000 });
    await page.locator('#account').getByText('15550030000@c.us').waitFor();
    await page.screenshot({ path: `${shots}working.png` });

    await page.locator('tr[data-session="web"]').getByRole('button', { name: 'Chats' }).click();
    await page.locator('#to').fill(CONTACT);
    await page.getByLabel('Message', { exact: true }).fill('hello from the dashboard');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitFor('the contact to receive it', async () =>
      (await sandbox.admin<Array<{ text: string }>>('GET', `/accounts/${CONTACT}/messages`)).some((message) => message.text === 'hello from the dashboard'),
    );
    // The contact replies from the dashboard's sandbox panel (the simulator's admin API, from the browser).
    await page.locator('#contact-from').fill(CONTACT);
    await page.locator('#contact-to').fill('15550030000');
    await page.locator('#contact-text').fill('hi dashboard 👋');
    await page.getByRole('button', { name: 'Send as contact' }).click();
    await page.locator('#messages').getByText('hi dashboard 👋').waitFor({ timeout: 15_000 });
    await page.locator('#events').getByText('message.any').first().waitFor();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005050201a5f0c5e20000000049454e44ae426082', 'hex');
    await sandbox.admin('POST', `/accounts/${CONTACT}/send`, { to: '15550030000', image: { data: png.toString('base64'), mimetype: 'image/png', caption: 'a tiny picture' } });
    await page.locator('#messages img.preview[src^="blob:"]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${shots}chat.png`, fullPage: true });
  });

  test('the keys panel creates a session key, shows it once, and revokes it', async () => {
    await page.locator('#keys').waitFor();
    await page.locator('#key-session').fill('web');
    await page.locator('input[name="key-scope"][value="send"]').uncheck();
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.locator('#key-created-value');
    await waitFor('the new key', async () => (await shown.inputValue()).startsWith('key_'));
    const key = await shown.inputValue();
    const as = { 'x-api-key': key };
    assert.equal((await sandbox.zapd.api('GET', '/api/sessions/web', undefined, as)).status, 200);
    assert.equal((await sandbox.zapd.api('POST', '/api/sendText', { session: 'web', chatId: `${CONTACT}@c.us`, text: 'no' }, as)).status, 403, 'send was unticked');
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await shown.inputValue(), '', 'the key is gone from the page');
    const listed = await sandbox.zapd.api<Array<{ id: string; session: string }>>('GET', '/api/keys');
    const id = listed.body.find((entry) => entry.session === 'web')?.id;
    assert.ok(id);
    const row = page.locator(`tr[data-key-id="${id}"]`);
    await row.waitFor();
    assert.ok(!(await page.locator('#key-list').innerText()).includes(key), 'the list shows a hint only');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await sandbox.zapd.api('GET', '/api/sessions/web', undefined, as)).status, 401);
  });
});
