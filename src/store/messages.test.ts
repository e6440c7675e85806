// A page of history is answered from the stored JSON without parsing it: it must say exactly what
// the parsed messages say, acks raised after the message was stored included, on each store.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pino from 'pino';
import { freshPostgresUrl, storeBackends } from '../../test/support/zapd.ts';
import { ackName, type Message } from '../engine/dto.ts';
import { openStore } from './index.ts';
import { DEEP_PAGE_OFFSET, messageJson, MessageRepository, type MessageQuery } from './messages.ts';

const CHAT = '15550001234@c.us';

function message(index: number, fromMe: boolean, body: string): Message {
  const key = `3EB0${String(index).padStart(16, '0')}`;
  return {
    id: `${fromMe}_${CHAT}_${key}`,
    timestamp: 1_700_000_000 + index,
    from: CHAT,
    fromMe,
    source: fromMe ? 'api' : 'app',
    body,
    hasMedia: false,
    media: null,
    ack: 1,
    ackName: ackName(1),
    location: null,
    vCards: [],
    replyTo: null,
    _data: { key: { remoteJid: CHAT.replace('@c.us', '@s.whatsapp.net'), fromMe, id: key }, message: { conversation: body } },
  };
}

for (const backend of storeBackends()) {
  describe(`message pages (${backend})`, () => {
    test('the JSON page says what the parsed page says, with acks raised later, under every filter', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'zapd-messages-'));
      const database = backend === 'postgres' ? await freshPostgresUrl() : undefined;
      const store = await openStore({ dataDir, logger: pino({ level: 'silent' }), ...(database ? { databaseUrl: database.url } : {}) });
      try {
        const bodies = ['plain', 'quotes " and \\ backslashes', 'looks like a key: "ack":9,"ackName":"PLAYED"', 'émoji 👍 and \u2028'];
        for (let index = 0; index < 12; index++) {
          const sent = message(index, index % 2 === 0, bodies[index % bodies.length] ?? '');
          await MessageRepository.save(store.db, 's', sent);
          // Acks raise the column alone; the stored payload keeps ack 1.
          if (sent.fromMe && index % 4 === 0) await MessageRepository.ack(store.db, 's', CHAT, sent.id, 3);
        }
        const repository = new MessageRepository(store.db);
        const queries: MessageQuery[] = [
          { limit: 100, offset: 0 },
          { limit: 5, offset: 3 },
          { limit: 100, offset: 0, fromMe: true },
          { limit: 100, offset: 0, fromMe: false, timestampGte: 1_700_000_003 },
          { limit: 100, offset: 0, timestampGte: 1_700_000_002, timestampLte: 1_700_000_008 },
        ];
        for (const query of queries) {
          const parsed = await repository.list('s', CHAT, query);
          assert.ok(parsed.length > 0, `the page ${JSON.stringify(query)} has messages`);
          assert.deepEqual(JSON.parse(await repository.listJson('s', CHAT, query)), parsed, `page ${JSON.stringify(query)}`);
        }
        const page = JSON.parse(await repository.listJson('s', CHAT, { limit: 100, offset: 0, fromMe: true })) as Message[];
        assert.deepEqual(
          page.map((item) => item.ackName),
          page.map((item) => (Number(item.id.slice(-2)) % 4 === 0 ? 'READ' : 'SERVER')),
          'raised acks show in the JSON page',
        );
      } finally {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
        await database?.drop();
      }
    });

    test('a deep page (ids first, then payloads) holds the same messages as a walk from the top', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'zapd-messages-'));
      const database = backend === 'postgres' ? await freshPostgresUrl() : undefined;
      const store = await openStore({ dataDir, logger: pino({ level: 'silent' }), ...(database ? { databaseUrl: database.url } : {}) });
      try {
        await store.db.transaction().execute(async (trx) => {
          for (let index = 0; index < 2 * DEEP_PAGE_OFFSET + 40; index++) await MessageRepository.save(trx, 's', message(index, index % 3 === 0, `m${index}`));
        });
        const repository = new MessageRepository(store.db);
        const walked = await repository.list('s', CHAT, { limit: 100, offset: DEEP_PAGE_OFFSET - 50 });
        const deep = await repository.list('s', CHAT, { limit: 20, offset: DEEP_PAGE_OFFSET });
        assert.deepEqual(deep, walked.slice(50, 70));
        assert.deepEqual(JSON.parse(await repository.listJson('s', CHAT, { limit: 20, offset: DEEP_PAGE_OFFSET })), deep);
        const walkedReceived = await repository.list('s', CHAT, { limit: 100, offset: DEEP_PAGE_OFFSET - 50, fromMe: false });
        const deepReceived = await repository.list('s', CHAT, { limit: 100, offset: DEEP_PAGE_OFFSET, fromMe: false });
        assert.equal(deepReceived.length, 100);
        assert.ok(deepReceived.every((item) => !item.fromMe));
        assert.deepEqual(deepReceived.slice(0, 50), walkedReceived.slice(50));
      } finally {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
        await database?.drop();
      }
    });
  });
}

test('a payload whose ack cannot be found where expected is parsed instead of spliced', () => {
  const base = message(1, true, 'x');
  const { ackName: name, ...withoutName } = base;
  const { media: _media, ...withoutMedia } = base;
  const shapes = [
    // ackName before ack, an `ack` key nested before the top-level one, a negative ack.
    JSON.stringify({ ackName: name, ...withoutName }),
    JSON.stringify({ media: { ack: 7, ackName: 'NESTED' }, ...withoutMedia }),
    JSON.stringify({ ...base, ack: -1, ackName: 'ERROR' }),
  ];
  for (const payload of shapes) {
    const expected = JSON.parse(payload) as Message;
    const raised = expected.ack < 2 ? { ...expected, ack: 2, ackName: 'DEVICE' } : expected;
    assert.deepEqual(JSON.parse(messageJson({ payload, ack: 2 })), raised, payload);
    assert.deepEqual(JSON.parse(messageJson({ payload, ack: -1 })), expected, 'a lower column never lowers the payload');
  }
});

test('an ERROR column replaces a PENDING payload only', () => {
  const pending = JSON.stringify({ ...message(2, true, 'y'), ack: 0, ackName: 'PENDING' });
  const failed = JSON.parse(messageJson({ payload: pending, ack: -1 })) as Message;
  assert.equal(failed.ack, -1);
  assert.equal(failed.ackName, 'ERROR');
  const delivered = JSON.stringify({ ...message(3, true, 'z'), ack: 2, ackName: 'DEVICE' });
  assert.equal((JSON.parse(messageJson({ payload: delivered, ack: -1 })) as Message).ack, 2, 'a message on a device does not become ERROR');
});
