// Who gets an event: the global webhook (WHATSAPP_HOOK_URL) and each matching webhook in the
// session's config. Unknown event names in a config are ignored, as WAHA does.
import type { WebhookDefaults } from '../config.ts';
import type { EventName } from '../events/bus.ts';
import type { SinkKind } from './sinks/sink.ts';
import { asRecord as record } from '../runtime/as-record.ts';

export type RetryPolicy = 'constant' | 'linear' | 'exponential';

export interface Receiver {
  /** A webhook's URL, or a broker sink's target (`rabbitmq:<exchange>`, see sinks/sink.ts). */
  url: string;
  /** Set for a broker sink; a webhook has none (rows written before sinks existed have none either). */
  kind?: SinkKind;
  events: string[];
  hmacKey: string | null;
  retries: { policy: RetryPolicy; delaySeconds: number; attempts: number; maxDelaySeconds?: number };
  customHeaders: Array<{ name: string; value: string }>;
}

export const DEFAULT_RETRIES = { policy: 'exponential' as RetryPolicy, delaySeconds: 2, attempts: 15 };
const MAX_DELAY_SECONDS = 3600;

/** A session config webhook entry (already schema-validated when stored) → a receiver. */
export function receiverFromConfig(entry: unknown): Receiver | undefined {
  const webhook = record(entry);
  if (typeof webhook.url !== 'string' || !Array.isArray(webhook.events)) return undefined;
  const hmac = record(webhook.hmac);
  const retries = record(webhook.retries);
  const policy = retries.policy === 'constant' || retries.policy === 'linear' || retries.policy === 'exponential' ? retries.policy : DEFAULT_RETRIES.policy;
  return {
    url: webhook.url,
    events: webhook.events.filter((event): event is string => typeof event === 'string'),
    hmacKey: typeof hmac.key === 'string' && hmac.key ? hmac.key : null,
    retries: {
      policy,
      delaySeconds: typeof retries.delaySeconds === 'number' ? retries.delaySeconds : DEFAULT_RETRIES.delaySeconds,
      attempts: typeof retries.attempts === 'number' ? retries.attempts : DEFAULT_RETRIES.attempts,
    },
    customHeaders: Array.isArray(webhook.customHeaders)
      ? webhook.customHeaders.map(record).filter((header) => typeof header.name === 'string' && typeof header.value === 'string').map((header) => ({ name: String(header.name), value: String(header.value) }))
      : [],
  };
}

export function receiverFromDefaults(defaults: WebhookDefaults): Receiver {
  return { url: defaults.url, events: defaults.events, hmacKey: defaults.hmacKey ?? null, retries: DEFAULT_RETRIES, customHeaders: [] };
}

/** `sinks`: the broker sinks' receivers (sinks/index.ts), which take events of every session. */
export function receiversFor(event: EventName, sessionConfig: Record<string, unknown> | undefined, defaults: WebhookDefaults | undefined, sinks: Receiver[] = []): Receiver[] {
  const configured = Array.isArray(sessionConfig?.webhooks) ? sessionConfig.webhooks.map(receiverFromConfig).filter((receiver): receiver is Receiver => receiver !== undefined) : [];
  const all = [...(defaults ? [receiverFromDefaults(defaults)] : []), ...configured, ...sinks];
  return all.filter((receiver) => receiver.events.includes('*') || receiver.events.includes(event));
}

/** Seconds before attempt `attempt + 1`, after `attempt` failures. */
export function retryDelaySeconds(retries: Receiver['retries'], attempt: number): number {
  const delay =
    retries.policy === 'constant' ? retries.delaySeconds : retries.policy === 'linear' ? retries.delaySeconds * attempt : retries.delaySeconds * 2 ** (attempt - 1);
  return Math.min(delay, retries.maxDelaySeconds ?? MAX_DELAY_SECONDS);
}
