import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { EventBus } from '../events/bus.ts';
import type { MediaStorage } from '../media/storage.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Outbox } from '../delivery/outbox.ts';
import type { SessionManager } from '../sessions/manager.ts';
import type { OpenedStore } from '../store/index.ts';
import type { KeyService } from '../keys/service.ts';

export interface RouteDeps {
  config: Config;
  store: OpenedStore;
  logger: Logger;
  sessions: SessionManager;
  bus: EventBus;
  mediaStorage: MediaStorage;
  metrics: Metrics;
  /** API keys: authentication, and the /api/keys routes. */
  keys: KeyService;
  outbox: Outbox;
  /** Wakes the webhook dispatcher (after a manual retry). */
  wakeDeliveries: () => void;
  startedAt: number;
}

export type RoutePlugin = (app: FastifyInstance, deps: RouteDeps) => Promise<void>;
