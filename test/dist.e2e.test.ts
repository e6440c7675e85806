// The compiled build as `npm start` runs it: `node dist/src/main.js`, plain JavaScript with no tsx in
// the process. What only works from source breaks here: paths relative to a module (package.json,
// the dashboard's static files) and the thumbnail worker, which from source bootstraps tsx itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ensureCompiledBuild } from './support/build.ts';
import { startZapdProcess } from './support/process.ts';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

before(() => ensureCompiledBuild());

test('node dist/src/main.js listens, serves the docs, the dashboard and the version, and exits 0 on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-dist-'));
  const zapd = await startZapdProcess({ ZAPD_DATA_DIR: dataDir, ZAPD_LOG_LEVEL: 'warn', ZAPD_API_KEY: 'dist-key' }, { argv: ['dist/src/main.js'] });
  try {
    assert.ok(zapd.output.includes(`zapd ${version} listening`), zapd.output);
    const docs = (await (await fetch(`${zapd.url}/docs/json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(docs.openapi, '3.1.0');
    assert.ok(docs.paths['/api/sendText']);
    const page = await fetch(`${zapd.url}/dashboard`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const script = await fetch(`${zapd.url}/dashboard/app.js`);
    assert.equal(script.status, 200);
    assert.equal(await script.text(), readFileSync('src/dashboard/static/app.js', 'utf8'));
    const served = (await (await fetch(`${zapd.url}/api/server/version`, { headers: { 'x-api-key': 'dist-key' } })).json()) as { version: string };
    assert.equal(served.version, version);
    zapd.child.kill('SIGTERM');
    assert.equal(await zapd.exited, 0, zapd.output);
  } finally {
    zapd.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the thumbnail worker runs from the compiled build without tsx', () => {
  // A script file rather than `node -e`: a worker inherits the parent's flags, and `--input-type` makes a file worker fail.
  const dir = mkdtempSync(join(tmpdir(), 'zapd-thumbnail-'));
  try {
    const script = join(dir, 'thumbnail.mjs');
    writeFileSync(
      script,
      [
        `import { Jimp } from ${JSON.stringify(import.meta.resolve('jimp'))};`,
        `import { shrinkToThumbnail } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'dist/src/media/thumbnail.js')).href)};`,
        "const png = await new Jimp({ width: 640, height: 480, color: 0x3366ffff }).getBuffer('image/png');",
        'const thumbnail = await shrinkToThumbnail(png, 100);',
        'const decoded = await Jimp.read(thumbnail.data);',
        'process.stdout.write(JSON.stringify({ mimetype: thumbnail.mimetype, width: decoded.width, height: decoded.height }));',
      ].join('\n'),
    );
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), { mimetype: 'image/jpeg', width: 100, height: 75 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('build-if-stale builds again after a source file changes, and not otherwise', () => {
  const stamp = statSync('dist/.build-stamp').mtimeMs;
  const quiet = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { encoding: 'utf8' });
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stderr, '', 'a current dist/ is left alone');
  assert.equal(statSync('dist/.build-stamp').mtimeMs, stamp);
  // Touch a source file one second past the stamp, as an edit would.
  const source = 'src/errors.ts';
  const original = statSync(source);
  const later = new Date(stamp + 1000);
  utimesSync(source, later, later);
  try {
    const rebuilt = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(rebuilt.status, 0, rebuilt.stderr);
    assert.match(rebuilt.stderr, /building/);
    assert.ok(statSync('dist/.build-stamp').mtimeMs > stamp);
  } finally {
    utimesSync(source, original.atime, original.mtime);
  }
});
