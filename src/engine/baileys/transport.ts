// How one session's connections leave zapd: straight to WhatsApp, or all through the session's proxy
// (the WebSocket, media uploads and media downloads alike). With a proxy there is no direct path left
// to fall back on: every agent handed to Baileys tunnels, so a proxy that is down fails loudly.
import type { Agent as HttpsAgent } from 'node:https';
import { proxyAgent, proxyDispatcher } from '../../proxy/agents.ts';
import type { ProxySettings } from '../../proxy/settings.ts';
import { mediaTrust } from './media-trust.ts';

export interface SessionTransport {
  /** Baileys' `agent`: carries the WhatsApp WebSocket. */
  socketAgent?: HttpsAgent;
  /** Baileys' `fetchAgent`: media uploads (node:https). */
  uploadAgent?: HttpsAgent;
  /** `options` for Baileys' media downloads (fetch with an undici dispatcher). */
  downloadOptions?: RequestInit;
}

export function sessionTransport(proxy: ProxySettings | undefined, certificate: string | undefined): SessionTransport {
  if (!proxy) return certificate ? mediaTrust(certificate) : {};
  const tls = certificate ? { ca: certificate } : {};
  // Baileys types its agents as https.Agent; agent-base's Agent is the node:http Agent both modules take.
  const socketAgent = proxyAgent(proxy, { tls }) as unknown as HttpsAgent;
  const uploadAgent = proxyAgent(proxy, { tls, keepAlive: true }) as unknown as HttpsAgent;
  // RequestInit has no `dispatcher` in its DOM typing; Node's fetch reads it anyway.
  const downloadOptions = { dispatcher: proxyDispatcher(proxy, tls) } as unknown as RequestInit;
  return { socketAgent, uploadAgent, downloadOptions };
}
