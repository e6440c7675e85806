// The zapd server as a function: `npm start` (src/main.ts), the sandbox, tests and bench start it in-process.
// First: Baileys must find the shared AsyncLocalStorage when it creates its sockets.
import './runtime/shared-async-storage.ts';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { Dispatcher } from './delivery/dispatcher.ts';
import { Outbox } from './delivery/outbox.ts';
import { subscribeRecorder } from './delivery/recorder.ts';
import { closeSinks, createSinks } from './delivery/sinks/index.ts';
import { EventBus } from './events/bus.ts';
import { buildApp } from './http/app.ts';
import { installConsoleGuard } from './runtime/console-guard.ts';
import { createLogger } from './runtime/logger.ts';
import { resolveApiKey } from './http/plugins/auth.ts';
import { keyRepository } from './keys/repository.ts';
import { KeyService } from './keys/service.ts';
import { SessionManager } from './sessions/manager.ts';
import { MediaStorage } from './media/storage.ts';
import { Metrics } from './observability/metrics.ts';
import { openStore } from './store/index.ts';

/** How long a stopping server waits for the requests in flight. */
const DRAIN_MS = 20_000;

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  // libsignal prints Signal session records (private keys) with console.*; see console-guard.ts.
  installConsoleGuard(logger);
  const store = await openStore({ dataDir: config.dataDir, logger, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  const apiKey = resolveApiKey(config, logger);
  const bus = new EventBus(config.version, (error, event) => logger.error({ err: error, event: event.event }, 'event listener failed'));
  const metrics = new Metrics();
  const outbox = new Outbox(store.db, store.kind);
  const sinks = createSinks(config.eventSinks, logger.child({ module: 'sinks' }));
  const dispatcher = new Dispatcher({
    outbox,
    logger: logger.child({ module: 'webhooks' }),
    version: config.version,
    sinks,
    publishTimeoutMs: config.eventSinks.publishTimeoutMs,
    onAttempt: (result, seconds, sink) => {
      if (sink) {
        metrics.increment('zapd_sink_publishes_total', 'Broker sink publish attempts by sink and result', { sink, result });
        return;
      }
      metrics.increment('zapd_webhook_deliveries_total', 'Webhook delivery attempts by result', { result });
      metrics.observe('zapd_webhook_delivery_seconds', 'Time spent posting webhooks', seconds);
    },
  });
  const recorder = subscribeRecorder({ bus, store, config, onEnqueued: (lanes) => dispatcher.wake(lanes) });
  // Rows left by a previous run (a crash, a kill -9) go out first.
  dispatcher.start();
  const mediaStorage = new MediaStorage(config.dataDir);
  // WAHA's WHATSAPP_FILES_LIFETIME: media files are swept once they are older than that.
  const sweep =
    config.mediaLifetimeSeconds > 0
      ? setInterval(() => void mediaStorage.expire(config.mediaLifetimeSeconds).catch((error: unknown) => logger.warn({ err: error }, 'media sweep failed')), Math.min(60_000, config.mediaLifetimeSeconds * 500)).unref()
      : undefined;
  let url = config.publicUrl ?? '';
  const sessions = new SessionManager({ config, store, bus, logger, mediaStorage, publicUrl: () => config.publicUrl ?? url });
  bus.subscribe((event) => {
    metrics.increment('zapd_events_total', 'Events published, by name', { event: event.event });
    if (event.event === 'message.any') {
      const fromMe = (event.payload as { fromMe?: unknown }).fromMe === true;
      metrics.increment('zapd_messages_total', 'Messages sent and received', { direction: fromMe ? 'out' : 'in' });
    }
  });
  metrics.gauge('zapd_sessions', 'Sessions by status', async () => {
    const counts = new Map<string, number>();
    for (const session of await sessions.list({ all: true })) counts.set(session.status, (counts.get(session.status) ?? 0) + 1);
    return ['STOPPED', 'STARTING', 'SCAN_QR_CODE', 'WORKING', 'FAILED'].map((status) => [{ status }, counts.get(status) ?? 0]);
  });
  metrics.gauge('zapd_webhook_outbox_pending', 'Webhook deliveries waiting in the outbox', async () => [[{}, await outbox.pendingCount()]]);
  const keys = new KeyService({ repository: keyRepository(store.db), adminKey: apiKey, sessionExists: async (name) => (await store.sessions.get(name)) !== undefined });
  const app = await buildApp({ config, store, logger, sessions, bus, mediaStorage, metrics, outbox, keys, wakeDeliveries: () => dispatcher.wake(), startedAt: Date.now() });
  await app.listen({ host: config.host, port: config.port });
  const { port } = app.server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  url = `http://${host}:${port}`;
  sessions.restore();

  let stopped: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopped ??= (async () => {
        clearInterval(sweep);
        // New requests get 503; those in flight (a send waiting for its message to be recorded)
        // are answered before the listener and the connections close.
        await app.drain.drain(DRAIN_MS);
        await app.close();
        await sessions.shutdown();
        await recorder.stop();
        await dispatcher.stop();
        await closeSinks(sinks);
        await store.close();
      })();
      return stopped;
    },
  };
}

/**
 * Settings of the whole process, for the entry points that own it (npm start, the sandbox, bench),
 * not for tests that embed startServer. tsx turns on source-mapped stack traces, which make every
 * read of `error.stack` map each frame; Baileys reads one for every frame it sends (to say where a
 * query that times out came from), and that mapping was 5–8% of the CPU of a send or a receive.
 */
export function applyProcessSettings(config: Config): void {
  process.setSourceMapsEnabled(config.sourceMappedStackTraces);
}
