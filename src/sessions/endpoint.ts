// Where sessions connect. With ZAPD_WA_URL set (the sandbox), the trust root comes from
// ZAPD_WA_ROOT_KEY or, failing that, from the simulator's own admin API next to its WebSocket.
import type { EngineEndpoint } from '../engine/types.ts';

export interface EndpointSettings {
  waUrl?: string;
  waRootKey?: string;
}

function decodeRootKey(base64: string, origin: string): Uint8Array {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error(`${origin} is not a 32-byte Curve25519 public key in base64`);
  return key;
}

/** `ws://127.0.0.1:7700/ws/chat` → `http://127.0.0.1:7700/admin/root-key`. */
export function rootKeyUrl(waUrl: string): string {
  const url = new URL(waUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '/admin/root-key';
  url.search = '';
  return url.toString();
}

export async function resolveEndpoint(settings: EndpointSettings): Promise<EngineEndpoint> {
  if (!settings.waUrl) return {};
  if (settings.waRootKey) return { url: settings.waUrl, rootPublicKey: decodeRootKey(settings.waRootKey, 'ZAPD_WA_ROOT_KEY') };
  const source = rootKeyUrl(settings.waUrl);
  const response = await fetch(source, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`could not fetch the WhatsApp trust root from ${source}: HTTP ${response.status}`);
  const body = (await response.json()) as { publicKey?: unknown; tlsCertificate?: unknown };
  if (typeof body.publicKey !== 'string') throw new Error(`${source} answered without a publicKey`);
  return {
    url: settings.waUrl,
    rootPublicKey: decodeRootKey(body.publicKey, source),
    ...(typeof body.tlsCertificate === 'string' ? { tlsCertificate: body.tlsCertificate } : {}),
  };
}
