// What a client needs to talk to a media host with its own certificate (the simulator's): an https.Agent for uploads and
// an undici dispatcher for downloads, both trusting the simulator's self-signed certificate.
import { Agent as HttpsAgent } from 'node:https';
import { Agent as UndiciAgent } from 'undici';

export interface MediaTrust {
  uploadAgent: HttpsAgent;
  /** Pass as `options` in Baileys' download calls. */
  downloadOptions: RequestInit;
}

export function mediaTrust(certificate: string): MediaTrust {
  const dispatcher = new UndiciAgent({ connect: { ca: certificate } });
  // RequestInit has no `dispatcher` in its DOM typing; Node's fetch reads it anyway.
  const downloadOptions = { dispatcher } as unknown as RequestInit;
  return { uploadAgent: new HttpsAgent({ ca: certificate, keepAlive: true }), downloadOptions };
}
