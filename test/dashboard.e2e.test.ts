// The dashboard in a real browser (Debian's Chromium driven by playwright-core): link a session by
// QR through the simulator, chat with a virtual contact (names, ticks that follow acks live, media
// both ways), open an event's JSON, drive the session menu by mouse and keyboard, manage keys — and
// the page logs no error and no request fails, unless the test provoked it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitFor } from './support/wait.ts';
import { startSandbox, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const CHROMIUM = '/usr/bin/chromium';
const ME = '15550030000';
const CONTACT = '15550030001';
const CONTACT_CHAT = `${CONTACT}@c.us`;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/** A real picture (a diagonal gradient, RGB), so the test can check its decoded size. */
function gradientPng(width: number, height: number, from: [number, number, number], to: [number, number, number]): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      for (let channel = 0; channel < 3; channel++) rows[y * (width * 3 + 1) + 1 + x * 3 + channel] = Math.round(from[channel]! + (to[channel]! - from[channel]!) * t);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const frame = Buffer.alloc(4 + body.length + 4);
    frame.writeUInt32BE(data.length, 0);
    body.copy(frame, 4);
    frame.writeUInt32BE(crc32(body), 4 + body.length);
    return frame;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
const SUNSET = gradientPng(240, 160, [255, 183, 77], [191, 54, 112]);
const SEA = gradientPng(200, 140, [37, 211, 102], [18, 80, 160]);
// The README's screenshots are refreshed only when asked (ZAPD_UPDATE_SCREENSHOTS=1), so a test run
// never changes tracked files.
const shots = process.env.ZAPD_UPDATE_SCREENSHOTS ? new URL('../docs/screenshots/', import.meta.url).pathname : `${mkdtempSync(join(tmpdir(), 'zapd-shots-'))}/`;

describe('dashboard', { skip: existsSync(CHROMIUM) || process.env.CI ? false : `needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)` }, () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  /** Everything that went wrong in the page: console errors, uncaught exceptions, failed requests. */
  const problems: string[] = [];
  /** Responses ≥ 400 the test asks for on purpose (by URL part); anything else is a problem. */
  const provoked: string[] = [];

  before(async () => {
    sandbox = await startSandbox();
    await sandbox.admin('POST', '/accounts', { phone: CONTACT, pushName: 'Lena' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`));
    page.on('response', (response) => {
      if (response.status() >= 400 && !provoked.some((part) => response.url().includes(part))) problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    });
  });
  after(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  const session = (name: string) => page.locator(`li[data-session="${name}"]`);
  const chatRow = () => page.locator(`#chats [data-chat="${CONTACT_CHAT}"]`);

  test('the page loads clean, and its form patterns compile in Chromium', async () => {
    // Every file of the dashboard folder is served (routes list them by name).
    for (const name of readdirSync(new URL('../src/dashboard/static/', import.meta.url))) {
      assert.equal((await fetch(`${sandbox.zapd.url}/dashboard/${name}`)).status, 200, name);
    }
    await page.goto(`${sandbox.zapd.url}/dashboard`);
    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.locator('#live[data-live="true"]').waitFor();
    // Chromium compiles `pattern` with the v flag; an invalid one is ignored (and logged), so a
    // mismatch proves the pattern is in force.
    const validity = (selector: string, value: string) =>
      page.locator(selector).evaluate((input: HTMLInputElement, text) => {
        input.value = text;
        return { valid: input.checkValidity(), mismatch: input.validity.patternMismatch };
      }, value);
    assert.deepEqual(await validity('#new-name', '.hidden'), { valid: false, mismatch: true });
    assert.deepEqual(await validity('#new-name', 'bad name'), { valid: false, mismatch: true });
    assert.deepEqual(await validity('#new-name', 'my.session-1_x'), { valid: true, mismatch: false });
    assert.deepEqual(await validity('#key-session', '../x'), { valid: false, mismatch: true });
    assert.deepEqual(await validity('#key-session', 'web'), { valid: true, mismatch: false });
    // Ticks for every ack level, and acks only move forward (except to an error).
    // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
    const ticks = await page.evaluate<{ levels: string[][]; pendingIcon: boolean; order: number[] }>(`(async () => {
      const { paintAck, laterAck } = await import('/dashboard/format.js');
      const paint = (ack) => {
        const node = paintAck(document.createElement('span'), ack);
        return [node.textContent, node.getAttribute('aria-label'), node.className];
      };
      return { levels: [-1, 1, 2, 3, 4].map(paint), pendingIcon: paintAck(document.createElement('span'), 0).querySelector('svg') !== null, order: [laterAck(3, 1), laterAck(1, 2), laterAck(3, -1)] };
    })()`);
    assert.deepEqual(ticks.levels, [
      ['✗', 'Failed to send', 'ack error'],
      ['✓', 'Sent', 'ack sent'],
      ['✓✓', 'Delivered', 'ack delivered'],
      ['✓✓', 'Read', 'ack read'],
      ['✓✓', 'Played', 'ack read'],
    ]);
    assert.equal(ticks.pendingIcon, true);
    assert.deepEqual(ticks.order, [3, 2, -1]);
    // The key is remembered in this browser: a reload signs straight back in.
    await page.reload();
    await page.locator('#live[data-live="true"]').waitFor();
    assert.equal(await page.locator('#api-key').inputValue(), TEST_API_KEY);
  });

  test('link by QR, then chat: names, ticks following acks live, pictures both ways, a document', async () => {
    await page.locator('#new-name').fill('web');
    await page.getByRole('button', { name: 'Create session' }).click();
    const qr = page.locator('#qr[data-value]');
    await qr.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${shots}qr.png` });
    const value = await qr.getAttribute('data-value');
    assert.ok(value);
    await sandbox.simulator.scan(value, ME);
    await session('web').locator('[data-status="WORKING"]').waitFor({ timeout: 20_000 });
    await page.locator('#account').getByText(`${ME}@c.us`).waitFor();
    assert.equal(await session('web').locator('.node').isVisible(), false, 'a single zapd owns no named node: nothing is shown');
    await page.screenshot({ path: `${shots}working.png` });

    await session('web').getByRole('button', { name: 'web', exact: true }).click();
    await page.locator('#chat').waitFor();
    // The contact writes first, from the dashboard's sandbox panel (the simulator's admin API).
    await page.locator('#contact-from').fill(CONTACT);
    await page.locator('#contact-to').fill(ME);
    await page.locator('#contact-text').fill('hi dashboard — ça va?');
    await page.getByRole('button', { name: 'Send as contact' }).click();
    // The new chat shows up live, under the contact's name, with its unread count and last message.
    await chatRow().locator('.chat-name', { hasText: 'Lena' }).waitFor({ timeout: 15_000 });
    assert.ok(!(await chatRow().innerText()).includes('@c.us'), 'the name replaces the id');
    assert.equal(await chatRow().locator('.unread-count').innerText(), '1');
    assert.equal(await chatRow().locator('.unread-count').getAttribute('aria-label'), '1 unread');
    assert.match(await chatRow().locator('.chat-preview').innerText(), /hi dashboard — ça va\?/);
    assert.match((await chatRow().locator('time').getAttribute('datetime')) ?? '', /^\d{4}-\d\d-\d\dT/);

    await chatRow().click();
    assert.equal(await page.locator('#conversation-name').innerText(), 'Lena');
    assert.equal(await page.locator('#conversation-id').innerText(), CONTACT_CHAT);
    const incoming = page.locator('#messages .message.in', { hasText: 'hi dashboard — ça va?' });
    await incoming.waitFor();
    assert.match(await incoming.locator('time').innerText(), /\d{1,2}:\d\d/);
    assert.equal(await incoming.locator('.ack').count(), 0, 'ticks are for our own messages');

    // Send with the keyboard; the ticks follow the acks the WebSocket brings.
    await page.getByLabel('Message', { exact: true }).fill('hello from the dashboard');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    const outgoing = page.locator('#messages .message.out', { hasText: 'hello from the dashboard' });
    const tick = outgoing.locator('.ack');
    await waitFor('a delivered tick', async () => Number(await tick.getAttribute('data-ack')) === 2, 15_000);
    assert.equal(await tick.innerText(), '✓✓');
    assert.equal(await tick.getAttribute('aria-label'), 'Delivered');
    assert.ok(!(await tick.getAttribute('class'))?.includes('read'));
    await waitFor('the contact to receive it', async () =>
      (await sandbox.admin<Array<{ text: string }>>('GET', `/accounts/${CONTACT}/messages`)).some((message) => message.text === 'hello from the dashboard'),
    );
    await sandbox.admin('POST', `/accounts/${CONTACT}/read`, {});
    await waitFor('a read tick', async () => Number(await tick.getAttribute('data-ack')) === 3, 15_000);
    assert.equal(await tick.getAttribute('aria-label'), 'Read');
    assert.match((await tick.getAttribute('class')) ?? '', /\bread\b/);
    assert.equal(await tick.evaluate((node) => getComputedStyle(node).color), 'rgb(31, 143, 224)', 'read ticks are blue');
    // The list's last message carries the same ticks.
    await chatRow().locator('.chat-preview .ack[data-ack="3"]').waitFor();

    // A picture from the contact is shown inline, fetched with the key.
    await sandbox.admin('POST', `/accounts/${CONTACT}/send`, { to: ME, image: { data: SUNSET.toString('base64'), mimetype: 'image/png', caption: 'sunset from the balcony' } });
    const picture = page.locator('#messages .message.in', { hasText: 'sunset from the balcony' }).locator('img.preview[src^="blob:"]');
    await picture.waitFor({ timeout: 15_000 });
    await waitFor('the picture to decode', () => picture.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth === 240 && image.naturalHeight === 160));

    // A picture we send is shown in our bubble too.
    await page.locator('#file').setInputFiles({ name: 'sea.png', mimeType: 'image/png', buffer: SEA });
    await page.locator('#file-name').getByText('sea.png').waitFor();
    await page.getByLabel('Message', { exact: true }).fill('my picture');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const mine = page.locator('#messages .message.out', { hasText: 'my picture' });
    await waitFor('our picture to show', () => mine.locator('img.preview').evaluate((image: HTMLImageElement) => image.src.startsWith('blob:') && image.complete && image.naturalWidth === 200), 15_000);
    await waitFor('the contact to get it', async () =>
      (await sandbox.admin<Array<{ type?: string; caption?: string; text?: string }>>('GET', `/accounts/${CONTACT}/messages`)).length >= 2,
    );

    // A document is a download link; following it saves the file's bytes.
    const pdf = Buffer.from('%PDF-1.4\n% zapd dashboard test\n');
    await sandbox.admin('POST', `/accounts/${CONTACT}/send`, { to: ME, document: { data: pdf.toString('base64'), mimetype: 'application/pdf', filename: 'report.pdf' } });
    const link = page.locator('#messages a.file', { hasText: 'report.pdf' });
    await link.waitFor({ timeout: 15_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'report.pdf');
    assert.deepEqual(readFileSync((await download.path())!), pdf);
    // The list follows live: the last message, and the unread count (our picture reset it to 0,
    // so the document alone counts).
    await chatRow().locator('.chat-preview', { hasText: 'report.pdf' }).waitFor();
    await chatRow().locator('.unread-count', { hasText: /^1$/ }).waitFor();
    await page.locator('#chat').screenshot({ path: `${shots}chat.png` });
    await page.getByRole('button', { name: 'Mark read' }).click();
    await chatRow().locator('.unread-count').waitFor({ state: 'detached' });
    await page.locator('#mark-read').waitFor({ state: 'hidden' });
    assert.equal((await sandbox.zapd.api<Array<{ id: string; unreadCount: number }>>('GET', '/api/web/chats')).body.find((chat) => chat.id === CONTACT_CHAT)?.unreadCount, 0);
  });

  test('an event opens to show its JSON', async () => {
    const ack = page.locator('#events li[data-event="message.ack"]').first();
    await ack.locator('summary').click();
    const json = JSON.parse(await ack.locator('pre').innerText()) as { event: string; session: string; payload: { ackName: string } };
    assert.equal(json.event, 'message.ack');
    assert.equal(json.session, 'web');
    assert.ok(['SERVER', 'DEVICE', 'READ'].includes(json.payload.ackName));
    // Filtering hides the rest and keeps the opened one open.
    await page.locator('#event-filter').fill('message.ack');
    assert.equal(await page.locator('#events li[data-event="session.status"]:visible').count(), 0);
    assert.equal(await ack.locator('details').getAttribute('open'), '');
    await page.locator('.events').screenshot({ path: `${shots}events.png` });
    await page.locator('#event-filter').fill('');
  });

  test('the session menu: keyboard, account, start/stop/restart/logout/delete, QR', async () => {
    const menuButton = page.getByRole('button', { name: 'Actions for session web' });
    const menu = page.getByRole('menu', { name: 'Actions for session web' });
    await menuButton.focus();
    await page.keyboard.press('ArrowDown');
    await menu.waitFor();
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Open chats');
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Delete…');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Open chats', 'arrows wrap around');
    await page.locator('.side').screenshot({ path: `${shots}menu.png` });
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Actions for session web', 'focus goes back to the button');

    await menuButton.click();
    await menu.getByRole('menuitem', { name: 'Account (me)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Account of web' });
    await dialog.waitFor();
    assert.deepEqual(await dialog.locator('dt, dd').allInnerTexts(), ['Number', `+${ME}`, 'Id', `${ME}@c.us`, 'Name', `+${ME}`, 'LID', await dialog.locator('dd').nth(3).innerText()]);
    assert.match(await dialog.locator('dd').nth(3).innerText(), /@lid$/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // A second session to stop, start, restart, log out and delete.
    await page.locator('#new-name').fill('spare');
    await page.getByRole('button', { name: 'Create session' }).click();
    await page.locator('#link-name', { hasText: 'spare' }).waitFor();
    const status = session('spare').locator('.badge');
    const pick = async (item: string) => {
      await session('spare').getByRole('button', { name: 'Actions for session spare' }).click();
      await page.getByRole('menu', { name: 'Actions for session spare' }).getByRole('menuitem', { name: item, exact: true }).click();
    };
    await status.and(page.locator('[data-status="SCAN_QR_CODE"]')).waitFor({ timeout: 20_000 });
    await pick('Stop');
    await status.and(page.locator('[data-status="STOPPED"]')).waitFor();
    await pick('Start');
    await status.and(page.locator('[data-status="SCAN_QR_CODE"]')).waitFor({ timeout: 20_000 });
    await pick('Restart');
    await status.and(page.locator('[data-status="SCAN_QR_CODE"]')).waitFor({ timeout: 20_000 });
    await page.locator('#link-close').click();
    await pick('QR / pairing code');
    await page.locator('#qr[data-value]').waitFor({ timeout: 20_000 });
    // Link it by pairing code this time, so that logging out has an account to leave.
    await page.getByLabel('Or get a pairing code for phone number').fill('+1 555 003 0002');
    await page.getByRole('button', { name: 'Get code' }).click();
    await waitFor('a pairing code', async () => /^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(await page.locator('#code').innerText()));
    await sandbox.admin('POST', '/link-code', { phone: '15550030002', code: (await page.locator('#code').innerText()).replace('-', '') });
    await status.and(page.locator('[data-status="WORKING"]')).waitFor({ timeout: 20_000 });
    await session('spare').getByText('+15550030002').waitFor();
    page.once('dialog', (confirm) => void confirm.accept());
    await pick('Log out');
    await status.and(page.locator('[data-status="SCAN_QR_CODE"]')).waitFor({ timeout: 20_000 });
    page.once('dialog', (confirm) => void confirm.accept());
    await pick('Delete…');
    await session('spare').waitFor({ state: 'detached' });
    assert.equal((await sandbox.zapd.api('GET', '/api/sessions/spare')).status, 404);
    assert.equal(await page.locator('#error').innerText(), '', 'no action failed');
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
    assert.equal((await sandbox.zapd.api('POST', '/api/sendText', { session: 'web', chatId: CONTACT_CHAT, text: 'no' }, as)).status, 403, 'send was unticked');
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

  test('on a narrow window the chat list and the conversation take turns', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await session('web').getByRole('button', { name: 'web', exact: true }).click();
    await chatRow().waitFor();
    assert.equal(await page.locator('.conversation-pane').isVisible(), false);
    await chatRow().click();
    await page.locator('#messages .message.out', { hasText: 'hello from the dashboard' }).waitFor();
    assert.equal(await page.locator('.chat-list-pane').isVisible(), false);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing sticks out sideways');
    await page.locator('#chat').screenshot({ path: `${shots}narrow.png` });
    await page.getByRole('button', { name: 'Back to chats' }).click();
    await chatRow().waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-chat')), CONTACT_CHAT, 'focus returns to the chat');
  });

  test('nothing went wrong in the page', () => {
    assert.deepEqual(problems, []);
  });
});
