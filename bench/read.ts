// bench read: GET /api/{session}/chats/{chatId}/messages?limit=100 with autocannon (10 connections)
// against BENCH_MESSAGES stored messages (default 1,000,000) spread over 1,000 chats, the queried chat
// holding a tenth of them, on SQLite and on PostgreSQL. The newest page is the main figure; a page
// 10,000 messages deep is reported beside it. The last line is each store's p99 against the target.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { ackName, type Message } from '../src/engine/dto.ts';
import { startServer } from '../src/server.ts';
import { fmt } from './stats.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTIONS = 10;
const CHATS = 1000;
// Every HOT_EVERY-th message goes to the queried chat, so its slice of the index is large.
const HOT_EVERY = 10;
const LIMIT = 100;
const DEEP_OFFSET = 10_000;
const TARGET_P99_MS = 20;
const WARMUP_SECONDS = 1;
const KEY = 'bench-key';
const SESSION = 'bench';

type Backend = 'sqlite' | 'postgres';

interface SeedRow {
  chatId: string;
  id: string;
  fromMe: boolean;
  timestamp: number;
  ack: number;
  payload: string;
}

interface ChatRow {
  id: string;
  lastMessageAt: number;
  unreadCount: number;
}

interface RunResult {
  offset: number;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
}

interface BackendResult {
  backend: Backend;
  stored: number;
  seedSeconds: number;
  runs: RunResult[];
}

const chatIdOf = (index: number) => `1555009${String(index + 1).padStart(4, '0')}@c.us`;
const HOT_CHAT = chatIdOf(0);
const hotIndexes = Math.ceil(MESSAGES / HOT_EVERY);
const lastHotIndex = (hotIndexes - 1) * HOT_EVERY;
// Keep the deep page inside the hot chat when BENCH_MESSAGES is small.
const deepOffset = Math.max(0, Math.min(DEEP_OFFSET, hotIndexes - LIMIT));
// One message per second, ending now: chats look like real, dated history.
const BASE_SECONDS = Math.floor(Date.now() / 1000) - MESSAGES;

const BODIES = [
  'Are we still on for tomorrow at 10?',
  'Order confirmed, delivery between 14:00 and 18:00.',
  'ok',
  'Can you send me last month’s invoice again?',
  'Thanks, received 👍',
  'The technician is on the way, about 25 minutes.',
  'Sure, I will call you after lunch.',
];

/** The store's rows for message `index`, in the shape MessageRepository.save writes them. */
function seedRow(index: number, idBytes: Buffer): SeedRow {
  const chatId = index % HOT_EVERY === 0 ? HOT_CHAT : chatIdOf(1 + (index % (CHATS - 1)));
  const fromMe = index % 3 === 0;
  const timestamp = BASE_SECONDS + index;
  const ack = fromMe ? 3 : 1;
  const key = `3EB0${idBytes.toString('hex').toUpperCase()}`;
  const body = `${BODIES[index % BODIES.length]} (#${index})`;
  const message: Message = {
    id: `${fromMe}_${chatId}_${key}`,
    timestamp,
    // NOWEB's shape: `from` is the chat either way; 1:1 messages carry no `to` or `participant`.
    from: chatId,
    fromMe,
    source: fromMe ? 'api' : 'app',
    body,
    hasMedia: false,
    media: null,
    ack,
    ackName: ackName(ack),
    location: null,
    vCards: [],
    replyTo: null,
    _data: {
      key: { remoteJid: chatId.replace('@c.us', '@s.whatsapp.net'), fromMe, id: key },
      messageTimestamp: timestamp,
      pushName: fromMe ? 'Bench' : 'Customer',
      message: { conversation: body },
    },
  };
  return { chatId, id: message.id, fromMe, timestamp, ack, payload: JSON.stringify(message) };
}

/** All seed rows in batches; tallies the chats as it goes, since the chats table is written last. */
function* seedBatches(batchSize: number, chats: Map<string, ChatRow>): Generator<SeedRow[]> {
  for (let start = 0; start < MESSAGES; start += batchSize) {
    const size = Math.min(batchSize, MESSAGES - start);
    // One random draw per batch: per-message randomBytes calls cost more than the rest of the row.
    const random = randomBytes(size * 8);
    const batch: SeedRow[] = [];
    for (let offset = 0; offset < size; offset++) {
      const row = seedRow(start + offset, random.subarray(offset * 8, offset * 8 + 8));
      const chat = chats.get(row.chatId) ?? { id: row.chatId, lastMessageAt: 0, unreadCount: 0 };
      chat.lastMessageAt = row.timestamp;
      chat.unreadCount = row.fromMe ? 0 : chat.unreadCount + 1;
      chats.set(row.chatId, chat);
      batch.push(row);
    }
    yield batch;
  }
}

