// zapd's entry point: `npm start`. startServer() is also what tests and the sandbox use in-process.
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig, type Config } from './config.ts';
import { Dispatcher } from './delivery/dispatcher.ts';
import { Outbox } from './delivery/outbox.ts';
import { subscribeRecorder } from './delivery/recorder.ts';
import { EventBus } from './events/bus.ts';
import { buildApp } from './http/app.ts';
import { resolveApiKey } from './http/plugins/auth.ts';
import { onShutdown, shutdown } from './lifecycle.ts';
import { SessionManager } from './sessions/manager.ts';
import { MediaStorage } from './media/storage.ts';
import { openStore } from './store/index.ts';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const logger = pino({ level: config.logLevel });
  const store = await openStore({ dataDir: config.dataDir, logger, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  const apiKey = resolveApiKey(config, logger);
  const bus = new EventBus(config.version, (error, event) => logger.error({ err: error, event: event.event }, 'event listener failed'));
  const dispatcher = new Dispatcher({ outbox: new Outbox(store.db, store.kind), logger: logger.child({ module: 'webhooks' }), version: config.version });
  const recorder = subscribeRecorder({ bus, store, config, onEnqueued: () => dispatcher.wake() });
  // Rows left by a previous run (a crash, a kill -9) go out first.
  dispatcher.start();
  const mediaStorage = new MediaStorage(config.dataDir);
  let url = config.publicUrl ?? '';
  const sessions = new SessionManager({ config, store, bus, logger, mediaStorage, publicUrl: () => config.publicUrl ?? url });
  const app = await buildApp({ config, store, logger, sessions, bus, mediaStorage, apiKey, startedAt: Date.now() });
  await app.listen({ host: config.host, port: config.port });
  const { port } = app.server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  url = `http://${host}:${port}`;
  await sessions.restore();

  let stopped: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopped ??= (async () => {
        await app.close();
        await sessions.shutdown();
        await recorder.stop();
        await dispatcher.stop();
        await store.close();
      })();
      return stopped;
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config);
  onShutdown(() => server.stop());
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.stdout.write(`zapd ${config.version} listening on ${server.url} (docs: ${server.url}/docs)\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`zapd failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
