// WAHA's config.client (how the linked device presents itself) and config.noweb (what the NOWEB
// engine asks of the phone), read from a session's stored config into the engine's DeviceSettings.
import type { DeviceSettings } from '../engine/types.ts';
import { badRequest } from '../errors.ts';
import { asRecord as record } from '../runtime/as-record.ts';


/** The settings, or a 400 for a value zapd cannot honour (it never accepts one and ignores it). */
export function deviceSettingsOf(config: Record<string, unknown>): DeviceSettings {
  const client = record(config.client);
  const noweb = record(config.noweb);
  const store = record(noweb.store);
  if (store.enabled === false) {
    throw badRequest(
      'config.noweb.store.enabled: false is not supported: zapd always keeps its store, because messages, chats and the durable event outbox live in it (leave it out, or set true)',
    );
  }
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const deviceName = text(client.deviceName);
  const browserName = text(client.browserName);
  return {
    ...(deviceName ? { deviceName } : {}),
    ...(browserName ? { browserName } : {}),
    markOnline: noweb.markOnline !== false,
    fullSync: store.fullSync === true,
  };
}
