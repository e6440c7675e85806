// The fetch limits and address policy for file.url, as configured, in the shape the media code takes.
import type { Config } from '../config.ts';
import type { ProxySettings } from '../proxy/settings.ts';
import type { ConnectionPolicy, FetchPolicy } from './fetch-file.ts';

export type MediaUrlSettings = Pick<Config, 'allowPrivateMediaUrls' | 'mediaUrlAllowlist' | 'mediaUrlTimeoutMs' | 'mediaUrlMaxBytes'>;

/** Where fetches made for a session may connect, through the session's proxy when it has one. */
export function connectionPolicy(config: Pick<Config, 'allowPrivateMediaUrls' | 'mediaUrlAllowlist'>, proxy: ProxySettings | undefined): ConnectionPolicy {
  return { allowPrivate: config.allowPrivateMediaUrls, allowlist: config.mediaUrlAllowlist, ...(proxy ? { proxy } : {}) };
}

export function fileUrlPolicy(config: MediaUrlSettings, proxy: ProxySettings | undefined): FetchPolicy {
  return {
    ...connectionPolicy(config, proxy),
    totalTimeoutMs: config.mediaUrlTimeoutMs,
    maxBytes: config.mediaUrlMaxBytes,
  };
}
