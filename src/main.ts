// zapd's entry point: `npm start`. This file only runs the server; everything importable lives in
// server.ts, so no "am I the main module?" test is needed. That test compared import.meta.url with
// argv[1], which differ when the checkout's path holds a symlink or a character a URL escapes, and
// then the process idled without ever listening or printing a word.
// First, as in server.ts: Baileys must find the shared AsyncLocalStorage when it creates its sockets.
import './runtime/shared-async-storage.ts';
import { loadConfig } from './config.ts';
import { installConsoleGuard } from './runtime/console-guard.ts';
import { createLogger } from './runtime/logger.ts';
import { onShutdown, shutdown } from './lifecycle.ts';
import { applyProcessSettings, startServer } from './server.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  installConsoleGuard(createLogger({ level: config.logLevel, format: config.logFormat }));
  applyProcessSettings(config);
  const server = await startServer(config);
  onShutdown(() => server.stop());
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.stdout.write(`zapd ${config.version} listening on ${server.url} (docs: ${server.url}/docs)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`zapd failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
