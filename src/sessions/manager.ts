// The session registry: what the user asked for (stored sessions) and what is running (engines),
// kept in step. Every operation on one session runs after the previous one finished, so concurrent
// start/stop/logout calls cannot interleave half-way.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { AppError, badRequest, notFound, unprocessable } from '../errors.ts';
import type { EventBus, EventMe } from '../events/bus.ts';
import { createBaileysEngine } from '../engine/baileys/engine.ts';
import type { AccountInfo, Engine, EngineEndpoint, EngineFactory, SessionStatus } from '../engine/types.ts';
import type { MediaStorage } from '../media/storage.ts';
import type { Store, StoredSession } from '../store/repositories.ts';
import { ProxyConfigError, sessionProxy, type ProxySettings } from '../proxy/settings.ts';
import { resolveEndpoint } from './endpoint.ts';
import { deviceSettingsOf } from './device-settings.ts';
import { ignoreSettingsOf, isIgnored, withoutIgnoredHistory } from './ignore.ts';
import { QrPrinter } from './qr-printer.ts';

export type SessionConfig = Record<string, unknown>;

/** WAHA's SessionInfo. */
export interface SessionInfo {
  name: string;
  status: SessionStatus;
  config: SessionConfig;
  me: AccountInfo | null;
  engine: { engine: 'NOWEB' };
  presence: null;
  timestamps: { activity: number | null };
  /** zapd's addition: why the session FAILED, or why it keeps STARTING (e.g. its proxy is unreachable). */
  failure?: string;
}

interface StatusChange {
  status: SessionStatus;
  timestamp: number;
}

interface RunningSession {
  engine: Engine;
  status: SessionStatus;
  qr: string | undefined;
  me: AccountInfo | null;
  failure: string | undefined;
  history: StatusChange[];
  statusWaiters: Set<() => void>;
  metadata: Record<string, string> | undefined;
}

export interface SessionManagerOptions {
  config: Config;
  store: Store;
  bus: EventBus;
  logger: Logger;
  mediaStorage: MediaStorage;
  /** Base URL clients reach this server at (for media links); known only once the server listens. */
  publicUrl: () => string;
  engineFactory?: EngineFactory;
}

const STATUS_HISTORY_LENGTH = 10;
/** Sessions restored at once; each holds its slot until WORKING (or the timeout). */
const RESTORE_CONCURRENCY = 16;
const RESTORE_SLOT_TIMEOUT_MS = 10_000;

