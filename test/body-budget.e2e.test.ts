// Many large bodies at once: zapd (its own process, so its memory can be read) holds at most
// ZAPD_MAX_BODY_BYTES_IN_FLIGHT of them and answers the rest 503 with Retry-After before buffering.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitFor } from './support/wait.ts';

const KEY = 'body-budget-key';
const MB = 1024 * 1024;

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { statusCode?: number; error?: string; message?: string };
}

/** Kilobytes of memory the process holds now (VmRSS) and at most so far (VmHWM). */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** A JSON POST with a declared length (or chunked), answered even if zapd stops reading the body early. */
function post(port: number, path: string, body: Buffer, chunked = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'x-api-key': KEY };
    if (!chunked) headers['content-length'] = body.length;
    const outgoing = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const retry = response.headers['retry-after'];
        resolve({ status: response.statusCode ?? 0, retryAfter: Array.isArray(retry) ? retry[0] : retry, body: JSON.parse(text) as Answer['body'] });
      });
    });
    // zapd may answer (and close) before the whole body is sent: the answer is what counts.
    outgoing.on('error', (error) => setTimeout(() => reject(error), 1000));
    if (!chunked) {
      outgoing.end(body);
      return;
    }
    let offset = 0;
    const pump = () => {
      while (offset < body.length) {
        const piece = body.subarray(offset, offset + MB);
        offset += piece.length;
        if (!outgoing.write(piece)) return void outgoing.once('drain', pump);
      }
      outgoing.end();
    };
    pump();
  });
}

/** A sendImage body of about `megabytes`: parsing it is what costs the memory. */
function imageBody(megabytes: number): Buffer {
  const data = Buffer.alloc(Math.floor((megabytes * MB * 3) / 4), 0x5a).toString('base64');
  return Buffer.from(JSON.stringify({ session: 'nosuch', chatId: '15550003001@c.us', file: { mimetype: 'image/png', data } }));
}

function startZapd(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-budget-'));
  const port = 40000 + Math.floor(Math.random() * 2000);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, ZAPD_DATA_DIR: dataDir, PORT: String(port), ZAPD_HOST: '127.0.0.1', ZAPD_LOG_LEVEL: 'warn', ZAPD_API_KEY: KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running = { child, dataDir, port, output: '' };
  child.stdout?.on('data', (chunk: Buffer) => (running.output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (running.output += chunk.toString()));
  return running;
}

async function stopZapd(zapd: { child: ChildProcess; dataDir: string }): Promise<void> {
  const exited = new Promise((resolve) => zapd.child.once('exit', resolve));
  zapd.child.kill('SIGKILL');
  await exited;
  rmSync(zapd.dataDir, { recursive: true, force: true });
}

describe('request bodies in flight are bounded', () => {
  let zapd: ReturnType<typeof startZapd>;
  before(async () => {
    zapd = startZapd({});
    await waitFor('zapd to listen', () => zapd.output.includes('listening on'), 30_000);
  });
  after(async () => {
    await stopZapd(zapd);
  });

  test('eight concurrent 79 MB bodies: two are taken, six get 503 + Retry-After, and memory stays bounded', async () => {
    const pid = zapd.child.pid ?? 0;
    // Warm up (route compilation, first allocations) with one body that fits, then measure from there.
    assert.equal((await post(zapd.port, '/api/sendImage', imageBody(1))).status, 404);
    const baseline = memory(pid).rss;
    const body = imageBody(79);
    const answers = await Promise.all(Array.from({ length: 8 }, () => 0).map(() => post(zapd.port, '/api/sendImage', body)));
    const statuses = answers.map((answer) => answer.status).sort();
    // 'nosuch' is no session: a body that was taken is parsed, validated and answered 404.
    assert.deepEqual(statuses, [404, 404, 503, 503, 503, 503, 503, 503], JSON.stringify(answers.map((answer) => answer.body)));
    for (const refused of answers.filter((answer) => answer.status === 503)) {
      assert.equal(refused.retryAfter, '2');
      assert.equal(refused.body.statusCode, 503);
      assert.equal(refused.body.error, 'Service Unavailable');
      assert.match(refused.body.message ?? '', /retry/);
    }
    const growth = memory(pid).peak - baseline;
    // Two bodies at a time peak near 450 MB here; unbounded, the eight took over 800 MB.
    assert.ok(growth < 600 * MB, `peak memory grew by ${Math.round(growth / MB)} MB`);
    // The budget is given back: the same bodies one after the other are all taken.
    for (let index = 0; index < 3; index++) assert.equal((await post(zapd.port, '/api/sendImage', body)).status, 404);
  });
});

describe('a small budget and chunked bodies', () => {
  let zapd: ReturnType<typeof startZapd>;
  before(async () => {
    zapd = startZapd({ ZAPD_MAX_BODY_BYTES_IN_FLIGHT: String(8 * MB) });
    await waitFor('zapd to listen', () => zapd.output.includes('listening on'), 30_000);
  });
  after(async () => {
    await stopZapd(zapd);
  });

  test('a chunked body is counted as it arrives; a declared one is refused up front', async () => {
    const chunked = await post(zapd.port, '/api/sendImage', imageBody(12), true);
    assert.equal(chunked.status, 503, JSON.stringify(chunked.body));
    assert.equal(chunked.retryAfter, '2');
    const declared = await post(zapd.port, '/api/sendImage', imageBody(12));
    assert.equal(declared.status, 503);
    // Bodies within the budget still go through, chunked or not.
    assert.equal((await post(zapd.port, '/api/sendImage', imageBody(2), true)).status, 404);
    assert.equal((await post(zapd.port, '/api/sendImage', imageBody(2))).status, 404);
  });
});