function seedSqlite(file: string): { stored: number; payloadBytes: number } {
  const db = new Database(file);
  // Random message ids land all over the primary-key index; a big cache keeps those pages in memory.
  db.pragma('cache_size = -524288');
  const insertMessage = db.prepare('INSERT INTO messages (session, chat_id, id, from_me, timestamp, ack, payload, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertChat = db.prepare('INSERT INTO chats (session, id, name, last_message_at, unread_count, archived, pinned) VALUES (?, ?, NULL, ?, ?, 0, 0)');
  const chats = new Map<string, ChatRow>();
  let payloadBytes = 0;
  db.transaction(() => {
    for (const batch of seedBatches(10_000, chats)) {
      for (const row of batch) {
        insertMessage.run(SESSION, row.chatId, row.id, row.fromMe ? 1 : 0, row.timestamp, row.ack, row.payload, '');
        payloadBytes += row.payload.length;
      }
    }
    for (const chat of chats.values()) insertChat.run(SESSION, chat.id, chat.lastMessageAt, chat.unreadCount);
  })();
  const { stored } = db.prepare('SELECT count(*) AS stored FROM messages').get() as { stored: number };
  db.close();
  return { stored, payloadBytes };
}

async function seedPostgres(url: string): Promise<{ stored: number; payloadBytes: number }> {
  // Two connections: one builds its next batch while the server writes the other's.
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const chats = new Map<string, ChatRow>();
    let payloadBytes = 0;
    // unnest() keeps each statement at a handful of array parameters instead of 8 per row.
    const insert =
      'INSERT INTO messages (session, chat_id, id, from_me, timestamp, ack, payload, raw) ' +
      "SELECT $1, chat_id, id, from_me, timestamp, ack, payload, '' FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::int[], $7::text[]) " +
      'AS seed(chat_id, id, from_me, timestamp, ack, payload)';
    const batches = seedBatches(5_000, chats);
    const worker = async () => {
      for (const batch of batches) {
        payloadBytes += batch.reduce((sum, row) => sum + row.payload.length, 0);
        await pool.query(insert, [
          SESSION,
          batch.map((row) => row.chatId),
          batch.map((row) => row.id),
          batch.map((row) => (row.fromMe ? 1 : 0)),
          batch.map((row) => row.timestamp),
          batch.map((row) => row.ack),
          batch.map((row) => row.payload),
        ]);
      }
    };
    await Promise.all([worker(), worker()]);
    const chatRows = [...chats.values()];
    await pool.query(
      'INSERT INTO chats (session, id, name, last_message_at, unread_count, archived, pinned) ' +
        'SELECT $1, id, NULL, last_message_at, unread_count, 0, 0 FROM unnest($2::text[], $3::bigint[], $4::int[]) AS seed(id, last_message_at, unread_count)',
      [SESSION, chatRows.map((chat) => chat.id), chatRows.map((chat) => chat.lastMessageAt), chatRows.map((chat) => chat.unreadCount)],
    );
    // Autovacuum vacuums and analyzes a table this size soon after a bulk load (which also marks its
    // pages all-visible, enabling index-only scans); do it now so the plan is the steady-state one.
    await pool.query('VACUUM ANALYZE messages, chats');
    const { rows } = await pool.query<{ stored: number }>('SELECT count(*)::int AS stored FROM messages');
    return { stored: rows[0]?.stored ?? 0, payloadBytes };
  } finally {
    await pool.end();
  }
}

const pagePath = (offset: number) => `/api/${SESSION}/chats/${encodeURIComponent(HOT_CHAT)}/messages?limit=${LIMIT}&offset=${offset}`;

/** Fails unless the page is exactly the LIMIT hot-chat messages expected at `offset`, newest first. */
async function checkPage(url: string, offset: number): Promise<void> {
  const response = await fetch(`${url}${pagePath(offset)}`, { headers: { 'x-api-key': KEY } });
  if (response.status !== 200) throw new Error(`GET ${pagePath(offset)} answered ${response.status}: ${await response.text()}`);
  const page = (await response.json()) as Message[];
  if (page.length !== LIMIT) throw new Error(`GET ${pagePath(offset)} returned ${page.length} messages, expected ${LIMIT}`);
  page.forEach((message, position) => {
    const expected = BASE_SECONDS + lastHotIndex - (offset + position) * HOT_EVERY;
    const inChat = message.fromMe ? message.to === HOT_CHAT : message.from === HOT_CHAT;
    if (!inChat || message.timestamp !== expected) {
      throw new Error(`GET ${pagePath(offset)}: message ${position} is ${message.id} at ${message.timestamp}, expected one of ${HOT_CHAT} at ${expected}`);
    }
  });
}