function metadataOf(config: SessionConfig): Record<string, string> | undefined {
  const metadata = config.metadata;
  if (!metadata || typeof metadata !== 'object') return undefined;
  return Object.fromEntries(Object.entries(metadata).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export class SessionManager {
  private readonly running = new Map<string, RunningSession>();
  private readonly lastKnownAccount = new Map<string, AccountInfo>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private endpoint: Promise<EngineEndpoint> | undefined;
  private readonly engineFactory: EngineFactory;
  private restoring: Promise<void> | undefined;
  private readonly awaitingRestore = new Set<string>();
  private closing = false;
  private readonly qrPrinter: QrPrinter;

  constructor(private readonly options: SessionManagerOptions) {
    this.engineFactory = options.engineFactory ?? createBaileysEngine;
    this.qrPrinter = new QrPrinter(options.config.printQr);
  }

  async list(filter: { all: boolean }): Promise<SessionInfo[]> {
    const stored = await this.options.store.sessions.list();
    return stored.map((session) => this.describe(session)).filter((info) => filter.all || info.status !== 'STOPPED');
  }

  async get(name: string): Promise<SessionInfo> {
    return this.describe(await this.require(name));
  }

  /** The proxy a session with this config connects through; a 400 for a config.proxy zapd cannot use. */
  proxyFor(config: SessionConfig): ProxySettings | undefined {
    try {
      return sessionProxy(config, this.options.config.proxy);
    } catch (error) {
      if (error instanceof ProxyConfigError) throw badRequest(error.message);
      throw error;
    }
  }

  /** A 400, before anything is stored, for a config a session could not start with (its proxy, its device settings). */
  private refuseUnusable(config: SessionConfig): void {
    this.proxyFor(config);
    deviceSettingsOf(config);
  }

  /** The proxy of a stored session, for the fetches made on its behalf (file.url, link previews). */
  async proxyOf(name: string): Promise<ProxySettings | undefined> {
    return this.proxyFor((await this.require(name)).config);
  }

  async create(request: { name: string; config: SessionConfig; start: boolean }): Promise<SessionInfo> {
    this.refuseUnusable(request.config);
    const created = await this.options.store.sessions.create({ name: request.name, config: request.config, enabled: false });
    if (!created) throw unprocessable(`Session '${request.name}' already exists. Use PUT to update it.`);
    return request.start ? this.start(request.name) : this.get(request.name);
  }

  /** WAHA's deprecated `POST /api/sessions/start`: create or update the config, then start. */
  async upsertAndStart(name: string, config: SessionConfig | undefined): Promise<SessionInfo> {
    if (this.running.has(name)) throw unprocessable(`Session '${name}' is already started.`);
    if (config) this.refuseUnusable(config);
    const exists = (await this.options.store.sessions.get(name)) !== undefined;
    if (!exists) await this.options.store.sessions.create({ name, config: config ?? {}, enabled: false });
    else if (config) await this.options.store.sessions.update(name, { config });
    return this.start(name);
  }

  /** Replaces the config; a running session restarts so the new config takes effect. */
  async update(name: string, config: SessionConfig): Promise<SessionInfo> {
    await this.require(name);
    this.refuseUnusable(config);
    await this.options.store.sessions.update(name, { config });
    if (this.running.has(name)) return this.restart(name);
    return this.get(name);
  }

  /** Idempotent, as WAHA's: deleting a session that does not exist (any more) succeeds. */
  async delete(name: string): Promise<void> {
    if (!(await this.options.store.sessions.get(name)) && !this.running.has(name)) return;
    await this.serialized(name, async () => {
      const session = this.running.get(name);
      if (session) {
        this.running.delete(name);
        // Unlink the device so the phone's list of linked devices does not keep a dead entry.
        await session.engine.logout();
      }
      await this.options.store.sessions.delete(name);
      await this.options.mediaStorage.deleteSession(name);
      this.lastKnownAccount.delete(name);
    });
  }

  async start(name: string): Promise<SessionInfo> {
    await this.require(name);
    await this.serialized(name, async () => {
      if (this.running.has(name)) return;
      await this.options.store.sessions.update(name, { enabled: true });
      await this.launch(name);
    });
    return this.get(name);
  }

  async stop(name: string): Promise<SessionInfo> {
    await this.require(name);
    await this.serialized(name, async () => {
      await this.options.store.sessions.update(name, { enabled: false });
      await this.halt(name);
    });
    return this.get(name);
  }

  async restart(name: string): Promise<SessionInfo> {
    await this.require(name);
    await this.serialized(name, async () => {
      await this.halt(name);
      await this.options.store.sessions.update(name, { enabled: true });
      await this.launch(name);
    });
    return this.get(name);
  }

  /** Forgets the linked account; a running session starts over and shows a new QR. */
  async logout(name: string): Promise<SessionInfo> {
    await this.require(name);
    await this.serialized(name, async () => {
      const session = this.running.get(name);
      this.lastKnownAccount.delete(name);
      if (!session) {
        await this.options.store.authState.clear(name);
        return;
      }
      this.running.delete(name);
      await session.engine.logout();
      await this.launch(name);
    });
    return this.get(name);
  }

  async me(name: string): Promise<AccountInfo | null> {
    await this.require(name);
    return this.running.get(name)?.me ?? this.lastKnownAccount.get(name) ?? null;
  }

  /** The QR value to scan; only while the session waits for a scan. */
  async qr(name: string): Promise<string> {
    const session = await this.requireStatus(name, ['SCAN_QR_CODE']);
    if (!session.qr) throw unprocessable(`Session '${name}' has no QR code yet`);
    return session.qr;
  }

  async requestPairingCode(name: string, phoneNumber: string): Promise<string> {
    const session = await this.requireStatus(name, ['SCAN_QR_CODE']);
    return session.engine.requestPairingCode(phoneNumber);
  }

  /** The engine of a WORKING session, for feature services (messaging, groups...). */
  async workingEngine(name: string): Promise<Engine> {
    return (await this.requireStatus(name, ['WORKING'])).engine;
  }

  /** Resolves when the session reaches one of the statuses (or rejects after the timeout). */
  async waitForStatus(name: string, statuses: SessionStatus[], timeoutMs: number): Promise<SessionStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = this.running.get(name)?.status ?? 'STOPPED';
      if (statuses.includes(status)) return status;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`session '${name}' stayed ${status}, expected ${statuses.join('|')}`);
      const session = this.running.get(name);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(remaining, 250));
        function done() {
          clearTimeout(timer);
          session?.statusWaiters.delete(done);
          resolve();
        }
        session?.statusWaiters.add(done);
      });
    }
  }

  /**
   * Starts, in the background, every session that was running when the server last stopped. A few
   * at a time, each given until it is WORKING (or needs a scan, or failed) before the next starts:
   * started all at once, 500 handshakes interleave on one event loop, none is WORKING before nearly
   * all are, and the slowest pass Baileys' connect timeout and start over.
   */
  restore(): void {
    this.restoring = (async () => {
      const queue = (await this.options.store.sessions.list()).filter((session) => session.enabled).map((session) => session.name);
      for (const name of queue) this.awaitingRestore.add(name);
      const worker = async () => {
        for (let name = queue.shift(); name !== undefined && !this.closing; name = queue.shift()) {
          const session = name;
          try {
            // The user may have started (or deleted) it through the API meanwhile.
            await this.serialized(session, async () => {
              try {
                if (!this.running.has(session) && (await this.options.store.sessions.get(session))?.enabled) await this.launch(session);
              } finally {
                this.awaitingRestore.delete(session);
              }
            });
            await this.waitForStatus(session, ['WORKING', 'SCAN_QR_CODE', 'FAILED', 'STOPPED'], RESTORE_SLOT_TIMEOUT_MS).catch(() => undefined);
          } catch (error) {
            this.options.logger.error({ err: error, session }, 'could not restore session');
          }
        }
      };
      await Promise.all(Array.from({ length: RESTORE_CONCURRENCY }, worker));
      this.awaitingRestore.clear();
    })().catch((error: unknown) => this.options.logger.error({ err: error }, 'could not restore sessions'));
  }

  /** Stops every engine without changing what the user asked for, so the next boot restores them. */
  async shutdown(): Promise<void> {
    this.closing = true;
    const haltAll = () => Promise.all([...this.running.keys()].map((name) => this.serialized(name, () => this.halt(name))));
    await haltAll();
    // A restore slot may have launched one more meanwhile; once it has seen the flag, halt that too.
    await this.restoring;
    await haltAll();
  }


  private async launch(name: string): Promise<void> {
    this.endpoint ??= resolveEndpoint(this.options.config).catch((error: unknown) => {
      this.endpoint = undefined;
      throw error;
    });
    const endpoint = await this.endpoint;
    const stored = await this.require(name);
    const proxy = this.proxyFor(stored.config);
    const ignore = ignoreSettingsOf(stored.config);
    const session: RunningSession = {
      engine: undefined as unknown as Engine,
      status: 'STARTING',
      qr: undefined,
      me: this.lastKnownAccount.get(name) ?? null,
      failure: undefined,
      history: [],
      statusWaiters: new Set(),
      metadata: metadataOf(stored.config),
    };
    session.engine = this.engineFactory({
      session: name,
      authState: this.options.store.authState,
      endpoint,
      // config.debug: this session logs at debug level whatever the server's level is.
      logger: stored.config.debug === true ? this.options.logger.child({}, { level: 'debug' }) : this.options.logger,
      ...(proxy ? { proxy } : {}),
      device: deviceSettingsOf(stored.config),
      media: {
        save: async (messageId, data, mimetype, filename) => {
          const file = await this.options.mediaStorage.save(name, messageId, data, mimetype, filename);
          return `${this.options.publicUrl()}/api/files/${encodeURIComponent(name)}/${encodeURIComponent(file)}`;
        },
      },
      listener: {
        status: (status, reason) => this.onStatus(name, session, status, reason),
        qr: (value) => {
          session.qr = value;
          void this.qrPrinter.print(name, value).catch((error: unknown) => this.options.logger.warn({ err: error, session: name }, 'could not print the QR'));
        },
        account: (account) => {
          session.me = account;
          this.lastKnownAccount.set(name, account);
        },
        event: async (event, payload) => {
          if (isIgnored(ignore, event, payload)) return;
          await this.options.bus.publish(name, event, withoutIgnoredHistory(ignore, event, payload), this.eventMe(session), session.metadata);
        },
      },
    });
    this.running.set(name, session);
    this.onStatus(name, session, 'STARTING');
    await session.engine.start();
  }

  private async halt(name: string): Promise<void> {
    const session = this.running.get(name);
    if (!session) return;
    this.running.delete(name);
    await session.engine.stop();
    this.onStatus(name, session, 'STOPPED');
  }

  private onStatus(name: string, session: RunningSession, status: SessionStatus, reason?: string): void {
    if (status !== 'SCAN_QR_CODE') session.qr = undefined;
    // A reason stays until the session gets through (a retry announces itself without one).
    if (status === 'FAILED' || reason !== undefined) session.failure = reason;
    else if (status === 'WORKING' || status === 'SCAN_QR_CODE') session.failure = undefined;
    const previous = session.history.at(-1)?.status;
    session.status = status;
    for (const wake of [...session.statusWaiters]) wake();
    if (previous === status) return;
    session.history.push({ status, timestamp: Date.now() });
    session.history.splice(0, session.history.length - STATUS_HISTORY_LENGTH);
    if (status === 'FAILED') this.options.logger.warn({ session: name, reason }, 'session failed');
    this.options.bus
      .publish(name, 'session.status', { name, status, statuses: [...session.history] }, this.eventMe(session), session.metadata)
      .catch((error: unknown) => this.options.logger.error({ err: error, session: name, status }, 'could not record a session status event'));
  }

  private eventMe(session: RunningSession): EventMe | null {
    return session.me ? { ...session.me } : null;
  }

  private describe(stored: StoredSession): SessionInfo {
    const session = this.running.get(stored.name);
    return {
      name: stored.name,
      // Waiting for a restore slot is starting, as far as the user can tell.
      status: session?.status ?? (stored.enabled && this.awaitingRestore.has(stored.name) ? 'STARTING' : 'STOPPED'),
      config: stored.config,
      me: session?.me ?? this.lastKnownAccount.get(stored.name) ?? null,
      engine: { engine: 'NOWEB' },
      presence: null,
      timestamps: { activity: session?.history.at(-1)?.timestamp ?? null },
      ...(session?.failure ? { failure: session.failure } : {}),
    };
  }

  private async require(name: string): Promise<StoredSession> {
    const stored = await this.options.store.sessions.get(name);
    if (!stored) throw notFound(`Session '${name}' does not exist`);
    return stored;
  }

  private async requireStatus(name: string, expected: SessionStatus[]): Promise<RunningSession> {
    await this.require(name);
    const session = this.running.get(name);
    const status = session?.status ?? 'STOPPED';
    if (!session || !expected.includes(status)) {
      const failure = session?.failure ? ` (${session.failure})` : '';
      // WAHA's 422 names the session, its status and the statuses the call needs; clients read them.
      throw new AppError(422, `Session status is not as expected: '${name}' is ${status}${failure}, expected ${expected.join(' or ')}`, { session: name, status, expected });
    }
    return session;
  }

  private serialized<T>(name: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.then(operation, operation);
    const settled = next.catch(() => undefined);
    this.queues.set(name, settled);
    void settled.then(() => {
      if (this.queues.get(name) === settled) this.queues.delete(name);
    });
    return next;
  }
}
