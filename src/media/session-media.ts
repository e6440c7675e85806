// The URL fetches made on one session's behalf (file.url, link previews), bound to that session's
// proxy, so a route cannot fetch for a proxied session from zapd's own address by mistake.
import type { OutgoingFile } from '../engine/types.ts';
import type { ProxySettings } from '../proxy/settings.ts';
import { generateLinkPreview, type LinkPreview } from './link-preview.ts';
import { connectionPolicy, fileUrlPolicy, type MediaUrlSettings } from './policy.ts';
import { resolveFile, type FileReference } from './resolve-file.ts';

export interface SessionMedia {
  /** WAHA's `file` ({url} or {data}) as bytes to send. */
  file(reference: FileReference, fallbackMimetype: string): Promise<OutgoingFile>;
  linkPreview(text: string, options?: { highQuality?: boolean }): Promise<LinkPreview | undefined>;
}

export function sessionMedia(config: MediaUrlSettings, proxy: ProxySettings | undefined): SessionMedia {
  return {
    file: (reference, fallbackMimetype) => resolveFile(reference, { urlPolicy: fileUrlPolicy(config, proxy), fallbackMimetype }),
    linkPreview: (text, options) => generateLinkPreview(text, connectionPolicy(config, proxy), options),
  };
}
