// `npm run bench -- <name>`: runs bench/<name>.ts.
import { readdirSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { applyProcessSettings } from '../src/server.ts';
import { installConsoleGuard } from '../src/runtime/console-guard.ts';

const helpers = new Set(['run', 'link', 'stats', 'simulator-process', 'profile', 'http-client', 'receiver-process', 'cpu']);
const available = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => file.slice(0, -3))
  .filter((name) => !helpers.has(name))
  .sort();
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}>`);
  process.exit(2);
}
// zapd and the raw Baileys floor share this process, so both run as `npm start` would run them.
const config = loadConfig();
// The bench's own Baileys clients and zapd share this process; libsignal must not print their keys.
installConsoleGuard(pino({ level: config.logLevel }));
applyProcessSettings(config);
await import(`./${name}.ts`);
