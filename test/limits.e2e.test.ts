// WAHA's list limits as its clients use them: no limit means every chat and contact, limit=0 (n8n's
// default on Get Chats and Get Messages) means all, and there is no upper bound. zapd reads such
// lists a page at a time; the answers must be whole and in order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PAGE_ROWS } from '../src/http/paging.ts';
import { startSandbox, type Sandbox } from './support/zapd.ts';

const ME = '15550001010';
const CHATS = 130;
const MESSAGES_IN_BIG_CHAT = PAGE_ROWS + 50;

describe('list limits as WAHA has them', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
    const chats = Array.from({ length: CHATS }, (_, index) => ({
      id: `1555700${String(index).padStart(4, '0')}@s.whatsapp.net`,
      name: `Contact ${index}`,
      messages: index === 0 ? Array.from({ length: MESSAGES_IN_BIG_CHAT }, (__, n) => ({ text: `m${n}`, timestamp: 1_700_000_000 + n })) : [{ text: `hello ${index}`, timestamp: 1_700_100_000 + index }],
    }));
    await sandbox.admin('POST', '/history', { phone: ME, chats });
    // The whole history (fullSync): the phone sends only each chat's recent messages otherwise.
    await sandbox.linkSession('main', ME, { noweb: { store: { fullSync: true } } });
  });
  after(async () => {
    await sandbox.close();
  });

  const n8n = async <T>(path: string) => {
    const response = await fetch(`${sandbox.zapd.url}${path}`, { headers: { accept: 'application/json', 'content-type': 'application/json', 'x-api-key': 'test-api-key-0123456789' } });
    const body = (await response.json()) as T;
    assert.equal(response.status, 200, `${path}: ${JSON.stringify(body).slice(0, 200)}`);
    return body;
  };
  const waitForHistory = async () => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const chats = await n8n<unknown[]>('/api/main/chats?limit=0');
      const big = await n8n<unknown[]>('/api/main/chats/15557000000@c.us/messages?limit=0');
      if (chats.length >= CHATS && big.length >= MESSAGES_IN_BIG_CHAT) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  test('chats: no limit and limit=0 give every chat, newest first; a limit still pages', async () => {
    await waitForHistory();
    const all = await n8n<Array<{ id: string; conversationTimestamp: number }>>('/api/main/chats');
    assert.equal(all.length, CHATS, 'no limit: every chat, not the first 100');
    assert.equal((await n8n<unknown[]>('/api/main/chats?limit=0')).length, CHATS);
    for (let index = 1; index < all.length; index += 1) assert.ok((all[index - 1]?.conversationTimestamp ?? 0) >= (all[index]?.conversationTimestamp ?? 0), 'newest first');
    const page = await n8n<Array<{ id: string }>>('/api/main/chats?limit=10&offset=5');
    assert.deepEqual(page.map((chat) => chat.id), all.slice(5, 15).map((chat) => chat.id));
  });

  test('messages: limit=0 and limits past a page give the whole history, in order', async () => {
    await waitForHistory();
    const chat = '15557000000@c.us';
    const all = await n8n<Array<{ body: string }>>(`/api/main/chats/${chat}/messages?limit=0`);
    assert.equal(all.length, MESSAGES_IN_BIG_CHAT);
    assert.equal(all[0]?.body, `m${MESSAGES_IN_BIG_CHAT - 1}`, 'newest first');
    assert.equal(all.at(-1)?.body, 'm0');
    const big = await n8n<Array<{ body: string }>>(`/api/main/chats/${chat}/messages?limit=${PAGE_ROWS + 20}&offset=10`);
    assert.deepEqual(big.map((message) => message.body), all.slice(10, 10 + PAGE_ROWS + 20).map((message) => message.body));
    assert.equal((await n8n<unknown[]>(`/api/main/chats/${chat}/messages`)).length, 100, 'no limit: WAHA default of 100');
  });

  test('contacts and the overview take limits past the old caps', async () => {
    // Contacts are who the session has heard from; the point here is the limit: accepted, not capped.
    const contacts = await n8n<unknown[]>('/api/contacts/all?session=main&limit=10000');
    assert.equal((await n8n<unknown[]>('/api/contacts/all?session=main')).length, contacts.length);
    assert.equal((await n8n<unknown[]>('/api/contacts/all?session=main&limit=0')).length, contacts.length);
    const overview = await n8n<Array<{ id: string }>>('/api/main/chats/overview?limit=1000');
    assert.equal(overview.length, CHATS);
    const oldest = overview.at(-1)?.id ?? '';
    const byId = await n8n<Array<{ id: string }>>(`/api/main/chats/overview?ids=${encodeURIComponent(oldest)}`);
    assert.deepEqual(byId.map((chat) => chat.id), [oldest], 'ids are found among all chats, not only the newest');
  });
});
