// The `zapd` command as a user runs it: `node bin/zapd.mjs <command>`, a child process each time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { ensureCompiledBuild } from './support/build.ts';
import { freePort, startZapdProcess } from './support/process.ts';

const COMMANDS = ['start', 'sandbox', 'sim', 'version', 'key'];
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

function zapd(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['bin/zapd.mjs', ...args], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function withDataDir<T>(run: (dataDir: string) => Promise<T> | T): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapd-cli-'));
  return Promise.resolve(run(dataDir)).finally(() => rmSync(dataDir, { recursive: true, force: true }));
}

before(() => ensureCompiledBuild());

test('zapd --help lists every command; no command or an unknown one exits 2 with the usage', () => {
  const help = zapd(['--help']);
  assert.equal(help.code, 0, help.stderr);
  for (const command of COMMANDS) assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
  for (const args of [[], ['frobnicate'], ['--frobnicate']]) {
    const wrong = zapd(args);
    assert.equal(wrong.code, 2, `zapd ${args.join(' ')}`);
    assert.equal(wrong.stdout, '');
    assert.match(wrong.stderr, /Usage: zapd <command>/);
  }
  assert.match(zapd(['frobnicate']).stderr, /unknown command 'frobnicate'/);
});

test('every command has its own --help, and an unknown option exits 2 with that command\'s usage', () => {
  for (const command of COMMANDS) {
    const help = zapd([command, '--help']);
    assert.equal(help.code, 0, `${command}: ${help.stderr}`);
    assert.ok(help.stdout.startsWith(`Usage: zapd ${command}`), help.stdout);
    const wrong = zapd([command, '--no-such-option']);
    assert.equal(wrong.code, 2, `${command} --no-such-option`);
    assert.match(wrong.stderr, new RegExp(`unknown argument '--no-such-option'[\\s\\S]*Usage: zapd ${command}`));
  }
  assert.match(zapd(['start', '--port']).stderr, /--port needs a value/);
  assert.match(zapd(['key', '--rotate=yes']).stderr, /--rotate takes no value/);
});

test('zapd version and --version print the package version', () => {
  for (const args of [['version'], ['--version']]) {
    const printed = zapd(args);
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(printed.stdout, `zapd ${version}\n`);
  }
});

test('zapd key: nothing before a key exists, --rotate saves a new one 0600, and zapd start uses it', () =>
  withDataDir(async (dataDir) => {
    const none = zapd(['key', '--data-dir', dataDir]);
    assert.equal(none.code, 1);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /No generated key/);

    const rotated = zapd(['key', '--rotate'], { ZAPD_DATA_DIR: dataDir });
    assert.equal(rotated.code, 0, rotated.stderr);
    const key = rotated.stdout.trim();
    assert.match(key, /^[A-Za-z0-9_-]{32}$/);
    const file = join(dataDir, 'api-key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8').trim(), key);
    assert.equal(zapd(['key', `--data-dir=${dataDir}`]).stdout, `${key}\n`);

    const server = await startZapdProcess({ ZAPD_LOG_LEVEL: 'warn' }, { argv: ['bin/zapd.mjs', 'start', '--data-dir', dataDir, '--port', '0'] });
    try {
      assert.equal((await fetch(`${server.url}/api/sessions`)).status, 401);
      assert.equal((await fetch(`${server.url}/api/sessions`, { headers: { 'x-api-key': key } })).status, 200);
      assert.ok(!server.output.includes('generated one'), 'the saved key is used, not replaced');
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0, server.output);
    } finally {
      server.child.kill('SIGKILL');
    }

    const again = zapd(['key', '--rotate', '--data-dir', dataDir]);
    assert.equal(again.code, 0);
    assert.notEqual(again.stdout.trim(), key);
    assert.equal(readFileSync(file, 'utf8').trim(), again.stdout.trim());

    const configured = zapd(['key', '--data-dir', dataDir], { ZAPD_API_KEY: 'set-elsewhere' });
    assert.equal(configured.code, 0);
    assert.match(configured.stderr, /ZAPD_API_KEY .* is set/);
  }));

test('zapd key reports a bad configuration in one line, without a stack trace', () => {
  const failed = zapd(['key'], { ZAPD_LOG_FORMAT: 'xml' });
  assert.equal(failed.code, 1);
  assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);
  assert.match(failed.stderr, /ZAPD_LOG_FORMAT/);
});

test('zapd sim --port serves the simulator admin API and exits 0 on SIGTERM', () =>
  withDataDir(async (dataDir) => {
    const port = await freePort();
    const sim = await startZapdProcess(
      { SIM_STATE_FILE: join(dataDir, 'state.json') },
      { argv: ['bin/zapd.mjs', 'sim', '--port', String(port)], ready: /Admin API: (http:\/\/\S+)\/admin/ },
    );
    try {
      assert.equal(sim.url, `http://127.0.0.1:${port}`);
      const accounts = await fetch(`${sim.url}/admin/accounts`);
      assert.equal(accounts.status, 200);
      assert.ok(Array.isArray(await accounts.json()));
      sim.child.kill('SIGTERM');
      assert.equal(await sim.exited, 0, sim.output);
    } finally {
      sim.child.kill('SIGKILL');
    }
  }));
