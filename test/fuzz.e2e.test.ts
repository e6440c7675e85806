// A bounded fuzzer over the served OpenAPI document: every operation gets malformed requests (see
// test/fuzz/generate.ts) against a linked session, and every answer must be a 2xx, a JSON
// `{statusCode, error, message}` 4xx or a 501 — never a 5xx, never a crash, and the process and the
// linked session must be alive after each operation. `npm test` sends FUZZ_PER_OPERATION (8) cases
// per operation; `npm run fuzz` sends many more. FUZZ_SEED replays a run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fuzzCases, operationsOf, seededRandom, type FuzzCase, type Operation } from './fuzz/generate.ts';
import { rawRequest } from './support/raw-http.ts';
import { startSandbox, storeBackends, TEST_API_KEY, type Sandbox } from './support/zapd.ts';

const PER_OPERATION = Number(process.env.FUZZ_PER_OPERATION ?? 8);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const ME = '15550006060';
const CONTACT = '15550006061';

/** Operations that would end the linked session (or the server) when they succeed: fuzzed on a session that is not it. */
const DESTRUCTIVE = /^(POST \/api\/sessions\/\{session\}\/(stop|logout|restart)|DELETE \/api\/sessions\/\{session\}|PUT \/api\/sessions\/\{session\}|POST \/api\/sessions\/(stop|logout|start)|POST \/api\/\{session\}\/auth\/)/;
// server/stop would end the server; the debug downloads take seconds each (a 10 s CPU profile, a heap
// snapshot that pauses the process) and take one input, `seconds`, which test/debug.e2e checks.
const NEVER = new Set(['POST /api/server/stop', 'GET /api/server/debug/cpu', 'GET /api/server/debug/heapsnapshot']);

function check(fuzz: FuzzCase, status: number, body: string): string | undefined {
  const label = `${fuzz.method} ${fuzz.target.slice(0, 120)} [${fuzz.what}]`;
  if (status >= 200 && status < 300) return undefined;
  if (status < 400 || (status >= 500 && status !== 501)) return `${label} → ${status} ${body.slice(0, 200)}`;
  let parsed: { statusCode?: unknown; error?: unknown; message?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return `${label} → ${status} with a body that is not JSON: ${body.slice(0, 120)}`;
  }
  if (parsed.statusCode !== status || typeof parsed.error !== 'string' || typeof parsed.message !== 'string') return `${label} → ${status} without {statusCode,error,message}: ${body.slice(0, 120)}`;
  if (/\n\s+at |node_modules|\/work\/|\/tmp\//.test(parsed.message)) return `${label} → ${status} leaks a stack or a path: ${parsed.message.slice(0, 160)}`;
  return undefined;
}

for (const backend of storeBackends()) {
  describe(`fuzzing every operation (${backend})`, () => {
    let sandbox: Sandbox;
    let port = 0;
    let operations: Operation[] = [];
    before(async () => {
      sandbox = await startSandbox(backend);
      await sandbox.admin('POST', '/accounts', { phone: CONTACT, pushName: 'Fuzz Target' });
      await sandbox.linkSession('default', ME);
      port = Number(new URL(sandbox.zapd.url).port);
      operations = operationsOf((await (await fetch(`${sandbox.zapd.url}/docs/json`)).json()) as Parameters<typeof operationsOf>[0]);
    });
    after(async () => {
      await sandbox.close();
    });

    test(`${PER_OPERATION} malformed requests per operation: no 5xx, the process and the session alive`, { timeout: 600_000 }, async () => {
      assert.ok(operations.length > 100, `the document lists the operations (${operations.length})`);
      const random = seededRandom(SEED);
      const failures: string[] = [];
      let sent = 0;
      for (const operation of operations) {
        const name = `${operation.method} ${operation.path}`;
        if (NEVER.has(name)) continue;
        const context = { session: DESTRUCTIVE.test(name) ? 'ghost' : 'default', chatId: `${CONTACT}@c.us` };
        for (const fuzz of fuzzCases(operation, context, random, PER_OPERATION)) {
          sent += 1;
          const answer = await rawRequest(port, fuzz.method, fuzz.target, { ...fuzz.headers, 'x-api-key': TEST_API_KEY }, fuzz.body).catch((error: unknown) => ({ status: 0, headers: '', body: String(error) }));
          const problem = check(fuzz, answer.status, answer.body);
          if (problem) failures.push(problem);
        }
        const ping = await fetch(`${sandbox.zapd.url}/ping`).catch(() => undefined);
        assert.equal(ping?.status, 200, `zapd stopped answering after ${name}`);
        const session = await sandbox.zapd.api<{ status: string }>('GET', '/api/sessions/default');
        if (session.body.status !== 'WORKING') {
          failures.push(`${name} left the session ${session.body.status}`);
          await sandbox.waitForStatus('default', 'WORKING', 30_000).catch(() => undefined);
        }
      }
      assert.ok(sent > operations.length * Math.min(PER_OPERATION, 3), `requests were sent (${sent})`);
      assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed (FUZZ_SEED=${SEED})`);
    });
  });
}
