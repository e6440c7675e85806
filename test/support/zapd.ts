// Starts what an end-to-end test needs: the simulator, and zapd pointed at it with a real store
// (a fresh SQLite file, or a fresh PostgreSQL schema when ZAPD_TEST_STORE=postgres).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startSimulator, type RunningSimulator } from '../../sim/index.ts';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';
import { waitFor } from './wait.ts';

export const TEST_API_KEY = 'test-api-key-0123456789';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ZapdUnderTest {
  url: string;
  /** A JSON call with the API key (unless `headers` overrides it). */
  api<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  /** Stops the zapd process only (the store stays), as a crash or a redeploy would. */
  stopServer(): Promise<void>;
  /** Starts zapd again on the same store and simulator. */
  restartServer(): Promise<void>;
}

export interface Sandbox {
  simulator: RunningSimulator;
  /** Where zapd keeps its store: `zapd.sqlite` in `dataDir`, or the PostgreSQL schema (also its connections' application_name). */
  store: { backend: 'sqlite' | 'postgres'; dataDir: string; postgres?: { url: string; schema: string } };
  zapd: ZapdUnderTest;
  /** Creates a session (with `config`), scans its QR as `phone`, and waits for WORKING. */
  linkSession(name: string, phone: string, config?: Record<string, unknown>): Promise<void>;
  waitForStatus(name: string, status: string, timeoutMs?: number): Promise<void>;
  /** A call to the simulator's admin API; fails the test on a non-2xx answer. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** Which database the e2e suites run on: SQLite always; PostgreSQL too when CI provides one. */
export function storeBackends(): Array<'sqlite' | 'postgres'> {
  return process.env.ZAPD_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/**
 * A fresh schema on the CI PostgreSQL, and how to drop it. Connections made with the URL carry the
 * schema's name as `application_name`, so a test can find exactly its own in pg_stat_activity.
 */
export async function freshPostgresUrl(): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  const base = process.env.ZAPD_TEST_DATABASE_URL;
  if (!base) throw new Error('ZAPD_TEST_DATABASE_URL is not set');
  const schema = `zapd_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', schema);
  return {
    url: url.toString(),
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** `env` adds or overrides zapd settings (ZAPD_* / WAHA names) for one suite. */
export async function startSandbox(backend: 'sqlite' | 'postgres' = 'sqlite', env: Record<string, string> = {}): Promise<Sandbox> {
  const simulator = await startSimulator({ port: 0, logLevel: 'silent' });
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-e2e-'));
  const database = backend === 'postgres' ? await freshPostgresUrl() : undefined;
  const config = loadConfig({
    PATH: process.env.PATH,
    ZAPD_DATA_DIR: dataDir,
    ZAPD_API_KEY: TEST_API_KEY,
    ZAPD_HOST: '127.0.0.1',
    PORT: '0',
    ZAPD_LOG_LEVEL: process.env.ZAPD_TEST_LOG_LEVEL ?? 'silent',
    ZAPD_WA_URL: simulator.wsUrl,
    WAHA_PRINT_QR: 'false',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  let server = await startServer(config);
  let url = server.url;

  const zapd: ZapdUnderTest = {
    get url() {
      return url;
    },
    async api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          'x-api-key': TEST_API_KEY,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const type = response.headers.get('content-type') ?? '';
      const parsed = type.includes('application/json') ? await response.json() : Buffer.from(await response.arrayBuffer());
      return { status: response.status, body: parsed as T, headers: response.headers };
    },
    async stopServer() {
      await server.stop();
    },
    async restartServer() {
      server = await startServer(config);
      url = server.url;
    },
  };

  async function waitForStatus(name: string, status: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(`session ${name} to be ${status}`, async () => {
      const response = await zapd.api<{ status: string }>('GET', `/api/sessions/${name}`);
      return response.body.status === status;
    }, timeoutMs);
  }

  return {
    simulator,
    store: { backend, dataDir, ...(database ? { postgres: { url: database.url, schema: database.schema } } : {}) },
    zapd,
    waitForStatus,
    async admin<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${simulator.httpUrl}/admin${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const parsed = (await response.json()) as T;
      if (!response.ok) throw new Error(`${method} /admin${path}: ${response.status} ${JSON.stringify(parsed)}`);
      return parsed;
    },
    async linkSession(name, phone, config) {
      const created = await zapd.api('POST', '/api/sessions', { name, ...(config ? { config } : {}) });
      if (created.status !== 201) throw new Error(`creating ${name}: ${created.status} ${JSON.stringify(created.body)}`);
      await waitForStatus(name, 'SCAN_QR_CODE');
      const qr = await zapd.api<{ value: string }>('GET', `/api/${name}/auth/qr?format=raw`);
      await simulator.scan(qr.body.value, phone);
      await waitForStatus(name, 'WORKING');
    },
    async close() {
      await server.stop().catch(() => undefined);
      await simulator.stop();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
