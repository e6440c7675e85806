// The fetch limits and address policy for file.url, as configured, in the shape the media code takes.
import type { Config } from '../config.ts';
import type { FetchPolicy } from './fetch-file.ts';

export type MediaUrlSettings = Pick<Config, 'allowPrivateMediaUrls' | 'mediaUrlAllowlist' | 'mediaUrlTimeoutMs' | 'mediaUrlMaxBytes'>;

export function fileUrlPolicy(config: MediaUrlSettings): FetchPolicy {
  return {
    allowPrivate: config.allowPrivateMediaUrls,
    allowlist: config.mediaUrlAllowlist,
    totalTimeoutMs: config.mediaUrlTimeoutMs,
    maxBytes: config.mediaUrlMaxBytes,
  };
}