async function load(url: string, offset: number, seconds: number): Promise<RunResult> {
  // A worker thread keeps autocannon's own work off the event loop whose latency it is measuring.
  const result = await autocannon({ url: `${url}${pagePath(offset)}`, connections: CONNECTIONS, duration: seconds, workers: 1, headers: { 'x-api-key': KEY } });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`offset=${offset}: ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts out of ${result.requests.total} requests`);
  }
  return { offset, requests: result.requests.total, perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

async function freshSchema(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `zapd_bench_read_${process.pid}_${Date.now().toString(36)}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => run(`DROP SCHEMA ${schema} CASCADE`) };
}

async function postgresReachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function bench(backend: Backend): Promise<BackendResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-bench-read-'));
  const schema = backend === 'postgres' ? await freshSchema(DATABASE_URL) : undefined;
  try {
    const config = loadConfig({
      ZAPD_DATA_DIR: dataDir,
      PORT: '0',
      ZAPD_HOST: '127.0.0.1',
      ZAPD_API_KEY: KEY,
      ZAPD_LOG_LEVEL: 'silent',
      ...(schema ? { DATABASE_URL: schema.url } : {}),
    });
    // The first start runs the migrations and records the session (the route 404s without its row);
    // start:false because the read path never needs a WhatsApp connection.
    const setup = await startServer(config);
    try {
      const created = await fetch(`${setup.url}/api/sessions`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ name: SESSION, start: false }),
      });
      if (created.status !== 201) throw new Error(`creating the session answered ${created.status}: ${await created.text()}`);
    } finally {
      await setup.stop();
    }

    const seedStarted = performance.now();
    const seeded = schema ? await seedPostgres(schema.url) : seedSqlite(join(dataDir, 'zapd.sqlite'));
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    if (seeded.stored !== MESSAGES) throw new Error(`${backend}: ${seeded.stored} messages stored, expected ${MESSAGES}`);
    console.log(
      `${backend}: ${seeded.stored} messages stored (payload avg ${fmt(seeded.payloadBytes / seeded.stored, 0)} B) in ${fmt(seedSeconds, 1)} s (${fmt(seeded.stored / seedSeconds, 0)} rows/s)`,
    );

    const server = await startServer(config);
    try {
      await checkPage(server.url, 0);
      await checkPage(server.url, deepOffset);
      // JIT, prepared plans and the page cache warm up here rather than in the measured run.
      await load(server.url, 0, WARMUP_SECONDS);
      const runs: RunResult[] = [];
      for (const offset of [0, deepOffset]) {
        const run = await load(server.url, offset, SECONDS);
        runs.push(run);
        console.log(
          `${backend} offset=${offset}: ${fmt(run.perSecond)} req/s, p50 ${fmt(run.p50, 1)} ms, p99 ${fmt(run.p99, 1)} ms, non-2xx ${run.non2xx} (${run.requests} requests)`,
        );
      }
      // autocannon hangs up on requests still in flight when its time is up; let their queries finish
      // before the store closes under them.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { backend, stored: seeded.stored, seedSeconds, runs };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await schema?.drop();
  }
}

console.log(
  `read: ${MESSAGES} messages over ${CHATS} chats, the queried chat holding ${hotIndexes}; GET …/messages?limit=${LIMIT} at offset 0 and ${deepOffset}; ` +
    `autocannon ${CONNECTIONS} connections × ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up`,
);
const results: BackendResult[] = [await bench('sqlite')];
const unreachable = await postgresReachable(DATABASE_URL);
if (unreachable) console.log(`postgres: unreachable at ${DATABASE_URL} (${unreachable}); SQLite only`);
else results.push(await bench('postgres'));

const newest = (result: BackendResult) => result.runs.find((run) => run.offset === 0)?.p99 ?? Number.NaN;
const figures = results.map((result) => `${result.backend} ${fmt(newest(result), 1)} ms`);
if (unreachable) figures.push('postgres not run');
const met = results.every((result) => newest(result) < TARGET_P99_MS);
console.log(`read p99: ${figures.join(', ')} (target < ${TARGET_P99_MS} ms: ${met ? 'met' : 'missed'})`);
process.exit(0);
