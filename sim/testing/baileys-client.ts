// A plain Baileys client against a running simulator, with its auth state in memory: what the
// simulator's own tests (and virtual contacts) use to play a WhatsApp user.
import makeWASocket, { BufferJSON, DisconnectReason, initAuthCreds, proto, WA_CERT_DETAILS } from 'baileys';
import type { AuthenticationCreds, ConnectionState, SignalDataSet, SignalDataTypeMap, WAMessage, WASocket } from 'baileys';
import pino from 'pino';
import { mediaTrust, type MediaTrust } from '../../src/engine/baileys/media-trust.ts';

export interface SimulatorEndpoint {
  wsUrl: string;
  rootPublicKey: Uint8Array;
  /** The media host's certificate; without it the client cannot send or fetch media. */
  tlsCertificate?: string;
}

/** What a client's auth state is saved as: creds and Signal keys, as JSON (Buffers as BufferJSON). */
export interface StoredAuth {
  creds?: string;
  keys: Record<string, string>;
}

/**
 * Auth state that survives reconnects of the same client (creds and keys kept as JSON). Backed by a
 * `StoredAuth` record when one is given (the simulator's state file keeps virtual contacts' auth
 * there, so that they log in again after a restart); `onChange` is told of every write.
 */
export class MemoryAuth {
  creds: AuthenticationCreds;
  private readonly stored: StoredAuth;

  constructor(
    stored?: StoredAuth,
    private readonly onChange: () => void = () => {},
  ) {
    this.stored = stored ?? { keys: {} };
    this.creds = this.stored.creds ? (JSON.parse(this.stored.creds, BufferJSON.reviver) as AuthenticationCreds) : initAuthCreds();
  }

  /** The record this auth lives in (creds written into it first). */
  get record(): StoredAuth {
    this.stored.creds = JSON.stringify(this.creds, BufferJSON.replacer);
    return this.stored;
  }

  /** Creds changed (Baileys updates them in place or by `creds.update`). */
  credsChanged(): void {
    this.stored.creds = JSON.stringify(this.creds, BufferJSON.replacer);
    this.onChange();
  }

  get state() {
    const keys = this.stored.keys;
    return {
      creds: this.creds,
      keys: {
        get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
          const found: { [id: string]: SignalDataTypeMap[T] } = {};
          for (const id of ids) {
            const text = keys[`${type}/${id}`];
            if (text === undefined) continue;
            let value: unknown = JSON.parse(text, BufferJSON.reviver);
            if (type === 'app-state-sync-key') value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
            found[id] = value as SignalDataTypeMap[T];
          }
          return found;
        },
        set: async (data: SignalDataSet) => {
          for (const [type, entries] of Object.entries(data)) {
            for (const [id, value] of Object.entries(entries ?? {})) {
              if (value === null || value === undefined) delete keys[`${type}/${id}`];
              else keys[`${type}/${id}`] = JSON.stringify(value, BufferJSON.replacer);
            }
          }
          this.onChange();
        },
      },
    };
  }
}

export interface ClientOptions {
  endpoint: SimulatorEndpoint;
  auth?: MemoryAuth;
  /** Called with each QR; return nothing and let the test scan, or scan here. */
  onQr?: (qr: string) => void | Promise<void>;
  logLevel?: string;
}

export class SimClient {
  socket: WASocket | undefined;
  readonly auth: MemoryAuth;
  readonly received: WAMessage[] = [];
  readonly statusUpdates: Array<{ id: string; status: number }> = [];
  /** Called on every status change of a message this client sent. */
  onStatus: ((id: string, status: number) => void) | undefined;
  private stopped = false;
  private openWaiters: Array<() => void> = [];
  lastClose: number | undefined;
  readonly media: MediaTrust | undefined;

  constructor(private readonly options: ClientOptions) {
    this.auth = options.auth ?? new MemoryAuth();
    this.media = options.endpoint.tlsCertificate ? mediaTrust(options.endpoint.tlsCertificate) : undefined;
  }

  get jid(): string {
    const id = this.socket?.user?.id ?? this.auth.creds.me?.id ?? '';
    return `${id.split(':')[0]?.split('@')[0] ?? ''}@s.whatsapp.net`;
  }

  get phone(): string {
    return this.jid.split('@')[0] ?? '';
  }

  /** Connects and resolves once the connection is open (pairing first if the client is new). */
  async connect(timeoutMs = 15_000): Promise<void> {
    this.stopped = false;
    const opened = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('client did not reach open in time')), timeoutMs);
      this.openWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.open();
    await opened;
  }

  private open(): void {
    WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(this.options.endpoint.rootPublicKey);
    const socket = makeWASocket({
      waWebSocketUrl: this.options.endpoint.wsUrl,
      auth: this.auth.state,
      logger: pino({ level: this.options.logLevel ?? 'silent' }),
      markOnlineOnConnect: false,
      shouldSyncHistoryMessage: () => false,
      ...(this.media ? { fetchAgent: this.media.uploadAgent } : {}),
      getMessage: async (key) => this.received.find((message) => message.key?.id === key.id)?.message ?? undefined,
    });
    this.socket = socket;
    socket.ev.on('creds.update', (update) => {
      Object.assign(this.auth.creds, update);
      this.auth.credsChanged();
    });
    socket.ev.on('messages.upsert', ({ messages }) => this.received.push(...messages));
    socket.ev.on('messages.update', (updates) => {
      for (const { key, update } of updates) {
        if (typeof update.status !== 'number' || !key.id) continue;
        this.statusUpdates.push({ id: key.id, status: update.status });
        this.onStatus?.(key.id, update.status);
      }
    });
    // In groups, Baileys reports each member's receipt on its own instead of as a message status:
    // a read (or played) receipt from anyone counts as the message's best status, as the phone shows it.
    socket.ev.on('message-receipt.update', (updates) => {
      for (const { key, receipt } of updates) {
        if (!key.id) continue;
        const status = receipt.playedTimestamp ? 5 : receipt.readTimestamp ? 4 : receipt.receiptTimestamp ? 3 : undefined;
        if (status === undefined) continue;
        this.statusUpdates.push({ id: key.id, status });
        this.onStatus?.(key.id, status);
      }
    });
    socket.ev.on('connection.update', (update: Partial<ConnectionState>) => {
      if (socket !== this.socket) return;
      if (update.qr && this.options.onQr) void this.options.onQr(update.qr);
      if (update.connection === 'open') for (const wake of this.openWaiters.splice(0)) wake();
      if (update.connection === 'close') {
        const code = (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
        this.lastClose = code;
        // A connection replaced by another login of this device stays closed, as WhatsApp Web does.
        if (this.stopped || code === DisconnectReason.loggedOut || code === DisconnectReason.connectionReplaced) return;
        setTimeout(() => this.open(), code === DisconnectReason.restartRequired ? 0 : 100);
      }
    });
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.socket?.end(undefined);
    this.socket = undefined;
  }
}
